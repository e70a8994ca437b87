/**
 * The investment part of the check: a table of lines (kind, hours, money, basis, how it was known)
 * with the total, and the title's headline figure. Pure; details are our own text, escaped anyway.
 */
import { formatHours } from "./investment/duration.js";
import type { InvestmentLine, InvestmentTotal } from "./investment/lines.js";
import { escapeWithCode } from "./markdown/code.js";
import { cutText, table } from "./markdown/escape.js";
import { formatMoney, type Money } from "./money.js";

const KIND_LABEL: Record<InvestmentLine["kind"], string> = {
  agents: "Agents",
  engineering: "Engineering",
  review: "Review",
  ci: "CI",
  coordination: "Coordination",
  tools: "Tools",
};

/** Money for markdown: `$` escaped so GitHub's math rendering never pairs two amounts. */
function md(money: Money): string {
  return formatMoney(money).replaceAll("$", "\\$");
}

function lineAmount(line: InvestmentLine, total: InvestmentTotal): string {
  if (line.amountMicros === undefined) {
    if (line.kind === "agents") return "unknown";
    return (line.minutes ?? 0) > 0 ? "not priced" : "—";
  }
  const amount = md({ micros: line.amountMicros, currency: line.currency });
  return line.currency.toUpperCase() === total.currency ? amount : `${amount} (not added)`;
}

/** What the total counts, and what it leaves out, in words. */
export function totalScope(total: InvestmentTotal): string {
  const parts = [
    `counts ${total.includes.length > 0 ? total.includes.join(", ") : "no priced line"}`,
  ];
  if (total.unpriced.length > 0)
    parts.push(`${total.unpriced.join(", ")} not priced (set \`investment.hourly-rate\`)`);
  if (total.foreign.length > 0)
    parts.push(`${total.foreign.join(", ")} in another currency, not added`);
  return parts.join("; ");
}

/** The investment table of the check's summary. */
export function renderInvestmentTable(
  lines: readonly InvestmentLine[],
  total: InvestmentTotal,
): string {
  const rows = lines.map((line) => [
    KIND_LABEL[line.kind],
    line.minutes === undefined ? "—" : formatHours(line.minutes),
    lineAmount(line, total),
    line.basis,
    escapeWithCode(cutText(line.detail, 700)),
  ]);
  const minutes = lines.reduce((sum, line) => sum + (line.minutes ?? 0), 0);
  rows.push([
    "**Total**",
    minutes > 0 ? formatHours(minutes) : "—",
    total.includes.length === 0
      ? "—"
      : `**${md({ micros: total.totalMicros, currency: total.currency })}**`,
    "",
    escapeWithCode(cutText(totalScope(total), 400)),
  ]);
  return table(["", "hours", "amount", "basis", "how it was known"], rows, [
    "left",
    "right",
    "right",
    "left",
    "left",
  ]);
}

/**
 * The title's figure: `$1,234 invested`, plus the hours left unpriced (`+ 6 h not priced`); only
 * the hours when nothing is priced; undefined when there is neither (never a bare `$0.00`).
 */
export function investmentHeadline(
  lines: readonly InvestmentLine[],
  total: InvestmentTotal,
): string | undefined {
  const unpricedMinutes = lines
    .filter((l) => l.amountMicros === undefined)
    .reduce((sum, l) => sum + (l.minutes ?? 0), 0);
  const hours = unpricedMinutes > 0 ? `${formatHours(unpricedMinutes)} not priced` : undefined;
  if (total.totalMicros === 0n) return hours;
  const money = `${formatMoney({ micros: total.totalMicros, currency: total.currency })} invested`;
  return hours !== undefined ? `${money} + ${hours}` : money;
}
