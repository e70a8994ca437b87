import { describe, expect, it } from "vitest";
import {
  CodeUnits,
  decodeUnits,
  isInvisibleControl,
  isWhitespace,
} from "../../../src/core/markdown/code-units.js";

describe("CodeUnits", () => {
  it("grows past its capacity and keeps every unit", () => {
    const out = new CodeUnits(1);
    out.append("hello, ");
    out.push2(0xd83d, 0xde00); // 😀 as a pair
    for (const c of "world") out.push(c.charCodeAt(0));
    expect(out.toString()).toBe("hello, 😀world");
    expect(out.length).toBe(14);
  });

  it("inserts text and moves what follows", () => {
    const out = new CodeUnits(4);
    out.append("ac");
    out.insert(1, "b");
    expect(out.toString()).toBe("abc");
    expect(out.unitAt(2)).toBe(99);
  });

  it("tells a line start (up to three spaces, optionally a list number)", () => {
    const out = new CodeUnits(8);
    out.append("x\n   ");
    expect(out.isLineStart(2, false)).toBe(true);
    out.append("12");
    expect(out.isLineStart(2, false)).toBe(false);
    expect(out.isLineStart(2, true)).toBe(true);
  });
});

describe("decodeUnits", () => {
  it("returns exactly these units, short or long, lone surrogates included", () => {
    const short = Uint16Array.from([0x61, 0xd800, 0x62]);
    expect(decodeUnits(short)).toBe("a\uD800b");
    const long = new Uint16Array(10_000).fill(0x78);
    long[9_999] = 0xdc00;
    expect(decodeUnits(long)).toBe(`${"x".repeat(9_999)}\uDC00`);
  });
});

describe("unit tests", () => {
  it("whitespace is what String.prototype.trim removes", () => {
    const disagree: string[] = [];
    for (let code = 0; code < 0x10000; code++) {
      if (isWhitespace(code) !== (String.fromCharCode(code).trim() === ""))
        disagree.push(`U+${code.toString(16)}`);
    }
    expect(disagree).toEqual([]);
  });

  it("invisible controls: C0 except tab and newlines, DEL, bidi embeddings and isolates", () => {
    expect([0x00, 0x07, 0x7f, 0x202e, 0x2066].every(isInvisibleControl)).toBe(true);
    expect([0x09, 0x0a, 0x0d, 0x20, 0x41, 0x200b].some(isInvisibleControl)).toBe(false);
  });
});
