/**
 * What the review and CI events write (docs/investment.md), from their payloads only: a review
 * submitted on a PR (`pull_request_reviews`), a finished CI job (`ci_jobs`), and then the PR's
 * re-priced `review` or `ci` line with a mark on its milestone's rollup. The evaluation writes the
 * same tables in its record statement (record-statement.ts); these are the later arrivals.
 */

import type { StoredInvestmentLine, StoredReview } from "./pull-requests.js";
import type { CiMinutes } from "./record.js";
import type { Queryable } from "./transaction.js";

/** A PR's row as the events need it: where it is, and what its last evaluation priced with. */
export interface InvestmentContext {
  installationId: number;
  repositoryId: number;
  owner: string;
  repo: string;
  number: number;
  currency: string;
  milestoneNumber?: number;
  changedLines?: number;
  /** `investment_settings` as the last evaluation stored it (the config's parts; see record.ts). */
  settings: unknown;
  reviews: StoredReview[];
  ci: CiMinutes[];
}

interface ContextRow {
  installation_id: string;
  repository_id: string;
  owner: string;
  name: string;
  number: number;
  currency: string;
  milestone_number: number | null;
  changed_lines: number | null;
  investment_settings: unknown;
  reviews: { id: string; key: string; minutes: number | null }[] | null;
  ci: CiMinutes[] | null;
}

const CONTEXT_COLUMNS = `
  pr.installation_id::text, pr.repository_id::text, r.owner, r.name, pr.number, pr.currency,
  pr.milestone_number, pr.changed_lines, pr.investment_settings,
  (SELECT json_agg(json_build_object('id', v.review_id::text, 'key', v.reviewer_key,
     'minutes', v.declared_minutes) ORDER BY v.review_id)
   FROM pull_request_reviews v WHERE v.repository_id = pr.repository_id AND v.number = pr.number) AS reviews,
  (SELECT json_agg(json_build_object('runner', c.runner, 'minutes', c.minutes, 'jobs', c.jobs) ORDER BY c.runner)
   FROM (SELECT j.runner, sum(j.billed_minutes)::int AS minutes, count(*)::int AS jobs
         FROM ci_jobs j JOIN pull_request_commits pc
           ON pc.repository_id = j.repository_id AND pc.sha = j.head_sha
         WHERE pc.installation_id = pr.installation_id AND pc.repository_id = pr.repository_id
           AND pc.number = pr.number
         GROUP BY j.runner) c) AS ci`;

function toContext(row: ContextRow): InvestmentContext {
  return {
    installationId: Number(row.installation_id),
    repositoryId: Number(row.repository_id),
    owner: row.owner,
    repo: row.name,
    number: row.number,
    currency: row.currency,
    ...(row.milestone_number !== null ? { milestoneNumber: row.milestone_number } : {}),
    ...(row.changed_lines !== null ? { changedLines: row.changed_lines } : {}),
    settings: row.investment_settings,
    reviews: (row.reviews ?? []).map((v) => ({
      reviewId: v.id,
      reviewerKey: v.key,
      ...(v.minutes !== null ? { declaredMinutes: v.minutes } : {}),
    })),
    ci: row.ci ?? [],
  };
}

/** The context of PR `number` of a repository, or undefined when the ledger has no such PR. */
export async function readInvestmentContext(
  db: Queryable,
  repositoryId: number,
  number: number,
): Promise<InvestmentContext | undefined> {
  const { rows } = await db.query<ContextRow>(
    `SELECT ${CONTEXT_COLUMNS}
     FROM pull_requests pr JOIN repositories r ON r.id = pr.repository_id
     WHERE pr.repository_id = $1 AND pr.number = $2`,
    [repositoryId, number],
  );
  return rows[0] !== undefined ? toContext(rows[0]) : undefined;
}

/**
 * Record a review submitted on PR `number` (kept when the repository is in the ledger; a repeated
 * delivery changes nothing). Returns the PR's context with the review in it, or undefined when the
 * ledger has no such PR (it was never evaluated, or is skipped).
 */
export async function recordReview(
  db: Queryable,
  params: { repositoryId: number; number: number; review: StoredReview },
): Promise<InvestmentContext | undefined> {
  const { review } = params;
  await db.query(
    `INSERT INTO pull_request_reviews (repository_id, number, review_id, reviewer_key,
       declared_minutes, submitted_at)
     SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM repositories WHERE id = $1)
     ON CONFLICT (repository_id, number, review_id) DO UPDATE SET
       declared_minutes = EXCLUDED.declared_minutes
     WHERE pull_request_reviews.declared_minutes IS DISTINCT FROM EXCLUDED.declared_minutes`,
    [
      params.repositoryId,
      params.number,
      review.reviewId,
      review.reviewerKey,
      review.declaredMinutes ?? null,
      review.submittedAt ?? null,
    ],
  );
  return readInvestmentContext(db, params.repositoryId, params.number);
}

/** A finished CI job, as billed (see core/investment/ci.ts). */
export interface CiJobRecord {
  /** GitHub's id of the job (a decimal string: exact beyond 2^53). */
  jobId: string;
  headSha: string;
  runner: string;
  billedMinutes: number;
  completedAt: Date;
}

/**
 * Record a finished CI job of a repository the ledger knows (else nothing: `known` is false). Jobs
 * on commits no PR has yet are kept: a PR opened later counts them. Returns the context of every
 * PR whose commits include the job's, with the job counted.
 */
