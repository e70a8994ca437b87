import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/config/schema.js";
import { inlineCode } from "../../../src/core/markdown/code.js";
import { escapeInline } from "../../../src/core/markdown/escape.js";
import { inlineToText, markdownToText } from "../../../src/core/markdown/to-text.js";
import { renderCheckOutput } from "../../../src/core/render.js";
import { evaluatePullRequest } from "../../../src/core/verdict.js";

const plain = { color: false };

describe("markdownToText", () => {
  it("gives back untrusted text as written: no escapes, entities or zero-width spaces", () => {
    const hostile =
      "Costs \\$8,000 ~40 *not bold* _x_ @dev #12 <b>&amp; owner/repo#3 https://x.y www.z.com | GH-4 `tick";
    const text = inlineToText(escapeInline(hostile), plain);
    expect(text).toBe(hostile);
    expect(text).not.toContain("\u200b");
  });

  it("keeps code spans as code (backticks in prose, bare in tables, cyan with colour)", () => {
    expect(inlineToText(`Write ${inlineCode("Agent-Cost: 4.20 USD")} in it`, plain)).toBe(
      "Write `Agent-Cost: 4.20 USD` in it",
    );
    expect(inlineToText(inlineCode("a ` b"), plain)).toBe("``a ` b``");
    expect(inlineToText(inlineCode("abc"), { color: false, inTable: true })).toBe("abc");
    expect(inlineToText(inlineCode("abc"), { color: true })).toBe("\u001b[36mabc\u001b[39m");
  });

  it("drops terminal control characters, C1 included", () => {
    expect(inlineToText(`x\u009b31m ${inlineCode("a\u009bb\u001b")}`, plain)).toBe("x31m `ab`");
    expect(markdownToText("```\nA\u001b[2Jb\n```", plain)).toBe("A[2Jb");
  });

  it("turns the check's markdown into text a terminal shows: headings, bold, tables, code blocks", () => {
    const verdict = evaluatePullRequest({
      pr: {
        repository: { owner: "acme", repo: "shop" },
        body: "No value yet.",
        author: "dev",
        labels: [],
        draft: false,
        commits: [
          {
            sha: "a".repeat(40),
            message: "Fix\n\nAgent-Cost: 4.20 USD\n",
            author: { name: "Dev" },
          },
        ],
        linkedIssues: [],
      },
      config: DEFAULT_CONFIG,
    });
    const context = {
      repository: { owner: "acme", repo: "shop" },
      currency: "USD",
      valueHeading: "Value",
    };
    const output = renderCheckOutput(verdict, context);
    const summary = markdownToText(output.summary, plain);
    expect(output.summary).toContain("\\$4.20");
    expect(summary).not.toMatch(/\\[$~*_`|#]|\*\*|\u200b|&lt;|```/);
    expect(summary).toContain("This PR needs attention before it can pass.");
    expect(summary).toContain("Fix: ");
    expect(summary).toContain("\nAgent cost\n──────────\n");
    expect(summary).toMatch(/\n {4}## Value\n {4}Issue: #/); // the block to paste, as it is
    expect(summary).toMatch(/\n {8}cost {2}tokens {2}commits with cost\n─+ {2}─+/);
    expect(summary).toMatch(/\nTotal {2}\$4\.20 {7}— {13}1 of 1\n/);
    const coloured = markdownToText(output.summary, { color: true });
    expect(coloured).toContain("\u001b[1;4mAgent cost\u001b[22;24m");
    expect(coloured).toContain("\u001b[1mFix:\u001b[22m");
  });
});

describe("markdownToText on large hostile text", () => {
  // a quadratic pass would take minutes on these; the renderer's own output is at most 65 kB
  it("stays linear: backtick runs of every length, cells, escapes", () => {
    let runs = "";
    for (let n = 1; runs.length < 500_000; n++) runs += `${"`".repeat(n)}x`;
    const inputs = [
      runs,
      `| ${"a | `b` | \\| ".repeat(15_000)}|`,
      "\\*&amp;\u200b".repeat(120_000),
      "```\n".repeat(250_000),
    ];
    for (const input of inputs) {
      const started = performance.now();
      markdownToText(input, { color: true });
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });
});
