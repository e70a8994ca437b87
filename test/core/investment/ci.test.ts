import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/config/schema.js";
import {
  billedMinutes,
  type CiJob,
  ciLine,
  classifyRunner,
  hostedRunnerType,
  MAX_JOB_MINUTES,
  priceCiJob,
} from "../../../src/core/investment/ci.js";
import { investmentSettings } from "../../../src/core/investment/settings.js";

const ci = investmentSettings(DEFAULT_CONFIG).ci;
const job = (seconds: number, labels: string[] = ["ubuntu-latest"]): CiJob => ({
  startedAt: "2026-03-02T09:00:00Z",
  completedAt: new Date(Date.parse("2026-03-02T09:00:00Z") + seconds * 1000).toISOString(),
  labels,
});

describe("billedMinutes: each job rounded up to a whole minute, as GitHub bills", () => {
  it.each<[number, number]>([
    [0, 0],
    [1, 1],
    [59, 1],
    [60, 1],
    [61, 2],
    [754, 13],
  ])("%i s → %i min", (seconds, minutes) => {
    expect(billedMinutes(job(seconds))).toEqual({ minutes });
  });

  it("missing times or a job completed before it started: 0, with a note", () => {
    expect(billedMinutes({ startedAt: null, completedAt: "2026-03-02T09:00:00Z" })).toEqual({
      minutes: 0,
      note: "the job has no start or completion time; counted as 0 minutes",
    });
    expect(
      billedMinutes({ startedAt: "garbage", completedAt: "2026-03-02T09:00:00Z" }).minutes,
    ).toBe(0);
    expect(billedMinutes(job(-120))).toEqual({
      minutes: 0,
      note: "the job completed before it started; counted as 0 minutes",
    });
  });

  it("a job longer than GitHub runs any is counted at the limit", () => {
    expect(billedMinutes(job(6 * 24 * 3600))).toMatchObject({ minutes: MAX_JOB_MINUTES });
  });
});

describe("the runner, from the job's labels", () => {
  it.each<[string, string | undefined]>([
    ["ubuntu-latest", "linux"],
    ["ubuntu-24.04", "linux"],
    ["Ubuntu-22.04", "linux"],
    ["ubuntu-slim", "linux-slim"],
    ["ubuntu-24.04-arm", "linux-arm"],
    ["windows-latest", "windows"],
    ["windows-11-arm", "windows-arm"],
    ["macos-14", "macos"],
    ["macos-latest-large", "macos-large"],
    ["macos-latest-xlarge", "macos-xlarge"],
    ["ubuntu-latest-4-cores", "linux-4-core"],
    ["linux-16-core", "linux-16-core"],
    ["windows-latest-8-cores", "windows-8-core"],
    ["ubuntu-latest-2-cores", "linux"],
    ["ubuntu-latest-96-cores", undefined], // not in the table: no guess
    ["linux-arm-8-core", undefined],
    ["big-runner", undefined],
    ["x64", undefined],
  ])("%s → %s", (label, type) => {
    expect(hostedRunnerType(label)).toBe(type);
  });

  it("a configured label wins, then self-hosted, then the hosted names", () => {
    const rates = new Map([["gpu-box", 50_000n]]);
    expect(classifyRunner(["self-hosted", "GPU-box"], rates)).toEqual({
      kind: "label",
      label: "gpu-box",
    });
    expect(classifyRunner(["self-hosted", "linux", "x64"], rates)).toEqual({ kind: "self-hosted" });
    expect(classifyRunner(["x64", "macos-14"], rates)).toEqual({ kind: "hosted", type: "macos" });
    expect(classifyRunner([], rates)).toEqual({ kind: "unknown", label: "" });
  });
});

describe("priceCiJob", () => {
  it("prices billed minutes at GitHub's published rate for the runner", () => {
    expect(priceCiJob({ job: job(754), settings: ci })).toEqual({
      minutes: 13,
      micros: 78_000n, // 13 × $0.006
      currency: "USD",
      runner: "linux",
    });
    expect(priceCiJob({ job: job(600, ["macos-14"]), settings: ci }).micros).toBe(620_000n);
    expect(priceCiJob({ job: job(60, ["windows-latest"]), settings: ci }).micros).toBe(10_000n);
  });

  it("self-hosted runners cost `self-hosted` (0 by default)", () => {
    expect(priceCiJob({ job: job(600, ["self-hosted", "linux"]), settings: ci })).toMatchObject({
      minutes: 10,
      micros: 0n,
      runner: "self-hosted",
    });
    const paid = { ...ci, selfHostedMicros: 2_000n };
    expect(priceCiJob({ job: job(600, ["self-hosted"]), settings: paid }).micros).toBe(20_000n);
  });

  it("standard runners are free in public repositories; larger runners are not", () => {
    expect(priceCiJob({ job: job(600), settings: ci, publicRepository: true }).micros).toBe(0n);
    expect(
      priceCiJob({ job: job(600, ["macos-latest-xlarge"]), settings: ci, publicRepository: true })
        .micros,
    ).toBe(1_020_000n);
  });

  it("an unknown runner: minutes counted, not priced, with a note", () => {
    const cost = priceCiJob({ job: job(120, ["big-runner"]), settings: ci });
    expect(cost).toEqual({
      minutes: 2,
      currency: "USD",
      runner: "unknown",
      note: "no rate for the runner `big-runner`: give its label a rate in `investment.ci.labels`",
    });
  });

  it("survives a payload without labels or times", () => {
    const cost = priceCiJob({
      job: { labels: undefined as unknown as string[] },
      settings: ci,
    });
    expect(cost.minutes).toBe(0);
    expect(cost.runner).toBe("unknown");
  });
});

describe("ciLine", () => {
  it("no job known: no line (not 0 minutes)", () => {
    expect(ciLine({ jobs: [], currency: "USD" })).toBeUndefined();
  });

  it("the exact sum of the jobs, measured", () => {
    const line = ciLine({
      jobs: [
        { minutes: 13, micros: 78_000n },
        { minutes: 10, micros: 620_000n },
      ],
      currency: "USD",
    });
    expect(line).toEqual({
      kind: "ci",
      basis: "measured",
      minutes: 23,
      amountMicros: 698_000n,
      currency: "USD",
      detail:
        "2 jobs, 23 billed minutes (each job rounded up to a whole minute, as GitHub bills), at GitHub's published per-minute rates (read 2026-12-07) or `investment.ci`",
    });
  });

  it("minutes on runners with no rate are counted, not priced, and said", () => {
    const some = ciLine({
      jobs: [{ minutes: 5, micros: 30_000n }, { minutes: 90 }],
      currency: "USD",
    });
    expect(some).toMatchObject({ minutes: 95, amountMicros: 30_000n });
    expect(some?.detail).toContain("; 1.5 h on runners with no known rate not priced");
    const none = ciLine({ jobs: [{ minutes: 90 }], currency: "USD" });
    expect(none?.amountMicros).toBeUndefined();
  });
});

describe("the default rates", () => {
  it("are GitHub's published per-minute prices (USD, from January 1, 2026)", () => {
    expect(DEFAULT_CONFIG.investment.ci.rates).toMatchObject({
      linux: 0.006,
      "linux-slim": 0.002,
      windows: 0.01,
      macos: 0.062,
      "linux-4-core": 0.012,
      "windows-64-core": 0.322,
    });
    expect(DEFAULT_CONFIG.investment.ci["self-hosted"]).toBe(0);
    expect(ci.ratesMicros.linux).toBe(6_000n);
  });
});
