/**
 * The verdict as JSON for scripts: every amount of money becomes a decimal string
 * (`{ "amount": "4.20", "currency": "USD" }`), never a float; keys named `micros` become `amount`.
 */
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

export function verdictToJson(verdict: Verdict): Json {
  return convert(verdict);
}
