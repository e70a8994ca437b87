import { describe, expect, it } from "vitest";
import {
  addTokens,
  emptyTokens,
  hasTokens,
  MAX_TOKEN_COUNT,
  parseTokenCount,
  tokenFieldByName,
  totalTokens,
} from "../../src/core/tokens.js";

function count(text: string): number | string {
  const r = parseTokenCount(text);
  return r.ok ? r.count : r.reason;
}

describe("parseTokenCount", () => {
  it.each([
    ["120000", 120_000],
    ["0", 0],
    ["120,000", 120_000],
    ["1_000", 1_000],
    ["8k", 8_000],
    ["20K", 20_000],
    ["1.1M", 1_100_000],
    ["2m", 2_000_000],
    ["1.5k", 1_500],
    ["1.234k", 1_234],
    ["0.5M", 500_000],
    [".5k", 500],
    ["1.0", 1],
    ["1.000000M", 1_000_000],
    ["  42  ", 42],
    ["1000000000000", MAX_TOKEN_COUNT],
  ])("%s → %d", (text, expected) => {
    expect(count(text)).toBe(expected);
  });

  it.each([
    ["", "no number"],
    ["-5", "a token count cannot be negative"],
    ["−5", "a token count cannot be negative"],
    ["1.5", "a token count must be a whole number (decimals only with k or M, e.g. 1.5k)"],
    ["1.2345k", "this is not a whole number of tokens"],
    ["1.0000001M", "this is not a whole number of tokens"],
    ["1e5", "exponent notation is not accepted"],
    ["NaN", "not a number"],
    ["Infinity", "not a number"],
    ["४२", "not a number"],
    ["12 k", 'unexpected " k" after the number'],
    ["5kb", 'unexpected "kb" after the number'],
    ["5G", 'unexpected "G" after the number'],
    ["1,", "a misplaced thousands separator"],
    ["1000000000001", "implausibly large"],
    ["2000000M", "implausibly large"],
    ["1".repeat(31), "too long to be a token count"],
  ])("rejects %j", (text, reason) => {
    expect(count(text)).toBe(reason);
  });
});

describe("token counts", () => {
  it("adds every kind", () => {
    const a = { input: 1, output: 2, cacheRead: 3, cacheWrite: 4, cacheWrite1h: 5, unspecified: 6 };
    expect(addTokens(a, a)).toEqual({
      input: 2,
      output: 4,
      cacheRead: 6,
      cacheWrite: 8,
      cacheWrite1h: 10,
      unspecified: 12,
    });
    expect(totalTokens(a)).toBe(21);
    expect(hasTokens(a)).toBe(true);
    expect(hasTokens(emptyTokens())).toBe(false);
  });

  it("finds kinds by their trailer names, case-insensitively, _ as -", () => {
    expect(tokenFieldByName("input")).toBe("input");
    expect(tokenFieldByName("OUTPUT")).toBe("output");
    expect(tokenFieldByName("cache-read")).toBe("cacheRead");
    expect(tokenFieldByName("cache_write")).toBe("cacheWrite");
    expect(tokenFieldByName("Cache-Write-1h")).toBe("cacheWrite1h");
    expect(tokenFieldByName("foo")).toBeUndefined();
    expect(tokenFieldByName("unspecified")).toBeUndefined();
  });
});
