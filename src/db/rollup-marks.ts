/**
 * Milestones whose rollup must be brought up to date (`rollup_refresh`, migration 007). An
 * evaluation marks its milestones in the statement that records it (record.ts); a refresh reads
 * the mark under the milestone's lock, posts, and clears the mark in the same transaction — unless
 * a newer mark arrived meanwhile, which stays pending. A mark survives a crash or a restart: the
 * sweep finds it due and refreshes it.
 */
import type pg from "pg";
import type { Queryable } from "./transaction.js";

export interface MilestoneKey {
  installationId: number;
  repositoryId: number;
  milestoneNumber: number;
}

export interface RollupMark extends MilestoneKey {
  owner: string;
  repo: string;
  currency: string;
  fixedIssue?: number;
}

const KEY = "installation_id = $1 AND repository_id = $2 AND milestone_number = $3";
const keyValues = (k: MilestoneKey) => [k.installationId, k.repositoryId, k.milestoneNumber];

/** The mark's request count (read under the milestone's lock), or undefined when none. */
export async function readRollupMark(
  db: Queryable,
  key: MilestoneKey,
): Promise<number | undefined> {
  const { rows } = await db.query<{ requested: number }>(
    `SELECT requested FROM rollup_refresh WHERE ${KEY}`,
    keyValues(key),
  );
  return rows[0]?.requested;
}

/**
 * The rollup was brought up to date with what the ledger held when the mark read `requested`:
 * clear it; a mark that was bumped since stays pending, its wait counted from now.
 */
export async function clearRollupMark(
  db: Queryable,
  key: MilestoneKey,
  requested: number,
): Promise<void> {
  await db.query(
    `WITH gone AS (DELETE FROM rollup_refresh WHERE ${KEY} AND requested = $4 RETURNING 1)
     UPDATE rollup_refresh SET first_requested_at = now(), attempts = 0, last_error = NULL
     WHERE ${KEY} AND NOT EXISTS (SELECT 1 FROM gone)`,
    [...keyValues(key), requested],
  );
}

/**
 * A refresh failed: the sweep tries again after a backoff that doubles per attempt, from
 * `baseMs` up to `maxMs`.
 */
export async function postponeRollupMark(
  pool: pg.Pool,
  key: MilestoneKey,
  params: { error: string; baseMs: number; maxMs: number },
): Promise<void> {
  await pool.query(
    `UPDATE rollup_refresh SET attempts = attempts + 1, last_error = $4,
       not_before = now() + least($6::float8, $5::float8 * 2 ^ least(attempts, 30))
         * interval '1 millisecond'
     WHERE ${KEY}`,
    [...keyValues(key), params.error.slice(0, 1000), params.baseMs, params.maxMs],
  );
}

/**
 * Marks due for a refresh: quiet for `quietMs` since the last mark, or waiting `maxWaitMs` since
 * the first, and past any backoff. Oldest first.
 */
export async function dueRollupMarks(
  pool: pg.Pool,
  params: { quietMs: number; maxWaitMs: number; limit: number },
): Promise<RollupMark[]> {
  const { rows } = await pool.query<{
    installation_id: string;
    repository_id: string;
    milestone_number: number;
    owner: string;
    repo: string;
    currency: string;
    fixed_issue: number | null;
  }>(
    `SELECT installation_id::text, repository_id::text, milestone_number, owner, repo, currency,
       fixed_issue
     FROM rollup_refresh
     WHERE not_before <= now()
       AND (last_requested_at <= now() - $1 * interval '1 millisecond'
         OR first_requested_at <= now() - $2 * interval '1 millisecond')
     ORDER BY first_requested_at LIMIT $3`,
    [params.quietMs, params.maxWaitMs, params.limit],
  );
  return rows.map((r) => ({
    installationId: Number(r.installation_id),
    repositoryId: Number(r.repository_id),
    milestoneNumber: r.milestone_number,
    owner: r.owner,
    repo: r.repo,
    currency: r.currency,
    ...(r.fixed_issue !== null ? { fixedIssue: r.fixed_issue } : {}),
  }));
}
