/**
 * Uninstalling the app (`installation.deleted`) deletes every row of that installation in every
 * table, and only that installation's; taking a repository out of an installation
 * (`installation_repositories.removed`) deletes that repository's rows, and only those. The
 * tables are read from the catalog (every table with an installation_id or repository_id column),
 * so a table added later is covered without changing this test.
 */
import type { Probot } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { deleteInstallation, resumePurges } from "../../src/db/purges.js";
import { Lifecycle } from "../../src/github/lifecycle.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { commitsOf } from "../helpers/fake-github/index.js";
import { installationDeletedPayload } from "../helpers/webhook-payloads.js";
import {
  deliver,
  installGitHub,
  jobCompleted,
  MILESTONE,
  makeTenant,
  milestoneEdited,
  prOpened,
  reviewSubmitted,
  rollupCommand,
  type Tenant,
  tenantProbot,
} from "./two-tenants.js";

let db: TestDatabase;
let probot: Probot;
let a: Tenant;
let b: Tenant;
const WEB_REPO_ID = 203;

beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});

interface ScopedTable {
  name: string;
  installation: boolean;
  repository: boolean;
}

/** Every table with an installation_id or repository_id column (repositories: its id). */
async function scopedTables(): Promise<ScopedTable[]> {
  const { rows } = await db.pool.query<ScopedTable>(
    `SELECT c.table_name AS name,
            bool_or(c.column_name = 'installation_id') AS installation,
            bool_or(c.column_name = 'repository_id') AS repository
     FROM information_schema.columns c
     JOIN information_schema.tables t
       ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = current_schema() AND c.column_name IN ('installation_id', 'repository_id')
     GROUP BY c.table_name ORDER BY c.table_name`,
  );
  return rows;
}

/** Rows of `installationId` per table (installations: its row; repositories: by installation). */
async function rowsOfInstallation(installationId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const count = async (name: string, where: string, args: unknown[]) => {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${name}" WHERE ${where}`,
      args,
    );
    counts[name] = rows[0]?.n ?? -1;
  };
  await count("installations", "id = $1", [installationId]);
  for (const table of await scopedTables()) {
    if (table.installation) await count(table.name, "installation_id = $1", [installationId]);
    else
      await count(
        table.name,
        "repository_id IN (SELECT id FROM repositories WHERE installation_id = $1)",
        [installationId],
      );
  }
  return counts;
}

/** Rows of one repository per table (repositories: its row). */
async function rowsOfRepository(repositoryId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const { rows } = await db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM repositories WHERE id = $1",
    [repositoryId],
  );
  counts.repositories = rows[0]?.n ?? -1;
  for (const table of await scopedTables()) {
    if (!table.repository) continue;
    const r = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${table.name}" WHERE repository_id = $1`,
      [repositoryId],
    );
    counts[table.name] = r.rows[0]?.n ?? -1;
  }
  return counts;
}

const allZero = (counts: Record<string, number>) =>
  Object.fromEntries(Object.keys(counts).map((k) => [k, 0]));

/** Tables where a scenario left no rows: the scenario must be extended to cover them. */
const emptyTables = (counts: Record<string, number>): string[] =>
  Object.entries(counts)
    .filter(([, n]) => n === 0)
    .map(([name]) => name);

beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE");
  a = makeTenant({
    installationId: 1,
    repoId: 101,
    costs: { 11: "11.11", 12: "1.03" },
    worth: "$1,111",
    maintainer: "alice",
  });
  b = makeTenant({
    installationId: 2,
    repoId: 202,
    costs: { 11: "22.22", 12: "2.07" },
    worth: "$2,222",
    maintainer: "bob",
  });
  // installation 2 has a second repository, acme/web
  b.github.addRepo("acme", "web", {}, WEB_REPO_ID);
  const commits = commitsOf(
    1,
    () => "Web\n\nAgent-Usage: openai/gpt-5 input=10 output=10 cost=3.33\nAgent-Cost: 3.33 USD\n",
  );
  const web = b.github.addPullRequest({
    owner: "acme",
    repo: "web",
    number: 11,
    body: "## Value\nIssue: #123\nType: defect\nWorth: $333\n",
    headSha: commits[0]?.sha ?? "",
    commits,
    closingIssues: [{ number: 123 }],
    milestone: MILESTONE,
  });
  installGitHub([a, b]);
  probot = await tenantProbot({ database: db });
  for (const t of [a, b]) {
    for (const pr of t.prs) await deliver(probot, "pull_request", prOpened(t, pr));
    const first = t.prs[0];
    if (first !== undefined) {
      await deliver(
        probot,
        "pull_request_review",
        reviewSubmitted(t, first, 3_000_000_000 + t.installationId),
      );
      await deliver(
        probot,
        "workflow_job",
        jobCompleted(t, first, 9_000_000_000 + t.installationId),
      );
    }
    await deliver(probot, "milestone", milestoneEdited(t, "Budget: $500"));
    await deliver(probot, "issue_comment", rollupCommand(t, { issueNumber: 40 }));
  }
  const webTenant = { ...b, repo: "web", repoId: WEB_REPO_ID };
  await deliver(probot, "pull_request", prOpened(webTenant, web));
  await deliver(probot, "pull_request_review", reviewSubmitted(webTenant, web, 3_000_000_099));
  await deliver(probot, "workflow_job", jobCompleted(webTenant, web, 9_000_000_099));
  await deliver(probot, "milestone", milestoneEdited(webTenant, "Budget: $50"));
  await deliver(probot, "issue_comment", rollupCommand(webTenant, { issueNumber: 40 }));
  // a rollup refresh still pending for every milestone (one that GitHub failed, say)
  await db.pool.query(
    `INSERT INTO rollup_refresh (installation_id, repository_id, milestone_number, owner, repo, currency)
     SELECT r.installation_id, m.repository_id, m.number, r.owner, r.name, 'USD'
     FROM milestones m JOIN repositories r ON r.id = m.repository_id ON CONFLICT DO NOTHING`,
  );
});

