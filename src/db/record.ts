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
import type { IssueKey, PullRequestRecord } from "./pull-requests.js";
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

const RECORD = `
WITH
${NO_WAIT},
installation AS (
  INSERT INTO installations (id, account_login) VALUES ($1, $4) ON CONFLICT (id) DO NOTHING
),
repository_before AS (SELECT installation_id FROM repositories WHERE id = $2),
repository AS (
  INSERT INTO repositories (id, installation_id, owner, name) VALUES ($2, $1, $4, $5)
  ON CONFLICT (id) DO UPDATE SET installation_id = EXCLUDED.installation_id, owner = EXCLUDED.owner,
    name = EXCLUDED.name, updated_at = now()
  WHERE (repositories.installation_id, repositories.owner, repositories.name)
    IS DISTINCT FROM (EXCLUDED.installation_id, EXCLUDED.owner, EXCLUDED.name)
),
moved_posts AS (
  DELETE FROM rollup_posts WHERE repository_id = $2 AND installation_id <> $1
    AND EXISTS (SELECT 1 FROM repository_before WHERE installation_id <> $1)
),
milestone AS (
  INSERT INTO milestones (repository_id, number, title, state, due_on, budget_micros, budget_currency,
    budget_problem)
  SELECT $2, $11, $53, $54, $55, $56, $57, $58 WHERE $11::int IS NOT NULL AND $52::boolean
  ON CONFLICT (repository_id, number) DO UPDATE SET title = EXCLUDED.title, state = EXCLUDED.state,
    due_on = EXCLUDED.due_on, budget_micros = EXCLUDED.budget_micros,
    budget_currency = EXCLUDED.budget_currency, budget_problem = EXCLUDED.budget_problem,
    updated_at = now()
  WHERE (milestones.title, milestones.state, milestones.due_on, milestones.budget_micros,
         milestones.budget_currency, milestones.budget_problem)
    IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.state, EXCLUDED.due_on, EXCLUDED.budget_micros,
         EXCLUDED.budget_currency, EXCLUDED.budget_problem)
),
pr_before AS (
  SELECT milestone_number FROM pull_requests
  WHERE installation_id = $1 AND repository_id = $2 AND number = $3
),
pr AS (
  INSERT INTO pull_requests (installation_id, repository_id, number, github_id, title, author, state,
    draft, milestone_number, head_sha, currency, value_complete, value_type, worth_micros,
    budget_micros, worth_origin, budget_origin, issue_owner, issue_repo, issue_number, cost_micros,
    tokens_input, tokens_output, tokens_cache_read, tokens_cache_write, tokens_unspecified,
    commit_count, commits_with_cost, agent_commits_without_cost, unpriced_models, conclusion,
    check_run_id, evaluated_at, check_output_sha256)
  VALUES ($1, $2, $3, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
    $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36)
  ON CONFLICT (installation_id, repository_id, number) DO UPDATE SET
    github_id = COALESCE(EXCLUDED.github_id, pull_requests.github_id), title = EXCLUDED.title,
    author = EXCLUDED.author, state = EXCLUDED.state, draft = EXCLUDED.draft,
    milestone_number = EXCLUDED.milestone_number, head_sha = EXCLUDED.head_sha,
    currency = EXCLUDED.currency, value_complete = EXCLUDED.value_complete,
    value_type = EXCLUDED.value_type, worth_micros = EXCLUDED.worth_micros,
    budget_micros = EXCLUDED.budget_micros, worth_origin = EXCLUDED.worth_origin,
    budget_origin = EXCLUDED.budget_origin, issue_owner = EXCLUDED.issue_owner,
    issue_repo = EXCLUDED.issue_repo, issue_number = EXCLUDED.issue_number,
    cost_micros = EXCLUDED.cost_micros, tokens_input = EXCLUDED.tokens_input,
    tokens_output = EXCLUDED.tokens_output, tokens_cache_read = EXCLUDED.tokens_cache_read,
    tokens_cache_write = EXCLUDED.tokens_cache_write,
    tokens_unspecified = EXCLUDED.tokens_unspecified, commit_count = EXCLUDED.commit_count,
    commits_with_cost = EXCLUDED.commits_with_cost,
    agent_commits_without_cost = EXCLUDED.agent_commits_without_cost,
    unpriced_models = EXCLUDED.unpriced_models, conclusion = EXCLUDED.conclusion,
    check_run_id = COALESCE(EXCLUDED.check_run_id, pull_requests.check_run_id),
    check_output_sha256 = EXCLUDED.check_output_sha256,
    evaluated_at = EXCLUDED.evaluated_at, updated_at = now()
  WHERE pull_requests.evaluated_at <= EXCLUDED.evaluated_at
  RETURNING 1
),
model_rows AS (
  SELECT * FROM unnest($37::text[], $38::boolean[], $39::bigint[], $40::bigint[], $41::bigint[],
    $42::bigint[], $43::bigint[], $44::bigint[])
    AS m(model, priced, cost_micros, tokens_input, tokens_output, tokens_cache_read,
      tokens_cache_write, tokens_unspecified)
),
models_gone AS (
  DELETE FROM pull_request_models p
  WHERE p.installation_id = $1 AND p.repository_id = $2 AND p.number = $3
    AND EXISTS (SELECT 1 FROM pr) AND p.model NOT IN (SELECT model FROM model_rows)
),
models AS (
  INSERT INTO pull_request_models (installation_id, repository_id, number, model, priced, cost_micros,
    tokens_input, tokens_output, tokens_cache_read, tokens_cache_write, tokens_unspecified)
  SELECT $1, $2, $3, m.* FROM model_rows m WHERE EXISTS (SELECT 1 FROM pr)
  ON CONFLICT (installation_id, repository_id, number, model) DO UPDATE SET
    priced = EXCLUDED.priced, cost_micros = EXCLUDED.cost_micros,
    tokens_input = EXCLUDED.tokens_input, tokens_output = EXCLUDED.tokens_output,
    tokens_cache_read = EXCLUDED.tokens_cache_read, tokens_cache_write = EXCLUDED.tokens_cache_write,
    tokens_unspecified = EXCLUDED.tokens_unspecified
  WHERE (pull_request_models.priced, pull_request_models.cost_micros,
         pull_request_models.tokens_input, pull_request_models.tokens_output,
         pull_request_models.tokens_cache_read, pull_request_models.tokens_cache_write,
         pull_request_models.tokens_unspecified)
    IS DISTINCT FROM (EXCLUDED.priced, EXCLUDED.cost_micros, EXCLUDED.tokens_input,
         EXCLUDED.tokens_output, EXCLUDED.tokens_cache_read, EXCLUDED.tokens_cache_write,
         EXCLUDED.tokens_unspecified)
),
commit_rows AS (
  SELECT * FROM unnest($45::text[], $46::text[], $47::bigint[], $48::text[], $49::boolean[])
    AS c(sha, cost_source, cost_micros, agent, agent_without_cost)
),
-- commits are shared by PRs: only what changed is written (an unchanged commit costs one primary-
-- key look-up: a scalar subquery per row, which the planner cannot turn into a scan of every
-- commit of the repository), in SHA order (one lock order for PRs sharing commits)
commit_upsert AS (
  INSERT INTO commits (repository_id, sha, cost_source, cost_micros, agent, agent_without_cost)
  SELECT $2, c.* FROM commit_rows c
  WHERE EXISTS (SELECT 1 FROM pr)
    AND (SELECT ROW(x.cost_source, x.cost_micros, x.agent, x.agent_without_cost) FROM commits x
         WHERE x.repository_id = $2 AND x.sha = c.sha)
      IS DISTINCT FROM ROW(c.cost_source, c.cost_micros, c.agent, c.agent_without_cost)
  ORDER BY sha
  ON CONFLICT (repository_id, sha) DO UPDATE SET cost_source = EXCLUDED.cost_source,
    cost_micros = EXCLUDED.cost_micros, agent = EXCLUDED.agent,
    agent_without_cost = EXCLUDED.agent_without_cost
),
-- the PR's list of commits: gone ones deleted, moved ones renumbered, new ones inserted
positions AS (
  SELECT DISTINCT ON (sha) sha, position::int AS position
  FROM unnest($45::text[]) WITH ORDINALITY AS c(sha, position) ORDER BY sha, position
),
commits_gone AS (
  DELETE FROM pull_request_commits p
  WHERE p.installation_id = $1 AND p.repository_id = $2 AND p.number = $3
    AND EXISTS (SELECT 1 FROM pr)
    AND p.sha IN (
      SELECT sha FROM pull_request_commits
      WHERE installation_id = $1 AND repository_id = $2 AND number = $3
      EXCEPT SELECT sha FROM positions)
),
commits_moved AS (
  UPDATE pull_request_commits p SET position = c.position FROM positions c
  WHERE p.installation_id = $1 AND p.repository_id = $2 AND p.number = $3
    AND EXISTS (SELECT 1 FROM pr) AND p.sha = c.sha AND p.position <> c.position
),
commits_new AS (
  INSERT INTO pull_request_commits (installation_id, repository_id, number, sha, position)
  SELECT $1, $2, $3, c.sha, c.position FROM positions c
  WHERE EXISTS (SELECT 1 FROM pr) AND NOT EXISTS (
    SELECT 1 FROM pull_request_commits p
    WHERE p.installation_id = $1 AND p.repository_id = $2 AND p.number = $3 AND p.sha = c.sha)
  ON CONFLICT DO NOTHING
),
issue_rows AS (
  SELECT DISTINCT * FROM unnest($50::text[], $51::text[], $59::int[])
    AS i(issue_owner, issue_repo, issue_number)
),
issues_gone AS (
  DELETE FROM pull_request_issues p
  WHERE p.installation_id = $1 AND p.repository_id = $2 AND p.number = $3
    AND EXISTS (SELECT 1 FROM pr)
    AND (p.issue_owner, p.issue_repo, p.issue_number) NOT IN (SELECT * FROM issue_rows)
),
issues_new AS (
  INSERT INTO pull_request_issues (installation_id, repository_id, number, issue_owner, issue_repo,
    issue_number)
  SELECT $1, $2, $3, i.* FROM issue_rows i WHERE EXISTS (SELECT 1 FROM pr)
  ON CONFLICT DO NOTHING
),
touched AS (
  SELECT $11::int AS milestone_number WHERE $11::int IS NOT NULL
  UNION
  SELECT milestone_number FROM pr_before
  WHERE milestone_number IS NOT NULL AND milestone_number IS DISTINCT FROM $11::int
),
marks AS (
  INSERT INTO rollup_refresh (installation_id, repository_id, milestone_number, owner, repo, currency,
    fixed_issue)
  SELECT $1, $2, t.milestone_number, $4, $5, $13, $61 FROM touched t
  WHERE $60::boolean AND EXISTS (SELECT 1 FROM pr)
  ON CONFLICT (installation_id, repository_id, milestone_number) DO UPDATE SET
    requested = rollup_refresh.requested + 1, last_requested_at = now(), owner = EXCLUDED.owner,
    repo = EXCLUDED.repo, currency = EXCLUDED.currency, fixed_issue = EXCLUDED.fixed_issue,
    attempts = 0, not_before = now(), last_error = NULL
  RETURNING milestone_number
)
SELECT EXISTS (SELECT 1 FROM pr) AS recorded,
  (SELECT milestone_number FROM pr_before) AS previous,
  ARRAY(SELECT milestone_number FROM marks ORDER BY 1) AS marked,
  (SELECT v FROM no_wait) AS synchronous_commit`;

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
  const { rows } = await db.query<{
    recorded: boolean;
    previous: number | null;
    marked: number[];
  }>(RECORD, [
    r.installationId,
    r.repository.id,
    r.number,
    r.repository.owner,
    r.repository.name,
    r.githubId ?? null,
    r.title,
    r.author,
    r.state,
    r.draft,
    r.milestoneNumber ?? null,
    r.headSha,
    r.currency,
    r.valueComplete,
    r.valueType ?? null,
    r.worthMicros?.toString() ?? null,
    r.budgetMicros?.toString() ?? null,
    r.worthOrigin ?? null,
    r.budgetOrigin ?? null,
    r.issue?.owner ?? null,
    r.issue?.repo ?? null,
    r.issue?.number ?? null,
    r.costMicros.toString(),
    r.tokens.input,
    r.tokens.output,
    r.tokens.cacheRead,
    r.tokens.cacheWrite,
    r.tokens.unspecified,
    r.commitCount,
    r.commitsWithCost,
    r.agentCommitsWithoutCost,
    r.unpricedModels,
    r.conclusion,
    r.checkRunId ?? null,
    r.evaluatedAt,
    options.checkOutputSha256 ?? null,
    r.models.map((x) => x.model),
    r.models.map((x) => x.priced),
    r.models.map((x) => x.costMicros?.toString() ?? null),
    r.models.map((x) => x.tokens.input),
    r.models.map((x) => x.tokens.output),
    r.models.map((x) => x.tokens.cacheRead),
    r.models.map((x) => x.tokens.cacheWrite),
    r.models.map((x) => x.tokens.unspecified),
    r.commits.map((c) => c.sha),
    r.commits.map((c) => c.costSource),
    r.commits.map((c) => c.costMicros.toString()),
    r.commits.map((c) => c.agent ?? null),
    r.commits.map((c) => c.agentWithoutCost),
    r.linkedIssues.map((i) => i.owner),
    r.linkedIssues.map((i) => i.repo),
    // $52-$58: the milestone
    m !== undefined && m.number === r.milestoneNumber,
    m?.title ?? null,
    m?.state ?? null,
    m?.dueOn ?? null,
    m?.budget?.micros.toString() ?? null,
    m?.budget?.currency ?? null,
    m?.budgetProblem ?? null,
    r.linkedIssues.map((i) => i.number),
    // $60-$61: rollup marks
    options.rollups !== undefined,
    options.rollups?.fixedIssue ?? null,
  ]);
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

