import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { upsertMilestone } from "../../src/db/milestones.js";
import { ledgerPullRequests } from "../../src/db/pull-requests.js";
import { recordPullRequest } from "../../src/db/record.js";
import { openTestDatabase, type TestDatabase, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, milestone, pr, REPO } from "../helpers/ledger-fixtures.js";

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

describe(`the pull_requests listing (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("lists the repository's PRs of the installation by number, check run id when known", async () => {
    await upsertMilestone(db.pool, milestone());
    await recordPullRequest(db.pool, pr(12, { state: "merged", conclusion: "neutral" }));
    const { checkRunId: _, ...withoutRun } = pr(11);
    await recordPullRequest(db.pool, withoutRun);
    const listed = await ledgerPullRequests(db.pool, INSTALLATION, REPO.id);
    expect([...listed.values()]).toEqual([
      { number: 11, state: "open", headSha: pr(11).headSha, conclusion: "success" },
      {
        number: 12,
        state: "merged",
        headSha: pr(12).headSha,
        conclusion: "neutral",
        checkRunId: pr(12).checkRunId,
      },
    ]);
    expect((await ledgerPullRequests(db.pool, INSTALLATION + 1, REPO.id)).size).toBe(0);
  });
});
