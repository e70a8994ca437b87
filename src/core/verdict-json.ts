/**
 * The verdict as JSON for scripts: every amount of money becomes a decimal string
 * (`{ "amount": "4.20", "currency": "USD" }`), never a float; keys named `micros` become `amount`.
 */
import { investmentJson } from "./investment/lines.js";
import { microsToDecimal } from "./money.js";
import type { Verdict } from "./verdict.js";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function convert(value: unknown): Json {
  if (typeof value === "bigint") return microsToDecimal(value);
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(convert);
  if (typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      out[key === "micros" ? "amount" : key] = convert(child);
    }
    return out;
  }
  return null;
}

/**
 * The verdict for `cost-value check --json`. Its `investment` is `{ total, currency, lines: [{ kind,
 * basis, hours, amount, detail }] }` (hours as decimal numbers, money as decimal strings).
 */
export function verdictToJson(verdict: Verdict): Json {
  if (verdict.conclusion === "skipped" || verdict.investment === undefined) return convert(verdict);
  const { investment, ...rest } = verdict;
  return {
    ...(convert(rest) as { [key: string]: Json }),
    investment: {
      ...(convert(investmentJson(investment.lines, investment.total.currency)) as {
        [key: string]: Json;
      }),
      problems: convert(investment.problems),
    },
  };
}
