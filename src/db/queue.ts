/**
 * The evaluation queue's SQL (see migrations/004_evaluation_queue.sql): enqueue, lease, renew,
 * finish, back off, and list the work whose lease ran out. Each is one statement (one round
 * trip), so the queue works on PGlite's single connection and across processes on PostgreSQL.
 *
 * Only the enqueue waits for the disk: it is the promise that a delivery GitHub was answered for
 * will be evaluated. Leases and completion marks commit without waiting (`NO_WAIT`; one WAL
 * flush per delivery instead of three): a database crash can lose them, which leaves the request
 * pending without a lease, and the sweep evaluates it again (evaluations are idempotent).
 */
import type pg from "pg";
import { NO_WAIT } from "./transaction.js";

export interface QueueKey {
  installationId: number;
  repositoryId: number;
  number: number;
}

export interface QueuedEvaluation extends QueueKey {
  owner: string;
  repo: string;
  headSha: string;
  /** The request count this lease covers (recorded as completed when it finishes). */
  requested: number;
  attempts: number;
  /** A user asked for a re-run: the evaluation writes the check even when unchanged. */
  rerun: boolean;
}

interface Row {
  installation_id: string;
  repository_id: string;
  number: number;
  owner: string;
  repo: string;
  head_sha: string;
  requested: number;
  attempts: number;
  rerun: boolean;
}

function fromRow(row: Row): QueuedEvaluation {
  return {
    installationId: Number(row.installation_id),
    repositoryId: Number(row.repository_id),
    number: row.number,
    owner: row.owner,
    repo: row.repo,
    headSha: row.head_sha,
    requested: row.requested,
    attempts: row.attempts,
    rerun: row.rerun,
  };
}

const KEY = "installation_id = $1 AND repository_id = $2 AND number = $3";
const keyValues = (k: QueueKey) => [k.installationId, k.repositoryId, k.number];

export type EnqueueItem = QueueKey & {
  owner: string;
  repo: string;
  headSha: string;
  deliveryId?: string;
  /** The delivery asks for a re-run (check_run / check_suite `rerequested`). */
  rerun?: boolean;
};

/** Ask for an evaluation (a webhook arrived). Returns the new request count. */
export async function enqueueEvaluation(pool: pg.Pool, item: EnqueueItem): Promise<number> {
  const result = await pool.query<{ requested: number }>(
    `WITH installation AS (
       INSERT INTO installations (id, account_login) VALUES ($1, $4) ON CONFLICT (id) DO NOTHING
     )
     INSERT INTO evaluation_queue
       (installation_id, repository_id, number, owner, repo, head_sha, last_delivery, rerun)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (installation_id, repository_id, number) DO UPDATE SET
       requested = evaluation_queue.requested + 1,
       owner = EXCLUDED.owner, repo = EXCLUDED.repo, head_sha = EXCLUDED.head_sha,
       last_delivery = EXCLUDED.last_delivery, attempts = 0, not_before = now(), updated_at = now(),
       rerun = evaluation_queue.rerun OR EXCLUDED.rerun
     RETURNING requested`,
    [
      ...keyValues(item),
      item.owner,
      item.repo,
      item.headSha,
      item.deliveryId ?? null,
      item.rerun === true,
    ],
  );
  return result.rows[0]?.requested ?? 0;
}

/**
 * Ask for an evaluation and, when no worker holds the PR's lease, take it in the same statement
 * (one round trip and one commit instead of two for the common delivery). Returns the request
 * count and the leased job, or no job when a live lease is held (by another worker, or by this
 * one for an evaluation in progress: the caller then drains as usual).
 */
export async function enqueueAndClaim(
  pool: pg.Pool,
  item: EnqueueItem,
  worker: string,
  leaseMs: number,
): Promise<{ requested: number; job?: QueuedEvaluation }> {
  const free = "(evaluation_queue.lease_until IS NULL OR evaluation_queue.lease_until < now())";
  const result = await pool.query<Row & { claimed: boolean }>(
    `WITH installation AS (
       INSERT INTO installations (id, account_login) VALUES ($1, $4) ON CONFLICT (id) DO NOTHING
     )
     INSERT INTO evaluation_queue
       (installation_id, repository_id, number, owner, repo, head_sha, last_delivery,
        lease_owner, lease_until, attempts, rerun)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + $9 * interval '1 millisecond', 1, $10)
     ON CONFLICT (installation_id, repository_id, number) DO UPDATE SET
       requested = evaluation_queue.requested + 1,
       owner = EXCLUDED.owner, repo = EXCLUDED.repo, head_sha = EXCLUDED.head_sha,
       last_delivery = EXCLUDED.last_delivery, not_before = now(), updated_at = now(),
       rerun = evaluation_queue.rerun OR EXCLUDED.rerun,
       attempts = CASE WHEN ${free} THEN 1 ELSE 0 END,
       lease_owner = CASE WHEN ${free} THEN EXCLUDED.lease_owner ELSE evaluation_queue.lease_owner END,
       lease_until = CASE WHEN ${free} THEN EXCLUDED.lease_until ELSE evaluation_queue.lease_until END
     RETURNING installation_id, repository_id, number, owner, repo, head_sha, requested, attempts,
       rerun, lease_owner IS NOT DISTINCT FROM $8 AND attempts = 1 AS claimed`,
    [
      ...keyValues(item),
      item.owner,
      item.repo,
      item.headSha,
      item.deliveryId ?? null,
      worker,
      leaseMs,
      item.rerun === true,
    ],
  );
  const row = result.rows[0];
  if (row === undefined) return { requested: 0 };
  return row.claimed
    ? { requested: row.requested, job: fromRow(row) }
    : { requested: row.requested };
}

