/**
 * The `milestones` table: a repository's milestones as GitHub describes them (title, state, due
 * date, the description's budget), and the advisory lock a milestone's rollup is refreshed under.
 */
import type pg from "pg";
import { upsertRepository } from "./repositories.js";
import { type Queryable, withTransaction } from "./transaction.js";

export interface MilestoneRecord {
  installationId: number;
  repository: { id: number; owner: string; name: string };
  number: number;
  title: string;
  state: "open" | "closed";
  dueOn?: Date;
  budget?: { micros: bigint; currency: string };
  /** Why the description's `Budget:` line could not be read. */
  budgetProblem?: string;
}

/**
 * Record a milestone of an installation's repository. Returns false, writing nothing, when the
 * repository is recorded under another installation (milestones are keyed by repository).
 */
export async function upsertMilestone(db: Queryable, m: MilestoneRecord): Promise<boolean> {
  if (!(await upsertRepository(db, m.installationId, m.repository, false))) return false;
  await db.query(
    `INSERT INTO milestones (repository_id, number, title, state, due_on, budget_micros, budget_currency,
       budget_problem)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (repository_id, number) DO UPDATE SET title = EXCLUDED.title, state = EXCLUDED.state,
       due_on = EXCLUDED.due_on, budget_micros = EXCLUDED.budget_micros,
       budget_currency = EXCLUDED.budget_currency, budget_problem = EXCLUDED.budget_problem,
       updated_at = now()`,
    [
      m.repository.id,
      m.number,
      m.title,
      m.state,
      m.dueOn ?? null,
      m.budget?.micros.toString() ?? null,
      m.budget?.currency ?? null,
      m.budgetProblem ?? null,
    ],
  );
  return true;
}

/** Forget an installation's milestone and where its rollup was posted. */
export async function deleteMilestone(
  db: Queryable,
  params: { installationId: number; repositoryId: number; number: number },
): Promise<void> {
  const args = [params.installationId, params.repositoryId, params.number];
  await db.query(
    `DELETE FROM milestones m USING repositories r
     WHERE r.id = m.repository_id AND r.installation_id = $1 AND m.repository_id = $2 AND m.number = $3`,
    args,
  );
  await db.query(
    "DELETE FROM rollup_posts WHERE installation_id = $1 AND repository_id = $2 AND milestone_number = $3",
    args,
  );
}

export async function findMilestoneByTitle(
  db: Queryable,
  params: { installationId: number; repositoryId: number; title: string },
): Promise<number | undefined> {
  const { rows } = await db.query<{ number: number }>(
    `SELECT m.number FROM milestones m JOIN repositories r ON r.id = m.repository_id
     WHERE r.installation_id = $1 AND m.repository_id = $2 AND lower(m.title) = lower($3)
     ORDER BY m.number DESC LIMIT 1`,
    [params.installationId, params.repositoryId, params.title.trim()],
  );
  return rows[0]?.number;
}

/** The repository's open milestones in the ledger. */
export async function openMilestones(
  db: Queryable,
  installationId: number,
  repositoryId: number,
): Promise<number[]> {
  const { rows } = await db.query<{ number: number }>(
    `SELECT m.number FROM milestones m JOIN repositories r ON r.id = m.repository_id
     WHERE r.installation_id = $1 AND m.repository_id = $2 AND m.state = 'open' ORDER BY m.number`,
    [installationId, repositoryId],
  );
  return rows.map((r) => r.number);
}

/** Run `task` holding the milestone's advisory lock, in one transaction on one client. */
export async function withMilestoneLock<T>(
  pool: pg.Pool,
  params: { repositoryId: number; milestoneNumber: number },
  task: (db: Queryable) => Promise<T>,
): Promise<T> {
  return withTransaction(pool, async (db) => {
    // two int4 keys: the repository id folded to 32 bits, and the milestone number
    await db.query("SELECT pg_advisory_xact_lock($1::int, $2::int)", [
      params.repositoryId % 2_147_483_647,
      params.milestoneNumber,
    ]);
    return task(db);
  });
}
