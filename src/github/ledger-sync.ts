/**
 * Between an evaluation and the ledger: the work item's spend over its other PRs (read before the
 * verdict, so the check shows the work item's budget use), and the PR's record plus its
 * milestones' rollups (written after the check is published).
 */
import type pg from "pg";
import type { Config } from "../config/schema.js";
import type { IssueRef } from "../core/issue-ref.js";
import { parseMilestoneBudget } from "../core/milestone.js";
import type { TokenCounts } from "../core/tokens.js";
import { resolveValueStatement, type ValueOrigin } from "../core/value.js";
import type { EvaluatedVerdict, LinkedIssue, Verdict } from "../core/verdict.js";
import {
  deletePullRequest,
  type IssueKey,
  type PullRequestRecord,
  recordPullRequest,
  upsertMilestone,
  withTransaction,
  workItemSpend,
} from "../db/ledger.js";
import type { ChecksApi } from "./publish-check.js";
import { type RollupAction, refreshRollup } from "./rollups.js";
import type { PullRequestSnapshot } from "./snapshot.js";

export interface LedgerScope {
  pool: pg.Pool;
  installationId: number;
}

function absolute(ref: IssueRef, snapshot: PullRequestSnapshot): IssueKey {
  return {
    owner: ref.owner ?? snapshot.repository.owner,
    repo: ref.repo ?? snapshot.repository.repo,
    number: ref.number,
  };
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

/** The work item's other PRs, for the verdict's budget use. */
export async function readWorkItem(
  scope: LedgerScope,
  snapshot: PullRequestSnapshot,
  linkedIssues: readonly LinkedIssue[],
  config: Config,
): Promise<{ otherSpend: bigint; otherPullRequests: number } | undefined> {
  const value = resolveValueStatement({
    prBody: snapshot.body,
    linkedIssues,
    repository: { owner: snapshot.repository.owner, repo: snapshot.repository.repo },
    config,
  });
  const issue = value.ok ? value.statement.issue : value.partial.issue;
  if (issue === undefined) return undefined;
  const spend = await workItemSpend(scope.pool, {
    installationId: scope.installationId,
    issue: absolute(issue, snapshot),
    excluding: { repositoryId: snapshot.repository.id, number: snapshot.number },
  });
  return { otherSpend: spend.micros, otherPullRequests: spend.pullRequests };
}

export function toRecord(params: {
  installationId: number;
  snapshot: PullRequestSnapshot;
  verdict: EvaluatedVerdict;
  linkedIssues: readonly LinkedIssue[];
  currency: string;
  checkRunId: string;
  evaluatedAt: Date;
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
  };
}

/**
 * Record the evaluation and refresh the rollups it touches (its milestone, and the one it left).
 * A skipped PR is taken out of the ledger. Returns what each rollup refresh did.
 */
export async function recordEvaluation(
  api: ChecksApi,
  scope: LedgerScope,
  params: {
    snapshot: PullRequestSnapshot;
    verdict: Verdict;
    linkedIssues: readonly LinkedIssue[];
    config: Config;
    checkRunId: string;
    evaluatedAt: Date;
    appId?: number;
    now: () => Date;
  },
): Promise<RollupAction[]> {
  const { snapshot, verdict, config } = params;
  const repository = {
    id: snapshot.repository.id,
    owner: snapshot.repository.owner,
    name: snapshot.repository.repo,
  };
  // The milestone and the PR's record (its row and children) land together, in one transaction.
  // Its commit does not wait for the disk: the record is derived from GitHub, and the queue's
  // `finish` (or the rollup's post record) right after it is a synchronous commit, which flushes
  // this one too; a database crash in between loses both, and the unfinished queue entry has the
  // evaluation done again (docs/reliability.md).
  const touched = await withTransaction(
    scope.pool,
    async (db) => {
      const touched = new Set<number>();
      if (snapshot.milestone !== undefined) {
        const budget = parseMilestoneBudget(snapshot.milestone.description, config.currency);
        await upsertMilestone(db, {
          installationId: scope.installationId,
          repository,
          number: snapshot.milestone.number,
          title: snapshot.milestone.title,
          state: snapshot.milestone.state,
          ...(snapshot.milestone.dueOn !== undefined
            ? { dueOn: new Date(snapshot.milestone.dueOn) }
            : {}),
          ...(budget.kind === "budget" ? { budget: budget.budget } : {}),
          ...(budget.kind === "problem" ? { budgetProblem: budget.message } : {}),
        });
      }
      if (verdict.conclusion === "skipped") {
        const was = await deletePullRequest(db, {
          installationId: scope.installationId,
          repositoryId: repository.id,
          number: snapshot.number,
        });
        if (was !== undefined) touched.add(was);
        return touched;
      }
      const result = await recordPullRequest(
        db,
        toRecord({
          installationId: scope.installationId,
          snapshot,
          verdict,
          linkedIssues: params.linkedIssues,
          currency: config.currency,
          checkRunId: params.checkRunId,
          evaluatedAt: params.evaluatedAt,
        }),
      );
      if (!result.recorded) return undefined;
      if (snapshot.milestone !== undefined) touched.add(snapshot.milestone.number);
      if (result.previousMilestone !== undefined) touched.add(result.previousMilestone);
      return touched;
    },
    { waitForDisk: false },
  );
  if (touched === undefined) return [];
  if (!config.rollups.enabled) return [];
  const actions: RollupAction[] = [];
  for (const milestoneNumber of touched) {
    actions.push(
      await refreshRollup(
        api,
        scope.pool,
        {
          installationId: scope.installationId,
          repository,
          milestoneNumber,
          currency: config.currency,
          ...(config.rollups.issue !== null ? { fixedIssue: config.rollups.issue } : {}),
        },
        { ...(params.appId !== undefined ? { appId: params.appId } : {}), now: params.now },
      ),
    );
  }
  return actions;
}
