/**
 * An evaluation's round trips to the database, as few as correctness allows: one statement reads
 * what the evaluation needs from the ledger (our check run on the PR and the hash of its output,
 * the work item's spend over its other PRs), and one statement writes its record — the
 * repository, the milestone, the PR's row, its models, commits and linked issues, and a mark on
 * every milestone whose rollup must be refreshed (`rollup_refresh`).
 *
 * One statement is one transaction: everything lands or nothing does. Its commit does not wait
 * for the disk (`NO_WAIT`: the `SET LOCAL synchronous_commit = off` of a single statement): the record is derived from GitHub and redone by the queue after a database crash
 * (docs/reliability.md). Sub-statements see the database as it was when the statement began, so
 * each child table is written as a difference (rows gone deleted, changed ones updated, new ones
 * inserted: disjoint rows), and every write below the PR's row is guarded by that row's upsert
 * (`EXISTS (SELECT 1 FROM pr)`): a stale read (an older `evaluated_at`) changes nothing.
 */
import type { MilestoneRecord } from "./milestones.js";
import type {
  InvestmentRecord,
  IssueKey,
  PullRequestRecord,
  StoredReview,
} from "./pull-requests.js";
import { RECORD, RECORD_PARAMETERS, type RecordParameter } from "./record-statement.js";
import { NO_WAIT, type Queryable } from "./transaction.js";

export interface RecordOptions {
  /** The PR's milestone as the evaluation read it (recorded in the same statement). */
  milestone?: Omit<MilestoneRecord, "installationId" | "repository">;
  /**
   * Mark the milestones the record touches (its own, and the one it left) for a rollup refresh;
   * `fixedIssue`: `rollups.issue` of the config.
   */
  rollups?: { fixedIssue?: number };
  /** The hash of the check-run output the evaluation published (or found unchanged). */
  checkOutputSha256?: string;
}

export interface RecordResult {
  /** False when the stored record is from a newer read (this one was stale and changed nothing). */
  recorded: boolean;
  /** The milestone the PR was in before, when it moved out of it. */
  previousMilestone?: number;
  /** Milestones marked for a rollup refresh. */
  marked: number[];
}

/**
 * Record one evaluation in one statement: the PR's row and its children recomputed from the
 * source, its milestone, and the rollup marks (see the module comment).
 */
export async function recordPullRequest(
  db: Queryable,
  r: PullRequestRecord,
  options: RecordOptions = {},
): Promise<RecordResult> {
  const m = options.milestone;
  const values: Record<RecordParameter, unknown> = {
    installationId: r.installationId,
    repositoryId: r.repository.id,
    number: r.number,
    owner: r.repository.owner,
    repo: r.repository.name,
    githubId: r.githubId ?? null,
    title: r.title,
    author: r.author,
    state: r.state,
    draft: r.draft,
    milestoneNumber: r.milestoneNumber ?? null,
    headSha: r.headSha,
    currency: r.currency,
    valueComplete: r.valueComplete,
    valueType: r.valueType ?? null,
    worthMicros: r.worthMicros?.toString() ?? null,
    budgetMicros: r.budgetMicros?.toString() ?? null,
    worthOrigin: r.worthOrigin ?? null,
    budgetOrigin: r.budgetOrigin ?? null,
    issueOwner: r.issue?.owner ?? null,
    issueRepo: r.issue?.repo ?? null,
    issueNumber: r.issue?.number ?? null,
    costMicros: r.costMicros.toString(),
    tokensInput: r.tokens.input,
    tokensOutput: r.tokens.output,
    tokensCacheRead: r.tokens.cacheRead,
    tokensCacheWrite: r.tokens.cacheWrite,
    tokensUnspecified: r.tokens.unspecified,
    commitCount: r.commitCount,
    commitsWithCost: r.commitsWithCost,
    agentCommitsWithoutCost: r.agentCommitsWithoutCost,
    unpricedModels: r.unpricedModels,
    conclusion: r.conclusion,
    checkRunId: r.checkRunId ?? null,
    evaluatedAt: r.evaluatedAt,
    checkOutputSha256: options.checkOutputSha256 ?? null,
    modelNames: r.models.map((x) => x.model),
    modelPriced: r.models.map((x) => x.priced),
    modelCostMicros: r.models.map((x) => x.costMicros?.toString() ?? null),
    modelTokensInput: r.models.map((x) => x.tokens.input),
    modelTokensOutput: r.models.map((x) => x.tokens.output),
    modelTokensCacheRead: r.models.map((x) => x.tokens.cacheRead),
    modelTokensCacheWrite: r.models.map((x) => x.tokens.cacheWrite),
    modelTokensUnspecified: r.models.map((x) => x.tokens.unspecified),
    commitShas: r.commits.map((c) => c.sha),
    commitCostSources: r.commits.map((c) => c.costSource),
    commitCostMicros: r.commits.map((c) => c.costMicros.toString()),
    commitAgents: r.commits.map((c) => c.agent ?? null),
    commitAgentWithoutCost: r.commits.map((c) => c.agentWithoutCost),
    issueOwners: r.linkedIssues.map((i) => i.owner),
    issueRepos: r.linkedIssues.map((i) => i.repo),
    writeMilestone: m !== undefined && m.number === r.milestoneNumber,
    milestoneTitle: m?.title ?? null,
    milestoneState: m?.state ?? null,
    milestoneDueOn: m?.dueOn ?? null,
    milestoneBudgetMicros: m?.budget?.micros.toString() ?? null,
    milestoneBudgetCurrency: m?.budget?.currency ?? null,
    milestoneBudgetProblem: m?.budgetProblem ?? null,
    issueNumbers: r.linkedIssues.map((i) => i.number),
    markRollups: options.rollups !== undefined,
    fixedIssue: options.rollups?.fixedIssue ?? null,
    ...investmentParameters(r.investment),
  };
  const { rows } = await db.query<{
    recorded: boolean;
    previous: number | null;
    marked: number[];
  }>(
    RECORD,
    RECORD_PARAMETERS.map((name) => values[name]),
  );
  const row = rows[0];
  if (row === undefined || !row.recorded) return { recorded: false, marked: [] };
  const previous = row.previous ?? undefined;
  const moved = previous !== undefined && previous !== (r.milestoneNumber ?? undefined);
  return {
    recorded: true,
    ...(moved ? { previousMilestone: previous } : {}),
    marked: row.marked,
  };
}

