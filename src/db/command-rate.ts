/**
 * The `command_rate` table (migration 005): the answered `/cost-value` commands, counted per user
 * and per issue so every app instance sharing the database counts the same answers.
 */
import type pg from "pg";
import {
  type CommandRateDecision,
  type CommandRateLimits,
  decideCommandRate,
} from "../core/command.js";
import { withTransaction } from "./transaction.js";

export interface CommandKey {
  installationId: number;
  repositoryId: number;
  issueNumber: number;
  userId: number;
  /** The installation's account (its `installations` row is created if missing). */
  accountLogin?: string;
}

/**
 * Take one slot if the limits allow it, under a per-issue advisory lock. Each take first deletes
 * the rows older than the window (all issues).
 */
export async function takeCommandSlot(
  pool: pg.Pool,
  key: CommandKey,
  now: Date,
  limits: CommandRateLimits,
): Promise<CommandRateDecision> {
  const since = new Date(now.getTime() - limits.windowMs);
  return withTransaction(pool, async (db) => {
    await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
      `cost-value:command:${key.installationId}:${key.repositoryId}:${key.issueNumber}`,
    ]);
    await db.query("DELETE FROM command_rate WHERE at <= $1", [since]);
    const { rows } = await db.query<{ by_user: number; on_issue: number }>(
      `SELECT count(*) FILTER (WHERE user_id = $4)::int AS by_user, count(*)::int AS on_issue
       FROM command_rate
       WHERE installation_id = $1 AND repository_id = $2 AND issue_number = $3 AND at > $5`,
      [key.installationId, key.repositoryId, key.issueNumber, key.userId, since],
    );
    const decision = decideCommandRate(
      { byUser: rows[0]?.by_user ?? 0, onIssue: rows[0]?.on_issue ?? 0 },
      limits,
    );
    if (decision.allowed) {
      await db.query(
        `WITH installation AS (
           INSERT INTO installations (id, account_login) VALUES ($1, $6) ON CONFLICT (id) DO NOTHING
         )
         INSERT INTO command_rate (installation_id, repository_id, issue_number, user_id, at)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          key.installationId,
          key.repositoryId,
          key.issueNumber,
          key.userId,
          now,
          key.accountLogin ?? "",
        ],
      );
    }
    return decision;
  });
}
