import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatMoney,
  MAX_MONEY_MICROS,
  microsToDecimal,
  parseDecimalMicros,
  parseMoney,
  ratio,
} from "../../src/core/money.js";

function micros(text: string, currency = "USD"): [bigint, string] | string {
  const r = parseMoney(text, currency);
  return r.ok ? [r.money.micros, r.money.currency] : r.reason;
}

describe("parseMoney", () => {
  it.each([
    ["4.20 USD", 4_200_000n, "USD"],
    ["$4.20", 4_200_000n, "USD"],
    ["4.2", 4_200_000n, "USD"],
    ["4.20 usd", 4_200_000n, "USD"],
    ["1,204.50 USD", 1_204_500_000n, "USD"],
    ["USD 4.20", 4_200_000n, "USD"],
    ["US$ 3", 3_000_000n, "USD"],
    ["€5", 5_000_000n, "EUR"],
    ["5 EUR", 5_000_000n, "EUR"],
    ["$8,000", 8_000_000_000n, "USD"],
    ["$8k", 8_000_000_000n, "USD"],
    ["$1.5M", 1_500_000_000_000n, "USD"],
    [".5", 500_000n, "USD"],
    ["0", 0n, "USD"],
    ["0.0000015", 2n, "USD"],
    ["0.0000014", 1n, "USD"],
    ["  7  ", 7_000_000n, "USD"],
  ])("%s", (text, expected, currency) => {
    expect(micros(text)).toEqual([expected, currency]);
  });

  it("uses the default currency for a bare number", () => {
    expect(micros("3", "eur")).toEqual([3_000_000n, "EUR"]);
  });

  it.each([
    ["lots", "no digits"],
    ["-3", "the amount is negative"],
    ["1e400", "exponent notation is not accepted; write the plain amount"],
    ["NaN", "no digits"],
    ["Infinity", "no digits"],
    ["४.२", "no digits"],
    ["", "no amount"],
    ["$", "no amount"],
    ["1,,000", "a misplaced thousands separator"],
    ["1,000,", "a misplaced thousands separator"],
    ["$5 EUR", "two different currencies (USD and EUR)"],
    ["2000000000000", "the amount is implausibly large"],
    ["4.20 dollars and change", 'unexpected "dollars and change" after the number'],
  ])("rejects %j", (text, reason) => {
    expect(micros(text)).toBe(reason);
  });

  it("never throws and never returns a negative or oversized amount", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 100 }), (text) => {
        const r = parseMoney(text, "USD");
        if (r.ok) {
          expect(r.money.micros >= 0n).toBe(true);
          expect(r.money.micros <= MAX_MONEY_MICROS).toBe(true);
        }
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it("round-trips decimals written with up to 6 places", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (value) => {
        const r = parseDecimalMicros(microsToDecimal(value));
        expect(r).toEqual({ ok: true, micros: value });
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});

describe("formatMoney", () => {
  it.each([
    [4_200_000n, "USD", "$4.20"],
    [1_204_500_000n, "USD", "$1,204.50"],
    [8_000_000_000n, "USD", "$8,000.00"],
    [1_234_567_890_000n, "EUR", "€1,234,567.89"],
    [5_000_000n, "CHF", "5.00 CHF"],
    [4_999n, "USD", "<$0.01"],
    [4_999n, "CHF", "<0.01 CHF"],
    [5_000n, "USD", "$0.01"],
    [0n, "USD", "$0.00"],
    [14_625_000n, "USD", "$14.63"],
  ])("%d %s → %s", (value, currency, text) => {
    expect(formatMoney({ micros: value, currency })).toBe(text);
  });

  it("drops .00 on request", () => {
    expect(formatMoney({ micros: 8_000_000_000n, currency: "USD" }, { whole: true })).toBe(
      "$8,000",
    );
    expect(formatMoney({ micros: 8_500_000n, currency: "USD" }, { whole: true })).toBe("$8.50");
  });
});

describe("microsToDecimal and ratio", () => {
  it("prints exact decimals", () => {
    expect(microsToDecimal(4_200_000n)).toBe("4.20");
    expect(microsToDecimal(123n)).toBe("0.000123");
    expect(microsToDecimal(0n)).toBe("0.00");
    expect(microsToDecimal(-1_500_000n)).toBe("-1.50");
  });
  it("computes display ratios without dividing by zero", () => {
    expect(ratio(8_000_000_000n, 14_620_000n)).toBeCloseTo(547.2, 1);
    expect(ratio(1n, 0n)).toBeUndefined();
  });
});
