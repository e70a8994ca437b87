/** `cost-value migrate`: apply the database migrations (also done by the app at start). */
import { type Database, DataDirLockedError, openDatabaseFromEnv } from "../db/database.js";
import { MigrationError, migrate } from "../db/migrate.js";
import { type CliIo, EXIT } from "./io.js";

export async function runMigrateCommand(io: CliIo): Promise<number> {
  let db: Database | undefined;
  try {
    db = await openDatabaseFromEnv(io.env, io.cwd);
    const result = await migrate(db.pool);
    io.stdout(
      result.applied.length === 0
        ? `${db.kind} ${db.location}: up to date (${result.current} migrations)\n`
        : `${db.kind} ${db.location}: applied ${result.applied.join(", ")}\n`,
    );
    return EXIT.ok;
  } catch (error) {
    const known = error instanceof MigrationError || error instanceof DataDirLockedError;
    const code = (error as { code?: unknown }).code;
    const hint =
      code === "ECONNREFUSED" || code === "ENOTFOUND"
        ? " (is PostgreSQL running, and is DATABASE_URL right?)"
        : "";
    io.stderr(
      `cost-value migrate: ${known ? "" : "the database could not be migrated: "}${(error as Error).message}${hint}\n`,
    );
    return EXIT.usage;
  } finally {
    await db?.close();
  }
}
