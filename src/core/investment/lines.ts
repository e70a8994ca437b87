/**
 * The investment model: what a PR (or a milestone) cost, as lines of one kind each, each labelled
 * with how it was known, and their exact total.
 *
 * - Money is integer micro-units (`bigint`) in a currency, as everywhere (`src/core/money.ts`).
 * - Human time (engineering, review, coordination in hours) is priced by ONE blended hourly rate
 *   (`investment.hourly-rate`), never a rate per person. Without a rate a line keeps its minutes and
 *   has no amount: it is "not priced", never priced at 0.
 * - A total is the exact integer sum of the priced lines in its currency, and says which kinds it
 *   includes, which have hours but no money, and which are in another currency (not added: no
 *   exchange rates).
 */

import { type Money, microsToDecimal, ratio } from "../money.js";
import { minutesToHours } from "./duration.js";

export const INVESTMENT_KINDS = [
  "agents",
  "engineering",
  "review",
  "ci",
  "coordination",
  "tools",
] as const;
export type InvestmentKind = (typeof INVESTMENT_KINDS)[number];

/** How a line was known, strongest first. */
export const INVESTMENT_BASES = ["measured", "declared", "estimated"] as const;
export type InvestmentBasis = (typeof INVESTMENT_BASES)[number];

export interface InvestmentLine {
  kind: InvestmentKind;
  basis: InvestmentBasis;
  /** Time, in whole minutes, when the line is time (engineering, review, CI, coordination). */
  minutes?: number;
  /** Money in micro-units; undefined when not priced (no hourly rate), never a stand-in 0. */
  amountMicros?: bigint;
  /** Currency of `amountMicros` (and of what the line would be priced in). */
  currency: string;
  /** How the line was made, for a person: the source, the method, what it leaves out. */
  detail: string;
}

/** The weaker of two bases: a line made of declared and estimated parts is estimated. */
export function weakerBasis(a: InvestmentBasis, b: InvestmentBasis): InvestmentBasis {
  return INVESTMENT_BASES.indexOf(a) >= INVESTMENT_BASES.indexOf(b) ? a : b;
}

/**
 * A rate or amount from the config (a number of currency units) in micro-units. Config numbers
 * are validated and bounded (≤ 10^7), so `n × 10^6` stays exact in a double before rounding.
 */
export function unitsToMicros(units: number): bigint {
  return BigInt(Math.round(units * 1_000_000));
}

/** `minutes × hourly rate`, rounded half up to a micro-unit. */
export function priceMinutes(minutes: number, hourlyRateMicros: bigint): bigint {
  return (BigInt(minutes) * hourlyRateMicros + 30n) / 60n;
}

/**
 * A line of human time: priced by the blended hourly rate when there is one, else not priced
 * (the detail then says how to price it).
 */
export function timeLine(params: {
  kind: InvestmentKind;
  basis: InvestmentBasis;
  minutes: number;
  /** `investment.hourly-rate` in micro-units; undefined when not set. */
  hourlyRateMicros: bigint | undefined;
  currency: string;
  detail: string;
}): InvestmentLine {
  const { kind, basis, minutes, hourlyRateMicros, currency, detail } = params;
  if (hourlyRateMicros === undefined) {
    return {
      kind,
      basis,
      minutes,
      currency,
      detail: `${detail}; not priced: set \`investment.hourly-rate\` in \`.github/cost-value.yml\` to price hours`,
    };
  }
  return {
    kind,
    basis,
    minutes,
    amountMicros: priceMinutes(minutes, hourlyRateMicros),
    currency,
    detail,
  };
}

export interface InvestmentTotal {
  /** The exact sum of the priced lines in `currency`. */
  totalMicros: bigint;
  currency: string;
  /** Kinds with at least one priced line in `currency`, in `INVESTMENT_KINDS` order. */
  includes: InvestmentKind[];
  /** Kinds with time but no money (no hourly rate): left out of the total, never counted as 0. */
  unpriced: InvestmentKind[];
  /** Kinds with an amount in another currency: shown, not added (no exchange rates). */
  foreign: InvestmentKind[];
  /** The total split by how it was known; the three add up to `totalMicros`. */
  byBasis: Record<InvestmentBasis, bigint>;
}

function inKindOrder(kinds: ReadonlySet<InvestmentKind>): InvestmentKind[] {
  return INVESTMENT_KINDS.filter((kind) => kinds.has(kind));
}

/** The total of `lines` in `currency`: an exact integer sum, with what it includes. */
export function investmentTotal(
  lines: readonly InvestmentLine[],
  currency: string,
): InvestmentTotal {
  const code = currency.toUpperCase();
  const byBasis: Record<InvestmentBasis, bigint> = { measured: 0n, declared: 0n, estimated: 0n };
  const includes = new Set<InvestmentKind>();
  const unpriced = new Set<InvestmentKind>();
  const foreign = new Set<InvestmentKind>();
  let totalMicros = 0n;
  for (const line of lines) {
    if (line.amountMicros === undefined) {
      if ((line.minutes ?? 0) > 0) unpriced.add(line.kind);
      continue;
    }
    if (line.currency.toUpperCase() !== code) {
      foreign.add(line.kind);
      continue;
    }
    totalMicros += line.amountMicros;
    byBasis[line.basis] += line.amountMicros;
    includes.add(line.kind);
  }
  return {
    totalMicros,
    currency: code,
    includes: inKindOrder(includes),
    unpriced: inKindOrder(unpriced),
    foreign: inKindOrder(foreign),
    byBasis,
  };
}

/**
 * Worth ÷ total investment, for the headline (`5.4×`); undefined when nothing is priced or the
 * currencies differ.
 */
export function valueToInvestment(worth: Money, total: InvestmentTotal): number | undefined {
  if (worth.currency.toUpperCase() !== total.currency) return undefined;
  return ratio(worth.micros, total.totalMicros);
}

export interface InvestmentJsonLine {
  kind: InvestmentKind;
  basis: InvestmentBasis;
  /** Decimal hours (two decimals), null when the line is not time (agents, tools). */
  hours: number | null;
  /** A decimal string, null when not priced. */
  amount: string | null;
  /** Only when the amount is in another currency than the total's (and so not added). */
  currency?: string;
  detail: string;
}

export interface InvestmentJson {
  /** The exact sum of the priced lines, a decimal string. */
  total: string;
  currency: string;
  includes: InvestmentKind[];
  unpriced: InvestmentKind[];
  foreign: InvestmentKind[];
  byBasis: Record<InvestmentBasis, string>;
  lines: InvestmentJsonLine[];
}

/** The `investment` object of `cost-value check --json`: money as decimal strings. */
export function investmentJson(lines: readonly InvestmentLine[], currency: string): InvestmentJson {
  const total = investmentTotal(lines, currency);
  return {
    total: microsToDecimal(total.totalMicros),
    currency: total.currency,
    includes: total.includes,
    unpriced: total.unpriced,
    foreign: total.foreign,
    byBasis: {
      measured: microsToDecimal(total.byBasis.measured),
      declared: microsToDecimal(total.byBasis.declared),
      estimated: microsToDecimal(total.byBasis.estimated),
    },
    lines: lines.map((line) => ({
      kind: line.kind,
      basis: line.basis,
      hours: line.minutes === undefined ? null : minutesToHours(line.minutes),
      amount: line.amountMicros === undefined ? null : microsToDecimal(line.amountMicros),
      ...(line.amountMicros !== undefined && line.currency.toUpperCase() !== total.currency
        ? { currency: line.currency.toUpperCase() }
        : {}),
      detail: line.detail,
    })),
  };
}
