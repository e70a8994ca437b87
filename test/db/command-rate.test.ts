import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CommandKey, takeCommandSlot } from "../../src/db/command-rate.js";
import { migrate } from "../../src/db/migrate.js";
import { openTestDatabase, type TestDatabase, usingPostgres } from "../helpers/database.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE");
});

const limits = { perUserPerIssue: 2, perIssue: 3, windowMs: 60_000 };
const key = (userId: number, issueNumber = 5): CommandKey => ({
  installationId: 4242,
  repositoryId: 77,
  issueNumber,
  userId,
  accountLogin: "acme",
});
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, seconds));

describe(`the command_rate table (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("takes slots per user and per issue, then refuses; the installation row is created", async () => {
    expect(await takeCommandSlot(db.pool, key(1), at(0), limits)).toEqual({ allowed: true });
    expect(await takeCommandSlot(db.pool, key(1), at(1), limits)).toEqual({ allowed: true });
    expect(await takeCommandSlot(db.pool, key(1), at(2), limits)).toEqual({
      allowed: false,
      reason: "user",
      limit: 2,
    });
    expect(await takeCommandSlot(db.pool, key(2), at(3), limits)).toEqual({ allowed: true });
    expect(await takeCommandSlot(db.pool, key(3), at(4), limits)).toEqual({
      allowed: false,
      reason: "issue",
      limit: 3,
    });
    expect(await takeCommandSlot(db.pool, key(3, 6), at(5), limits)).toEqual({ allowed: true });
    const { rows } = await db.pool.query("SELECT account_login FROM installations WHERE id = 4242");
    expect(rows).toEqual([{ account_login: "acme" }]);
  });

  it("forgets the answers older than the window", async () => {
    await takeCommandSlot(db.pool, key(1), at(0), limits);
    await takeCommandSlot(db.pool, key(1), at(1), limits);
    const later = new Date(at(1).getTime() + limits.windowMs);
    expect(await takeCommandSlot(db.pool, key(1), later, limits)).toEqual({ allowed: true });
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM command_rate");
    expect(rows[0].n).toBe(1);
  });
});
