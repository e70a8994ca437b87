/**
 * The verdict: everything the core knows about one pull request, decided in one pure function.
 * Inputs are plain data (the GitHub side or the local CLI gathers them); no clock, no I/O.
 */
import type { Config } from "../config/schema.js";
import type { CommitInput } from "./commit.js";
import { type CommitCost, readCommitCost } from "./cost/commit-cost.js";
import {
  type CiRunnerMinutes,
  type PullRequestInvestment,
  pullRequestInvestment,
  type ReviewInput,
} from "./investment/pull-request.js";
import { investmentSettings } from "./investment/settings.js";
import type { IssueRef } from "./issue-ref.js";
import { type Money, ratio } from "./money.js";
import type { Problem } from "./problem.js";
import { findStrayCostTrailers } from "./stray-trailers.js";
import { plural } from "./text.js";
import { addTokens, emptyTokens, type TokenCounts } from "./tokens.js";
import { parseTrailers } from "./trailers.js";
import { type LinkedIssue, resolveValueStatement, type ValueResult } from "./value/resolve.js";

export type Level = "failure" | "neutral" | "success";
export type Conclusion = Level | "skipped";

export interface PullRequestInput {
  repository: { owner: string; repo: string };
  number?: number;
  title?: string;
  body: string;
  /** GitHub login of the PR author. */
  author: string;
  labels: readonly string[];
  draft: boolean;
  commits: readonly CommitInput[];
  /** Issues linked by closing keywords, the sidebar, or the value statement's `Issue:` field. */
  linkedIssues: readonly LinkedIssue[];
  /**
   * The work item's other PRs (same issue), from the ledger: a work item's budget is used by all
   * of its PRs together. Absent: this PR alone.
   */
  workItem?: { otherSpend: bigint; otherInvestment?: bigint; otherPullRequests: number };
  /** Lines added plus deleted (the review estimate); absent when not known. */
  changedLines?: number;
  /** Reviews submitted, without names (the read's and the ledger's). */
  reviews?: readonly ReviewInput[];
  /** Unreadable `Review-Time:` lines of those reviews (the review is then estimated). */
  reviewProblems?: readonly Problem[];
  /** Billed CI minutes on the PR's commits by runner type (the ledger's `workflow_job` events). */
  ci?: readonly CiRunnerMinutes[];
}

export type FindingKind =
  | "missing-value"
  | "over-budget"
  | "agent-work-without-cost"
  | "unpriced-models"
  | "foreign-currency"
  | "malformed-trailers"
  | "stray-cost-trailers"
  | "unreadable-time";

export interface Finding {
  kind: FindingKind;
  level: Level;
  /** One line for a person, e.g. "2 agent-assisted commits recorded no cost". */
  summary: string;
  problems: Problem[];
}

export interface ModelTotal {
  model: string;
  tokens: TokenCounts;
  /** Priced cost in the configured currency; undefined when unpriced. */
  micros?: bigint;
  priced: boolean;
  commits: number;
}

export interface AgentTotal {
  agent: string;
  commits: number;
  micros: bigint;
  /** Commits by this agent with no cost recorded. */
  withoutCost: number;
  /** Commits by this agent whose cost trailers could not be read or priced (not in `micros`). */
  unknownCost: number;
}

export interface CostTotals {
  currency: string;
  /** Total spend in `currency` (foreign amounts are not in it). */
  micros: bigint;
  /** Spend in other currencies, summed per currency. */
  foreign: Money[];
  tokens: TokenCounts;
  models: ModelTotal[];
  agents: AgentTotal[];
  commitCount: number;
  /** Commits whose cost was read: an amount (any currency) or tokens with a price. */
  commitsWithCost: number;
  /**
   * Commits with cost trailers none of which could be read or priced: their cost is unknown, which
   * is not $0.
   */
  commitsWithUnknownCost: number;
  agentCommitsWithoutCost: { sha: string; agents: string[] }[];
  unpricedModels: string[];
}

export interface BudgetUse {
  budget: Money;
  /** What the budget is compared with (`budgets.covers`): the total investment or agent cost. */
  covers: "total" | "agents";
  /** With `total`: the kinds in `spent` (priced lines), and those with hours but no price. */
  includes?: readonly string[];
  unpriced?: readonly string[];
  /** Spend counted against the budget: this PR's, plus the work item's other PRs'. */
  spent: bigint;
  /** PRs whose spend is in `spent` (1 when the work item has no other PR). */
  pullRequests: number;
  /** The work item, when the statement names one. */
  issue?: IssueRef;
  /** spent / budget × 100, for display. */
  percent: number;
  over: boolean;
}

