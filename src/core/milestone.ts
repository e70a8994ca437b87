/**
 * A milestone's budget, from a `Budget: $5,000` line in its description (managers write it in
 * GitHub's milestone form). Pure; the description is untrusted: read line by line, no regex
 * backtracking, a clear problem when the amount cannot be read.
 */
import { formatMoney, type Money, parseMoney } from "./money.js";

export type MilestoneBudget =
  | { kind: "none" }
  | { kind: "budget"; budget: Money; line: number }
  | { kind: "problem"; message: string; line: number };

const MAX_LINES = 1_000;

/** `Budget: …`, `- Budget: …`, `**Budget:** …`, any case; the text after the colon. */
function budgetValue(line: string): string | undefined {
  let s = line.trim();
  if (s.startsWith("- ") || s.startsWith("* ")) s = s.slice(2).trimStart();
  s = s.replaceAll("**", "").replaceAll("__", "");
  if (s.slice(0, 6).toLowerCase() !== "budget") return undefined;
  const rest = s.slice(6).trimStart();
  return rest.startsWith(":") ? rest.slice(1).trim() : undefined;
}

export function parseMilestoneBudget(description: string, currency: string): MilestoneBudget {
  const lines = description.split("\n", MAX_LINES);
  for (let i = 0; i < lines.length; i++) {
    const value = budgetValue(lines[i] ?? "");
    if (value === undefined) continue;
    const parsed = parseMoney(value, currency);
    if (!parsed.ok) {
      return {
        kind: "problem",
        line: i + 1,
        message: `The milestone's \`Budget:\` line (line ${i + 1}) is not an amount of money: ${parsed.reason}. Write e.g. \`Budget: ${formatMoney({ micros: 5_000_000_000n, currency }, { whole: true })}\` in the milestone's description.`,
      };
    }
    if (parsed.money.currency !== currency) {
      return {
        kind: "problem",
        line: i + 1,
        message: `The milestone's budget (line ${i + 1}) is in ${parsed.money.currency}, but this repository counts in ${currency} (no exchange rates are applied). Write it in ${currency}.`,
      };
    }
    return { kind: "budget", budget: parsed.money, line: i + 1 };
  }
  return { kind: "none" };
}
