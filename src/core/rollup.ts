/**
 * The milestone rollup: spend vs declared worth vs budget, for managers, as one markdown comment.
 * Pure: the database computes the aggregates (`RollupData`), this renders them. Untrusted text
 * (PR titles, value types, model names, milestone titles) is escaped; charts are Mermaid, each
 * with a text table beside it; the whole stays within GitHub's 65,536-character comment limit.
 */
import { COMMENT_BODY_LIMIT_BYTES } from "./github-limits.js";
import { escapeWithCode, inlineCode } from "./markdown/code.js";
import { cutText, escapeInline, escapeShort, table } from "./markdown/escape.js";
import { formatMoney, ratio } from "./money.js";
import { fitWithin } from "./render.js";
import { renderInvestmentByKind } from "./rollup-investment.js";

export interface RollupPullRequest {
  number: number;
  title: string;
  state: "open" | "merged" | "closed";
  spend: bigint;
  valueType?: string;
  worth?: bigint;
  /** The work item, as `#12` or `owner/repo#12`. */
  issue?: string;
  agentCommitsWithoutCost: number;
}

export interface RollupWorkItem {
  /** `#12` (this repository) or `owner/repo#12`; `PR #7` for a PR with no issue. */
  label: string;
  spend: bigint;
  budget?: bigint;
  worth?: bigint;
  pullRequests: number;
}

export interface RollupData {
  repository: { owner: string; repo: string };
  milestone: {
    number: number;
    title: string;
    state: "open" | "closed";
    dueOn?: Date;
    budget?: bigint;
    /** Why the description's `Budget:` line could not be read. */
    budgetProblem?: string;
  };
  currency: string;
  /** Spend in `currency`; worth counted once per work item. */
  spend: bigint;
  worth: bigint;
  pullRequests: { merged: number; open: number; closed: number };
  /** When the first PR of the milestone was recorded (start of the spend rate). */
  firstActivity?: Date;
  byType: { type: string; spend: bigint; worth: bigint; pullRequests: number }[];
  workItems: RollupWorkItem[];
  costliest: RollupPullRequest[];
  withoutValue: RollupPullRequest[];
  agentWorkWithoutCost: { number: number; title: string; commits: number }[];
  unpricedModels: { model: string; pullRequests: number }[];
  /** Cumulative spend by day (YYYY-MM-DD), oldest first. */
  spendOverTime: { day: string; cumulative: bigint }[];
  /** The agent-cost part of `spend` (commit trailers). */
  agentSpend?: bigint;
  /**
   * The milestone's investment lines summed by kind and basis (`spend` is their priced total in
   * `currency`, agent cost for PRs recorded before lines existed). `amount` absent: not priced.
   */
  byKind?: RollupInvestment[];
}

export interface RollupInvestment {
  kind: "agents" | "engineering" | "review" | "ci" | "coordination";
  basis: "measured" | "declared" | "estimated";
  minutes: number;
  amount?: bigint;
  pullRequests: number;
}

export interface Forecast {
  perDay: bigint;
  atDue: bigint;
  dueDay: string;
  overBudget?: boolean;
}

const DAY_MS = 86_400_000;
const LIST_LIMIT = 50;

export const rollupMarker = (repositoryId: number, milestone: number): string =>
  `<!-- cost-value:rollup repository=${repositoryId} milestone=${milestone} -->`;

/** At the current spend rate, spend on the due date. Undefined without a due date in the future. */
export function forecast(data: RollupData, now: Date): Forecast | undefined {
  const due = data.milestone.dueOn;
  if (due === undefined || data.firstActivity === undefined || due.getTime() <= now.getTime())
    return undefined;
  const elapsedDays = Math.max(
    1,
    Math.ceil((now.getTime() - data.firstActivity.getTime()) / DAY_MS),
  );
  const remainingDays = Math.ceil((due.getTime() - now.getTime()) / DAY_MS);
  const perDay = data.spend / BigInt(elapsedDays);
  const atDue = data.spend + perDay * BigInt(remainingDays);
  return {
    perDay,
    atDue,
    dueDay: due.toISOString().slice(0, 10),
    ...(data.milestone.budget !== undefined ? { overBudget: atDue > data.milestone.budget } : {}),
  };
}

function percent(part: bigint, whole: bigint): string {
  const r = ratio(part, whole);
  if (r === undefined) return "—";
  const p = r * 100;
  return `${p >= 10 ? Math.round(p) : p.toFixed(1)}%`;
}

