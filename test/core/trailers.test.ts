/**
 * The trailer parser's rules, spelled out case by case (the oracle test checks the same against
 * git on thousands of messages; these say what the rules are and run without git).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findTrailerBlock, parseTrailers } from "../../src/core/trailers.js";

const pairs = (message: string): [string, string][] =>
  parseTrailers(message).map((t) => [t.key, t.value]);

describe("parseTrailers", () => {
  it("reads the last paragraph when every line is a trailer", () => {
    expect(pairs("Title\n\nBody text.\n\nAgent-Cost: 4.20 USD\nAgent-Model: claude\n")).toEqual([
      ["Agent-Cost", "4.20 USD"],
      ["Agent-Model", "claude"],
    ]);
  });

  it("never reads the title paragraph", () => {
    expect(pairs("Agent-Cost: 4.20 USD\n")).toEqual([]);
    expect(pairs("Agent-Cost: 4.20 USD\nKey: v\n")).toEqual([]);
  });

  it("ignores trailer-like lines in the middle of a message", () => {
    expect(pairs("Title\n\nAgent-Cost: 9 USD\n\nJust prose.\n")).toEqual([]);
  });

  it("needs a git-generated trailer and 25% trailers when other lines are mixed in", () => {
    const mixed = "Title\n\nprose\nprose\nprose\nSigned-off-by: A <a@x>\nKey: v\n";
    expect(pairs(mixed)).toEqual([
      ["Signed-off-by", "A <a@x>"],
      ["Key", "v"],
    ]);
    // 1 trailer for 4 other lines is under 25%
    expect(pairs("Title\n\nprose\nprose\nprose\nprose\nSigned-off-by: A <a@x>\n")).toEqual([]);
    // without a git-generated trailer, one prose line disqualifies the paragraph
    expect(pairs("Title\n\nprose\nKey: v\nOther: w\n")).toEqual([]);
    // the recognised prefixes are case-sensitive and need their space
    expect(pairs("Title\n\nprose\nsigned-off-by: A\n")).toEqual([]);
  });

  it("counts (cherry picked from commit …) as git-generated without printing it", () => {
    expect(pairs("Title\n\nprose\n(cherry picked from commit abc)\nKey: v\n")).toEqual([
      ["Key", "v"],
    ]);
  });

  it("joins continuation lines with one space", () => {
    expect(pairs("T\n\nKey: first\n  second\n\tthird\nNext: x")).toEqual([
      ["Key", "first second third"],
      ["Next", "x"],
    ]);
  });

  it("skips comment lines and stops at the scissors line", () => {
    expect(pairs("T\n\nKey: v\n# a comment\nOther: w\n")).toEqual([
      ["Key", "v"],
      ["Other", "w"],
    ]);
    const scissors = "# ------------------------ >8 ------------------------\n";
    expect(pairs(`T\n\nKey: v\n${scissors}diff --git a b\n`)).toEqual([["Key", "v"]]);
  });

  it("accepts ':' as the only separator, blanks before it, keys as written", () => {
    expect(pairs("T\n\nKey=value\n")).toEqual([]);
    expect(pairs("T\n\nkEy \t: spaced  \n")).toEqual([["kEy", "spaced"]]);
    expect(pairs("T\n\nhttps://example.com\n")).toEqual([["https", "//example.com"]]);
    expect(pairs("T\n\nTwo words: no\n")).toEqual([]);
    expect(pairs("T\n\n: no key\n")).toEqual([]);
  });

  it("treats --- as text (no patch divider) and stops at a NUL byte like git", () => {
    expect(pairs("T\n\n---\n\nKey: v\n")).toEqual([["Key", "v"]]);
    expect(pairs("T\n\nKey: v\0\n\nOther: w\n")).toEqual([["Key", "v"]]);
  });

  it("gives the line each trailer starts on", () => {
    const trailers = parseTrailers("Title\n\nBody\n\nA: 1\nB: 2\n  more\nC: 3\n");
    expect(trailers.map((t) => [t.key, t.line])).toEqual([
      ["A", 5],
      ["B", 6],
      ["C", 8],
    ]);
  });

  it("reports where the block is", () => {
    const message = "Title\n\nA: 1\n\n# comment\n";
    const block = findTrailerBlock(message);
    expect(message.slice(block.start, block.end)).toBe("A: 1\n");
    expect(findTrailerBlock("Title only\n")).toEqual({ start: 11, end: 11 });
  });

  it("returns a result for any input and never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (s) => {
        const trailers = parseTrailers(s);
        for (const t of trailers) {
          expect(t.key).toMatch(/^[A-Za-z0-9-]+$/);
          expect(t.value).not.toContain("\n");
          expect(t.line).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("stays linear on 1 MB adversarial messages (guard against quadratic blow-ups)", () => {
    // Speed is measured by `npm run bench`; this only catches a regression by orders of
    // magnitude (a quadratic parser needs minutes here), so it cannot flake on a slow machine.
    const mb = 1024 * 1024;
    const inputs = [
      `T\n\n${"a".repeat(mb)}: v`,
      `T\n\n${"Key: value\n".repeat(mb / 11)}`,
      `T\n\nKey: v\n${" x\n".repeat(mb / 3)}`,
      `T\n\nA: b${"\n".repeat(mb)}`,
      `T\n\nKey${" ".repeat(mb)}x`,
      `${"\n".repeat(mb)}`,
      `T\n\n${"Signed-off-by: x\nprose\n".repeat(mb / 23)}`,
    ];
    for (const input of inputs) {
      const started = performance.now();
      parseTrailers(input);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
