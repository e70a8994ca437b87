import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { findRepository, upsertRepository } from "../../src/db/repositories.js";
import { openTestDatabase, type TestDatabase, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, REPO } from "../helpers/ledger-fixtures.js";

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

describe(`the repositories table (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("records a repository under its installation and finds it by name, in any case", async () => {
    expect(await upsertRepository(db.pool, INSTALLATION, REPO, false)).toBe(true);
    expect(await findRepository(db.pool, "ACME", "Shop")).toEqual({
      id: REPO.id,
      installationId: INSTALLATION,
    });
    expect(await findRepository(db.pool, "acme", "other")).toBeUndefined();
  });

  it("moves a repository to another installation only with a claim", async () => {
    await upsertRepository(db.pool, INSTALLATION, REPO, false);
    expect(await upsertRepository(db.pool, INSTALLATION + 1, REPO, false)).toBe(false);
    expect((await findRepository(db.pool, "acme", "shop"))?.installationId).toBe(INSTALLATION);
    expect(await upsertRepository(db.pool, INSTALLATION + 1, REPO, true)).toBe(true);
    expect((await findRepository(db.pool, "acme", "shop"))?.installationId).toBe(INSTALLATION + 1);
  });
});