describe("installation.deleted", () => {
  it("deletes every row of the installation in every table, and none of the other's", async () => {
    const before1 = await rowsOfInstallation(1);
    const before2 = await rowsOfInstallation(2);
    // found in the catalog; named here as a check that the enumeration reaches the newest tables
    expect(Object.keys(before1)).toEqual(
      expect.arrayContaining(["command_rate", "evaluation_queue", "pull_requests"]),
    );
    expect(
      // installation_purges holds a row only while a purge runs
      emptyTables(before1).filter((t) => t !== "installation_purges"),
      "the scenario must write rows of installation 1 to every table (extend it for a new table)",
    ).toEqual([]);

    const payload = installationDeletedPayload();
    (payload.installation as { id: number }).id = 1;
    await deliver(probot, "installation", payload);

    const after1 = await rowsOfInstallation(1);
    expect(after1).toEqual(allZero(before1));
    expect(await rowsOfInstallation(2)).toEqual(before2);
  });

  it("the other installation keeps working: its rollup and command still answer", async () => {
    const payload = installationDeletedPayload();
    (payload.installation as { id: number }).id = 1;
    await deliver(probot, "installation", payload);
    await deliver(probot, "issue_comment", rollupCommand(b, { issueNumber: 41 }));
    // agent cost $24.29 and one 3-minute CI job at $0.006 a minute
    expect(b.github.comments.find((c) => c.issue_number === 41)?.body).toContain(
      "**Investment \\$24.31**",
    );
  });
});

describe("an uninstall purge in batches, cut short and resumed", () => {
  it("deletes in batches to the same end, and a purge stopped midway is finished by the sweep", async () => {
    const before1 = await rowsOfInstallation(1);
    const before2 = await rowsOfInstallation(2);
    let batches = 0;
    // 2 rows per statement, stopped after 3 statements (as a crash or SIGTERM would cut it)
    const stopped = await deleteInstallation(db.pool, 1, {
      batchRows: 2,
      stop: () => ++batches > 3,
    });
    expect(stopped).toBeUndefined();
    const midway = await rowsOfInstallation(1);
    expect(midway.installation_purges).toBe(1);
    expect(midway.installations).toBe(1);
    expect(Object.values(midway).reduce((x, y) => x + y)).toBeLessThan(
      Object.values(before1).reduce((x, y) => x + y),
    );

    // another process starts: its first sweep finishes the purge
    const lifecycle = new Lifecycle();
    await tenantProbot({ database: db, lifecycle, queue: { sweepIntervalMs: 20, graceMs: 0 } });
    await expect.poll(async () => (await rowsOfInstallation(1)).installation_purges).toBe(0);
    await lifecycle.shutdown(1_000);
    expect(await rowsOfInstallation(1)).toEqual(allZero(before1));
    expect(await rowsOfInstallation(2)).toEqual(before2);
  });

  it("resumes every unfinished purge, oldest first, and reports the rows deleted", async () => {
    const before2 = await rowsOfInstallation(2);
    expect(await deleteInstallation(db.pool, 1, { stop: () => true })).toBeUndefined();
    expect(await resumePurges(db.pool, { batchRows: 3 })).toEqual([1]);
    expect(await resumePurges(db.pool)).toEqual([]);
    expect(await rowsOfInstallation(2)).toEqual(before2);
    expect(await deleteInstallation(db.pool, 2)).toBe(
      Object.values(before2).reduce((x, y) => x + y),
    );
  });
});

describe("installation_repositories.removed", () => {
  function removed(t: Tenant, repositories: { id: number; name: string }[]) {
    return {
      action: "removed",
      installation: { id: t.installationId },
      repository_selection: "selected",
      repositories_added: [],
      repositories_removed: repositories.map((r) => ({
        id: r.id,
        node_id: `R_${r.id}`,
        name: r.name,
        full_name: `acme/${r.name}`,
        private: true,
      })),
      sender: { login: "owner", id: 9, type: "User" },
    };
  }

  it("deletes the removed repository's rows in every table, and nothing else", async () => {
    const web = await rowsOfRepository(WEB_REPO_ID);
    const shop2 = await rowsOfRepository(b.repoId);
    const shop1 = await rowsOfRepository(a.repoId);
    expect(Object.keys(web)).toContain("command_rate");
    expect(
      emptyTables(web),
      "the scenario must write rows of acme/web to every table with a repository_id",
    ).toEqual([]);

    await deliver(
      probot,
      "installation_repositories",
      removed(b, [{ id: WEB_REPO_ID, name: "web" }]),
    );
    expect(await rowsOfRepository(WEB_REPO_ID)).toEqual(allZero(web));
    expect(await rowsOfRepository(b.repoId)).toEqual(shop2);
    expect(await rowsOfRepository(a.repoId)).toEqual(shop1);
  });

  it("cannot delete another installation's repository", async () => {
    const shop1 = await rowsOfRepository(a.repoId);
    // installation 2 names installation 1's repository
    await deliver(
      probot,
      "installation_repositories",
      removed(b, [{ id: a.repoId, name: "shop" }]),
    );
    expect(await rowsOfRepository(a.repoId)).toEqual(shop1);
  });
});
