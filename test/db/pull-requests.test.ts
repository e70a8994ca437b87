import { describe, expect, it } from "vitest";
import { upsertMilestone } from "../../src/db/milestones.js";
import { ledgerPullRequests } from "../../src/db/pull-requests.js";
import { recordPullRequest } from "../../src/db/record.js";
import { migratedDatabaseForFile, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, milestone, pr, REPO } from "../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();

describe(`the pull_requests listing (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("lists the repository's PRs of the installation by number, check run id when known", async () => {
    await upsertMilestone(database().pool, milestone());
    await recordPullRequest(database().pool, pr(12, { state: "merged", conclusion: "neutral" }));
    const { checkRunId: _, ...withoutRun } = pr(11);
    await recordPullRequest(database().pool, withoutRun);
    const listed = await ledgerPullRequests(database().pool, INSTALLATION, REPO.id);
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
    expect((await ledgerPullRequests(database().pool, INSTALLATION + 1, REPO.id)).size).toBe(0);
  });
});
