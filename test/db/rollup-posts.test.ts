import { describe, expect, it } from "vitest";
import { upsertMilestone } from "../../src/db/milestones.js";
import { readRollupPost, saveRollupPost } from "../../src/db/rollup-posts.js";
import { migratedDatabaseForFile, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, milestone, REPO } from "../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();

const key = { installationId: INSTALLATION, repositoryId: REPO.id, milestoneNumber: 3 };

describe(`the rollup_posts table (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("saves where a rollup was posted, overwrites it, and reads it back per installation", async () => {
    await upsertMilestone(database().pool, milestone());
    expect(await readRollupPost(database().pool, key)).toBeUndefined();
    await saveRollupPost(database().pool, { ...key, issueNumber: 9, finalPosted: false });
    expect(await readRollupPost(database().pool, key)).toEqual({
      issueNumber: 9,
      finalPosted: false,
    });
    await saveRollupPost(database().pool, {
      ...key,
      issueNumber: 9,
      commentId: "12345678901",
      bodySha256: "ab".repeat(32),
      finalPosted: true,
    });
    expect(await readRollupPost(database().pool, key)).toEqual({
      issueNumber: 9,
      commentId: "12345678901",
      bodySha256: "ab".repeat(32),
      finalPosted: true,
    });
    expect(
      await readRollupPost(database().pool, { ...key, installationId: INSTALLATION + 1 }),
    ).toBeUndefined();
  });
});
