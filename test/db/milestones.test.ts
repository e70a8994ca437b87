import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { openMilestones, upsertMilestone } from "../../src/db/milestones.js";
import { openTestDatabase, type TestDatabase, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, milestone, REPO } from "../helpers/ledger-fixtures.js";

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

describe(`the milestones table (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("lists the repository's open milestones of the installation, by number", async () => {
    await upsertMilestone(db.pool, milestone({ number: 4 }));
    await upsertMilestone(db.pool, milestone({ number: 2 }));
    await upsertMilestone(db.pool, milestone({ number: 3, state: "closed" }));
    expect(await openMilestones(db.pool, INSTALLATION, REPO.id)).toEqual([2, 4]);
    expect(await openMilestones(db.pool, INSTALLATION + 1, REPO.id)).toEqual([]);
  });
});
