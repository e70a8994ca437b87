import { describe, expect, it } from "vitest";
import type { RollupInvestment } from "../../src/core/rollup.js";
import { renderInvestmentByKind } from "../../src/core/rollup-investment.js";

const money = (micros: bigint) => `$${(Number(micros) / 1e6).toFixed(2)}`;
const chart = (micros: bigint) => (Number(micros) / 1e6).toFixed(2);

describe("the rollup's investment by kind", () => {
  it("is absent before any PR has lines", () => {
    expect(renderInvestmentByKind([], money, chart)).toBeUndefined();
  });

  it("sums each kind over its bases, charts the priced ones and splits the total by basis", () => {
    const rows: RollupInvestment[] = [
      { kind: "agents", basis: "measured", minutes: 0, amount: 10_000_000n, pullRequests: 3 },
      {
        kind: "engineering",
        basis: "declared",
        minutes: 360,
        amount: 60_000_000n,
        pullRequests: 1,
      },
      {
        kind: "engineering",
        basis: "estimated",
        minutes: 180,
        amount: 30_000_000n,
        pullRequests: 2,
      },
      { kind: "ci", basis: "measured", minutes: 3, amount: 18_000n, pullRequests: 1 },
    ];
    const md = renderInvestmentByKind(rows, money, chart) ?? "";
    expect(md).toContain(
      'pie showData title Investment by kind\n  "Agents" : 10.00\n  "Engineering" : 90.00\n  "CI" : 0.02',
    );
    expect(md).toContain("| Engineering | 9 h | $90.00 | 89.9% | 2 |");
    expect(md).toContain("| CI | 3 min | $0.02 | <0.1% | 1 |");
    expect(md).toContain(
      "Of the $100.02 in investment lines: 10% measured, 59.9% declared, 29.9% estimated.",
    );
  });

  it("says which hours are not priced, never as $0", () => {
    const rows: RollupInvestment[] = [
      { kind: "agents", basis: "measured", minutes: 0, amount: 5_000_000n, pullRequests: 1 },
      { kind: "review", basis: "estimated", minutes: 90, pullRequests: 2 },
    ];
    const md = renderInvestmentByKind(rows, money, chart) ?? "";
    expect(md).toContain("| Review | 1.5 h | not priced | — | 2 |");
    expect(md).not.toContain('"Review"');
    expect(md).toContain("Hours of review are not priced: set `investment.hourly-rate`");
  });
});
