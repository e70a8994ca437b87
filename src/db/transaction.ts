/**
 * Transactions on a pool (PostgreSQL's, or PGlite's single connection behind its lock).
 */
import type pg from "pg";

/** A pool or a client inside a transaction. */
export type Queryable = Pick<pg.PoolClient, "query">;

export interface TransactionOptions {
  /**
   * false: the commit does not wait for the disk (`SET LOCAL synchronous_commit = off`), for
   * writes that are redone when a database crash loses them (see `NO_WAIT`).
   */
  waitForDisk?: boolean;
}

/**
 * Run `task` in one transaction on one client: its writes land together or not at all, and commit
 * with one flush to disk instead of one per statement.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  task: (db: Queryable) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    // one round trip (the simple query protocol takes both statements)
    await client.query(
      options.waitForDisk === false ? "BEGIN; SET LOCAL synchronous_commit = off" : "BEGIN",
    );
    const result = await task(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A CTE (`WITH ${NO_WAIT} …`) that makes the statement's own transaction commit without waiting
 * for the disk: `set_config(…, true)` is `SET LOCAL`, and a single statement is its own
 * transaction, so one round trip does what `BEGIN; SET LOCAL …; statement; COMMIT` does in three.
 * The statement must read `(SELECT v FROM no_wait)` (a CTE nobody reads is not run).
 */
export const NO_WAIT = "no_wait AS (SELECT set_config('synchronous_commit', 'off', true) AS v)";
