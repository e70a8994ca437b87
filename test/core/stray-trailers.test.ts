import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { renderCheckOutput } from "../../src/core/render.js";
import { findStrayCostTrailers } from "../../src/core/stray-trailers.js";
import { parseTrailers } from "../../src/core/trailers.js";
import { evaluatePullRequest } from "../../src/core/verdict.js";

const SHA = "1a2b3c4d5e6f70000000000000000000000000ab";
const find = (message: string, aliases = {}) =>
  findStrayCostTrailers({ message, sha: SHA, aliases });

describe("findStrayCostTrailers", () => {
  it("finds a cost trailer separated from the trailer block by a blank line", () => {
    const message = "Fix\n\nAgent-Cost: 4.20 USD\n\nSigned-off-by: Dev <dev@example.com>\n";
    // git reads only the last paragraph (trailers.ts is compared with git in trailers.oracle.test)
    expect(parseTrailers(message).map((t) => t.key)).toEqual(["Signed-off-by"]);
    const problem = find(message);
    expect(problem).toMatchObject({
      code: "cost.stray-trailer",
      where: "commit 1a2b3c4 line 3",
      quote: "Agent-Cost: 4.20 USD",
    });
    expect(problem?.message).toContain("a blank line (line 4) separates it from the trailer block");
    expect(problem?.fix).toContain("Move it into the message's last paragraph");
  });

  it("finds a cost trailer with prose after it in its paragraph", () => {
    const message = "Fix\n\nAgent-Cost: 4.20 USD\nThanks for reviewing.\n";
    expect(parseTrailers(message)).toEqual([]);
    expect(find(message)?.message).toContain(
      "its paragraph also has text that is not a trailer (line 4)",
    );
  });

  it("finds a cost trailer with a paragraph of prose after it", () => {
    const message = "Fix\n\nAgent-Usage: anthropic/claude-sonnet-4-5 input=10\n\nMore words.\n";
    expect(parseTrailers(message)).toEqual([]);
    expect(find(message)?.message).toContain("text follows it (line 5)");
  });

  it("finds a cost trailer in the title paragraph", () => {
    expect(find("Fix\nAgent-Cost: 1 USD\n")?.message).toContain("first paragraph (the title)");
  });

  it("reports a commit once, counting its other stray lines", () => {
    const problem = find(
      "Fix\n\nAgent-Cost: 1 USD\nAI-Tokens: 100\nprose\n\nSigned-off-by: A <a@b>\n",
    );
    expect(problem?.where).toBe("commit 1a2b3c4 line 3");
    expect(problem?.message).toContain("(and 1 more cost trailer lines)");
  });

  it("knows the config's aliases", () => {
    const message = "Fix\n\nX-Spend: 1 USD\n\nmore\n";
    expect(find(message)).toBeUndefined();
    expect(find(message, { "Agent-Cost": ["X-Spend"] })?.quote).toBe("X-Spend: 1 USD");
  });

  it("leaves trailers git reads, prose that mentions a key, and `Agent:` alone", () => {
    expect(find("Fix\n\nAgent-Cost: 4.20 USD\nAgent: claude-code\n")).toBeUndefined();
    expect(
      find("Prose mentions Agent-Cost: 99 USD in the middle\n\nof the message.\n"),
    ).toBeUndefined();
    expect(find("Fix\n\nAI: a word about it\n\nmore\n")).toBeUndefined();
    expect(find("")).toBeUndefined();
  });
});

describe("the check reports stray cost trailers", () => {
  it("once per commit, with the reason and the fix", () => {
    const verdict = evaluatePullRequest({
      pr: {
        repository: { owner: "acme", repo: "shop" },
        body: "## Value\nIssue: #1\nType: defect\nWorth: $8,000\n",
        author: "dev",
        labels: [],
        draft: false,
        commits: [
          {
            sha: SHA,
            message: "Fix\n\nAgent-Cost: 1 USD\nAgent-Cost: 2 USD\n\nmore\n",
            author: { name: "D" },
          },
          { sha: "f".repeat(40), message: "Fine\n\nAgent-Cost: 3 USD\n", author: { name: "D" } },
        ],
        linkedIssues: [],
      },
      config: DEFAULT_CONFIG,
    });
    if (verdict.conclusion === "skipped") throw new Error("not evaluated");
    const finding = verdict.findings.find((f) => f.kind === "stray-cost-trailers");
    expect(finding?.level).toBe("neutral");
    expect(finding?.summary).toBe(
      "1 commit with a cost trailer git does not read (outside the trailer block)",
    );
    expect(finding?.problems).toHaveLength(1);
    const out = renderCheckOutput(verdict, {
      repository: { owner: "acme", repo: "shop" },
      currency: "USD",
      valueHeading: "Value",
    });
    expect(out.summary).toContain("commit 1a2b3c4 line 3");
    expect(out.summary).toContain("Move it into the message");
  });
});

describe("findStrayCostTrailers never contradicts git", () => {
  const line = fc.constantFrom(
    "",
    "Agent-Cost: 1 USD",
    "ai-usage: m input=1",
    "Agent-Tokens : 100",
    "Signed-off-by: A <a@b>",
    "Co-authored-by: B <b@c>",
    "prose line",
    "  continued",
    "# comment",
    "Agent: claude-code",
    "Agent-Cost: 2 USD\r",
  );
  it("reports only lines git does not read as trailers, and never throws", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const message = `Title\n${lines.join("\n")}`;
        const problem = find(message);
        if (problem === undefined) return;
        const reported = Number(/line (\d+)$/.exec(problem.where ?? "")?.[1]);
        expect(parseTrailers(message).map((t) => t.line)).not.toContain(reported);
      }),
      { numRuns: 500 },
    );
  });
});

describe("findStrayCostTrailers on 1 MB messages", () => {
  it("stays linear", () => {
    for (const message of [
      `T\n\n${"Agent-Cost: 1 USD\n\n".repeat(50_000)}`,
      `T\n\n${"Agent-Cost: 1 USD\n".repeat(50_000)}prose\n`,
      `T\n\n${"a".repeat(1_000_000)}`,
      `T\n\n${"\n".repeat(1_000_000)}Agent-Cost: 1 USD\n\nx`,
    ]) {
      const started = performance.now();
      find(message);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });
});
