import { describe, expect, it } from "vitest";
import { configSchema, DEFAULT_CONFIG } from "../../../src/config/schema.js";
import { investmentSettings } from "../../../src/core/investment/settings.js";

describe("investmentSettings", () => {
  it("reads the defaults: no hourly rate, 8 h days, 2 h sessions, 30 min allowance", () => {
    const settings = investmentSettings(DEFAULT_CONFIG);
    expect(settings).toMatchObject({
      currency: "USD",
      hourlyRateMicros: undefined,
      dayHours: 8,
      engineering: { sessionGapMinutes: 120, firstCommitAllowanceMinutes: 30 },
      review: { linesPerHour: 300, floorMinutes: 10, capMinutes: 90 },
      ci: { currency: "USD", selfHostedMicros: 0n },
    });
    expect(settings.ci.ratesMicros.macos).toBe(62_000n);
    expect(settings.ci.labelsMicros.size).toBe(0);
  });

  it("converts durations to minutes and money to micro-units", () => {
    const config = configSchema.parse({
      currency: "eur",
      investment: {
        "hourly-rate": 95.5,
        "day-hours": 6,
        "session-gap": "1d",
        "first-commit-allowance": "0m",
        review: { "lines-per-hour": 200, floor: "5m", cap: "2h" },
        ci: { labels: { "Big-Runner": 0.04 }, "self-hosted": 0.002, rates: { linux: 0.01 } },
      },
    });
    const settings = investmentSettings(config);
    expect(settings).toMatchObject({
      currency: "EUR",
      hourlyRateMicros: 95_500_000n,
      dayHours: 6,
      engineering: { sessionGapMinutes: 360, firstCommitAllowanceMinutes: 0 },
      review: { linesPerHour: 200, floorMinutes: 5, capMinutes: 120 },
      ci: { currency: "USD", selfHostedMicros: 2_000n },
    });
    expect(settings.ci.labelsMicros.get("big-runner")).toBe(40_000n);
    expect(settings.ci.ratesMicros.linux).toBe(10_000n);
    expect(settings.ci.ratesMicros.windows).toBe(10_000n); // the other defaults stay
  });
});
