import { describe, expect, it } from "vitest";
import { openMilestones, upsertMilestone } from "../../src/db/milestones.js";
import { migratedDatabaseForFile, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, milestone, REPO } from "../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();

describe(`the milestones table (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("lists the repository's open milestones of the installation, by number", async () => {
    await upsertMilestone(database().pool, milestone({ number: 4 }));
    await upsertMilestone(database().pool, milestone({ number: 2 }));
    await upsertMilestone(database().pool, milestone({ number: 3, state: "closed" }));
    expect(await openMilestones(database().pool, INSTALLATION, REPO.id)).toEqual([2, 4]);
    expect(await openMilestones(database().pool, INSTALLATION + 1, REPO.id)).toEqual([]);
  });
});