export interface EvaluatedVerdict {
  conclusion: Level;
  totals: CostTotals;
  commits: CommitCost[];
  value: ValueResult;
  budget?: BudgetUse;
  /** Declared worth / agent spend, when both are known and spend > 0 (one line, not the headline). */
  valueToCost?: number;
  /** The PR's investment: every line (agents, engineering, review, CI) and their total. */
  investment: PullRequestInvestment;
  /** Declared worth / total investment, when both are known and the total > 0: the headline. */
  valueToInvestment?: number;
  findings: Finding[];
  draft: boolean;
  /** A draft whose failure was shown as neutral (`drafts: neutral`). */
  downgradedDraft: boolean;
}

export interface SkippedVerdict {
  conclusion: "skipped";
  /** Why, completing "skipped this PR because …". */
  reason: string;
  /** How to have it evaluated. */
  fix: string;
  commitCount: number;
}

export type Verdict = EvaluatedVerdict | SkippedVerdict;

export type VerdictConfig = Pick<
  Config,
  | "currency"
  | "value"
  | "budgets"
  | "policy"
  | "skip"
  | "drafts"
  | "pricing"
  | "trailers"
  | "agents"
  | "investment"
>;

const LEVEL_ORDER: Record<Level, number> = { success: 0, neutral: 1, failure: 2 };

function worst(levels: readonly Level[]): Level {
  let result: Level = "success";
  for (const level of levels) if (LEVEL_ORDER[level] > LEVEL_ORDER[result]) result = level;
  return result;
}

function findSkipReason(
  pr: PullRequestInput,
  config: VerdictConfig,
): { reason: string; fix: string } | undefined {
  const skipLabels = new Set(config.skip.labels.map((l) => l.toLowerCase()));
  const label = pr.labels.find((l) => skipLabels.has(l.toLowerCase()));
  if (label !== undefined) {
    return {
      reason: `the PR has the label "${label}"`,
      fix: `Remove the label to evaluate it (skip labels are set by skip.labels in .github/cost-value.yml).`,
    };
  }
  const author = pr.author.toLowerCase();
  if (config.skip.authors.some((a) => a.toLowerCase() === author)) {
    return {
      reason: `the PR is by ${pr.author}`,
      fix: "To evaluate this author's PRs, remove them from skip.authors in .github/cost-value.yml.",
    };
  }
  if (pr.draft && config.drafts === "skip") {
    return {
      reason: "the PR is a draft",
      fix: "It is evaluated when marked ready for review (or set drafts: evaluate in .github/cost-value.yml).",
    };
  }
  return undefined;
}

/**
 * The commit's cost was read: an `Agent-Cost` amount, or usage/tokens of which some part has a
 * price (a `cost=` or a price found). Trailers that were all unreadable or unpriced are not a cost
 * of 0: the cost is unknown.
 */
export function isCostKnown(commit: CommitCost): boolean {
  switch (commit.costSource) {
    case "none":
      return false;
    case "agent-cost":
      return true;
    default:
      return commit.models.some((m) => m.micros !== undefined || (m.foreign?.length ?? 0) > 0);
  }
}