type InvestmentParameter =
  | "changedLines"
  | "investmentSettings"
  | "lineKinds"
  | "lineBases"
  | "lineMinutes"
  | "lineMicros"
  | "lineCurrencies"
  | "lineDetails"
  | "reviewIds"
  | "reviewKeys"
  | "reviewMinutes"
  | "reviewSubmittedAt";

function investmentParameters(
  i: InvestmentRecord | undefined,
): Record<InvestmentParameter, unknown> {
  const lines = i?.lines ?? [];
  const reviews = i?.reviews ?? [];
  return {
    changedLines: i?.changedLines ?? null,
    investmentSettings: i === undefined ? null : JSON.stringify(i.settings),
    lineKinds: lines.map((l) => l.kind),
    lineBases: lines.map((l) => l.basis),
    lineMinutes: lines.map((l) => l.minutes ?? null),
    lineMicros: lines.map((l) => l.amountMicros?.toString() ?? null),
    lineCurrencies: lines.map((l) => l.currency),
    lineDetails: lines.map((l) => l.detail),
    reviewIds: reviews.map((r) => r.reviewId),
    reviewKeys: reviews.map((r) => r.reviewerKey),
    reviewMinutes: reviews.map((r) => r.declaredMinutes ?? null),
    reviewSubmittedAt: reviews.map((r) => r.submittedAt ?? null),
  };
}

const FORGET = `
WITH
${NO_WAIT},
gone AS (
  DELETE FROM pull_requests WHERE installation_id = $1 AND repository_id = $2 AND number = $3
  RETURNING milestone_number
),
marks AS (
  INSERT INTO rollup_refresh (installation_id, repository_id, milestone_number, owner, repo, currency,
    fixed_issue)
  SELECT $1, $2, g.milestone_number, $4, $5, $6, $8 FROM gone g
  WHERE $7::boolean AND g.milestone_number IS NOT NULL
  ON CONFLICT (installation_id, repository_id, milestone_number) DO UPDATE SET
    requested = rollup_refresh.requested + 1, last_requested_at = now(), currency = EXCLUDED.currency,
    fixed_issue = EXCLUDED.fixed_issue, attempts = 0, not_before = now(), last_error = NULL
  RETURNING milestone_number
)
SELECT (SELECT milestone_number FROM gone) AS previous,
  ARRAY(SELECT milestone_number FROM marks) AS marked, (SELECT v FROM no_wait) AS synchronous_commit`;

/**
 * Forget a PR (it is now skipped), marking the milestone it was in for a rollup refresh. Returns
 * that milestone.
 */
export async function forgetPullRequest(
  db: Queryable,
  params: {
    installationId: number;
    repository: { id: number; owner: string; name: string };
    number: number;
    currency: string;
    rollups?: { fixedIssue?: number };
  },
): Promise<{ previousMilestone?: number; marked: number[] }> {
  const { rows } = await db.query<{ previous: number | null; marked: number[] }>(FORGET, [
    params.installationId,
    params.repository.id,
    params.number,
    params.repository.owner,
    params.repository.name,
    params.currency,
    params.rollups !== undefined,
    params.rollups?.fixedIssue ?? null,
  ]);
  const row = rows[0];
  const previous = row?.previous ?? undefined;
  return {
    ...(previous !== undefined ? { previousMilestone: previous } : {}),
    marked: row?.marked ?? [],
  };
}

/** The work item's other PRs: their agent spend and their total investment (priced lines). */
export interface WorkItemSpend {
  otherSpend: bigint;
  otherInvestment?: bigint;
  otherPullRequests: number;
}

