/**
 * Purges (purges.ts): an uninstalled installation's rows go from every table that has an
 * installation or repository column (found in the catalog), in batches that a stop cuts short and
 * `resumePurges` finishes; a repository removed from an installation takes only its own rows.
 * Another installation's data is never touched. Two installations are seeded into every table.
 */
import { describe, expect, it } from "vitest";
import { COMMAND_RATE_LIMITS } from "../../src/core/command.js";
import { takeCommandSlot } from "../../src/db/command-rate.js";
import { upsertMilestone } from "../../src/db/milestones.js";
import { deleteInstallation, deleteRepository, resumePurges } from "../../src/db/purges.js";
import { enqueueEvaluation } from "../../src/db/queue.js";
import { recordPullRequest } from "../../src/db/record.js";
import { saveRollupPost } from "../../src/db/rollup-posts.js";
import { migratedDatabaseForFile, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, milestone, pr, REPO } from "../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();
const pool = () => database().pool;

const OTHER_INSTALLATION = 2_200_000_009;
const OTHER_REPO = { id: 3_000_000_088, owner: "globex", name: "shop" };

/** Every table an installation's data lives in (with repositories and installations). */
const TABLES = [
  "installations",
  "repositories",
  "milestones",
  "pull_requests",
  "pull_request_models",
  "commits",
  "pull_request_commits",
  "pull_request_issues",
  "rollup_posts",
  "rollup_refresh",
  "evaluation_queue",
  "command_rate",
];

/** One row (at least) of the installation's repository in every table. */
async function seed(installationId: number, repository: typeof REPO, number = 1): Promise<void> {
  await upsertMilestone(pool(), milestone({ installationId, repository }));
  await recordPullRequest(
    pool(),
    pr(number, {
      installationId,
      repository,
      issue: { owner: repository.owner, repo: repository.name, number: 12 },
    }),
    { rollups: {} },
  );
  const key = { installationId, repositoryId: repository.id };
  await saveRollupPost(pool(), { ...key, milestoneNumber: 3, issueNumber: 90, finalPosted: false });
  await enqueueEvaluation(pool(), {
    ...key,
    number,
    owner: repository.owner,
    repo: repository.name,
    headSha: "a".repeat(40),
  });
  await takeCommandSlot(
    pool(),
    { ...key, issueNumber: 40, userId: 1 },
    new Date(),
    COMMAND_RATE_LIMITS,
  );
}

async function counts(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of [...TABLES, "installation_purges"]) {
    const { rows } = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    result[table] = rows[0]?.n ?? -1;
  }
  return result;
}

const each = (n: number) => ({
  ...Object.fromEntries(TABLES.map((t) => [t, n])),
  installation_purges: 0,
});

describe(`deleteInstallation (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("deletes the installation's rows from every table, and nothing of another installation", async () => {
    await seed(INSTALLATION, REPO);
    await seed(OTHER_INSTALLATION, OTHER_REPO);
    // the seed reaches every table: a table the purge forgot would show here
    expect(await counts()).toEqual(each(2));
    const deleted = await deleteInstallation(pool(), INSTALLATION);
    expect(await counts()).toEqual(each(1));
    expect(deleted).toBe(TABLES.length);
    const { rows } = await pool().query("SELECT id::text FROM installations");
    expect(rows).toEqual([{ id: String(OTHER_INSTALLATION) }]);
  });

  it("stops between batches when asked, and resumePurges finishes the purge later", async () => {
    await seed(INSTALLATION, REPO, 1);
    await seed(INSTALLATION, REPO, 2);
    await seed(OTHER_INSTALLATION, OTHER_REPO);
    let batches = 0;
    const stopped = await deleteInstallation(pool(), INSTALLATION, {
      batchRows: 1,
      stop: () => ++batches > 3,
    });
    expect(stopped).toBeUndefined();
    // the purge is remembered until it is finished
    const { rows } = await pool().query(
      "SELECT installation_id::text AS id FROM installation_purges",
    );
    expect(rows).toEqual([{ id: String(INSTALLATION) }]);
    expect((await counts()).installations).toBe(2);

    // a stopped sweep finishes nothing
    expect(await resumePurges(pool(), { stop: () => true })).toEqual([]);
    expect(await resumePurges(pool(), { batchRows: 1 })).toEqual([INSTALLATION]);
    expect(await counts()).toEqual(each(1));
  });

  it("deletes in batches of the size given: every row, however many batches it takes", async () => {
    for (let n = 1; n <= 5; n++) await seed(INSTALLATION, REPO, n);
    let batches = 0;
    await deleteInstallation(pool(), INSTALLATION, {
      batchRows: 2,
      stop: () => {
        batches++;
        return false;
      },
    });
    expect(await counts()).toEqual(each(0));
    // 5 PRs' rows in batches of 2: more than one statement per table
    expect(batches).toBeGreaterThan(TABLES.length);
  });
});

describe("deleteRepository", () => {
  it("deletes one repository's rows of the installation; its other repositories keep theirs", async () => {
    const kept = { ...REPO, id: REPO.id + 1, name: "kept" };
    await seed(INSTALLATION, REPO);
    await seed(INSTALLATION, kept);
    await deleteRepository(pool(), { installationId: INSTALLATION, repositoryId: REPO.id });
    const left = await counts();
    expect(left).toEqual(each(1));
    const { rows } = await pool().query("SELECT id::text FROM repositories");
    expect(rows).toEqual([{ id: String(kept.id) }]);
  });

  it("deletes nothing when the repository is another installation's", async () => {
    await seed(OTHER_INSTALLATION, OTHER_REPO);
    await seed(INSTALLATION, REPO);
    await deleteRepository(pool(), { installationId: INSTALLATION, repositoryId: OTHER_REPO.id });
    expect(await counts()).toEqual(each(2));
  });
});
