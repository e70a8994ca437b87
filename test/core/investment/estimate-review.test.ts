import { describe, expect, it } from "vitest";
import {
  estimateReviewMinutes,
  readReviewTime,
  reviewLine,
} from "../../../src/core/investment/estimate-review.js";
import { unitsToMicros } from "../../../src/core/investment/lines.js";
import { fill, growthRatio, LINEAR_RATIO } from "../../helpers/linear-time.js";

const review = { linesPerHour: 300, floorMinutes: 10, capMinutes: 90 };
const read = (body: string) => readReviewTime({ body, where: "review 2", dayHours: 8 });

describe("estimateReviewMinutes: changed lines at the review rate, floored and capped", () => {
  it.each<[number, number]>([
    [0, 10],
    [20, 10], // 4 min → the floor
    [50, 10],
    [100, 20],
    [150, 30],
    [300, 60],
    [450, 90],
    [5_000, 90], // 16.7 h → the cap
    [-5, 10],
    [Number.NaN, 10],
  ])("%i lines → %i min", (lines, minutes) => {
    expect(estimateReviewMinutes(lines, review)).toBe(minutes);
  });

  it("follows the configured rate, floor and cap", () => {
    expect(
      estimateReviewMinutes(300, { linesPerHour: 150, floorMinutes: 0, capMinutes: 240 }),
    ).toBe(120);
    expect(estimateReviewMinutes(1, { linesPerHour: 150, floorMinutes: 0, capMinutes: 240 })).toBe(
      0,
    );
  });
});

describe("readReviewTime: a `Review-Time:` line anywhere in the review body", () => {
  it.each<[string, number]>([
    ["Review-Time: 30m", 30],
    ["LGTM, two nits.\n\nReview-Time: 45m", 45],
    ["Review-Time: 1h\n\nLooks good; see the comments.", 60],
    ["**Review-Time:** 20m", 20],
    ["- review time: 1.5h", 90],
    ["REVIEW_TIME: 25 min", 25],
    ["Review-Time: 30m\nReview-Time: 2h", 30],
  ])("%j → %i min", (body, minutes) => {
    expect(read(body)).toEqual({ minutes });
  });

  it("nothing declared: no line, a line in a code block or an HTML comment, another key", () => {
    expect(read("")).toEqual({});
    expect(read("LGTM")).toEqual({});
    expect(read("```\nReview-Time: 30m\n```")).toEqual({});
    expect(read("<!-- Review-Time: 30m -->")).toEqual({});
    expect(read("Reviewed: 30m of reading")).toEqual({});
  });

  it("an unreadable value is a warning: the review is estimated instead", () => {
    expect(read("Thanks!\n\nReview-Time: a while")).toEqual({
      problem: {
        code: "investment.invalid-review-time",
        severity: "warning",
        message:
          "`Review-Time` is not a duration: it does not start with a number; the review is estimated instead",
        fix: "Write a duration such as `Review-Time: 30m` (`90m`, `1.5h`, `1h30m` and `2d` work too; a day is 8 h), at most 2,000 h",
        where: "review 2 line 3",
        quote: "Review-Time: a while",
      },
    });
  });

  it("is linear on 1 MB bodies", () => {
    for (const unit of ["review: note\n", "Review-Time: x\n", "```\n", "<!--\n", "review "]) {
      expect(
        growthRatio((n) => fill(unit, n), read),
        unit,
      ).toBeLessThan(LINEAR_RATIO);
    }
  });
});

describe("reviewLine", () => {
  const settings = { review, hourlyRateMicros: unitsToMicros(120), currency: "USD" };

  it("no review submitted yet: no line", () => {
    expect(reviewLine({ changedLines: 300, reviewers: [], settings })).toBeUndefined();
  });

  it("estimated per reviewer, all reviewers together, never by name", () => {
    const line = reviewLine({ changedLines: 450, reviewers: [{}, {}], settings });
    expect(line).toEqual({
      kind: "review",
      basis: "estimated",
      minutes: 180,
      amountMicros: unitsToMicros(360),
      currency: "USD",
      detail:
        "2 reviewers estimated at 1.5 h each: 450 changed lines at 300 lines an hour, between 10 min and 1.5 h per reviewer (review speed varies about 3× between reviewers; declare it with `Review-Time: 30m` in the review)",
    });
  });

  it("a declared time wins for its reviewer; any estimated reviewer makes the line estimated", () => {
    const mixed = reviewLine({
      changedLines: 150,
      reviewers: [{ declaredMinutes: 45 }, {}],
      settings,
    });
    expect(mixed).toMatchObject({ basis: "estimated", minutes: 45 + 30 });
    expect(mixed?.detail).toMatch(/^1 reviewer declared with `Review-Time:`; 1 reviewer estimated/);
    const declared = reviewLine({
      changedLines: 150,
      reviewers: [{ declaredMinutes: 45 }, { declaredMinutes: 0 }],
      settings,
    });
    expect(declared).toMatchObject({ basis: "declared", minutes: 45 });
    expect(declared?.detail).toBe("2 reviewers declared with `Review-Time:`");
  });

  it("without an hourly rate: hours, not priced", () => {
    const line = reviewLine({
      changedLines: 10,
      reviewers: [{}],
      settings: { ...settings, hourlyRateMicros: undefined },
    });
    expect(line?.minutes).toBe(10);
    expect(line?.amountMicros).toBeUndefined();
  });
});