function times(worth: bigint, spend: bigint): string {
  const r = ratio(worth, spend);
  if (r === undefined || spend === 0n) return "—";
  return r >= 100 ? `${Math.round(r).toLocaleString("en-US")}×` : `${r.toFixed(r >= 10 ? 0 : 1)}×`;
}

/** Text safe inside a Mermaid quoted label: letters, digits and a few separators. */
function mermaidLabel(text: string): string {
  let out = "";
  for (const c of text.slice(0, 40)) if (/[A-Za-z0-9 _./-]/.test(c)) out += c;
  return out.trim() === "" ? "other" : out.trim();
}

/** Plain decimal with 2 places for chart values (units, not micro-units). */
function chartNumber(micros: bigint): string {
  const cents = (micros + 5_000n) / 10_000n;
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
}

/** This repository's `#12` / `PR #7` link as GitHub renders them; other repositories' are escaped (no back-links). */
function workItemLabel(label: string): string {
  // (owner 39 + repo 100 + number: a longer label is not one of ours)
  const short = cutText(label, 160);
  return /^(PR )?#\d+$/.test(short) ? short : escapeInline(short);
}

function listMore(total: number, shown: number): string {
  return total > shown ? `\n\n_… and ${total - shown} more._` : "";
}

export function renderRollup(params: {
  data: RollupData;
  repositoryId: number;
  now: Date;
  /** The closing rollup of a milestone. */
  final?: boolean;
}): string {
  const { data, now } = params;
  const money = (micros: bigint, whole = false): string =>
    formatMoney({ micros, currency: data.currency }, { whole }).replaceAll("$", "\\$");
  const m = data.milestone;
  const parts: string[] = [rollupMarker(params.repositoryId, m.number)];

  parts.push(
    `## ${params.final === true ? "Final cost & value" : "Cost & value"}: ${escapeShort(m.title, 120)}`,
  );
  const headline = [
    `**Investment ${money(data.spend)}**`,
    `declared worth ${money(data.worth, true)} (${times(data.worth, data.spend)} of investment)`,
    m.budget !== undefined
      ? `budget ${money(m.budget, true)} (${percent(data.spend, m.budget)} used${data.spend > m.budget ? ", **over budget**" : ""})`
      : m.budgetProblem !== undefined
        ? "milestone budget unreadable (see below)"
        : "no milestone budget (add `Budget: $5,000` to the milestone's description)",
    `PRs: ${data.pullRequests.merged} merged, ${data.pullRequests.open} open, ${data.pullRequests.closed} closed unmerged`,
  ];
  parts.push(headline.join(" · "));
  // parseMilestoneBudget's message: its code spans stay code, the rest (it can quote the
  // description: `unexpected "@someone" after the number`) is escaped
  if (m.budgetProblem !== undefined)
    parts.push(`⚠️ ${escapeWithCode(cutText(m.budgetProblem, 1_000))}`);
  const f = forecast(data, now);
  if (f !== undefined) {
    const verdict =
      f.overBudget === undefined ? "" : f.overBudget ? " — **over budget**" : " — within budget";
    parts.push(
      `Forecast: at the current rate (${money(f.perDay)} a day) spend reaches **${money(f.atDue)}** by the due date ${f.dueDay}${verdict}.`,
    );
  } else if (m.dueOn === undefined && m.state === "open") {
    parts.push("_No forecast: the milestone has no due date._");
  }

  const byKind = renderInvestmentByKind(data.byKind ?? [], (micros) => money(micros), chartNumber);
  if (byKind !== undefined) parts.push(byKind);

  // by value type: chart and table
  if (data.byType.length > 0) {
    const pie = [
      "```mermaid",
      "pie showData title Investment by value type",
      ...data.byType
        .filter((t) => t.spend > 0n)
        .map((t) => `  "${mermaidLabel(t.type)}" : ${chartNumber(t.spend)}`),
      "```",
    ];
    parts.push(
      `### By value type\n\n${data.byType.some((t) => t.spend > 0n) ? `${pie.join("\n")}\n\n` : ""}${table(
        ["type", "spend", "worth", "PRs"],
        data.byType.map((t) => [
          escapeShort(t.type, 40),
          money(t.spend),
          money(t.worth, true),
          String(t.pullRequests),
        ]),
      )}`,
    );
  }

  if (data.workItems.length > 0) {
    const shown = data.workItems.slice(0, LIST_LIMIT);
    parts.push(
      `### By work item\n\n${table(
        ["work item", "spend", "budget", "used", "worth", "PRs"],
        shown.map((w) => {
          const over = w.budget !== undefined && w.spend > w.budget;
          return [
            `${over ? "⚠️ " : ""}${workItemLabel(w.label)}`,
            money(w.spend),
            w.budget !== undefined ? money(w.budget, true) : "—",
            w.budget !== undefined
              ? `${percent(w.spend, w.budget)}${over ? " **over**" : ""}`
              : "—",
            w.worth !== undefined ? money(w.worth, true) : "—",
            String(w.pullRequests),
          ];
        }),
      )}${listMore(data.workItems.length, shown.length)}`,
    );
  }

  if (data.spendOverTime.length > 0) {
    const points = data.spendOverTime.slice(-60);
    const top = [...points.map((p) => p.cumulative), m.budget ?? 0n].reduce(
      (a, b) => (b > a ? b : a),
      0n,
    );
    const chart = [
      "```mermaid",
      "xychart-beta",
      `  title "Cumulative spend${m.budget !== undefined ? " vs budget" : ""} (${mermaidLabel(data.currency)})"`,
      `  x-axis [${points.map((p) => `"${p.day.slice(5)}"`).join(", ")}]`,
      `  y-axis "${mermaidLabel(data.currency)}" 0 --> ${chartNumber(top === 0n ? 1_000_000n : (top * 11n) / 10n)}`,
      `  line [${points.map((p) => chartNumber(p.cumulative)).join(", ")}]`,
      ...(m.budget !== undefined
        ? [`  line [${points.map(() => chartNumber(m.budget as bigint)).join(", ")}]`]
        : []),
      "```",
    ];
    parts.push(
      `### Spend over time\n\n${chart.join("\n")}\n\n${table(
        ["day", "cumulative spend", ...(m.budget !== undefined ? ["budget"] : [])],
        points.map((p) => [
          p.day,
          money(p.cumulative),
          ...(m.budget !== undefined ? [money(m.budget, true)] : []),
        ]),
      )}`,
    );
  }

  const prLabel = (pr: { number: number; title: string }): string =>
    `#${pr.number} ${escapeShort(pr.title, 60)}`;
  if (data.costliest.length > 0) {
    parts.push(
      `### The ${data.costliest.length} costliest PRs\n\n${table(
        ["PR", "spend", "type", "worth", "work item", "state"],
        data.costliest.map((pr) => [
          prLabel(pr),
          money(pr.spend),
          pr.valueType !== undefined ? escapeShort(pr.valueType, 30) : "—",
          pr.worth !== undefined ? money(pr.worth, true) : "—",
          pr.issue !== undefined ? workItemLabel(pr.issue) : "—",
          pr.state === "closed" ? "closed unmerged" : pr.state,
        ]),
        ["left", "right", "left", "right", "left", "left"],
      )}`,
    );
  }
  if (data.withoutValue.length > 0) {
    const shown = data.withoutValue.slice(0, LIST_LIMIT);
    parts.push(
      `### PRs with no value statement\n\n${shown.map((pr) => `- ${prLabel(pr)} (${money(pr.spend)})`).join("\n")}${listMore(data.withoutValue.length, shown.length)}`,
    );
  }
  if (data.agentWorkWithoutCost.length > 0) {
    const shown = data.agentWorkWithoutCost.slice(0, LIST_LIMIT);
    parts.push(
      `### Agent work with no cost recorded\n\n${shown
        .map((pr) => `- ${prLabel(pr)}: ${pr.commits} commit${pr.commits === 1 ? "" : "s"}`)
        .join("\n")}${listMore(data.agentWorkWithoutCost.length, shown.length)}`,
    );
  }
  if (data.unpricedModels.length > 0) {
    const shown = data.unpricedModels.slice(0, LIST_LIMIT);
    parts.push(
      `### Unpriced models\n\nTokens were recorded for these models, but no price is known, so they are not in the spend. Add a price under \`pricing.overrides\` in \`.github/cost-value.yml\`.\n\n${shown
        .map(
          (u) =>
            `- ${inlineCode(cutText(u.model, 200))} in ${u.pullRequests} PR${u.pullRequests === 1 ? "" : "s"}`,
        )
        .join("\n")}${listMore(data.unpricedModels.length, shown.length)}`,
    );
  }
  parts.push(
    `<sub>Investment is every priced line — agent cost from commit trailers, engineering and review hours at the blended \`investment.hourly-rate\`, CI minutes — in ${data.currency}; hours belong to work, never to a person. A work item's worth counts once however many PRs it has. Posted by cost-value; \`/cost-value rollup\` posts it on demand.</sub>`,
  );
  return fitWithin(parts.join("\n\n"), COMMENT_BODY_LIMIT_BYTES);
}
