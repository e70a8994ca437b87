import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_DURATION_MINUTES } from "../../../src/core/investment/duration.js";
import {
  type CommitTimes,
  estimateEngineering,
} from "../../../src/core/investment/estimate-engineering.js";

const settings = { sessionGapMinutes: 120, firstCommitAllowanceMinutes: 30 };
const at = (hhmm: string, day = "2026-03-02") => `${day}T${hhmm}:00Z`;
const authored = (...times: string[]): CommitTimes[] => times.map((t) => ({ authoredAt: at(t) }));
const estimate = (commits: readonly CommitTimes[], now?: Date) =>
  estimateEngineering({ commits, settings, ...(now !== undefined ? { now } : {}) });

describe("estimateEngineering: git-hours sessions", () => {
  it("no commits: 0, and the detail says there was nothing to estimate from", () => {
    expect(estimate([])).toEqual({
      minutes: 0,
      sessions: 0,
      timed: 0,
      untimed: 0,
      clamped: 0,
      detail: "no commits, so nothing to estimate from",
    });
  });

  it("a single commit: one allowance, and the detail warns that squashed work is underestimated", () => {
    const result = estimate(authored("10:00"));
    expect(result).toMatchObject({ minutes: 30, sessions: 1, timed: 1 });
    expect(result.detail).toContain("one commit gives the allowance alone");
  });

  it("gaps under the session gap count; a longer one starts a new session with its allowance", () => {
    // 09:00 → 10:30 (90 min counts) → 11:15 (45 counts) → 15:00 (3 h 45: new session)
    const result = estimate(authored("09:00", "10:30", "11:15", "15:00"));
    expect(result).toMatchObject({ minutes: 30 + 90 + 45 + 30, sessions: 2, timed: 4 });
  });

  it("a gap of exactly the session gap starts a new session", () => {
    expect(estimate(authored("09:00", "11:00")).minutes).toBe(60);
    expect(estimate(authored("09:00", "10:59")).minutes).toBe(30 + 119);
  });

  it("commits given out of order are sorted first: no negative gap", () => {
    expect(estimate(authored("11:15", "09:00", "10:30")).minutes).toBe(30 + 90 + 45);
  });

  it("duplicate timestamps are a gap of 0", () => {
    expect(estimate(authored("09:00", "09:00", "09:00", "09:20"))).toMatchObject({
      minutes: 50,
      sessions: 1,
    });
  });

  it("a rebase (every committer date the same) uses the author dates", () => {
    const rebased = ["09:00", "10:00", "16:00"].map((t) => ({
      authoredAt: at(t),
      committedAt: at("18:00", "2026-03-05"),
    }));
    expect(estimate(rebased)).toMatchObject({ minutes: 30 + 60 + 30, sessions: 2, clamped: 0 });
  });

  it("clock skew: an author date after its commit date is clamped to the commit date", () => {
    const skewed = [
      { authoredAt: at("09:00"), committedAt: at("09:00") },
      { authoredAt: at("23:00"), committedAt: at("09:40") }, // author clock 13 h ahead
    ];
    expect(estimate(skewed)).toMatchObject({ minutes: 30 + 40, sessions: 1, clamped: 1 });
    expect(estimate(skewed).detail).toContain("1 dates after their commit time or in the future");
  });

  it("clock skew: a date in the future is moved back to now", () => {
    const now = new Date(at("10:00"));
    const future = estimate([...authored("09:30"), { authoredAt: at("12:00", "2027-01-01") }], now);
    expect(future).toMatchObject({ minutes: 30 + 30, sessions: 1, clamped: 1 });
    // without `now`, the 2027 commit is a session of its own
    expect(
      estimate([...authored("09:30"), { authoredAt: at("12:00", "2027-01-01") }]),
    ).toMatchObject({ minutes: 60, sessions: 2, clamped: 0 });
  });

  it("commits without a usable date are left out and counted", () => {
    const result = estimate([
      { authoredAt: "not a date" },
      { authoredAt: null, committedAt: at("09:00") },
      {},
    ]);
    expect(result).toMatchObject({ minutes: 30, timed: 1, untimed: 2 });
    expect(estimate([{}]).detail).toBe(
      "no commit has a usable date, so nothing to estimate from; declare it with `Effort:`",
    );
  });

  it("two people working in parallel are counted once per overlapping gap", () => {
    // A commits at 09:00, 10:00, 11:00; B at 09:30, 10:30. One timeline: 09:00 … 11:00
    const both = authored("09:00", "09:30", "10:00", "10:30", "11:00");
    expect(estimate(both).minutes).toBe(30 + 120);
    expect(estimate(both).detail).toContain("people working in parallel are counted once");
  });

  it("accepts Date objects and uses the settings", () => {
    const commits = [{ authoredAt: new Date(at("09:00")) }, { authoredAt: new Date(at("09:50")) }];
    const long = estimateEngineering({
      commits,
      settings: { sessionGapMinutes: 30, firstCommitAllowanceMinutes: 45 },
    });
    expect(long).toMatchObject({ minutes: 90, sessions: 2 });
    expect(long.detail).toContain("a gap under 30 min between commits counts as work");
  });

  it("is capped at the duration limit", () => {
    // a commit every hour for 100 days
    const start = Date.parse("2026-01-01T00:00:00Z");
    const commits = Array.from({ length: 2_400 }, (_, i) => ({
      authoredAt: new Date(start + i * 3_600_000),
    }));
    const result = estimate(commits);
    expect(result.minutes).toBe(MAX_DURATION_MINUTES);
    expect(result.detail).toContain("capped at 2,000 h");
  });

  it("never negative, never fractional, whatever the dates", () => {
    const date = fc.oneof(
      fc.date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
      fc.constant(null),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ authoredAt: date, committedAt: date }), { maxLength: 40 }),
        (commits) => {
          const result = estimate(commits, new Date("2026-06-01"));
          expect(Number.isInteger(result.minutes)).toBe(true);
          expect(result.minutes).toBeGreaterThanOrEqual(0);
          expect(result.timed + result.untimed).toBe(commits.length);
          if (result.timed > 0) expect(result.minutes).toBeGreaterThanOrEqual(30);
        },
      ),
    );
  });
});
