import { describe, expect, it } from "vitest";
import {
  isDigit,
  isLetter,
  isSpaceOrTab,
  leadingSpaces,
  runLength,
} from "../../../src/core/markdown/chars.js";

describe("character tests", () => {
  it("isDigit and isLetter are ASCII only", () => {
    expect(["0", "9", "a", "/", ":", "٣", undefined].map(isDigit)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(["a", "Z", "@", "[", "`", "{", "é", undefined].map(isLetter)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("isSpaceOrTab does not count a no-break space or a line break", () => {
    expect([" ", "\t", "\u00A0", "\n", undefined].map(isSpaceOrTab)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("leadingSpaces and runLength count from where they are told", () => {
    expect(leadingSpaces(" \t x ")).toBe(3);
    expect(leadingSpaces("")).toBe(0);
    expect(runLength("a```b", 1, "`")).toBe(3);
    expect(runLength("a```b", 0, "`")).toBe(0);
    expect(runLength("``", 2, "`")).toBe(0);
  });
});
