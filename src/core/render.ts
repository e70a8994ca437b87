/**
 * Verdict → check-run output (`title`, `summary`, `text`). Pure. Every piece of untrusted text
 * (PR bodies, commit messages, trailer values, model names) goes through `markdown/escape.ts`.
 *
 * GitHub limits `summary` and `text` to 65,535 characters each
 * (https://docs.github.com/rest/checks/runs#create-a-check-run); we stay under
 * CHECK_RUN_OUTPUT_LIMIT_BYTES counted in UTF-8 bytes (a conservative measure) and say what was cut.
 */

import { CHECK_RUN_OUTPUT_LIMIT_BYTES, CHECK_RUN_TITLE_LIMIT_CHARS } from "./github-limits.js";
import { formatIssueRef, type IssueRef } from "./issue-ref.js";
import { codeBlock, inlineCode } from "./markdown/code.js";
import { escapeInline, escapeShort, table } from "./markdown/escape.js";
import { formatMoney, type Money } from "./money.js";
import type { Problem } from "./problem.js";
import { investmentHeadline, renderInvestmentTable } from "./render-investment.js";
import type { TokenCounts } from "./tokens.js";
import {
  type EvaluatedVerdict,
  type Finding,
  isCostKnown,
  type Level,
  type Verdict,
} from "./verdict.js";

export interface CheckOutput {
  title: string;
  summary: string;
  text: string;
}

export interface RenderContext {
  repository: { owner: string; repo: string };
  currency: string;
  valueHeading: string;
}

const byteLength = (s: string): number => Buffer.byteLength(s, "utf8");

/** At most `max` UTF-16 units, never half of a surrogate pair (GitHub rejects lone surrogates). */
export function cutTitle(text: string, max = CHECK_RUN_TITLE_LIMIT_CHARS): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** Money for markdown: `$` escaped so GitHub's math rendering never pairs two amounts. */
function md(money: Money, whole = false): string {
  return formatMoney(money, { whole }).replaceAll("$", "\\$");
}

function compactCount(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  return n.toLocaleString("en-US");
}

function formatRatio(r: number): string {
  if (r >= 100) return `${Math.round(r).toLocaleString("en-US")}×`;
  if (r >= 10) return `${r.toFixed(0)}×`;
  return `${r.toFixed(1)}×`;
}

function formatPercent(p: number): string {
  if (!Number.isFinite(p)) return "∞%";
  if (p > 0 && p < 0.05) return "<0.1%"; // spend was recorded: never show it as 0.0%
  return `${p >= 10 ? Math.round(p) : p.toFixed(1)}%`;
}

function tokensSummary(t: TokenCounts): string {
  const parts: string[] = [];
  if (t.input > 0) parts.push(`${compactCount(t.input)} in`);
  if (t.output > 0) parts.push(`${compactCount(t.output)} out`);
  if (t.cacheRead > 0) parts.push(`${compactCount(t.cacheRead)} cache read`);
  const writes = t.cacheWrite + t.cacheWrite1h;
  if (writes > 0) parts.push(`${compactCount(writes)} cache write`);
  if (t.unspecified > 0) parts.push(`${compactCount(t.unspecified)} unsplit`);
  return parts.length > 0 ? parts.join(" · ") : "—";
}

function issueLabel(ref: IssueRef, context: RenderContext): string {
  // same-repository references render as links (our own text); others are escaped, no back-link
  const text = formatIssueRef(ref, context.repository);
  return ref.owner === undefined ||
    (ref.owner.toLowerCase() === context.repository.owner.toLowerCase() &&
      ref.repo?.toLowerCase() === context.repository.repo.toLowerCase())
    ? `#${ref.number}`
    : escapeInline(text);
}

