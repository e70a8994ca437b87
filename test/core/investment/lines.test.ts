import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  INVESTMENT_BASES,
  INVESTMENT_KINDS,
  type InvestmentLine,
  investmentJson,
  investmentTotal,
  priceMinutes,
  timeLine,
  unitsToMicros,
  valueToInvestment,
  weakerBasis,
} from "../../../src/core/investment/lines.js";

const usd = (units: number) => unitsToMicros(units);

describe("timeLine: hours priced by one blended rate", () => {
  it("prices minutes at the hourly rate, rounded half up to a micro-unit", () => {
    expect(priceMinutes(90, usd(100))).toBe(usd(150));
    expect(priceMinutes(1, usd(100))).toBe(1_666_667n); // 1.6666665 → half up
    expect(priceMinutes(0, usd(100))).toBe(0n);
    const line = timeLine({
      kind: "engineering",
      basis: "declared",
      minutes: 360,
      hourlyRateMicros: usd(95),
      currency: "USD",
      detail: "declared by the PR's `Effort:` line",
    });
    expect(line).toEqual({
      kind: "engineering",
      basis: "declared",
      minutes: 360,
      amountMicros: usd(570),
      currency: "USD",
      detail: "declared by the PR's `Effort:` line",
    });
  });

  it("without a rate: hours and no amount (never 0), and the detail says how to price them", () => {
    const line = timeLine({
      kind: "review",
      basis: "estimated",
      minutes: 30,
      hourlyRateMicros: undefined,
      currency: "USD",
      detail: "estimated",
    });
    expect(line.amountMicros).toBeUndefined();
    expect("amountMicros" in line).toBe(false);
    expect(line.minutes).toBe(30);
    expect(line.detail).toBe(
      "estimated; not priced: set `investment.hourly-rate` in `.github/cost-value.yml` to price hours",
    );
  });
});

describe("weakerBasis", () => {
  it("a line made of a declared and an estimated part is estimated", () => {
    expect(weakerBasis("declared", "estimated")).toBe("estimated");
    expect(weakerBasis("measured", "declared")).toBe("declared");
    expect(weakerBasis("measured", "measured")).toBe("measured");
  });
});

const lineArbitrary: fc.Arbitrary<InvestmentLine> = fc.record(
  {
    kind: fc.constantFrom(...INVESTMENT_KINDS),
    basis: fc.constantFrom(...INVESTMENT_BASES),
    minutes: fc.integer({ min: 0, max: 120_000 }),
    amountMicros: fc.bigInt({ min: 0n, max: 10n ** 18n }),
    currency: fc.constantFrom("USD", "USD", "USD", "EUR"),
    detail: fc.constant("d"),
  },
  { requiredKeys: ["kind", "basis", "currency", "detail"] },
);

describe("investmentTotal", () => {
  it("is the exact integer sum of the priced lines in its currency, split by basis", () => {
    fc.assert(
      fc.property(fc.array(lineArbitrary, { maxLength: 30 }), (lines) => {
        const total = investmentTotal(lines, "usd");
        let expected = 0n;
        for (const line of lines) {
          if (line.amountMicros !== undefined && line.currency === "USD") {
            expected += line.amountMicros;
          }
        }
        expect(total.totalMicros).toBe(expected);
        expect(total.byBasis.measured + total.byBasis.declared + total.byBasis.estimated).toBe(
          expected,
        );
        expect(total.currency).toBe("USD");
        for (const kind of total.includes) {
          expect(
            lines.some(
              (l) => l.kind === kind && l.amountMicros !== undefined && l.currency === "USD",
            ),
          ).toBe(true);
        }
      }),
    );
  });

  it("says which kinds it includes, which have hours but no money, which are foreign", () => {
    const lines: InvestmentLine[] = [
      { kind: "agents", basis: "measured", amountMicros: 1_470_000n, currency: "USD", detail: "" },
      { kind: "engineering", basis: "estimated", minutes: 240, currency: "USD", detail: "" },
      { kind: "review", basis: "estimated", minutes: 0, currency: "USD", detail: "" },
      {
        kind: "ci",
        basis: "measured",
        minutes: 12,
        amountMicros: 72_000n,
        currency: "USD",
        detail: "",
      },
      {
        kind: "coordination",
        basis: "declared",
        amountMicros: usd(100),
        currency: "EUR",
        detail: "",
      },
    ];
    expect(investmentTotal(lines, "USD")).toEqual({
      totalMicros: 1_542_000n,
      currency: "USD",
      includes: ["agents", "ci"],
      unpriced: ["engineering"],
      foreign: ["coordination"],
      byBasis: { measured: 1_542_000n, declared: 0n, estimated: 0n },
    });
  });

  it("of no lines is 0, including nothing", () => {
    expect(investmentTotal([], "USD")).toMatchObject({
      totalMicros: 0n,
      includes: [],
      unpriced: [],
    });
  });
});

describe("valueToInvestment", () => {
  const total = investmentTotal(
    [
      {
        kind: "engineering",
        basis: "declared",
        amountMicros: usd(600),
        currency: "USD",
        detail: "",
      },
    ],
    "USD",
  );

  it("is worth ÷ total", () => {
    expect(valueToInvestment({ micros: usd(8_000), currency: "USD" }, total)).toBeCloseTo(
      13.333333,
    );
  });

  it("is undefined when nothing is priced or the currencies differ", () => {
    expect(valueToInvestment({ micros: usd(8_000), currency: "EUR" }, total)).toBeUndefined();
    expect(
      valueToInvestment({ micros: usd(8_000), currency: "USD" }, investmentTotal([], "USD")),
    ).toBeUndefined();
  });
});

describe("investmentJson", () => {
  it("gives money as decimal strings, hours as decimal numbers, null when not priced", () => {
    const lines: InvestmentLine[] = [
      {
        kind: "agents",
        basis: "measured",
        amountMicros: 1_470_000n,
        currency: "USD",
        detail: "agent tokens",
      },
      {
        kind: "engineering",
        basis: "estimated",
        minutes: 80,
        currency: "USD",
        detail: "estimated; not priced",
      },
      {
        kind: "ci",
        basis: "measured",
        minutes: 90,
        amountMicros: 540_000n,
        currency: "USD",
        detail: "ci",
      },
      {
        kind: "coordination",
        basis: "declared",
        amountMicros: usd(100),
        currency: "EUR",
        detail: "declared",
      },
    ];
    expect(investmentJson(lines, "USD")).toEqual({
      total: "2.01",
      currency: "USD",
      includes: ["agents", "ci"],
      unpriced: ["engineering"],
      foreign: ["coordination"],
      byBasis: { measured: "2.01", declared: "0.00", estimated: "0.00" },
      lines: [
        { kind: "agents", basis: "measured", hours: null, amount: "1.47", detail: "agent tokens" },
        {
          kind: "engineering",
          basis: "estimated",
          hours: 1.33,
          amount: null,
          detail: "estimated; not priced",
        },
        { kind: "ci", basis: "measured", hours: 1.5, amount: "0.54", detail: "ci" },
        {
          kind: "coordination",
          basis: "declared",
          hours: null,
          amount: "100.00",
          currency: "EUR",
          detail: "declared",
        },
      ],
    });
  });

  it("survives JSON.stringify (no bigint left)", () => {
    const json = investmentJson(
      [{ kind: "tools", basis: "declared", amountMicros: 123n, currency: "USD", detail: "" }],
      "USD",
    );
    expect(JSON.parse(JSON.stringify(json)).total).toBe("0.000123");
  });
});