export async function recordCiJob(
  db: Queryable,
  params: { repositoryId: number; job: CiJobRecord },
): Promise<{ known: boolean; pullRequests: InvestmentContext[] }> {
  const { job } = params;
  const inserted = await db.query<{ known: boolean }>(
    `WITH job AS (
       INSERT INTO ci_jobs (repository_id, job_id, head_sha, runner, billed_minutes, completed_at)
       SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM repositories WHERE id = $1)
       ON CONFLICT (repository_id, job_id) DO UPDATE SET head_sha = EXCLUDED.head_sha,
         runner = EXCLUDED.runner, billed_minutes = EXCLUDED.billed_minutes,
         completed_at = EXCLUDED.completed_at
     )
     SELECT EXISTS (SELECT 1 FROM repositories WHERE id = $1) AS known`,
    [params.repositoryId, job.jobId, job.headSha, job.runner, job.billedMinutes, job.completedAt],
  );
  if (inserted.rows[0]?.known !== true) return { known: false, pullRequests: [] };
  const { rows } = await db.query<ContextRow>(
    `SELECT ${CONTEXT_COLUMNS}
     FROM pull_request_commits c
     JOIN pull_requests pr ON pr.installation_id = c.installation_id
       AND pr.repository_id = c.repository_id AND pr.number = c.number
     JOIN repositories r ON r.id = pr.repository_id
     WHERE c.repository_id = $1 AND c.sha = $2
     ORDER BY pr.number`,
    [params.repositoryId, job.headSha],
  );
  return { known: true, pullRequests: rows.map(toContext) };
}

/**
 * Write one re-priced line of a PR and mark its milestone's rollup for a refresh (when rollups are
 * on: `rollups`), in one statement. A line that did not change writes nothing and marks nothing.
 * Returns the milestones marked.
 */
export async function writeInvestmentLine(
  db: Queryable,
  context: InvestmentContext,
  line: StoredInvestmentLine,
  rollups?: { fixedIssue?: number },
): Promise<number[]> {
  const { rows } = await db.query<{ marked: number[] }>(
    `WITH line AS (
       INSERT INTO pull_request_investment (installation_id, repository_id, number, kind, basis,
         minutes, amount_micros, currency, detail)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
       WHERE EXISTS (SELECT 1 FROM pull_requests
                     WHERE installation_id = $1 AND repository_id = $2 AND number = $3)
       ON CONFLICT (installation_id, repository_id, number, kind) DO UPDATE SET
         basis = EXCLUDED.basis, minutes = EXCLUDED.minutes,
         amount_micros = EXCLUDED.amount_micros, currency = EXCLUDED.currency,
         detail = EXCLUDED.detail
       WHERE (pull_request_investment.basis, pull_request_investment.minutes,
              pull_request_investment.amount_micros, pull_request_investment.currency,
              pull_request_investment.detail)
         IS DISTINCT FROM (EXCLUDED.basis, EXCLUDED.minutes, EXCLUDED.amount_micros,
              EXCLUDED.currency, EXCLUDED.detail)
       RETURNING 1
     ),
     marks AS (
       INSERT INTO rollup_refresh (installation_id, repository_id, milestone_number, owner, repo,
         currency, fixed_issue)
       SELECT $1, $2, $10::int, $11, $12, $13, $14 FROM line
       WHERE $10::int IS NOT NULL AND $15::boolean
       ON CONFLICT (installation_id, repository_id, milestone_number) DO UPDATE SET
         requested = rollup_refresh.requested + 1, last_requested_at = now(),
         attempts = 0, not_before = now(), last_error = NULL
       RETURNING milestone_number
     )
     SELECT ARRAY(SELECT milestone_number FROM marks) AS marked`,
    [
      context.installationId,
      context.repositoryId,
      context.number,
      line.kind,
      line.basis,
      line.minutes ?? null,
      line.amountMicros?.toString() ?? null,
      line.currency,
      line.detail,
      context.milestoneNumber ?? null,
      context.owner,
      context.repo,
      context.currency,
      rollups?.fixedIssue ?? null,
      rollups !== undefined,
    ],
  );
  return rows[0]?.marked ?? [];
}

/** A PR's investment lines as the ledger keeps them, in kind order of the migration. */
export async function readInvestmentLines(
  db: Queryable,
  key: { installationId: number; repositoryId: number; number: number },
): Promise<StoredInvestmentLine[]> {
  const { rows } = await db.query<{
    kind: StoredInvestmentLine["kind"];
    basis: StoredInvestmentLine["basis"];
    minutes: number | null;
    amount_micros: string | null;
    currency: string;
    detail: string;
  }>(
    `SELECT kind, basis, minutes, amount_micros::text, currency, detail FROM pull_request_investment
     WHERE installation_id = $1 AND repository_id = $2 AND number = $3
     ORDER BY array_position(ARRAY['agents','engineering','review','ci','coordination'], kind)`,
    [key.installationId, key.repositoryId, key.number],
  );
  return rows.map((r) => ({
    kind: r.kind,
    basis: r.basis,
    ...(r.minutes !== null ? { minutes: r.minutes } : {}),
    ...(r.amount_micros !== null ? { amountMicros: BigInt(r.amount_micros) } : {}),
    currency: r.currency,
    detail: r.detail,
  }));
}
