import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatHours,
  MAX_DURATION_MINUTES,
  minutesToHours,
  parseDuration,
  readDuration,
} from "../../../src/core/investment/duration.js";
import { fill, growthRatio, LINEAR_RATIO } from "../../helpers/linear-time.js";

const eight = { dayHours: 8 };

describe("parseDuration: what people write", () => {
  it.each<[string, number]>([
    ["6h", 360],
    ["90m", 90],
    ["1.5h", 90],
    ["2d", 960],
    ["1h30m", 90],
    ["1h 30m", 90],
    ["1h30", 90],
    ["1:30", 90],
    ["0:45", 45],
    ["45 min", 45],
    ["45mins", 45],
    ["2 hours", 120],
    ["1 hour", 60],
    ["3 hrs", 180],
    ["1 day", 480],
    ["1d 2h 3m", 603],
    ["2 hours and 15 minutes", 135],
    ["1h, 30m", 90],
    ["6H", 360],
    ["~6h", 360],
    ["≈ 6h", 360],
    ["about 2 hrs", 120],
    ["approx. 3h", 180],
    ["6h (pairing)", 360],
    ["6h.", 360],
    ["  6h  ", 360],
    [".5h", 30],
    ["0.25h", 15],
    ["1.33h", 80],
    ["0h", 0],
    ["0m", 0],
    ["0.001h", 1],
    ["2000h", MAX_DURATION_MINUTES],
  ])("%s → %i minutes", (text, minutes) => {
    expect(parseDuration(text, eight)).toEqual({ ok: true, minutes });
  });

  it("a day is `dayHours` long", () => {
    expect(parseDuration("2d", { dayHours: 6 })).toEqual({ ok: true, minutes: 720 });
    expect(parseDuration("1d", { dayHours: 7.5 })).toEqual({ ok: true, minutes: 450 });
  });
});

describe("parseDuration: what it refuses, and why", () => {
  it.each<[string, string]>([
    ["", "it is empty"],
    ["   ", "it is empty"],
    ["soon", "it does not start with a number"],
    ["TBD", "it does not start with a number"],
    ["-3h", "it is negative"],
    ["−3h", "it is negative"],
    ["10000h", "it is over the 2,000 h limit (a typo, or work to split)"],
    ["2000h 1m", "it is over the 2,000 h limit (a typo, or work to split)"],
    ["251d", "it is over the 2,000 h limit (a typo, or work to split)"],
    ["6", "it has no unit (write `h` for hours or `m` for minutes)"],
    ["1h 30m 15", "a number has no unit"],
    ["1,5h", "write decimals with a point (`1.5h`), not a comma"],
    ["4-6h", "it is a range; write one number (the best guess)"],
    ["4 – 6 h", "it is a range; write one number (the best guess)"],
    ["3 to 4 h", "it is a range; write one number (the best guess)"],
    ["2w", "weeks are calendar time, not effort; write days or hours"],
    ["1 month", "months are calendar time, not effort; write days or hours"],
    ["90s", "seconds are finer than the minutes counted; write minutes"],
    ["6 parsecs", "`parsecs` is not a unit of time"],
    ["30m 1h", "give days, hours and minutes once each, in that order"],
    ["1h 2h", "give days, hours and minutes once each, in that order"],
    ["6 hours of work", "unexpected `of work` after the duration"],
    ["1:75", "minutes after `:` must be under 60"],
    ["६h", "it does not start with a number"],
    [`${"1".repeat(61)}h`, "it is too long to be a duration"],
  ])("%j: %s", (text, reason) => {
    expect(parseDuration(text, eight)).toEqual({ ok: false, reason });
  });

  it("never throws and never gives a negative, fractional or over-limit result", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const result = parseDuration(text, eight);
        if (result.ok) {
          expect(Number.isInteger(result.minutes)).toBe(true);
          expect(result.minutes).toBeGreaterThanOrEqual(0);
          expect(result.minutes).toBeLessThanOrEqual(MAX_DURATION_MINUTES);
        } else {
          expect(result.reason).not.toBe("");
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("reads back what formatHours writes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_DURATION_MINUTES }), (minutes) => {
        const text = formatHours(minutes).replace(",", "").replace(" min", "m").replace(" h", "h");
        const back = parseDuration(text, eight);
        expect(back.ok).toBe(true);
        // hours are shown with two decimals: within 0.6 minute
        if (back.ok) expect(Math.abs(back.minutes - minutes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe("formatHours and minutesToHours", () => {
  it.each<[number, string]>([
    [0, "0 h"],
    [1, "1 min"],
    [45, "45 min"],
    [60, "1 h"],
    [90, "1.5 h"],
    [80, "1.33 h"],
    [360, "6 h"],
    [72_000, "1,200 h"],
  ])("%i minutes → %s", (minutes, text) => {
    expect(formatHours(minutes)).toBe(text);
  });

  it("gives decimal hours with two decimals for JSON", () => {
    expect(minutesToHours(90)).toBe(1.5);
    expect(minutesToHours(80)).toBe(1.33);
    expect(minutesToHours(0)).toBe(0);
  });
});

describe("readDuration", () => {
  it("turns a refusal into a problem with where, quote and fix", () => {
    expect(
      readDuration({
        text: "soon",
        options: eight,
        code: "x.bad",
        label: "Effort",
        example: "Effort: 6h",
        where: "PR body line 3",
      }),
    ).toEqual({
      ok: false,
      problem: {
        code: "x.bad",
        severity: "error",
        message: "Effort is not a duration: it does not start with a number",
        fix: "Write a duration such as `Effort: 6h` (`90m`, `1.5h`, `1h30m` and `2d` work too; a day is 8 h), at most 2,000 h",
        where: "PR body line 3",
        quote: "soon",
      },
    });
  });
});

describe("linear time on 1 MB", () => {
  it.each<[string, (size: number) => string, boolean]>([
    ["digits", (n) => `${fill("1", n)}h`, false],
    ["blanks around", (n) => `${fill(" ", n / 2)}6h${fill(" ", n / 2)}`, true],
    ["repeated parts", (n) => fill("1h", n), false],
    ["tildes", (n) => fill("~", n), false],
  ])("%s", (_name, make, ok) => {
    expect(parseDuration(make(1_000_000), eight).ok).toBe(ok);
    expect(growthRatio(make, (text) => parseDuration(text, eight))).toBeLessThan(LINEAR_RATIO);
  });
});
