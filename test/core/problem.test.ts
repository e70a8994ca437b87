/**
 * `quoteInput` (problem.ts): the offending text a problem quotes, on one line and at most `max`
 * characters (an ellipsis when cut), cut before its line breaks are replaced so a megabyte body
 * costs no more than a short one.
 */
import { describe, expect, it } from "vitest";
import { quoteInput } from "../../src/core/problem.js";

describe("quoteInput", () => {
  it("keeps a short one-line text as it is", () => {
    expect(quoteInput("Worth: $5,000")).toBe("Worth: $5,000");
    expect(quoteInput("")).toBe("");
    expect(quoteInput("x".repeat(80))).toBe("x".repeat(80));
  });

  it("puts the text on one line: each run of line breaks becomes one space", () => {
    expect(quoteInput("a\r\n\r\nb\nc\rd")).toBe("a b c d");
  });

  it("cuts at max characters with an ellipsis", () => {
    expect(quoteInput("y".repeat(81))).toBe(`${"y".repeat(80)}…`);
    expect(quoteInput("abcdefghij", 4)).toBe("abcd…");
  });

  it("says it was cut when the text was long, even if its line breaks made it short", () => {
    // 2 × max + 2 characters are read; what follows is cut, so an ellipsis marks it
    const text = `${"a\n".repeat(82)}tail`;
    expect(quoteInput(text, 80)).toBe(`${"a ".repeat(40)}…`);
    const breaks = `a${"\n".repeat(200)}b`;
    expect(quoteInput(breaks, 80)).toBe("a …");
  });
});
