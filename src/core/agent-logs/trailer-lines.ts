/**
 * The commit trailers `cost-value usage` writes: `Agent`, one `Agent-Usage` line per model and
 * `Agent-Cost`. Plain text: git and cost-value read them back, so no colour and no alignment.
 */
import { type Money, microsToDecimal } from "../money.js";
import type { ModelUsageSummary, UsageSummary } from "./summary.js";

/**
 * A model's `cost=`: to a hundredth of a cent, so that small models do not read as 0.00; a cost
 * under that shows as the smallest step rather than zero.
 */
export function usageCostText(micros: bigint): string {
  const step = 100n;
  let rounded = ((micros + step / 2n) / step) * step;
  if (rounded === 0n && micros > 0n) rounded = step;
  return microsToDecimal(rounded);
}

/** `Agent-Cost`: rounded to cents; a real cost under half a cent is written 0.01, never 0. */
export function agentCostText(money: Money): string {
  const cent = 10_000n;
  let cents = ((money.micros + cent / 2n) / cent) * cent;
  if (cents === 0n && money.micros > 0n) cents = cent;
  return `${microsToDecimal(cents)} ${money.currency}`;
}

function usageLine(m: ModelUsageSummary): string {
  const t = m.tokens;
  const parts = [m.model, `input=${t.input}`, `output=${t.output}`];
  if (t.cacheRead > 0) parts.push(`cache-read=${t.cacheRead}`);
  if (t.cacheWrite > 0) parts.push(`cache-write=${t.cacheWrite}`);
  if (t.cacheWrite1h > 0) parts.push(`cache-write-1h=${t.cacheWrite1h}`);
  if (m.micros !== undefined) parts.push(`cost=${usageCostText(m.micros)}`);
  return `Agent-Usage: ${parts.join(" ")}`;
}

/**
 * The trailer block (without a trailing newline), or "" when there was no agent work. Plain
 * text: git and cost-value read it back, so no colour and no alignment.
 */
export function renderUsageTrailers(summary: UsageSummary): string {
  if (summary.models.length === 0) return "";
  const lines = [`Agent: ${summary.agents.join(", ")}`, ...summary.models.map(usageLine)];
  // With an unpriced model the total is unknown: leave Agent-Cost out, so the core adds up the
  // Agent-Usage costs and flags the unpriced model on the check instead of taking a partial sum.
  if (summary.pricedMicros !== undefined && summary.unpricedModels.length === 0) {
    lines.push(
      `Agent-Cost: ${agentCostText({ micros: summary.pricedMicros, currency: summary.currency })}`,
    );
  }
  return lines.join("\n");
}
