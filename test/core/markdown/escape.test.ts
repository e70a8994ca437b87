import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeInline, escapeShort, table } from "../../../src/core/markdown/escape.js";

const ZWSP = "\u200B";

describe("escapeInline", () => {
  it("breaks @mentions, issue references and autolinks", () => {
    expect(escapeInline("@octocat")).toBe(`@${ZWSP}octocat`);
    expect(escapeInline("fixes #12")).toBe(`fixes #${ZWSP}12`);
    expect(escapeInline("other/repo#12")).toBe(`other/repo#${ZWSP}12`);
    expect(escapeInline("https://github.com/o/r/issues/1")).toBe(
      `https:${ZWSP}//github.com/o/r/issues/1`,
    );
  });

  it("cannot form HTML, comments or our markers", () => {
    const out = escapeInline("<!-- cost-value:rollup --><img src=x onerror=alert(1)>");
    expect(out).not.toContain("<");
    expect(out).not.toContain(">");
    expect(out).toContain("&lt;!-- cost-value:rollup --&gt;");
  });

  it("keeps table cells whole and text on one line", () => {
    const out = escapeInline("a | b\nc\r\nd");
    expect(out).toBe("a \\| b c d");
    expect(out).not.toMatch(/(^|[^\\])\|/);
  });

  it("escapes emphasis, links, code, math and entities", () => {
    expect(escapeInline("**b** [x](y) `c` $1$ &amp;")).toBe(
      "\\*\\*b\\*\\* \\[x\\](y) \\`c\\` \\$1\\$ &amp;amp;",
    );
  });

  it("escapes block markers only where they open a block: at the start", () => {
    expect(escapeInline("- item")).toBe("\\- item");
    expect(escapeInline("  + item")).toBe("  \\+ item");
    expect(escapeInline("===")).toBe("\\===");
    expect(escapeInline("12. item")).toBe("12\\. item");
    expect(escapeInline("3) item")).toBe("3\\) item");
    expect(escapeInline("agent-assisted, v1.2 (ok)!")).toBe("agent-assisted, v1.2 (ok)!");
  });

  it("drops bidi overrides and control characters", () => {
    expect(escapeInline("a\u202Eb\u0000c\u2066d")).toBe("abcd");
  });

  it("never lets untrusted text open a mention, tag, pipe or newline (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        const out = escapeInline(text);
        expect(out).not.toMatch(/[<>\n\r]/);
        expect(out).not.toMatch(/@[A-Za-z0-9]/);
        expect(out).not.toMatch(/#[0-9]/);
        expect(out).not.toMatch(/(^|[^\\])\|/);
        expect(out).not.toMatch(/(^|[^\\])`/);
      }),
      { numRuns: 3000, seed: 1 },
    );
  });

  it("handles 1 MB in linear time", () => {
    const big = "@#<|`*".repeat(175_000);
    const started = performance.now();
    const out = escapeInline(big);
    const ms = performance.now() - started;
    expect(out.length).toBeGreaterThan(big.length);
    expect(ms).toBeLessThan(1000);
  });
});

describe("escapeShort", () => {
  it("cuts long text before escaping and marks the cut", () => {
    expect(escapeShort("x".repeat(100), 10)).toBe(`${"x".repeat(10)}…`);
    expect(escapeShort("@a", 10)).toBe(`@${ZWSP}a`);
  });
});

describe("table", () => {
  it("aligns numbers right", () => {
    expect(table(["model", "cost"], [["a", "$1.00"]])).toBe(
      "| model | cost |\n| --- | --: |\n| a | $1.00 |",
    );
  });
});
