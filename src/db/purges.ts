/**
 * Purges: everything of an installation (uninstalled) or of one of its repositories (removed from
 * it), over every table scoped by installation or repository, in batches that can be resumed.
 */
import type { Queryable } from "./transaction.js";

/** Tables with an installation_id and/or a repository_id column (read from the catalog). */
async function scopedTables(
  db: Queryable,
): Promise<{ name: string; installation: boolean; repository: boolean }[]> {
  const { rows } = await db.query<{ name: string; installation: boolean; repository: boolean }>(
    `SELECT c.table_name AS name,
            bool_or(c.column_name = 'installation_id') AS installation,
            bool_or(c.column_name = 'repository_id') AS repository
     FROM information_schema.columns c
     JOIN information_schema.tables t
       ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = current_schema() AND c.column_name IN ('installation_id', 'repository_id')
     GROUP BY c.table_name ORDER BY c.table_name`,
  );
  return rows;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export interface PurgeOptions {
  /** Rows per DELETE statement (each commits on its own: short locks, bounded WAL per commit). */
  batchRows?: number;
  /** Asked between batches: true stops the purge (it is resumed by `resumePurges`). */
  stop?: () => boolean;
}

/**
 * Delete everything of an installation (the app was uninstalled): the rows of every table with an
 * installation_id column, found in the catalog so a table added later is not forgotten; the rows
 * keyed only by its repositories (commits, milestones); its repositories; the installation. In
 * batches, children before parents, after a row in `installation_purges` that is deleted last: a
 * purge cut short is finished by `resumePurges` (the sweep). Returns the rows deleted, or
 * undefined when stopped.
 */
export async function deleteInstallation(
  db: Queryable,
  installationId: number,
  options: PurgeOptions = {},
): Promise<number | undefined> {
  const batch = options.batchRows ?? 5_000;
  await db.query(
    "INSERT INTO installation_purges (installation_id) VALUES ($1) ON CONFLICT DO NOTHING",
    [installationId],
  );
  const tables = await scopedTables(db);
  const byInstallation = tables.filter(
    (t) => t.installation && t.name !== "repositories" && t.name !== "installation_purges",
  );
  const byRepository = tables.filter((t) => t.repository && !t.installation);
  // pull_requests after the tables that reference it (its children are gone: no cascades)
  byInstallation.sort(
    (a, b) => Number(a.name === "pull_requests") - Number(b.name === "pull_requests"),
  );
  let deleted = 0;
  const inBatches = async (table: string, where: string): Promise<boolean> => {
    for (;;) {
      if (options.stop?.() === true) return false;
      const result = await db.query(
        `DELETE FROM ${quoteIdent(table)} WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM ${quoteIdent(table)} WHERE ${where} LIMIT $2))`,
        [installationId, batch],
      );
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < batch) return true;
    }
  };
  for (const table of byInstallation) {
    if (!(await inBatches(table.name, "installation_id = $1"))) return undefined;
  }
  for (const table of byRepository) {
    const mine =
      "repository_id = ANY(ARRAY(SELECT id FROM repositories WHERE installation_id = $1))";
    if (!(await inBatches(table.name, mine))) return undefined;
  }
  const repositories = await db.query("DELETE FROM repositories WHERE installation_id = $1", [
    installationId,
  ]);
  const installation = await db.query("DELETE FROM installations WHERE id = $1", [installationId]);
  await db.query("DELETE FROM installation_purges WHERE installation_id = $1", [installationId]);
  return deleted + (repositories.rowCount ?? 0) + (installation.rowCount ?? 0);
}

/** Finish the purges cut short (see `deleteInstallation`); returns the installations finished. */
export async function resumePurges(db: Queryable, options: PurgeOptions = {}): Promise<number[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT installation_id::text AS id FROM installation_purges ORDER BY requested_at",
  );
  const finished: number[] = [];
  for (const row of rows) {
    if ((await deleteInstallation(db, Number(row.id), options)) === undefined) break;
    finished.push(Number(row.id));
  }
  return finished;
}

/**
 * Delete everything of one repository of an installation (it was removed from the installation):
 * the rows of every table with a repository_id column (scoped to the installation where the
 * table has one; otherwise only when the repository is this installation's), then the repository.
 */
export async function deleteRepository(
  db: Queryable,
  params: { installationId: number; repositoryId: number },
): Promise<void> {
  const args = [params.installationId, params.repositoryId];
  for (const table of await scopedTables(db)) {
    if (!table.repository) continue;
    await db.query(
      table.installation
        ? `DELETE FROM ${quoteIdent(table.name)} WHERE installation_id = $1 AND repository_id = $2`
        : `DELETE FROM ${quoteIdent(table.name)} WHERE repository_id = $2
             AND EXISTS (SELECT 1 FROM repositories WHERE id = $2 AND installation_id = $1)`,
      args,
    );
  }
  await db.query("DELETE FROM repositories WHERE installation_id = $1 AND id = $2", args);
}
