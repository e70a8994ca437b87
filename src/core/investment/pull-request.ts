/**
 * A pull request's investment: its lines — agents (measured from trailers), engineering (declared
 * or estimated), review (declared or estimated), CI (measured) — and their exact total. Pure: the
 * evaluation passes what GitHub's read and the ledger gave (commit times, reviews without names,
 * CI minutes by runner type). Coordination and tools are work-item and milestone lines (rollups).
 */
import type { CommitInput } from "../commit.js";
import type { Problem } from "../problem.js";
import type { Trailer } from "../trailers.js";
import { ciLine } from "./ci.js";
import { formatHours } from "./duration.js";
import { engineeringLine, readEngineeringTrailers } from "./engineering.js";
import { type ReviewerTime, reviewLine } from "./estimate-review.js";
import { type InvestmentLine, type InvestmentTotal, investmentTotal } from "./lines.js";
import type { InvestmentSettings } from "./settings.js";

/** A review submitted on the PR: no name, an opaque key to count distinct reviewers. */
export interface ReviewInput {
  reviewerKey: string;
  /** From a `Review-Time:` line in the review's body. */
  declaredMinutes?: number;
}

/** Billed CI minutes of one runner type over the PR's commits (from `workflow_job` events). */
export interface CiRunnerMinutes {
  runner: string;
  minutes: number;
  jobs: number;
}

/** What the agents line is made of: the verdict's cost totals. */
export interface AgentSpend {
  micros: bigint;
  commitsWithCost: number;
  /** Commits whose agent cost is unknown (recorded but unreadable, or not recorded at all). */
  commitsWithUnknownCost: number;
  /** Agent-assisted commits that recorded no cost. */
  agentCommitsWithoutCost: number;
}

export interface PullRequestInvestment {
  lines: InvestmentLine[];
  total: InvestmentTotal;
  /** Unreadable `Engineering-Time:` trailers (each names its commit and the fix). */
  problems: Problem[];
}

/** The agents line: measured from the commits' cost trailers. */
export function agentsLine(spend: AgentSpend, currency: string): InvestmentLine {
  const parts = [
    spend.commitsWithCost > 0
      ? `${spend.commitsWithCost} ${spend.commitsWithCost === 1 ? "commit" : "commits"} with cost trailers, priced`
      : "no commit recorded an agent cost",
  ];
  const unknown = spend.commitsWithUnknownCost + spend.agentCommitsWithoutCost;
  if (unknown > 0)
    parts.push(
      `${unknown} agent-assisted ${unknown === 1 ? "commit" : "commits"} with no readable cost: not in the amount, which is a lower bound`,
    );
  // an agent cost that could not be read is unknown, never $0
  const known = spend.commitsWithCost > 0 || unknown === 0;
  return {
    kind: "agents",
    basis: "measured",
    ...(known ? { amountMicros: spend.micros } : {}),
    currency,
    detail: parts.join("; "),
  };
}

/**
 * Reviewers as the estimate counts them: one per distinct key; a reviewer's `Review-Time:` values
 * are summed over their reviews (declared), else the reviewer is estimated once.
 */
export function reviewersOf(reviews: readonly ReviewInput[]): ReviewerTime[] {
  const byKey = new Map<string, ReviewerTime>();
  for (const review of reviews) {
    const seen = byKey.get(review.reviewerKey) ?? {};
    if (review.declaredMinutes !== undefined)
      seen.declaredMinutes = (seen.declaredMinutes ?? 0) + review.declaredMinutes;
    byKey.set(review.reviewerKey, seen);
  }
  return [...byKey.values()];
}

/** The per-minute rate of a stored runner type (`priceCiJob`'s `runner`), undefined when unknown. */
export function ciRateMicros(
  runner: string,
  settings: InvestmentSettings["ci"],
): bigint | undefined {
  const label = settings.labelsMicros.get(runner);
  if (label !== undefined) return label;
  if (runner === "self-hosted") return settings.selfHostedMicros;
  // standard GitHub-hosted runners are free in public repositories
  if (runner === "public-hosted") return 0n;
  const rates = settings.ratesMicros as Readonly<Record<string, bigint>>;
  return Object.hasOwn(rates, runner) ? rates[runner] : undefined;
}

/** The CI line from billed minutes by runner type, priced at the settings' rates. */
export function ciLineOf(
  ci: readonly CiRunnerMinutes[],
  settings: InvestmentSettings["ci"],
): InvestmentLine | undefined {
  const jobs: { minutes: number; micros?: bigint }[] = [];
  for (const runner of ci) {
    const rate = ciRateMicros(runner.runner, settings);
    // one entry per job: the line counts jobs; the runner's minutes go on its first job
    for (let i = 0; i < Math.max(1, runner.jobs); i++) {
      const minutes = i === 0 ? runner.minutes : 0;
      jobs.push({ minutes, ...(rate !== undefined ? { micros: BigInt(minutes) * rate } : {}) });
    }
  }
  return ciLine({ jobs, currency: settings.currency });
}

/** The PR's investment lines and total. */
export function pullRequestInvestment(params: {
  settings: InvestmentSettings;
  agents: AgentSpend;
  /** The value statement's `Effort:` in minutes, when declared. */
  effortMinutes?: number;
  commits: readonly (CommitInput & { trailers?: readonly Trailer[] })[];
  /** Lines added plus deleted; undefined when the read did not say (the review line then waits). */
  changedLines?: number;
  reviews: readonly ReviewInput[];
  ci: readonly CiRunnerMinutes[];
  now?: Date;
}): PullRequestInvestment {
  const { settings } = params;
  const trailers = readEngineeringTrailers({
    commits: params.commits,
    dayHours: settings.dayHours,
  });
  const lines: InvestmentLine[] = [agentsLine(params.agents, settings.currency)];
  lines.push(
    engineeringLine({
      ...(params.effortMinutes !== undefined ? { effortMinutes: params.effortMinutes } : {}),
      trailers,
      commits: params.commits.map((c) => ({
        ...(c.authoredAt !== undefined ? { authoredAt: c.authoredAt } : {}),
        ...(c.committedAt !== undefined ? { committedAt: c.committedAt } : {}),
      })),
      settings,
      ...(params.now !== undefined ? { now: params.now } : {}),
    }),
  );
  if (params.changedLines !== undefined) {
    const review = reviewLine({
      changedLines: params.changedLines,
      reviewers: reviewersOf(params.reviews),
      settings,
    });
    if (review !== undefined) lines.push(review);
  }
  const ci = ciLineOf(params.ci, settings.ci);
  if (ci !== undefined) lines.push(ci);
  return {
    lines,
    total: investmentTotal(lines, settings.currency),
    problems: trailers.problems,
  };
}

/** "6 h" or "—": a line's time for a table. */
export function lineHours(line: InvestmentLine): string {
  return line.minutes === undefined ? "—" : formatHours(line.minutes);
}