/** The one line a reviewer reads first. Plain text (titles are not markdown). */
export function renderTitle(verdict: Verdict, _context: RenderContext): string {
  if (verdict.conclusion === "skipped") return cutTitle(`Skipped: ${verdict.reason}`);
  const { totals } = verdict;
  const known = totals.micros > 0n || totals.commitsWithCost > 0;
  // an unreadable or unpriced cost is unknown, never $0
  const unknown =
    totals.commitsWithUnknownCost > 0
      ? `cost unknown for ${totals.commitsWithUnknownCost} commit${totals.commitsWithUnknownCost === 1 ? "" : "s"}`
      : undefined;
  const parts: string[] = [];
  const statement = verdict.value.ok ? verdict.value.statement : undefined;
  if (!verdict.value.ok) parts.push("Value statement missing or incomplete");
  // the headline is the whole investment; the agent figure is one of its lines
  const invested = investmentHeadline(verdict.investment.lines, verdict.investment.total);
  if (invested !== undefined) parts.push(invested);
  const priced = verdict.investment.total.totalMicros > 0n;
  if (unknown !== undefined) parts.push(priced ? `agent ${unknown}` : `C${unknown.slice(1)}`);
  if (invested === undefined && unknown === undefined) parts.push("No investment recorded");
  if (statement !== undefined) {
    const worth = `worth ${formatMoney(statement.worth, { whole: true })}`;
    parts.push(
      verdict.valueToInvestment !== undefined
        ? `${worth} (${formatRatio(verdict.valueToInvestment)})`
        : worth,
    );
  }
  // with no cost read, "0.0% of budget" would claim a spend of 0
  if (verdict.budget !== undefined && (known || priced || unknown === undefined)) {
    parts.push(
      `${formatPercent(verdict.budget.percent)} of budget${verdict.budget.over ? " (over)" : ""}`,
    );
  }
  return cutTitle(parts.join(" · "));
}

const LEVEL_ICON: Record<Level, string> = { failure: "❌", neutral: "⚠️", success: "ℹ️" };

function renderProblem(problem: Problem): string {
  const where = problem.where !== undefined ? ` (${escapeInline(problem.where)})` : "";
  const quote = problem.quote !== undefined ? `: ${inlineCode(problem.quote)}` : "";
  // a fix may end with a ready-to-paste block after a blank line (e.g. the value section)
  const blank = problem.fix.indexOf("\n\n");
  const fixLine = blank === -1 ? problem.fix : problem.fix.slice(0, blank);
  const block =
    blank === -1
      ? ""
      : `\n\n${codeBlock(problem.fix.slice(blank + 2), { lang: "markdown", indent: "    " })}`;
  return `  - ${escapeInline(problem.message)}${where}${quote}\n    **Fix:** ${escapeInline(fixLine)}${block}`;
}

function renderFinding(finding: Finding, limit = 20): string {
  const lines = [`- ${LEVEL_ICON[finding.level]} **${escapeInline(finding.summary)}**`];
  for (const problem of finding.problems.slice(0, limit)) lines.push(renderProblem(problem));
  if (finding.problems.length > limit) {
    lines.push(`  - … and ${finding.problems.length - limit} more (see the details below)`);
  }
  return lines.join("\n");
}

function findingFix(finding: Finding, verdict: EvaluatedVerdict, context: RenderContext): string {
  switch (finding.kind) {
    case "agent-work-without-cost":
      return "    **Fix:** add `Agent-Cost: <amount> USD` (or `Agent-Usage:` lines) to those commits' trailers, e.g. with `git commit --amend --trailer \"Agent-Cost: 1.20 USD\"`; `npx cost-value usage` prints them from your agent's logs.";
    case "unpriced-models":
      return `    **Fix:** add a price under \`pricing.overrides\` in \`.github/cost-value.yml\`, e.g. ${inlineCode(`${verdict.totals.unpricedModels[0] ?? "provider/model"}: { input: 3, output: 15 }`)} (${context.currency} per million tokens), or record \`Agent-Cost\` directly.`;
    case "foreign-currency":
      return `    **Fix:** record costs in ${context.currency} (no exchange rates are applied), or set \`currency\` in \`.github/cost-value.yml\`.`;
    case "over-budget":
      return "    **Fix:** raise `Budget:` in the value statement if the work is still worth it, or split the work.";
    default:
      return "";
  }
}

