/**
 * Between an evaluation and the ledger: the work item's spend over its other PRs (read before the
 * verdict, so the check shows the work item's budget use), and the PR's record plus its
 * milestones' rollups (written after the check is published).
 */
import type pg from "pg";
import type { Config } from "../config/schema.js";
import { absoluteIssue, type IssueRef } from "../core/issue-ref.js";
import { parseMilestoneBudget } from "../core/milestone.js";
import type { TokenCounts } from "../core/tokens.js";
import type { LinkedIssue, ValueOrigin, ValueResult } from "../core/value/resolve.js";
import type { EvaluatedVerdict, Verdict } from "../core/verdict.js";
import type {
  IssueKey,
  PullRequestRecord,
  StoredInvestmentLine,
  StoredReview,
} from "../db/pull-requests.js";
import {
  type EvaluationState,
  forgetCheckOutput,
  forgetPullRequest,
  readEvaluationState,
  recordPullRequest,
} from "../db/record.js";
import type { RestApi } from "./rest-api.js";
import { type RollupAction, type RollupTarget, refreshRollup } from "./rollups.js";
import type { PullRequestSnapshot } from "./snapshot.js";

export interface LedgerScope {
  pool: pg.Pool;
  installationId: number;
}

/** A pull request in the ledger. */
export interface PullRequestKey {
  installationId: number;
  repositoryId: number;
  number: number;
}

function absolute(ref: IssueRef, snapshot: PullRequestSnapshot): IssueKey {
  return absoluteIssue(ref, snapshot.repository.owner, snapshot.repository.repo);
}

const originText = (
  origin: ValueOrigin | undefined,
  snapshot: PullRequestSnapshot,
): string | undefined => {
  if (origin === undefined) return undefined;
  if (origin === "pr") return "pr";
  const key = absolute(origin, snapshot);
  return `${key.owner}/${key.repo}#${key.number}`;
};

const tokenColumns = (t: TokenCounts): PullRequestRecord["tokens"] => ({
  input: t.input,
  output: t.output,
  cacheRead: t.cacheRead,
  cacheWrite: t.cacheWrite + t.cacheWrite1h,
  unspecified: t.unspecified,
});

/** The work item of an evaluation: its value statement's issue (absolute), if any. */
export function workItemOf(
  value: ValueResult,
  snapshot: PullRequestSnapshot,
): IssueKey | undefined {
  const issue = value.ok ? value.statement.issue : value.partial.issue;
  return issue !== undefined ? absolute(issue, snapshot) : undefined;
}

/** The PR's key in the ledger. */
export function ledgerKey(scope: LedgerScope, snapshot: PullRequestSnapshot): PullRequestKey {
  return {
    installationId: scope.installationId,
    repositoryId: snapshot.repository.id,
    number: snapshot.number,
  };
}

/**
 * What the ledger knows before the verdict, in one statement: our run on the PR (and its output's
 * hash), and the spend of the work item's other PRs.
 */
export function readLedgerState(
  scope: LedgerScope,
  key: PullRequestKey,
  workItem?: IssueKey,
  /** The evaluated commits: their CI minutes (`workflow_job` events) are read too. */
  commitShas?: readonly string[],
): Promise<EvaluationState> {
  return readEvaluationState(scope.pool, {
    ...key,
    ...(workItem !== undefined ? { workItem } : {}),
    ...(commitShas !== undefined ? { commitShas } : {}),
  });
}

/**
 * What the review and CI events re-price a PR's lines with (kept on the PR's row): the config's
 * `investment` section, its currency, and where its rollups go.
 */
export interface StoredInvestmentSettings {
  currency: string;
  investment: Config["investment"];
  rollups: { enabled: boolean; issue: number | null };
}

export function storedInvestmentSettings(config: Config): StoredInvestmentSettings {
  return {
    currency: config.currency,
    investment: config.investment,
    rollups: { enabled: config.rollups.enabled, issue: config.rollups.issue },
  };
}

