/** verdictToJson: money as decimal strings under `amount`, never a float; JSON-safe throughout. */
import { describe, expect, it } from "vitest";
import type { Verdict } from "../../src/core/verdict.js";
import { verdictToJson } from "../../src/core/verdict-json.js";

/** Shapes beyond the Verdict type exercise the converter's branches. */
const asVerdict = (value: unknown): Verdict => value as Verdict;

describe("verdictToJson", () => {
  it("turns a skipped verdict into the same plain object", () => {
    const verdict: Verdict = {
      conclusion: "skipped",
      reason: "it has no commits",
      fix: "push a commit",
      commitCount: 0,
    };
    expect(verdictToJson(verdict)).toEqual({
      conclusion: "skipped",
      reason: "it has no commits",
      fix: "push a commit",
      commitCount: 0,
    });
  });

  it("renames `micros` to `amount` and writes bigint money as a decimal string", () => {
    const json = verdictToJson(
      asVerdict({ totals: { cost: { micros: 4_200_000n, currency: "USD" } } }),
    );
    expect(json).toEqual({ totals: { cost: { amount: "4.20", currency: "USD" } } });
  });

  it("keeps sub-cent and negative amounts exact", () => {
    const json = verdictToJson(asVerdict({ a: { micros: 1_234_567n }, b: { micros: -50_000n } }));
    expect(json).toEqual({ a: { amount: "1.234567" }, b: { amount: "-0.05" } });
    expect(JSON.stringify(json)).toBe('{"a":{"amount":"1.234567"},"b":{"amount":"-0.05"}}');
  });

  it("converts inside arrays and drops undefined keys", () => {
    const json = verdictToJson(
      asVerdict({ commits: [{ sha: "abc", cost: { micros: 10_000n }, note: undefined }] }),
    );
    expect(json).toEqual({ commits: [{ sha: "abc", cost: { amount: "0.01" } }] });
    expect(Object.keys((json as { commits: object[] }).commits[0] ?? {})).toEqual(["sha", "cost"]);
  });

  it("writes non-finite numbers and null as null, keeps booleans and finite numbers", () => {
    const json = verdictToJson(
      asVerdict({
        ratio: Number.POSITIVE_INFINITY,
        nan: Number.NaN,
        none: null,
        draft: true,
        pct: 12.5,
      }),
    );
    expect(json).toEqual({ ratio: null, nan: null, none: null, draft: true, pct: 12.5 });
  });

  it("writes values JSON cannot hold (a function, a symbol) as null", () => {
    const json = verdictToJson(asVerdict({ f: () => 1, s: Symbol("x") }));
    expect(json).toEqual({ f: null, s: null });
  });
});
