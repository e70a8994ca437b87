import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import {
  appliedMigrationVersion,
  loadMigrations,
  MigrationError,
  migrate,
} from "../../src/db/migrate.js";
import { openTestDatabase, type TestDatabase, usingPostgres } from "../helpers/database.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  console.log(`database: ${db.kind}`);
});
afterAll(async () => {
  await db.close();
});

describe(`migrations (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("applies every migration once; running them again is harmless", async () => {
    const first = await migrate(db.pool);
    expect(first.applied).toEqual(loadMigrations().map((m) => m.name));
    const second = await migrate(db.pool);
    expect(second).toEqual({ applied: [], current: first.current });
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM schema_migrations");
    expect(rows[0].n).toBe(first.current);
    expect(await appliedMigrationVersion(db.pool)).toBe(first.current);
    const tables = await db.pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        "command_rate",
        "commits",
        "milestones",
        "pull_requests",
        "repositories",
      ]),
    );
  });

  it("is safe when several instances migrate at once (advisory lock)", async () => {
    const fresh = await openTestDatabase();
    try {
      // PostgreSQL: four pools, as four app instances would have; PGlite: one process, one pool
      const pools =
        fresh.url !== undefined
          ? await Promise.all(
              Array.from({ length: 4 }, () => openDatabase({ url: fresh.url as string, max: 2 })),
            )
          : [];
      const targets =
        pools.length > 0 ? pools.map((p) => p.pool) : Array.from({ length: 4 }, () => fresh.pool);
      const results = await Promise.all(targets.map((pool) => migrate(pool)));
      expect(results.flatMap((r) => r.applied)).toEqual(loadMigrations().map((m) => m.name));
      await Promise.all(pools.map((p) => p.close()));
    } finally {
      await fresh.close();
    }
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const migrations = loadMigrations();
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: "different" } : m));
    await expect(migrate(db.pool, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it("rolls back a failing migration and names it", async () => {
    const broken = [
      ...loadMigrations(),
      {
        version: 99,
        name: "099_broken.sql",
        sql: "CREATE TABLE ok_part (x int); SELECT nope FROM nowhere;",
        checksum: "x",
      },
    ];
    await expect(migrate(db.pool, broken)).rejects.toThrow(/099_broken\.sql failed/);
    const exists = await db.pool.query("SELECT to_regclass('ok_part') AS t");
    expect(exists.rows[0].t).toBeNull();
  });

  it("checks the names and numbering of migration files", () => {
    const dir = mkdtempSync(join(tmpdir(), "cv-migrations-"));
    writeFileSync(join(dir, "001_a.sql"), "SELECT 1;");
    writeFileSync(join(dir, "003_c.sql"), "SELECT 1;");
    expect(() => loadMigrations(dir)).toThrow(MigrationError);
    expect(() => loadMigrations(dir)).toThrow(/expected number 2/);
  });
});
