/**
 * The rollup's investment section: the milestone's lines by kind (a Mermaid pie of the priced
 * amounts and a table beside it), and how much of the total was measured, declared or estimated.
 * Pure; the database sums the lines (`RollupData.byKind`).
 */
import { formatHours } from "./investment/duration.js";
import { table } from "./markdown/escape.js";
import type { RollupInvestment } from "./rollup.js";

const KINDS = ["agents", "engineering", "review", "ci", "coordination"] as const;
const LABEL: Record<(typeof KINDS)[number], string> = {
  agents: "Agents",
  engineering: "Engineering",
  review: "Review",
  ci: "CI",
  coordination: "Coordination",
};

function share(part: bigint, whole: bigint): string {
  if (whole === 0n) return "—";
  const tenths = Number((part * 1000n) / whole);
  return tenths === 0 && part > 0n ? "<0.1%" : `${tenths / 10}%`;
}

/** `### Investment by kind`, or undefined when the milestone has no investment line yet. */
export function renderInvestmentByKind(
  rows: readonly RollupInvestment[],
  money: (micros: bigint) => string,
  chartNumber: (micros: bigint) => string,
): string | undefined {
  if (rows.length === 0) return undefined;
  const byKind = KINDS.map((kind) => {
    const mine = rows.filter((r) => r.kind === kind);
    const minutes = mine.reduce((sum, r) => sum + r.minutes, 0);
    const amount = mine.reduce((sum, r) => sum + (r.amount ?? 0n), 0n);
    const priced = mine.some((r) => r.amount !== undefined);
    const unpricedMinutes = mine
      .filter((r) => r.amount === undefined)
      .reduce((sum, r) => sum + r.minutes, 0);
    const pullRequests = mine.reduce((max, r) => Math.max(max, r.pullRequests), 0);
    return {
      kind,
      minutes,
      amount,
      priced,
      unpricedMinutes,
      pullRequests,
      present: mine.length > 0,
    };
  }).filter((k) => k.present);
  const total = byKind.reduce((sum, k) => sum + k.amount, 0n);
  const byBasis = (basis: RollupInvestment["basis"]): bigint =>
    rows.filter((r) => r.basis === basis).reduce((sum, r) => sum + (r.amount ?? 0n), 0n);
  const parts: string[] = ["### Investment by kind"];
  const slices = byKind.filter((k) => k.amount > 0n);
  if (slices.length > 0) {
    parts.push(
      [
        "```mermaid",
        "pie showData title Investment by kind",
        ...slices.map((k) => `  "${LABEL[k.kind]}" : ${chartNumber(k.amount)}`),
        "```",
      ].join("\n"),
    );
  }
  parts.push(
    table(
      ["kind", "hours", "amount", "share", "PRs"],
      byKind.map((k) => [
        LABEL[k.kind],
        k.minutes > 0 ? formatHours(k.minutes) : "—",
        k.priced
          ? `${money(k.amount)}${k.unpricedMinutes > 0 ? ` + ${formatHours(k.unpricedMinutes)} not priced` : ""}`
          : k.minutes > 0
            ? "not priced"
            : "—",
        k.priced ? share(k.amount, total) : "—",
        String(k.pullRequests),
      ]),
    ),
  );
  const unpriced = byKind.filter((k) => k.unpricedMinutes > 0).map((k) => k.kind);
  parts.push(
    `Of the ${money(total)} in investment lines: ${share(byBasis("measured"), total)} measured, ${share(byBasis("declared"), total)} declared, ${share(byBasis("estimated"), total)} estimated.${
      unpriced.length > 0
        ? ` Hours of ${unpriced.join(", ")} are not priced: set \`investment.hourly-rate\` (one blended rate, never per person).`
        : ""
    }`,
  );
  return parts.join("\n\n");
}