/** Sum per-commit costs into totals, per model and per agent. */
export function sumCommitCosts(commits: readonly CommitCost[], currency: string): CostTotals {
  let micros = 0n;
  const foreign = new Map<string, bigint>();
  let tokens = emptyTokens();
  const models = new Map<string, ModelTotal>();
  const agents = new Map<string, AgentTotal>();
  const unpriced = new Set<string>();
  const withoutCost: { sha: string; agents: string[] }[] = [];
  let commitsWithCost = 0;
  let commitsWithUnknownCost = 0;

  for (const commit of commits) {
    micros += commit.micros;
    for (const money of commit.foreign) {
      foreign.set(money.currency, (foreign.get(money.currency) ?? 0n) + money.micros);
    }
    tokens = addTokens(tokens, commit.tokens);
    if (isCostKnown(commit)) commitsWithCost++;
    else if (commit.hasCostRecord) commitsWithUnknownCost++;
    for (const usage of commit.models) {
      const total = models.get(usage.model) ?? {
        model: usage.model,
        tokens: emptyTokens(),
        priced: true,
        commits: 0,
      };
      total.tokens = addTokens(total.tokens, usage.tokens);
      total.commits++;
      if (usage.micros !== undefined) total.micros = (total.micros ?? 0n) + usage.micros;
      if (usage.priceSource === "unpriced") total.priced = false;
      models.set(usage.model, total);
    }
    for (const model of commit.unpricedModels) unpriced.add(model);
    const names = new Set<string>();
    if (commit.agent !== undefined) names.add(commit.agent);
    for (const signal of commit.agentSignals) names.add(signal.agent);
    if (names.size === 0 && commit.hasCostRecord) names.add("unnamed agent");
    for (const name of names) {
      const total = agents.get(name) ?? {
        agent: name,
        commits: 0,
        micros: 0n,
        withoutCost: 0,
        unknownCost: 0,
      };
      total.commits++;
      // a commit's cost is attributed to its first named agent only, so totals add up
      if (name === [...names][0]) total.micros += commit.micros;
      if (commit.agentWithoutCost) total.withoutCost++;
      if (commit.hasCostRecord && !isCostKnown(commit)) total.unknownCost++;
      agents.set(name, total);
    }
    if (commit.agentWithoutCost) {
      withoutCost.push({
        sha: commit.sha,
        agents: [...new Set(commit.agentSignals.map((s) => s.agent))],
      });
    }
  }

  return {
    currency,
    micros,
    foreign: [...foreign].map(([code, amount]) => ({ currency: code, micros: amount })),
    tokens,
    models: [...models.values()].sort((a, b) =>
      (b.micros ?? 0n) > (a.micros ?? 0n) ? 1 : (b.micros ?? 0n) < (a.micros ?? 0n) ? -1 : 0,
    ),
    agents: [...agents.values()].sort((a, b) =>
      b.micros > a.micros ? 1 : b.micros < a.micros ? -1 : 0,
    ),
    commitCount: commits.length,
    commitsWithCost,
    commitsWithUnknownCost,
    agentCommitsWithoutCost: withoutCost,
    unpricedModels: [...unpriced].sort(),
  };
}

/** "a, b, c and 4 more": a list that cannot grow without bound. */
function listSome(items: readonly string[], max: number): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

function collectFindings(params: {
  totals: CostTotals;
  commits: readonly CommitCost[];
  /** One per commit with cost trailers outside its trailer block. */
  stray: readonly Problem[];
  value: ValueResult;
  budget: BudgetUse | undefined;
  investment: PullRequestInvestment;
  config: VerdictConfig;
}): Finding[] {
  const { totals, commits, stray, value, budget, config } = params;
  const findings: Finding[] = [];
  if (!value.ok) {
    findings.push({
      kind: "missing-value",
      level: config.policy["missing-value"],
      summary: "The value statement is missing or incomplete",
      problems: value.problems,
    });
  }
  if (budget?.over === true) {
    findings.push({
      kind: "over-budget",
      level: config.budgets.enforce ? "failure" : "neutral",
      summary: overBudgetSummary(budget),
      problems: [],
    });
  }
  if (params.investment.problems.length > 0) {
    findings.push({
      kind: "unreadable-time",
      level: config.policy["malformed-trailers"],
      summary: `${plural(params.investment.problems.length, "declared time")} could not be read`,
      problems: params.investment.problems,
    });
  }
  if (totals.agentCommitsWithoutCost.length > 0) {
    const n = totals.agentCommitsWithoutCost.length;
    findings.push({
      kind: "agent-work-without-cost",
      level: config.policy["agent-work-without-cost"],
      summary: `${plural(n, "agent-assisted commit")} recorded no cost`,
      problems: [],
    });
  }
  if (totals.unpricedModels.length > 0) {
    findings.push({
      kind: "unpriced-models",
      level: config.policy["unpriced-models"],
      summary: `No price for ${plural(totals.unpricedModels.length, "model")}: ${listSome(totals.unpricedModels, 5)}`,
      problems: [],
    });
  }
  if (totals.foreign.length > 0) {
    findings.push({
      kind: "foreign-currency",
      level: config.policy["foreign-currency"],
      summary: `Costs in ${listSome(
        totals.foreign.map((m) => m.currency),
        5,
      )} are not added to the ${config.currency} total`,
      problems: [],
    });
  }
  const malformed = commits.flatMap((c) => c.problems);
  if (malformed.length > 0) {
    findings.push({
      kind: "malformed-trailers",
      level: config.policy["malformed-trailers"],
      summary: `${plural(malformed.length, "cost trailer")} could not be read`,
      problems: malformed,
    });
  }
  if (stray.length > 0) {
    findings.push({
      kind: "stray-cost-trailers",
      level: config.policy["malformed-trailers"],
      summary: `${plural(stray.length, "commit")} with a cost trailer git does not read (outside the trailer block)`,
      problems: [...stray],
    });
  }
  return findings;
}

function overBudgetSummary(budget: BudgetUse): string {
  const percent = `${Math.round(budget.percent)}% of it`;
  if (budget.covers === "agents") return `Agent spend is over budget (${percent})`;
  const lines =
    budget.includes !== undefined && budget.includes.length > 0
      ? budget.includes.join(", ")
      : "no priced line";
  return `Investment is over budget (${percent}; counted: ${lines})`;
}

