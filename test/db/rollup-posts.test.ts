import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { upsertMilestone } from "../../src/db/milestones.js";
import { readRollupPost, saveRollupPost } from "../../src/db/rollup-posts.js";
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

const key = { installationId: INSTALLATION, repositoryId: REPO.id, milestoneNumber: 3 };

describe(`the rollup_posts table (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("saves where a rollup was posted, overwrites it, and reads it back per installation", async () => {
    await upsertMilestone(db.pool, milestone());
    expect(await readRollupPost(db.pool, key)).toBeUndefined();
    await saveRollupPost(db.pool, { ...key, issueNumber: 9, finalPosted: false });
    expect(await readRollupPost(db.pool, key)).toEqual({ issueNumber: 9, finalPosted: false });
    await saveRollupPost(db.pool, {
      ...key,
      issueNumber: 9,
      commentId: "12345678901",
      bodySha256: "ab".repeat(32),
      finalPosted: true,
    });
    expect(await readRollupPost(db.pool, key)).toEqual({
      issueNumber: 9,
      commentId: "12345678901",
      bodySha256: "ab".repeat(32),
      finalPosted: true,
    });
    expect(
      await readRollupPost(db.pool, { ...key, installationId: INSTALLATION + 1 }),
    ).toBeUndefined();
  });
});
