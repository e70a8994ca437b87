import { describe, expect, it } from "vitest";
import {
  coordinationLine,
  parseCoordinationValue,
  readCoordination,
} from "../../../src/core/investment/coordination.js";
import { unitsToMicros } from "../../../src/core/investment/lines.js";
import { fill, growthRatio, LINEAR_RATIO } from "../../helpers/linear-time.js";

const read = (text: string) =>
  readCoordination({ text, where: "milestone Sprint 12", dayHours: 8 });
const usd = (units: number) => ({ micros: unitsToMicros(units), currency: "USD" });

describe("parseCoordinationValue: time or money", () => {
  it.each([
    ["12h", { kind: "time", minutes: 720 }],
    ["1.5d", { kind: "time", minutes: 720 }],
    ["90 min", { kind: "time", minutes: 90 }],
    ["$1,200", { kind: "money", money: usd(1_200) }],
    ["1200 USD", { kind: "money", money: usd(1_200) }],
    ["USD 1200", { kind: "money", money: usd(1_200) }],
    ["€500", { kind: "money", money: { micros: unitsToMicros(500), currency: "EUR" } }],
    ["$1.2k", { kind: "money", money: usd(1_200) }],
    ["**12h**", { kind: "time", minutes: 720 }],
  ])("%s", (text, coordination) => {
    expect(parseCoordinationValue(text, { dayHours: 8 })).toEqual({ ok: true, coordination });
  });

  it.each([
    ["12", "a bare number: write hours (`12h`) or money with its currency (`$1,200`)"],
    ["soon", "it is neither time nor money (no digits)"],
    ["-3h", "it is negative"],
    ["-$100", "it is negative"],
    ["10000h", "it is over the 2,000 h limit (a typo, or work to split)"],
    ["4-6h", "it is a range; write one number (the best guess)"],
  ])("%s is refused: %s", (text, reason) => {
    expect(parseCoordinationValue(text, { dayHours: 8 })).toEqual({ ok: false, reason });
  });
});

describe("readCoordination: the line in a milestone description or an issue body", () => {
  it("finds the first `Coordination:` line, in any case and markdown shape", () => {
    expect(read("Sprint goals.\n\nCoordination: 12h\nCoordination: 2h")).toEqual({
      coordination: { kind: "time", minutes: 720 },
      line: 3,
      problems: [],
    });
    expect(read("## Value\nWorth: $8,000\n- **coordination:** $1,200\n").coordination).toEqual({
      kind: "money",
      money: usd(1_200),
    });
  });

  it("nothing declared: no line, or only in code and comments", () => {
    expect(read("")).toEqual({ problems: [] });
    expect(read("We coordinate a lot: weekly.")).toEqual({ problems: [] });
    expect(read("```\nCoordination: 12h\n```\n<!-- Coordination: 1h -->")).toEqual({
      problems: [],
    });
  });

  it("an unreadable value is a problem with where, quote and fix", () => {
    expect(read("Plan\nCoordination: lots")).toEqual({
      line: 2,
      problems: [
        {
          code: "investment.invalid-coordination",
          severity: "warning",
          message:
            "`Coordination` is neither a duration nor an amount of money: it is neither time nor money (no digits)",
          fix: "Write a duration such as `Coordination: 12h` (`90m`, `1.5h`, `1h30m` and `2d` work too; a day is 8 h), at most 2,000 h; or an amount with its currency, e.g. `Coordination: $1,200`",
          where: "milestone Sprint 12 line 2",
          quote: "Coordination: lots",
        },
      ],
    });
  });

  it("is linear on 1 MB texts", () => {
    for (const unit of ["coordination note: x\n", "Coordination\n", "```\n", "coordination: "]) {
      expect(
        growthRatio((n) => fill(unit, n), read),
        unit,
      ).toBeLessThan(LINEAR_RATIO);
    }
  });
});

describe("coordinationLine", () => {
  const settings = { hourlyRateMicros: unitsToMicros(100), currency: "USD" };

  it("time is priced by the blended hourly rate; declared", () => {
    expect(
      coordinationLine({
        coordination: { kind: "time", minutes: 720 },
        source: "the milestone's description",
        settings,
      }),
    ).toEqual({
      kind: "coordination",
      basis: "declared",
      minutes: 720,
      amountMicros: unitsToMicros(1_200),
      currency: "USD",
      detail: "declared by `Coordination:` in the milestone's description",
    });
  });

  it("money is taken as written, in its currency", () => {
    expect(
      coordinationLine({
        coordination: { kind: "money", money: { micros: 5n, currency: "EUR" } },
        source: "issue #12",
        settings: { ...settings, hourlyRateMicros: undefined },
      }),
    ).toEqual({
      kind: "coordination",
      basis: "declared",
      amountMicros: 5n,
      currency: "EUR",
      detail: "declared by `Coordination:` in issue #12",
    });
  });
});
