/**
 * The `installations` and `repositories` tables: a repository recorded under the installation that
 * can see it, and found again by name.
 */
import type { Queryable } from "./transaction.js";

/**
 * Record a repository under an installation; returns whether it now belongs to that installation.
 * A repository recorded under another installation is moved only with `claim`: when its id was
 * read from GitHub with this installation's own token (an evaluation's GraphQL read), never on the
 * word of a payload field. A move drops the other installation's rollup posts of the repository.
 */
export async function upsertRepository(
  db: Queryable,
  installationId: number,
  repository: { id: number; owner: string; name: string },
  claim: boolean,
): Promise<boolean> {
  await db.query(
    `INSERT INTO installations (id, account_login) VALUES ($1, $2)
     ON CONFLICT (id) DO NOTHING`,
    [installationId, repository.owner],
  );
  const { rows } = await db.query<{ previous: string | null }>(
    `WITH before AS (SELECT installation_id FROM repositories WHERE id = $1)
     INSERT INTO repositories (id, installation_id, owner, name) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET installation_id = EXCLUDED.installation_id, owner = EXCLUDED.owner,
       name = EXCLUDED.name, updated_at = now()
     WHERE repositories.installation_id = EXCLUDED.installation_id OR $5::boolean
     RETURNING (SELECT installation_id::text FROM before) AS previous`,
    [repository.id, installationId, repository.owner, repository.name, claim],
  );
  const row = rows[0];
  if (row === undefined) return false;
  if (row.previous !== null && Number(row.previous) !== installationId) {
    await db.query("DELETE FROM rollup_posts WHERE repository_id = $1 AND installation_id <> $2", [
      repository.id,
      installationId,
    ]);
  }
  return true;
}

/** A repository by name (operators name repositories; the ledger keys them by id). */
export async function findRepository(
  db: Queryable,
  owner: string,
  name: string,
): Promise<{ id: number; installationId: number } | undefined> {
  const { rows } = await db.query<{ id: string; installation_id: string }>(
    `SELECT id::text, installation_id::text FROM repositories
     WHERE lower(owner) = lower($1) AND lower(name) = lower($2) ORDER BY updated_at DESC LIMIT 1`,
    [owner, name],
  );
  const row = rows[0];
  return row === undefined
    ? undefined
    : { id: Number(row.id), installationId: Number(row.installation_id) };
}