/** The lines the ledger keeps per PR (tools are a milestone's line, never a PR's). */
export function storedLines(verdict: EvaluatedVerdict): StoredInvestmentLine[] {
  return verdict.investment.lines.flatMap((line) =>
    line.kind === "tools"
      ? []
      : [
          {
            kind: line.kind,
            basis: line.basis,
            ...(line.minutes !== undefined ? { minutes: line.minutes } : {}),
            ...(line.amountMicros !== undefined ? { amountMicros: line.amountMicros } : {}),
            currency: line.currency,
            detail: line.detail,
          },
        ],
  );
}

/** The run no longer shows the output whose hash the ledger keeps: forget the hash. */
export function forgetPublishedOutput(scope: LedgerScope, key: PullRequestKey): Promise<void> {
  return forgetCheckOutput(scope.pool, key);
}

export function toRecord(params: {
  installationId: number;
  snapshot: PullRequestSnapshot;
  verdict: EvaluatedVerdict;
  linkedIssues: readonly LinkedIssue[];
  currency: string;
  checkRunId: string;
  evaluatedAt: Date;
  /** The reviews counted (the read's and the ledger's), kept for later review events. */
  reviews?: readonly StoredReview[];
  /** What later events re-price with (`storedInvestmentSettings`). */
  investmentSettings?: StoredInvestmentSettings;
}): PullRequestRecord {
  const { snapshot: s, verdict: v } = params;
  const statement = v.value.ok ? v.value.statement : v.value.partial;
  const origin = v.value.ok ? v.value.statement.origin : undefined;
  const worthOrigin = originText(origin?.worth, s);
  const budgetOrigin = originText(origin?.budget, s);
  return {
    installationId: params.installationId,
    repository: { id: s.repository.id, owner: s.repository.owner, name: s.repository.repo },
    number: s.number,
    ...(s.id !== undefined ? { githubId: s.id } : {}),
    title: s.title,
    author: s.author,
    state: s.state,
    draft: s.draft,
    ...(s.milestone !== undefined ? { milestoneNumber: s.milestone.number } : {}),
    headSha: s.headSha,
    currency: params.currency,
    valueComplete: v.value.ok,
    ...(statement.type !== undefined ? { valueType: statement.type } : {}),
    ...(statement.worth?.currency === params.currency
      ? { worthMicros: statement.worth.micros }
      : {}),
    ...(statement.budget?.currency === params.currency
      ? { budgetMicros: statement.budget.micros }
      : {}),
    ...(worthOrigin !== undefined ? { worthOrigin } : {}),
    ...(budgetOrigin !== undefined ? { budgetOrigin } : {}),
    ...(statement.issue !== undefined ? { issue: absolute(statement.issue, s) } : {}),
    costMicros: v.totals.micros,
    tokens: tokenColumns(v.totals.tokens),
    commitCount: v.totals.commitCount,
    commitsWithCost: v.totals.commitsWithCost,
    agentCommitsWithoutCost: v.totals.agentCommitsWithoutCost.length,
    unpricedModels: v.totals.unpricedModels,
    conclusion: v.conclusion,
    checkRunId: params.checkRunId,
    evaluatedAt: params.evaluatedAt,
    models: v.totals.models.map((m) => ({
      model: m.model,
      priced: m.priced,
      ...(m.micros !== undefined ? { costMicros: m.micros } : {}),
      tokens: tokenColumns(m.tokens),
    })),
    commits: v.commits.map((c) => ({
      sha: c.sha,
      costSource: c.costSource,
      costMicros: c.micros,
      ...(c.agent !== undefined
        ? { agent: c.agent }
        : c.agentSignals[0] !== undefined
          ? { agent: c.agentSignals[0].agent }
          : {}),
      agentWithoutCost: c.agentWithoutCost,
    })),
    linkedIssues: params.linkedIssues.map((i) => absolute(i.ref, s)),
    investment: {
      lines: storedLines(v),
      ...(s.changedLines !== undefined ? { changedLines: s.changedLines } : {}),
      settings: params.investmentSettings ?? null,
      reviews: [...(params.reviews ?? [])],
    },
  };
}

