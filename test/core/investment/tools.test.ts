import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unitsToMicros } from "../../../src/core/investment/lines.js";
import {
  DAYS_PER_MONTH,
  inclusiveDays,
  proratedMicros,
  toolsLine,
} from "../../../src/core/investment/tools.js";

describe("inclusiveDays", () => {
  it.each<[string, string, number | undefined]>([
    ["2026-03-01", "2026-03-14", 14],
    ["2026-03-01", "2026-03-01", 1],
    ["2026-03-01T23:59:00Z", "2026-03-02T00:01:00Z", 2],
    ["2026-02-01", "2026-02-28", 28],
    ["2026-01-01", "2026-12-31", 365],
    ["2026-03-14", "2026-03-01", undefined],
    ["someday", "2026-03-01", undefined],
  ])("%s → %s: %s days", (start, end, days) => {
    expect(inclusiveDays(start, end)).toBe(days);
  });
});

describe("proratedMicros", () => {
  it("a month is 365/12 days: a year of days is exactly twelve months' fees", () => {
    expect(DAYS_PER_MONTH).toBeCloseTo(30.4167, 4);
    expect(proratedMicros(unitsToMicros(1_500), 365)).toBe(unitsToMicros(18_000));
    expect(proratedMicros(unitsToMicros(365), 1)).toBe(unitsToMicros(12));
    // $1,500 × 14 × 12 / 365 = $690.410958… → half up at the micro-unit
    expect(proratedMicros(unitsToMicros(1_500), 14)).toBe(690_410_959n);
  });

  it("is exact integer arithmetic, within half a micro-unit of the real share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 3_650 }),
        (monthly, days) => {
          const micros = proratedMicros(BigInt(monthly) * 1_000_000n, days);
          const exact = (BigInt(monthly) * 1_000_000n * BigInt(days) * 12n * 2n) / 365n; // 2 × share
          expect(micros * 2n - exact).toBeLessThanOrEqual(1n);
          expect(exact - micros * 2n).toBeLessThanOrEqual(1n);
        },
      ),
    );
  });
});

describe("toolsLine", () => {
  it("prorates every tool over the milestone's days; declared; the exact sum of the shares", () => {
    const line = toolsLine({
      tools: [
        { name: "Claude Team", monthly: 1_500 },
        { name: "Cursor", monthly: 400 },
      ],
      start: "2026-03-01",
      end: "2026-03-14",
      currency: "USD",
    });
    expect(line).toEqual({
      kind: "tools",
      basis: "declared",
      amountMicros:
        proratedMicros(unitsToMicros(1_500), 14) + proratedMicros(unitsToMicros(400), 14),
      currency: "USD",
      detail:
        "Claude Team ($1,500.00 a month), Cursor ($400.00 a month), declared in `tools` and prorated over 14 days (a month is 365/12 = 30.42 days)",
    });
    expect(line?.amountMicros).toBe(874_520_548n);
  });

  it("no tools, or no readable period: no line", () => {
    expect(toolsLine({ tools: [], start: "2026-03-01", end: "2026-03-14", currency: "USD" })).toBe(
      undefined,
    );
    expect(
      toolsLine({
        tools: [{ name: "X", monthly: 1 }],
        start: "2026-03-14",
        end: "2026-03-01",
        currency: "USD",
      }),
    ).toBeUndefined();
  });
});