function renderCostTable(verdict: EvaluatedVerdict, context: RenderContext): string {
  const { totals } = verdict;
  const rows: string[][] = [
    [
      "**Total**",
      totals.commitsWithCost === 0 && totals.commitsWithUnknownCost > 0
        ? "unknown"
        : md({ micros: totals.micros, currency: context.currency }),
      tokensSummary(totals.tokens),
      `${totals.commitsWithCost} of ${totals.commitCount}`,
    ],
  ];
  if (totals.commitsWithUnknownCost > 0) {
    rows.push([
      "Cost unknown (trailers unreadable or unpriced)",
      "unknown",
      "",
      `${totals.commitsWithUnknownCost} of ${totals.commitCount}`,
    ]);
  }
  for (const money of totals.foreign) {
    rows.push(["Not added (other currency)", md(money), "", ""]);
  }
  const sections = [table(["", "cost", "tokens", "commits with cost"], rows)];
  if (totals.models.length > 0) {
    sections.push(
      table(
        ["model", "cost", "input", "output", "cache read", "cache write"],
        totals.models
          .slice(0, 30)
          .map((m) => [
            inlineCode(m.model, { inTable: true }),
            m.priced && m.micros !== undefined
              ? md({ micros: m.micros, currency: context.currency })
              : "unpriced",
            compactCount(m.tokens.input),
            compactCount(m.tokens.output),
            compactCount(m.tokens.cacheRead),
            compactCount(m.tokens.cacheWrite + m.tokens.cacheWrite1h),
          ]),
      ),
    );
  }
  if (totals.agents.length > 0) {
    sections.push(
      table(
        ["agent", "cost", "commits", "without cost"],
        totals.agents
          .slice(0, 30)
          .map((a) => [
            escapeShort(a.agent, 60),
            a.unknownCost === 0
              ? md({ micros: a.micros, currency: context.currency })
              : a.unknownCost === a.commits
                ? "unknown"
                : `${md({ micros: a.micros, currency: context.currency })} + unknown`,
            String(a.commits),
            String(a.withoutCost),
          ]),
      ),
    );
  }
  return sections.join("\n\n");
}

function renderValueTable(verdict: EvaluatedVerdict, context: RenderContext): string {
  const statement = verdict.value.ok ? verdict.value.statement : verdict.value.partial;
  const origin = verdict.value.ok ? verdict.value.statement.origin : undefined;
  const from = (field: string): string => {
    const o = (origin as Record<string, "pr" | IssueRef> | undefined)?.[field];
    if (o === undefined || o === "pr") return "PR";
    return `issue ${issueLabel(o, context)}`;
  };
  const rows: string[][] = [];
  if (statement.issue !== undefined)
    rows.push(["Issue", issueLabel(statement.issue, context), from("issue")]);
  if (statement.type !== undefined)
    rows.push(["Type", escapeShort(statement.type, 40), from("type")]);
  if (statement.worth !== undefined) rows.push(["Worth", md(statement.worth, true), from("worth")]);
  if (statement.budget !== undefined)
    rows.push(["Budget", md(statement.budget, true), from("budget")]);
  if (statement.whyNow !== undefined)
    rows.push(["Why now", escapeShort(statement.whyNow, 300), from("whyNow")]);
  if (verdict.valueToInvestment !== undefined)
    rows.push(["Value to investment", formatRatio(verdict.valueToInvestment), ""]);
  if (verdict.valueToCost !== undefined)
    rows.push(["Value to agent cost", formatRatio(verdict.valueToCost), ""]);
  if (verdict.budget !== undefined) {
    const b = verdict.budget;
    const unknown = verdict.totals.commitsWithUnknownCost;
    const spent = `${md({ micros: b.spent, currency: context.currency })}${unknown > 0 ? " + unknown" : ""}`;
    const used =
      unknown > 0 && verdict.totals.commitsWithCost === 0 && b.pullRequests === 1
        ? `unknown (the cost of ${unknown} commit${unknown === 1 ? "" : "s"} is unknown; budget ${md(b.budget)})`
        : `${formatPercent(b.percent)} (${spent} of ${md(b.budget)}${b.pullRequests > 1 ? ` across ${b.pullRequests} PRs` : ""})`;
    const scope =
      b.covers === "total"
        ? `investment: ${b.includes?.join(", ") || "no priced line"}`
        : "agent cost";
    rows.push([
      "Budget used",
      `${used}; ${escapeInline(scope)}`,
      b.pullRequests > 1 ? "work item" : "",
    ]);
  }
  if (rows.length === 0) return "_No value statement found._";
  return table(["", "value", "from"], rows, ["left", "left", "left"]);
}