export interface EvaluationState {
  /** Our run on the PR as the ledger recorded it, and the commit it is on. */
  checkRun?: { id: string; headSha: string; outputSha256?: string };
  /** The work item's spend over its other PRs (when an issue was given). */
  workItem?: WorkItemSpend;
  /** CI minutes on the evaluated commits (`workflow_job` events), by runner type. */
  ci?: CiMinutes[];
  /** Reviews the ledger holds for the PR (the read's and those that arrived as events). */
  reviews?: StoredReview[];
}

/** Billed CI minutes of one runner type over some commits. */
export interface CiMinutes {
  runner: string;
  minutes: number;
  jobs: number;
}

const STATE = `
SELECT pr.head_sha, pr.check_run_id::text AS check_run_id, pr.check_output_sha256,
  w.micros::text AS work_item_micros, w.prs::text AS work_item_prs,
  w.investment::text AS work_item_investment, ci.rows AS ci, rv.rows AS reviews
FROM (SELECT 1) AS one
LEFT JOIN pull_requests pr
  ON pr.installation_id = $1 AND pr.repository_id = $2 AND pr.number = $3
LEFT JOIN LATERAL (
  SELECT COALESCE(sum(cost_micros), 0) AS micros, count(*) AS prs,
    COALESCE(sum(COALESCE(
      (SELECT sum(i.amount_micros) FROM pull_request_investment i
       WHERE i.installation_id = o.installation_id AND i.repository_id = o.repository_id
         AND i.number = o.number AND i.currency = o.currency),
      o.cost_micros)), 0) AS investment
  FROM pull_requests o
  WHERE installation_id = $1 AND lower(issue_owner) = lower($4) AND lower(issue_repo) = lower($5)
    AND issue_number = $6 AND NOT (repository_id = $2 AND number = $3)
) w ON $6::int IS NOT NULL
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_object('runner', runner, 'minutes', minutes, 'jobs', jobs) ORDER BY runner) AS rows
  FROM (SELECT runner, sum(billed_minutes)::int AS minutes, count(*)::int AS jobs FROM ci_jobs
        WHERE repository_id = $2 AND head_sha = ANY($7::text[]) GROUP BY runner) c
) ci ON true
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_object('id', review_id::text, 'key', reviewer_key,
    'minutes', declared_minutes) ORDER BY review_id) AS rows
  FROM pull_request_reviews WHERE repository_id = $2 AND number = $3
) rv ON true`;

/** What an evaluation reads from the ledger, in one statement (see the module comment). */
export async function readEvaluationState(
  db: Queryable,
  params: {
    installationId: number;
    repositoryId: number;
    number: number;
    workItem?: IssueKey;
    /** The evaluated commits: their CI minutes are read. */
    commitShas?: readonly string[];
  },
): Promise<EvaluationState> {
  const { rows } = await db.query<{
    head_sha: string | null;
    check_run_id: string | null;
    check_output_sha256: string | null;
    work_item_micros: string | null;
    work_item_prs: string | null;
    work_item_investment: string | null;
    ci: CiMinutes[] | null;
    reviews: { id: string; key: string; minutes: number | null }[] | null;
  }>(STATE, [
    params.installationId,
    params.repositoryId,
    params.number,
    params.workItem?.owner ?? null,
    params.workItem?.repo ?? null,
    params.workItem?.number ?? null,
    params.commitShas ?? [],
  ]);
  const row = rows[0];
  if (row === undefined) return {};
  return {
    ...(row.ci !== null && row.ci.length > 0 ? { ci: row.ci } : {}),
    ...(row.reviews !== null && row.reviews.length > 0
      ? {
          reviews: row.reviews.map((r) => ({
            reviewId: r.id,
            reviewerKey: r.key,
            ...(r.minutes !== null ? { declaredMinutes: r.minutes } : {}),
          })),
        }
      : {}),
    ...(row.head_sha !== null && row.check_run_id !== null
      ? {
          checkRun: {
            id: row.check_run_id,
            headSha: row.head_sha,
            ...(row.check_output_sha256 !== null ? { outputSha256: row.check_output_sha256 } : {}),
          },
        }
      : {}),
    ...(row.work_item_micros !== null
      ? {
          workItem: {
            otherSpend: BigInt(row.work_item_micros),
            otherInvestment: BigInt(row.work_item_investment ?? "0"),
            otherPullRequests: Number(row.work_item_prs ?? "0"),
          },
        }
      : {}),
  };
}

/**
 * The output on a PR's run is no longer the one whose hash the ledger keeps (a config problem or
 * a failure notice was published over it): forget the hash, so the next evaluation writes.
 */
export async function forgetCheckOutput(
  db: Queryable,
  params: { installationId: number; repositoryId: number; number: number },
): Promise<void> {
  await db.query(
    `UPDATE pull_requests SET check_output_sha256 = NULL
     WHERE installation_id = $1 AND repository_id = $2 AND number = $3
       AND check_output_sha256 IS NOT NULL`,
    [params.installationId, params.repositoryId, params.number],
  );
}