/**
 * Decide the verdict for one pull request. `value` is the PR's value statement when the caller
 * resolved it already (from `pr.body` and `pr.linkedIssues`, as `resolveValueStatement` does):
 * the app resolves it once per evaluation and uses it for the ledger's work item too.
 */
export function evaluatePullRequest(params: {
  pr: PullRequestInput;
  config: VerdictConfig;
  value?: ValueResult;
  /** The evaluation's clock (commit dates after it are moved back in the engineering estimate). */
  now?: Date;
}): Verdict {
  const { pr, config } = params;
  const skip = findSkipReason(pr, config);
  if (skip !== undefined) {
    return { conclusion: "skipped", ...skip, commitCount: pr.commits.length };
  }

  // each message's trailers parsed once: the cost and the engineering time read them
  const parsed = pr.commits.map((commit) => ({
    ...commit,
    trailers: parseTrailers(commit.message),
  }));
  const commits = parsed.map((commit) =>
    readCommitCost({ commit, trailers: commit.trailers, config }),
  );
  const totals = sumCommitCosts(commits, config.currency);

  const value =
    params.value ??
    resolveValueStatement({
      prBody: pr.body,
      linkedIssues: pr.linkedIssues,
      repository: pr.repository,
      config,
    });
  const statement = value.ok ? value.statement : value.partial;

  const investment = pullRequestInvestment({
    settings: investmentSettings(config),
    agents: {
      micros: totals.micros,
      commitsWithCost: totals.commitsWithCost,
      commitsWithUnknownCost: totals.commitsWithUnknownCost,
      agentCommitsWithoutCost: totals.agentCommitsWithoutCost.length,
    },
    ...(statement.effort !== undefined ? { effortMinutes: statement.effort } : {}),
    commits: parsed,
    ...(pr.changedLines !== undefined ? { changedLines: pr.changedLines } : {}),
    reviews: pr.reviews ?? [],
    ci: pr.ci ?? [],
    ...(params.now !== undefined ? { now: params.now } : {}),
  });
  if (pr.reviewProblems !== undefined) investment.problems.push(...pr.reviewProblems);

  let budget: BudgetUse | undefined;
  if (statement.budget !== undefined && statement.budget.currency === config.currency) {
    const covers = config.budgets.covers;
    const own = covers === "total" ? investment.total.totalMicros : totals.micros;
    const others =
      covers === "total"
        ? (pr.workItem?.otherInvestment ?? pr.workItem?.otherSpend ?? 0n)
        : (pr.workItem?.otherSpend ?? 0n);
    const spent = own + others;
    const percent = (ratio(spent, statement.budget.micros) ?? 0) * 100;
    budget = {
      budget: statement.budget,
      covers,
      ...(covers === "total"
        ? { includes: investment.total.includes, unpriced: investment.total.unpriced }
        : {}),
      spent,
      pullRequests: 1 + (pr.workItem?.otherPullRequests ?? 0),
      ...(statement.issue !== undefined ? { issue: statement.issue } : {}),
      percent: statement.budget.micros === 0n && spent > 0n ? Infinity : percent,
      over: spent > statement.budget.micros,
    };
  }
  const valueToCost =
    statement.worth !== undefined && totals.micros > 0n
      ? ratio(statement.worth.micros, totals.micros)
      : undefined;
  const valueToInvestment =
    statement.worth !== undefined &&
    statement.worth.currency === investment.total.currency &&
    investment.total.totalMicros > 0n
      ? ratio(statement.worth.micros, investment.total.totalMicros)
      : undefined;

  const stray = pr.commits.flatMap((commit) => {
    const problem = findStrayCostTrailers({
      message: commit.message,
      sha: commit.sha,
      aliases: config.trailers.aliases,
    });
    return problem === undefined ? [] : [problem];
  });
  const findings = collectFindings({ totals, commits, stray, value, budget, investment, config });
  let conclusion = worst(findings.map((f) => f.level));
  let downgradedDraft = false;
  if (pr.draft && config.drafts === "neutral" && conclusion === "failure") {
    conclusion = "neutral";
    downgradedDraft = true;
  }

  return {
    conclusion,
    totals,
    commits,
    value,
    ...(budget !== undefined ? { budget } : {}),
    ...(valueToCost !== undefined ? { valueToCost } : {}),
    investment,
    ...(valueToInvestment !== undefined ? { valueToInvestment } : {}),
    findings,
    draft: pr.draft,
    downgradedDraft,
  };
}