function headline(verdict: EvaluatedVerdict): string {
  switch (verdict.conclusion) {
    case "failure":
      return "This PR needs attention before it can pass.";
    case "neutral":
      return verdict.downgradedDraft
        ? "This draft would fail the check; it is shown as neutral until it is ready for review."
        : "Passing, with warnings.";
    case "success":
      if (verdict.totals.commitsWithCost > 0) return "Cost and value are both recorded.";
      return verdict.totals.commitsWithUnknownCost > 0
        ? "The value statement is complete; the cost of these commits is unknown."
        : "The value statement is complete; these commits record no agent work.";
  }
}

function renderSummary(verdict: Verdict, context: RenderContext): string {
  if (verdict.conclusion === "skipped") {
    return `cost-value skipped this PR because ${escapeShort(verdict.reason, 300)}.\n\n${escapeInline(verdict.fix)}`;
  }
  const parts: string[] = [`**${headline(verdict)}**`];
  const b = verdict.budget;
  if (b !== undefined && b.issue !== undefined && b.pullRequests > 1) {
    parts.push(
      `Issue ${issueLabel(b.issue, context)}: ${md({ micros: b.spent, currency: context.currency })} of ${md(b.budget, true)} budget across ${b.pullRequests} PRs (${formatPercent(b.percent)})${b.over ? " — **over budget**" : ""}`,
    );
  }
  if (verdict.findings.length > 0) {
    parts.push(
      verdict.findings
        .map((f) => {
          const fix = findingFix(f, verdict, context);
          return fix === "" ? renderFinding(f) : `${renderFinding(f)}\n${fix}`;
        })
        .join("\n"),
    );
  }
  parts.push(
    `### Investment\n\n${renderInvestmentTable(verdict.investment.lines, verdict.investment.total)}`,
  );
  parts.push(`### Value\n\n${renderValueTable(verdict, context)}`);
  parts.push(`### Agent cost\n\n${renderCostTable(verdict, context)}`);
  return fitWithin(parts.join("\n\n"), CHECK_RUN_OUTPUT_LIMIT_BYTES);
}

function commitRow(commit: EvaluatedVerdict["commits"][number], context: RenderContext): string {
  const sha = commit.sha.slice(0, 7);
  const agents = [...new Set([commit.agent, ...commit.agentSignals.map((s) => s.agent)])].filter(
    (a): a is string => a !== undefined,
  );
  const cost = !isCostKnown(commit)
    ? commit.hasCostRecord
      ? "unknown"
      : commit.agentWithoutCost
        ? "**not recorded**"
        : "—"
    : md({ micros: commit.micros, currency: context.currency });
  const notes: string[] = [];
  if (commit.foreign.length > 0)
    notes.push(`+ ${commit.foreign.map((m) => md(m)).join(", ")} not added`);
  if (commit.unpricedModels.length > 0)
    notes.push(`unpriced: ${commit.unpricedModels.map((m) => escapeShort(m, 40)).join(", ")}`);
  if (commit.problems.length > 0) notes.push(`${commit.problems.length} unreadable trailer(s)`);
  return `| ${inlineCode(sha, { inTable: true })} | ${escapeShort(agents.join(", "), 60) || "—"} | ${cost} | ${commit.costSource === "none" ? "—" : commit.costSource} | ${tokensSummary(commit.tokens)} | ${notes.join("; ") || ""} |`;
}

