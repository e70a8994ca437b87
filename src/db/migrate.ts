/**
 * Schema migrations: numbered, forward-only SQL files in migrations/ (`001_ledger.sql`), each
 * applied in its own transaction and recorded in `schema_migrations` with a checksum. Safe when
 * several instances start together: the whole run holds a PostgreSQL advisory lock. An applied
 * file that was edited afterwards is refused (write a new migration instead).
 *
 * Library choice: node-pg-migrate wants JavaScript migrations and its own client lifecycle; what
 * we need is this page of code, which works the same on PostgreSQL and on PGlite's single
 * connection.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import type { Queryable } from "./transaction.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** An arbitrary constant: the advisory-lock key of cost-value's migrations. */
const MIGRATION_LOCK = 7_236_117_001;

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));

export class MigrationError extends Error {
  override name = "MigrationError";
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((file) => {
      const match = /^(\d+)_([a-z0-9_-]+)\.sql$/.exec(file);
      if (match === null) {
        throw new MigrationError(
          `migrations/${file}: name it NNN_description.sql (e.g. 002_rollups.sql)`,
        );
      }
      const sql = readFileSync(`${dir}/${file}`, "utf8");
      return {
        version: Number(match[1]),
        name: file,
        sql,
        checksum: createHash("sha256").update(sql).digest("hex"),
      };
    });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new MigrationError(
        `migrations/${m.name}: expected number ${i + 1}; migrations are numbered 1, 2, 3… without gaps`,
      );
    }
  });
  return migrations;
}

export interface MigrateResult {
  applied: string[];
  current: number;
}

export async function migrate(
  pool: pg.Pool,
  migrations = loadMigrations(),
): Promise<MigrateResult> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
    );
    for (const row of rows) {
      const file = migrations.find((m) => m.version === row.version);
      if (file === undefined) {
        throw new MigrationError(
          `the database has migration ${row.name}, which this version of cost-value does not know: run a newer version (migrations are forward-only)`,
        );
      }
      if (file.checksum !== row.checksum) {
        throw new MigrationError(
          `migrations/${file.name} was changed after it was applied; restore it and put the change in a new migration`,
        );
      }
    }
    const applied: string[] = [];
    for (const migration of migrations.filter((m) => !rows.some((r) => r.version === m.version))) {
      try {
        await client.query("BEGIN");
        await client.query(migration.sql);
        await client.query(
          "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
          [migration.version, migration.name, migration.checksum],
        );
        await client.query("COMMIT");
        applied.push(migration.name);
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new MigrationError(
          `migrations/${migration.name} failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
    return { applied, current: migrations.length };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** The highest migration recorded in `schema_migrations` (0 when none). */
export async function appliedMigrationVersion(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number | null }>(
    "SELECT max(version)::int AS n FROM schema_migrations",
  );
  return rows[0]?.n ?? 0;
}
