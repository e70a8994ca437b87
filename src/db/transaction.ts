/**
 * Transactions on a pool (PostgreSQL's, or PGlite's single connection behind its lock).
 */
import type pg from "pg";

/** A pool or a client inside a transaction. */
export type Queryable = Pick<pg.PoolClient, "query">;

export interface TransactionOptions {
  /**
   * false: the commit does not wait for the disk (`SET LOCAL synchronous_commit = off`), for
   * writes that are redone when a database crash loses them (see `withoutWaitingForDisk`).
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
 * One statement whose commit does not wait for the disk (`synchronous_commit = off`), for writes
 * that may be lost in a database crash because they are redone: the queue's lease and completion
 * marks. The WAL is flushed in order, so such a write is never kept while an earlier synchronous
 * one is lost; the next synchronous commit (or the WAL writer, within 3 × `wal_writer_delay`)
 * flushes it.
 */
export async function withoutWaitingForDisk<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  return withTransaction(pool, (db) => db.query<R>(text, values), { waitForDisk: false });
}
