import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { CommitInput } from "../../src/core/commit.js";
import { CHECK_RUN_OUTPUT_LIMIT_BYTES } from "../../src/core/github-limits.js";
import { fitWithin, renderCheckOutput } from "../../src/core/render.js";
import { evaluatePullRequest, type PullRequestInput } from "../../src/core/verdict.js";

const context = {
  repository: { owner: "acme", repo: "shop" },
  currency: "USD",
  valueHeading: "Value",
};

let n = 0;
const commit = (message: string): CommitInput => ({
  sha: (++n).toString(16).padStart(40, "b"),
  message,
  author: { name: "Dev" },
});

function render(overrides: Partial<PullRequestInput>, config = DEFAULT_CONFIG) {
  const pr: PullRequestInput = {
    repository: context.repository,
    body: "## Value\nIssue: #123\nType: defect\nWorth: $8,000\nBudget: $300\n",
    author: "dev",
    labels: [],
    draft: false,
    commits: [commit("Fix\n\nAgent-Cost: 4.20 USD\n")],
    linkedIssues: [],
    ...overrides,
  };
  return renderCheckOutput(evaluatePullRequest({ pr, config }), context);
}

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

describe("renderCheckOutput", () => {
  it("titles the check with spend, worth, ratio and budget use", () => {
    const out = render({});
    expect(out.title).toBe("$4.20 invested · worth $8,000 (1,905×) · 1.4% of budget");
    expect(out.summary).toContain("**Cost and value are both recorded.**");
    expect(out.summary).toContain("| Worth | \\$8,000 | PR |");
    expect(out.summary).toContain("| Issue | #123 | PR |");
    expect(out.text).toContain("### Commits");
  });

  it("titles a missing value statement and shows the section to paste as a code block", () => {
    const out = render({ body: "No value here." });
    expect(out.title.startsWith("Value statement missing or incomplete · $4.20 invested")).toBe(
      true,
    );
    expect(out.summary).toContain("**This PR needs attention before it can pass.**");
    expect(out.summary).toMatch(/\n {4}```markdown\n {4}## Value\n {4}Issue: #/);
  });

  it("says when no agent spend was recorded", () => {
    const out = render({ commits: [commit("Plain change\n")] });
    expect(out.title).toBe("No investment recorded · worth $8,000 · 0.0% of budget");
    expect(out.summary).toContain("these commits record no agent work");
  });

  it("marks over budget in the title", () => {
    const out = render({ commits: [commit("A\n\nAgent-Cost: 450 USD\n")] });
    expect(out.title).toBe("$450.00 invested · worth $8,000 (18×) · 150% of budget (over)");
    expect(out.summary).toContain("Investment is over budget (150% of it; counted: agents)");
  });

  it("explains a skipped PR and how to have it evaluated", () => {
    const out = render({ labels: ["skip-cost-value"] });
    expect(out.title).toBe('Skipped: the PR has the label "skip-cost-value"');
    expect(out.summary).toContain("Remove the label");
    expect(out.text).toBe("");
  });

  it("neutralises mentions, back-links, HTML and table breakers from untrusted input", () => {
    const evil =
      "@octocat <!-- cost-value --> other/repo#1 https://evil.example/x | `` ` `` <img src=x>";
    const out = render({
      commits: [
        commit(`A\n\nAgent: ${evil}\nAgent-Cost: 1 USD\nAgent-Usage: ${evil} input=1\n`),
        commit(`B\n\nAgent-Cost: ${evil}\n`),
      ],
      body: `## Value\nIssue: #1\nType: defect\nWorth: $10\nWhy now: ${evil}\n`,
    });
    // code spans render literally on GitHub (no mentions, links or HTML), so look outside them
    const outsideCode = (md: string) => md.replace(/(`+)(?:(?!\1).)+?\1/g, "");
    for (const part of [out.title, out.summary, out.text].map(outsideCode)) {
      expect(part).not.toMatch(/@octocat/);
      expect(part).not.toMatch(/<img|<!--/);
      expect(part).not.toMatch(/repo#1/);
      expect(part).not.toMatch(/https:\/\/evil/);
    }
    // every table row keeps its column count
    for (const line of `${out.summary}\n${out.text}`.split("\n")) {
      if (!line.startsWith("| ")) continue;
      const cells = line.replace(/\\\|/g, "").split("|").length;
      expect([5, 6, 7, 8].includes(cells), line).toBe(true);
    }
  });

  it("links same-repository issues and escapes other repositories' references", () => {
    const out = render({
      body: "## Value\nIssue: other/lib#9\nType: defect\nWorth: $10\n",
    });
    expect(out.summary).toContain("other/lib#\u200B9");
  });

  it("stays within GitHub's output limits on a 5,000-commit PR and says what it cut", () => {
    const commits = Array.from({ length: 5000 }, (_, i) =>
      commit(
        `C${i}\n\nAgent: claude-code-${i}\nAgent-Cost: oops-${"x".repeat(60)}\nAgent-Usage: vendor/model-${i} input=1000\n`,
      ),
    );
    const out = render({ commits });
    expect(bytes(out.summary)).toBeLessThanOrEqual(CHECK_RUN_OUTPUT_LIMIT_BYTES);
    expect(bytes(out.text)).toBeLessThanOrEqual(CHECK_RUN_OUTPUT_LIMIT_BYTES);
    expect(out.text).toMatch(/more commits not shown|cut here/);
    expect(out.summary).toContain("more (see the details below)");
  });
});

describe("fitWithin", () => {
  it("keeps text that fits and cuts at a line boundary otherwise", () => {
    expect(fitWithin("short", 100)).toBe("short");
    const cut = fitWithin(`${"line\n".repeat(100)}end`, 200);
    expect(bytes(cut)).toBeLessThanOrEqual(200);
    expect(cut).toContain("cut here");
  });

  it("closes a code block it cuts in half and never splits a character", () => {
    const text = `intro\n\`\`\`\n${"code line ✓\n".repeat(100)}\`\`\`\nafter`;
    const cut = fitWithin(text, 500);
    expect(bytes(cut)).toBeLessThanOrEqual(500);
    expect(cut.match(/```/g)).toHaveLength(2);
    const oneLine = fitWithin("✓".repeat(1000), 100);
    expect(oneLine).not.toContain("\uFFFD");
    expect(bytes(oneLine)).toBeLessThanOrEqual(100);
  });
});

describe("renderCheckOutput: unknown cost is never $0", () => {
  const unreadable = () => commit("Fix\n\nAgent-Cost: a lot\n");
  const unpriced = () => commit("Fix\n\nAgent-Usage: acme/no-such-model input=1000 output=10\n");

  it("says 'cost unknown for N commits' when no cost trailer could be read or priced", () => {
    const out = render({ commits: [unreadable(), unpriced()] });
    expect(out.title).toBe("Cost unknown for 2 commits · worth $8,000");
    expect(out.title).not.toContain("$0.00");
    expect(out.summary).toContain("| **Total** | unknown |");
    expect(out.summary).toContain("| 0 of 2 |");
    expect(out.summary).toContain(
      "| Cost unknown (trailers unreadable or unpriced) | unknown |  | 2 of 2 |",
    );
    expect(out.text).toContain("| unknown |");
    expect(out.summary).toContain("| unnamed agent | unknown | 2 | 0 |");
    expect(out.summary).toContain(
      "| Budget used | unknown (the cost of 2 commits is unknown; budget \\$300.00); investment: no priced line |",
    );
    expect(out.summary).not.toContain("$0.00");
  });

  it("counts only commits whose cost was read, and names the unknown ones in the title", () => {
    const out = render({
      commits: [
        commit("A\n\nAgent-Cost: 4.20 USD\n"),
        unreadable(),
        unpriced(),
        commit("Plain\n"),
        commit("Foreign\n\nAgent-Cost: 3 EUR\n"),
      ],
    });
    expect(out.title).toBe(
      "$4.20 invested · agent cost unknown for 2 commits · worth $8,000 (1,905×) · 1.4% of budget",
    );
    expect(out.summary).toContain("| 2 of 5 |");
    expect(out.summary).toContain(
      "| Budget used | 1.4% (\\$4.20 + unknown of \\$300.00); investment: agents |",
    );
  });
});
