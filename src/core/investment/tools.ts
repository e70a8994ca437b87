/**
 * Tools: seats and subscriptions declared in the config (`tools: [{ name, monthly }]`), prorated
 * over a milestone's days. Milestone level only: a subscription is not spent by one PR.
 *
 * - Days are inclusive: a milestone from March 1 to March 14 has 14 days. Dates are read as UTC
 *   calendar days (the time of day is ignored).
 * - A month is 365 / 12 = 30.4167 days, so twelve months of prorating make exactly one year's
 *   fees, whichever months the milestone spans. One day of a tool costs `monthly × 12 / 365`.
 * - Money stays integer micro-units: each tool's share is `monthly × days × 12 / 365` rounded half
 *   up to a micro-unit, and the line is the exact sum of the shares.
 */

import { formatMoney } from "../money.js";
import type { InvestmentLine } from "./lines.js";
import { unitsToMicros } from "./lines.js";

/** Days in the month a monthly fee is for: 365 / 12. */
export const DAYS_PER_MONTH = 365 / 12;

const DAY_MS = 86_400_000;

export interface Tool {
  name: string;
  /** Per month, in the repository's currency. */
  monthly: number;
}

function utcDay(value: string | Date): number | undefined {
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value).slice(0, 40));
  if (!Number.isFinite(ms)) return undefined;
  return Math.floor(ms / DAY_MS);
}

/** Days from `start` to `end`, both included; undefined when a date is unreadable or reversed. */
export function inclusiveDays(start: string | Date, end: string | Date): number | undefined {
  const from = utcDay(start);
  const to = utcDay(end);
  if (from === undefined || to === undefined || to < from) return undefined;
  return to - from + 1;
}

/** One tool's share of `days`: `monthly × days × 12 / 365`, half up, in micro-units. */
export function proratedMicros(monthlyMicros: bigint, days: number): bigint {
  return (monthlyMicros * BigInt(days) * 12n + 182n) / 365n;
}

/**
 * The milestone's tools line: every configured tool prorated over the milestone's days. Undefined
 * when no tool is configured or the dates cannot be read (no milestone period, no share).
 */
export function toolsLine(params: {
  tools: readonly Tool[];
  start: string | Date;
  end: string | Date;
  currency: string;
}): InvestmentLine | undefined {
  const { tools, currency } = params;
  if (tools.length === 0) return undefined;
  const days = inclusiveDays(params.start, params.end);
  if (days === undefined) return undefined;
  let micros = 0n;
  for (const tool of tools) micros += proratedMicros(unitsToMicros(tool.monthly), days);
  const listed = tools
    .slice(0, 10)
    .map(
      (tool) =>
        `${tool.name} (${formatMoney({ micros: unitsToMicros(tool.monthly), currency })} a month)`,
    )
    .join(", ");
  const more = tools.length > 10 ? ` and ${tools.length - 10} more` : "";
  return {
    kind: "tools",
    basis: "declared",
    amountMicros: micros,
    currency,
    detail: `${listed}${more}, declared in \`tools\` and prorated over ${days} ${days === 1 ? "day" : "days"} (a month is 365/12 = ${DAYS_PER_MONTH.toFixed(2)} days)`,
  };
}
