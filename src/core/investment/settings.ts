/**
 * The `investment` settings of the config, read once into the numbers the estimators use:
 * durations in minutes, money in micro-units. The config schema has validated every value, so
 * nothing here can fail; a duration that still does not parse falls back to its default.
 */

import type { Config } from "../../config/schema.js";
import { DEFAULT_DAY_HOURS, parseDuration } from "./duration.js";
import { unitsToMicros } from "./lines.js";
import { RUNNER_TYPES, type RunnerType } from "./runner-rates.js";

export type InvestmentConfig = Pick<Config, "investment" | "currency">;

export interface ReviewSettings {
  linesPerHour: number;
  floorMinutes: number;
  capMinutes: number;
}

export interface EngineeringSettings {
  /** A gap between commits shorter than this counts as work (`investment.session-gap`). */
  sessionGapMinutes: number;
  /** Added once per session (`investment.first-commit-allowance`). */
  firstCommitAllowanceMinutes: number;
}

export interface CiSettings {
  /** Currency of the CI rates (GitHub bills in USD). */
  currency: string;
  /** Per-minute rate of each GitHub-hosted runner type, in micro-units. */
  ratesMicros: Readonly<Record<RunnerType, bigint>>;
  /** Per-minute rate by runner label (lower case), in micro-units; wins over the types. */
  labelsMicros: ReadonlyMap<string, bigint>;
  /** Per-minute rate of self-hosted runners, in micro-units (default 0). */
  selfHostedMicros: bigint;
}

export interface InvestmentSettings {
  /** The repository's currency: hours and tools are priced in it. */
  currency: string;
  /** The blended hourly rate in micro-units; undefined when not configured (hours not priced). */
  hourlyRateMicros: bigint | undefined;
  dayHours: number;
  engineering: EngineeringSettings;
  review: ReviewSettings;
  ci: CiSettings;
}

function minutesOf(text: string, fallback: string, dayHours: number): number {
  const result = parseDuration(text, { dayHours });
  if (result.ok) return result.minutes;
  const other = parseDuration(fallback, { dayHours });
  return other.ok ? other.minutes : 0;
}

/** The settings the investment estimators read, from the config. */
export function investmentSettings(config: InvestmentConfig): InvestmentSettings {
  const settings = config.investment;
  const dayHours = settings["day-hours"] ?? DEFAULT_DAY_HOURS;
  const rates = {} as Record<RunnerType, bigint>;
  for (const type of RUNNER_TYPES) rates[type] = unitsToMicros(settings.ci.rates[type]);
  const labels = new Map<string, bigint>();
  for (const [label, rate] of Object.entries(settings.ci.labels)) {
    labels.set(label.trim().toLowerCase(), unitsToMicros(rate));
  }
  const rate = settings["hourly-rate"];
  return {
    currency: config.currency.toUpperCase(),
    hourlyRateMicros: rate === null || rate === undefined ? undefined : unitsToMicros(rate),
    dayHours,
    engineering: {
      sessionGapMinutes: minutesOf(settings["session-gap"], "2h", dayHours),
      firstCommitAllowanceMinutes: minutesOf(settings["first-commit-allowance"], "30m", dayHours),
    },
    review: {
      linesPerHour: settings.review["lines-per-hour"],
      floorMinutes: minutesOf(settings.review.floor, "10m", dayHours),
      capMinutes: minutesOf(settings.review.cap, "90m", dayHours),
    },
    ci: {
      currency: settings.ci.currency.toUpperCase(),
      ratesMicros: rates,
      labelsMicros: labels,
      selfHostedMicros: unitsToMicros(settings.ci["self-hosted"]),
    },
  };
}
