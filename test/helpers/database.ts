/**
 * A fresh database for a test file: PGlite in memory by default, or — when DATABASE_URL is set
 * (CI sets it to the machine's PostgreSQL) — a new database created on that server and dropped at
 * the end, so runs never see each other's data.
 */

import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";

export const usingPostgres = (): boolean => (process.env.DATABASE_URL ?? "") !== "";

export interface TestDatabase extends Database {
  /** The URL of the fresh database (PostgreSQL mode), for a second process or pool. */
  url?: string;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl === undefined || adminUrl === "") return openDatabase({ dataDir: "memory://" });
  const name = `cost_value_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  return {
    ...db,
    url: url.toString(),
    close: async () => {
      await db.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/**
 * A fresh migrated database for the test file: opened before its tests, emptied (every
 * installation's rows) before each one, closed after them. Read it through the getter once the
 * tests run.
 */
export function migratedDatabaseForFile(): () => TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await openTestDatabase();
    await migrate(db.pool);
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await db?.pool.query("TRUNCATE installations CASCADE");
  });
  return () => {
    if (db === undefined) throw new Error("migratedDatabaseForFile: the database is not open yet");
    return db;
  };
}