function renderText(verdict: Verdict, context: RenderContext): string {
  if (verdict.conclusion === "skipped") return "";
  const header = [
    "### Commits",
    "",
    "| commit | agent | cost | from | tokens | notes |",
    "| --- | --- | --: | --- | --- | --- |",
  ].join("\n");
  const footerRoom = 300;
  let out = header;
  let size = byteLength(header);
  let shown = 0;
  for (const commit of verdict.commits) {
    const row = `\n${commitRow(commit, context)}`;
    const rowSize = byteLength(row);
    if (size + rowSize > CHECK_RUN_OUTPUT_LIMIT_BYTES - footerRoom) break;
    out += row;
    size += rowSize;
    shown++;
  }
  if (shown < verdict.commits.length) {
    out += `\n\n_${verdict.commits.length - shown} more commits not shown: GitHub limits this text to 65,535 characters. The totals above include them all._`;
  }
  const problems = verdict.findings.flatMap((f) => f.problems);
  if (problems.length > 0) {
    const section = `\n\n### Every problem\n\n${problems.map(renderProblem).join("\n")}`;
    out += section;
  }
  out +=
    "\n\nHow to record cost: `docs/trailers.md`; the value statement: `docs/value-statement.md` (in cost-value's documentation). Try it before pushing: `npx cost-value check --body-file pr.md`.";
  return fitWithin(out, CHECK_RUN_OUTPUT_LIMIT_BYTES);
}

/**
 * Cut at a line boundary so the result fits, and say so. A code block cut in half is closed again.
 * Text with no line that fits is cut inside its first line, before any backtick: a code span cut
 * in half would let the untrusted text inside it render.
 */
export function fitWithin(text: string, limitBytes: number): string {
  if (byteLength(text) <= limitBytes) return text;
  const note = "\n\n_…cut here: GitHub limits check output to 65,535 characters._";
  const budget = limitBytes - byteLength(note);
  const kept: string[] = [];
  let size = 0;
  let openFence: string | undefined;
  // line by line with indexOf, not `split`: a megabyte of line breaks made a million strings
  // here, of which only the first ~65,000 can be kept
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    start = end + 1;
    const add = (kept.length === 0 ? 0 : 1) + byteLength(line);
    const fence = /^ {0,4}(`{3,})/.exec(line)?.[1];
    let next = openFence;
    if (fence !== undefined) {
      if (openFence === undefined) next = fence;
      else if (fence.length >= openFence.length) next = undefined;
    }
    // room for this line, and for closing the block it leaves open
    if (size + add + (next === undefined ? 0 : 1 + next.length) > budget) break;
    kept.push(line);
    size += add;
    openFence = next;
  }
  if (openFence !== undefined) kept.push(openFence);
  let out = kept.join("\n");
  if (out === "") {
    // the first `budget` bytes lie within the first `budget` UTF-16 units: encode no more than those
    // (a pair cut by the slice becomes 3 bytes that cannot all fit, so it is dropped as before)
    const head = text.slice(0, Math.max(0, budget));
    out = Buffer.from(head, "utf8").subarray(0, Math.max(0, budget)).toString("utf8");
    while (out.endsWith("\uFFFD")) out = out.slice(0, -1); // half a character
    const tick = out.indexOf("`");
    if (tick >= 0) out = out.slice(0, tick);
  }
  return `${out}${note}`;
}

export function renderCheckOutput(verdict: Verdict, context: RenderContext): CheckOutput {
  return {
    title: renderTitle(verdict, context),
    summary: renderSummary(verdict, context),
    text: renderText(verdict, context),
  };
}
