import { describe, expect, it } from "vitest";
import { stripInlineCode } from "../../../src/core/markdown/inline-code.js";

describe("stripInlineCode", () => {
  it.each([
    ["a `b` c", "a   c"],
    ["a ``b ` c`` d", "a   d"],
    ["a `b`` c", "a `b`` c"],
    ["`a` `b`", "   "],
    ["no code", "no code"],
    ["``` x ```", " "],
  ])("%j → %j", (text, expected) => {
    expect(stripInlineCode(text)).toBe(expected);
  });
});