/**
 * Where the rollups an evaluation touches are refreshed: `now`, in the evaluation (the CLI, tests),
 * or by a scheduler that coalesces a burst of evaluations into a few edits per milestone.
 */
export type RollupRefresh =
  | { mode: "now"; appId?: number; now: () => Date }
  | { mode: "scheduled"; schedule: (target: RollupTarget) => void };

/**
 * Record the evaluation, in one statement (the PR's record, its milestone, and a durable mark on
 * every milestone whose rollup must follow), then refresh those rollups now or schedule them.
 * A skipped PR is taken out of the ledger. Returns what each rollup refresh did.
 */
export async function recordEvaluation(
  api: RestApi,
  scope: LedgerScope,
  params: {
    snapshot: PullRequestSnapshot;
    verdict: Verdict;
    linkedIssues: readonly LinkedIssue[];
    config: Config;
    checkRunId: string;
    /** The hash of the check output now on the run (see `checkOutputHash`). */
    checkOutputSha256: string;
    evaluatedAt: Date;
    rollups: RollupRefresh;
    /** The reviews counted in the verdict (kept for later review events). */
    reviews?: readonly StoredReview[];
  },
): Promise<RollupAction[]> {
  const { snapshot, verdict, config } = params;
  const repository = {
    id: snapshot.repository.id,
    owner: snapshot.repository.owner,
    name: snapshot.repository.repo,
  };
  const rollups = config.rollups.enabled
    ? { ...(config.rollups.issue !== null ? { fixedIssue: config.rollups.issue } : {}) }
    : undefined;
  let marked: number[];
  if (verdict.conclusion === "skipped") {
    ({ marked } = await forgetPullRequest(scope.pool, {
      installationId: scope.installationId,
      repository,
      number: snapshot.number,
      currency: config.currency,
      ...(rollups !== undefined ? { rollups } : {}),
    }));
  } else {
    const milestone = snapshot.milestone;
    const budget =
      milestone !== undefined
        ? parseMilestoneBudget(milestone.description, config.currency)
        : undefined;
    const result = await recordPullRequest(
      scope.pool,
      toRecord({
        installationId: scope.installationId,
        snapshot,
        verdict,
        linkedIssues: params.linkedIssues,
        currency: config.currency,
        checkRunId: params.checkRunId,
        evaluatedAt: params.evaluatedAt,
        ...(params.reviews !== undefined ? { reviews: params.reviews } : {}),
        investmentSettings: storedInvestmentSettings(config),
      }),
      {
        ...(milestone !== undefined
          ? {
              milestone: {
                number: milestone.number,
                title: milestone.title,
                state: milestone.state,
                ...(milestone.dueOn !== undefined ? { dueOn: new Date(milestone.dueOn) } : {}),
                ...(budget?.kind === "budget" ? { budget: budget.budget } : {}),
                ...(budget?.kind === "problem" ? { budgetProblem: budget.message } : {}),
              },
            }
          : {}),
        ...(rollups !== undefined ? { rollups } : {}),
        checkOutputSha256: params.checkOutputSha256,
      },
    );
    marked = result.marked;
  }
  const actions: RollupAction[] = [];
  for (const milestoneNumber of marked) {
    const target: RollupTarget = {
      installationId: scope.installationId,
      repository,
      milestoneNumber,
      currency: config.currency,
      ...(config.rollups.issue !== null ? { fixedIssue: config.rollups.issue } : {}),
    };
    if (params.rollups.mode === "scheduled") {
      params.rollups.schedule(target);
      actions.push("scheduled");
    } else {
      const settings = {
        ...(params.rollups.appId !== undefined ? { appId: params.rollups.appId } : {}),
        now: params.rollups.now,
      };
      actions.push(await refreshRollup(api, scope.pool, target, settings));
    }
  }
  return actions;
}
