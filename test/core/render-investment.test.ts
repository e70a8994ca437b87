import { describe, expect, it } from "vitest";
import { type InvestmentLine, investmentTotal } from "../../src/core/investment/lines.js";
import {
  investmentHeadline,
  renderInvestmentTable,
  totalScope,
} from "../../src/core/render-investment.js";

const lines: InvestmentLine[] = [
  {
    kind: "agents",
    basis: "measured",
    amountMicros: 4_290_000n,
    currency: "USD",
    detail: "2 commits",
  },
  {
    kind: "engineering",
    basis: "estimated",
    minutes: 150,
    currency: "USD",
    detail: "from `git` times @dev",
  },
  {
    kind: "ci",
    basis: "measured",
    minutes: 14,
    amountMicros: 84_000n,
    currency: "EUR",
    detail: "3 jobs",
  },
];

describe("the investment table", () => {
  it("shows each line's hours, amount and basis, unpriced hours as such, and the exact total", () => {
    const total = investmentTotal(lines, "USD");
    const md = renderInvestmentTable(lines, total);
    expect(md).toContain("| Agents | — | \\$4.29 | measured | 2 commits |");
    expect(md).toContain("| Engineering | 2.5 h | not priced | estimated |");
    expect(md).toContain("| CI | 14 min | €0.08 (not added) | measured | 3 jobs |");
    expect(md).toContain("| **Total** | 2.73 h | **\\$4.29** |");
    // the detail keeps code as code and breaks mentions
    expect(md).toContain("`git`");
    expect(md).toContain("@\u200Bdev");
  });

  it("says what the total counts and leaves out", () => {
    expect(totalScope(investmentTotal(lines, "USD"))).toBe(
      "counts agents; engineering not priced (set `investment.hourly-rate`); ci in another currency, not added",
    );
  });
});

describe("the title's figure", () => {
  it("is the money invested plus the hours not priced, never a bare $0", () => {
    expect(investmentHeadline(lines, investmentTotal(lines, "USD"))).toBe(
      "$4.29 invested + 2.5 h not priced",
    );
    const onlyHours = lines.slice(1, 2);
    expect(investmentHeadline(onlyHours, investmentTotal(onlyHours, "USD"))).toBe(
      "2.5 h not priced",
    );
    expect(investmentHeadline([], investmentTotal([], "USD"))).toBeUndefined();
  });
});
