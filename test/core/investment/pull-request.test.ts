import { describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/schema.js";
import {
  agentsLine,
  ciLineOf,
  ciRateMicros,
  pullRequestInvestment,
  reviewersOf,
} from "../../../src/core/investment/pull-request.js";
import { investmentSettings } from "../../../src/core/investment/settings.js";

const settings = (investment: Record<string, unknown> = {}) =>
  investmentSettings(configSchema.parse({ investment }));
const commit = (sha: string, at: string, message = "work") => ({
  sha: sha.padEnd(40, "0"),
  message,
  author: {},
  authoredAt: at,
  committedAt: at,
});
const spend = {
  micros: 2_000_000n,
  commitsWithCost: 1,
  commitsWithUnknownCost: 0,
  agentCommitsWithoutCost: 0,
};

describe("pullRequestInvestment", () => {
  it("adds agents, engineering, review and CI into one exact total at the blended rate", () => {
    const result = pullRequestInvestment({
      settings: settings({ "hourly-rate": 100 }),
      agents: spend,
      commits: [commit("a", "2026-12-01T10:00:00Z"), commit("b", "2026-12-01T11:00:00Z")],
      changedLines: 300,
      reviews: [{ reviewerKey: "k1" }],
      ci: [{ runner: "linux", minutes: 10, jobs: 2 }],
    });
    expect(result.lines.map((l) => [l.kind, l.basis, l.minutes, l.amountMicros])).toEqual([
      ["agents", "measured", undefined, 2_000_000n],
      // one session: 30 min allowance + the 60 min gap
      ["engineering", "estimated", 90, 150_000_000n],
      // 300 lines at 300 lines an hour
      ["review", "estimated", 60, 100_000_000n],
      // 10 minutes on Linux at $0.006
      ["ci", "measured", 10, 60_000n],
    ]);
    expect(result.total.totalMicros).toBe(2_000_000n + 150_000_000n + 100_000_000n + 60_000n);
    expect(result.total.includes).toEqual(["agents", "engineering", "review", "ci"]);
  });

  it("leaves hours unpriced without a rate (never $0) and says the total leaves them out", () => {
    const result = pullRequestInvestment({
      settings: settings(),
      agents: spend,
      effortMinutes: 360,
      commits: [commit("a", "2026-12-01T10:00:00Z")],
      reviews: [],
      ci: [],
    });
    const engineering = result.lines.find((l) => l.kind === "engineering");
    expect(engineering).toMatchObject({ basis: "declared", minutes: 360 });
    expect(engineering?.amountMicros).toBeUndefined();
    expect(result.total).toMatchObject({ totalMicros: 2_000_000n, unpriced: ["engineering"] });
  });

  it("has no review line before a review, nor without the changed lines; no CI line without jobs", () => {
    const base = { settings: settings(), agents: spend, commits: [], ci: [] };
    const kinds = (r: ReturnType<typeof pullRequestInvestment>) => r.lines.map((l) => l.kind);
    expect(kinds(pullRequestInvestment({ ...base, changedLines: 10, reviews: [] }))).toEqual([
      "agents",
      "engineering",
    ]);
    expect(kinds(pullRequestInvestment({ ...base, reviews: [{ reviewerKey: "k" }] }))).toEqual([
      "agents",
      "engineering",
    ]);
  });

  it("reports unreadable Engineering-Time trailers as problems naming the commit", () => {
    const result = pullRequestInvestment({
      settings: settings(),
      agents: spend,
      commits: [commit("abc1234", "2026-12-01T10:00:00Z", "work\n\nEngineering-Time: soon\n")],
      reviews: [],
      ci: [],
    });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.where).toContain("abc1234");
  });
});

describe("agentsLine", () => {
  it("an agent cost that could not be read is unknown, not $0", () => {
    const line = agentsLine(
      { micros: 0n, commitsWithCost: 0, commitsWithUnknownCost: 2, agentCommitsWithoutCost: 0 },
      "USD",
    );
    expect(line.amountMicros).toBeUndefined();
    expect(line.detail).toContain("2 agent-assisted commits with no readable cost");
  });

  it("no agent work at all is a measured $0", () => {
    const line = agentsLine(
      { micros: 0n, commitsWithCost: 0, commitsWithUnknownCost: 0, agentCommitsWithoutCost: 0 },
      "USD",
    );
    expect(line.amountMicros).toBe(0n);
  });
});

describe("reviewersOf", () => {
  it("counts distinct reviewers and sums a reviewer's declared times", () => {
    expect(
      reviewersOf([
        { reviewerKey: "a" },
        { reviewerKey: "a", declaredMinutes: 20 },
        { reviewerKey: "a", declaredMinutes: 10 },
        { reviewerKey: "b" },
      ]),
    ).toEqual([{ declaredMinutes: 30 }, {}]);
  });
});

describe("CI rates of stored runners", () => {
  const ci = settings({ ci: { labels: { "gpu-box": 0.5 } } }).ci;

  it("prices hosted types, labels, self-hosted, free public runners; unknown ones not at all", () => {
    expect(ciRateMicros("linux", ci)).toBe(6_000n);
    expect(ciRateMicros("gpu-box", ci)).toBe(500_000n);
    expect(ciRateMicros("self-hosted", ci)).toBe(0n);
    expect(ciRateMicros("public-hosted", ci)).toBe(0n);
    expect(ciRateMicros("toString", ci)).toBeUndefined();
    expect(ciRateMicros("mystery", ci)).toBeUndefined();
  });

  it("counts every job and leaves an unknown runner's minutes unpriced", () => {
    const line = ciLineOf(
      [
        { runner: "linux", minutes: 5, jobs: 2 },
        { runner: "mystery", minutes: 7, jobs: 1 },
      ],
      ci,
    );
    expect(line).toMatchObject({ minutes: 12, amountMicros: 30_000n });
    expect(line?.detail).toMatch(/^3 jobs, 12 billed minutes/);
    expect(ciLineOf([], ci)).toBeUndefined();
  });
});
