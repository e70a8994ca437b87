/**
 * GitHub's REST ids as decimal strings (github-id.ts): exact at any size up to PostgreSQL's
 * bigint, whatever form they arrive in (number, bigint, digit string), and nothing that may have
 * lost digits or is not an id. (test/github/big-ids.test.ts drives such ids through the app.)
 */
import { describe, expect, it } from "vitest";
import { sameGitHubId, toGitHubId } from "../../src/github/github-id.js";

describe("toGitHubId", () => {
  it("takes a positive safe integer, a positive bigint, or a string of digits", () => {
    expect(toGitHubId(1)).toBe("1");
    expect(toGitHubId(30_123_456_789)).toBe("30123456789");
    expect(toGitHubId(Number.MAX_SAFE_INTEGER)).toBe("9007199254740991");
    expect(toGitHubId(9_007_199_254_740_993n)).toBe("9007199254740993");
    expect(toGitHubId("9007199254740993")).toBe("9007199254740993");
  });

  it("goes up to PostgreSQL's bigint (2^63 − 1), not beyond", () => {
    expect(toGitHubId("9223372036854775807")).toBe("9223372036854775807");
    expect(toGitHubId(2n ** 63n - 1n)).toBe("9223372036854775807");
    expect(toGitHubId("9223372036854775808")).toBeUndefined();
    expect(toGitHubId(2n ** 63n)).toBeUndefined();
    expect(toGitHubId("99999999999999999999")).toBeUndefined();
  });

  it.each([
    ["GraphQL's null", null],
    ["nothing", undefined],
    ["zero", 0],
    ["a negative number", -1],
    ["a fraction", 1.5],
    ["a number that may be rounded (2^53)", 2 ** 53],
    ["NaN", Number.NaN],
    ["zero as text", "0"],
    ["a leading zero", "012"],
    ["an exponent", "1e9"],
    ["a blank", " 1"],
    ["a sign", "+1"],
    ["empty text", ""],
    ["a zero bigint", 0n],
    ["a negative bigint", -5n],
    ["an object", {}],
  ])("refuses %s", (_name, value) => {
    expect(toGitHubId(value)).toBeUndefined();
  });
});

describe("sameGitHubId", () => {
  it("compares ids across their forms", () => {
    expect(sameGitHubId(30_123_456_789, "30123456789")).toBe(true);
    expect(sameGitHubId(9_007_199_254_740_993n, "9007199254740993")).toBe(true);
    expect(sameGitHubId("12", "13")).toBe(false);
  });

  it("never calls two unusable ids the same", () => {
    expect(sameGitHubId(undefined, undefined)).toBe(false);
    expect(sameGitHubId(null, null)).toBe(false);
    expect(sameGitHubId(0, "0")).toBe(false);
  });
});