/** Take the lease on a PR's pending evaluation, unless another worker holds a live lease. */
export async function claimEvaluation(
  pool: pg.Pool,
  key: QueueKey,
  worker: string,
  leaseMs: number,
): Promise<QueuedEvaluation | undefined> {
  const result = await pool.query<Row>(
    `WITH ${NO_WAIT}
     UPDATE evaluation_queue SET lease_owner = $4,
       lease_until = now() + $5 * interval '1 millisecond', attempts = attempts + 1, updated_at = now()
     WHERE ${KEY} AND completed < requested
       AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $4)
       AND (SELECT v FROM no_wait) = 'off'
     RETURNING installation_id, repository_id, number, owner, repo, head_sha, requested, attempts,
       rerun`,
    [...keyValues(key), worker, leaseMs],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : fromRow(row);
}

/** Extend a lease while its evaluation runs (false: the lease was lost). */
export async function renewLease(
  pool: pg.Pool,
  key: QueueKey,
  worker: string,
  leaseMs: number,
): Promise<boolean> {
  const result = await pool.query(
    `WITH ${NO_WAIT}
     UPDATE evaluation_queue SET lease_until = now() + $5 * interval '1 millisecond'
     WHERE ${KEY} AND lease_owner = $4 AND (SELECT v FROM no_wait) = 'off'`,
    [...keyValues(key), worker, leaseMs],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * The evaluation that covered requests up to `requested` finished: record it and let the lease go.
 * Returns whether more requests arrived meanwhile (evaluate again).
 */
export async function finishEvaluation(
  pool: pg.Pool,
  key: QueueKey,
  worker: string,
  requested: number,
): Promise<boolean> {
  const result = await pool.query<{ more: boolean }>(
    `WITH ${NO_WAIT}
     UPDATE evaluation_queue SET completed = GREATEST(completed, $5), lease_owner = NULL,
       lease_until = NULL, attempts = 0, last_error = NULL, updated_at = now(),
       -- a re-run asked for after this evaluation started stays asked for
       rerun = rerun AND requested > GREATEST(completed, $5)
     WHERE ${KEY} AND (lease_owner = $4 OR lease_owner IS NULL)
       AND (SELECT v FROM no_wait) = 'off'
     RETURNING requested > completed AS more`,
    [...keyValues(key), worker, requested],
  );
  return result.rows[0]?.more === true;
}

/**
 * The evaluation failed: let the lease go and try again after `retryInMs` (a sweep picks it up),
 * or give up after too many attempts (`giveUp`: marked done; the check run says what happened).
 */
export async function failEvaluation(
  pool: pg.Pool,
  key: QueueKey,
  worker: string,
  params: { error: string; retryInMs: number; giveUp: boolean; requested: number },
): Promise<void> {
  await pool.query(
    `UPDATE evaluation_queue SET lease_owner = NULL, lease_until = NULL, last_error = $5,
       not_before = now() + $6 * interval '1 millisecond',
       completed = CASE WHEN $7 THEN GREATEST(completed, $8) ELSE completed END, updated_at = now()
     WHERE ${KEY} AND lease_owner = $4`,
    [
      ...keyValues(key),
      worker,
      params.error.slice(0, 1000),
      params.retryInMs,
      params.giveUp,
      params.requested,
    ],
  );
}

/**
 * Pending evaluations nobody is working on: no lease or an expired one (its process died), due,
 * and not just enqueued (the webhook that enqueued it is about to run it itself).
 */
export async function dueEvaluations(
  pool: pg.Pool,
  params: { limit: number; graceMs: number },
): Promise<QueueKey[]> {
  const result = await pool.query<{
    installation_id: string;
    repository_id: string;
    number: number;
  }>(
    `SELECT installation_id, repository_id, number FROM evaluation_queue
     WHERE completed < requested AND not_before <= now()
       AND (lease_until IS NULL OR lease_until < now())
       AND (lease_owner IS NOT NULL OR updated_at < now() - $2 * interval '1 millisecond')
     ORDER BY not_before LIMIT $1`,
    [params.limit, params.graceMs],
  );
  return result.rows.map((r) => ({
    installationId: Number(r.installation_id),
    repositoryId: Number(r.repository_id),
    number: r.number,
  }));
}

/** How many PRs wait for an evaluation (a gauge in /metrics). */
export async function countPending(pool: pg.Pool): Promise<number> {
  const result = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM evaluation_queue WHERE completed < requested",
  );
  return Number(result.rows[0]?.n ?? 0);
}