export interface EvaluationState {
  /** Our run on the PR as the ledger recorded it, and the commit it is on. */
  checkRun?: { id: string; headSha: string; outputSha256?: string };
  /** The work item's spend over its other PRs (when an issue was given). */
  workItem?: { otherSpend: bigint; otherPullRequests: number };
}

const STATE = `
SELECT pr.head_sha, pr.check_run_id::text AS check_run_id, pr.check_output_sha256,
  w.micros::text AS work_item_micros, w.prs::text AS work_item_prs
FROM (SELECT 1) AS one
LEFT JOIN pull_requests pr
  ON pr.installation_id = $1 AND pr.repository_id = $2 AND pr.number = $3
LEFT JOIN LATERAL (
  SELECT COALESCE(sum(cost_micros), 0) AS micros, count(*) AS prs FROM pull_requests
  WHERE installation_id = $1 AND lower(issue_owner) = lower($4) AND lower(issue_repo) = lower($5)
    AND issue_number = $6 AND NOT (repository_id = $2 AND number = $3)
) w ON $6::int IS NOT NULL`;

/** What an evaluation reads from the ledger, in one statement (see the module comment). */
export async function readEvaluationState(
  db: Queryable,
  params: { installationId: number; repositoryId: number; number: number; workItem?: IssueKey },
): Promise<EvaluationState> {
  const { rows } = await db.query<{
    head_sha: string | null;
    check_run_id: string | null;
    check_output_sha256: string | null;
    work_item_micros: string | null;
    work_item_prs: string | null;
  }>(STATE, [
    params.installationId,
    params.repositoryId,
    params.number,
    params.workItem?.owner ?? null,
    params.workItem?.repo ?? null,
    params.workItem?.number ?? null,
  ]);
  const row = rows[0];
  if (row === undefined) return {};
  return {
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
