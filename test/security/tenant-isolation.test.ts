/**
 * Tenant isolation: two installations whose repositories share owner/name, milestone and PR
 * numbers. Evaluations, rollups and the `/cost-value rollup` command of one never show the
 * other's pull requests, totals or comments; a rollup never includes another repository's data;
 * and a payload field naming the other installation's repository (a forged or confused delivery)
 * can neither read nor change the other installation's data: every query is scoped by the
 * installation of the delivery.
 */
import type { Probot } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { readRollup } from "../../src/db/rollup-read.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { commitsOf } from "../helpers/fake-github/index.js";
import { milestonePayload } from "../helpers/webhook-payloads.js";
import {
  deliver,
  installGitHub,
  MILESTONE,
  makeTenant,
  milestoneEdited,
  prOpened,
  rollupCommand,
  type Tenant,
  tenantProbot,
  under,
} from "./two-tenants.js";

let db: TestDatabase;
let probot: Probot;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});

/** Everything recognizable of a tenant: its costs, their totals, its worth. */
const marks = (t: Tenant): string[] => {
  const costs = Object.values(t.costs);
  const total = costs.reduce((sum, c) => sum + Number(c), 0).toFixed(2);
  return [
    ...costs.map((c) => `$${c}`),
    `$${total}`,
    t.worth.replace("$", "\\$"),
    `installation ${t.installationId}`,
  ];
};

function expectOnly(text: string | undefined, own: Tenant, other: Tenant): void {
  expect(text).toBeDefined();
  for (const mark of marks(other)) expect(text).not.toContain(mark.replace("$", "\\$"));
  for (const mark of marks(other)) expect(text).not.toContain(mark);
  expect(text).toContain(
    `$${Object.values(own.costs)
      .reduce((s, c) => s + Number(c), 0)
      .toFixed(2)}`,
  );
}

const rollupOf = (t: Tenant, repositoryId = t.repoId) =>
  t.github.comments.find((c) =>
    c.body.startsWith(
      `<!-- cost-value:rollup repository=${repositoryId} milestone=${MILESTONE.number} -->`,
    ),
  );

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
  installGitHub([a, b]);
  probot = await tenantProbot({ database: db });
  for (const t of [a, b])
    for (const pr of t.prs) await deliver(probot, "pull_request", prOpened(t, pr));
  await deliver(probot, "milestone", milestoneEdited(a, "Budget: $500"));
  await deliver(probot, "milestone", milestoneEdited(b, "Budget: $900"));
});

describe("two installations with the same repository names and numbers", () => {
  it("each records only its own pull requests, under its own installation and repository", async () => {
    const { rows } = await db.pool.query(
      `SELECT installation_id::int AS inst, repository_id::int AS repo, number, cost_micros::text AS cost
       FROM pull_requests ORDER BY installation_id, number`,
    );
    expect(rows).toEqual([
      { inst: 1, repo: 101, number: 11, cost: "11110000" },
      { inst: 1, repo: 101, number: 12, cost: "1030000" },
      { inst: 2, repo: 202, number: 11, cost: "22220000" },
      { inst: 2, repo: 202, number: 12, cost: "2070000" },
    ]);
  });

  it("each check shows the work item's budget across its own installation's PRs only", () => {
    // both work items are acme/shop#123: the same name in two installations
    const second = (t: Tenant) =>
      t.github.checkRuns.find((r) => r.head_sha === t.prs[1]?.headSha)?.output?.summary;
    expect(second(a)).toContain("Issue #123: \\$12.14 of \\$100 budget across 2 PRs");
    expect(second(b)).toContain("Issue #123: \\$24.29 of \\$100 budget across 2 PRs");
  });

  it("each rollup comment shows its own totals and budget, never the other's", () => {
    expectOnly(rollupOf(a)?.body, a, b);
    expectOnly(rollupOf(b)?.body, b, a);
    expect(rollupOf(a)?.body).toContain("budget \\$500");
    expect(rollupOf(b)?.body).toContain("budget \\$900");
    // and nothing of one installation was written to the other's GitHub
    expect(rollupOf(a, b.repoId)).toBeUndefined();
    expect(rollupOf(b, a.repoId)).toBeUndefined();
  });

  it("the ledger's rollup reads are scoped by installation", async () => {
    const read = (installationId: number, repositoryId: number) =>
      readRollup(db.pool, {
        installationId,
        repositoryId,
        milestoneNumber: MILESTONE.number,
        currency: "USD",
      });
    expect((await read(1, 101))?.spend).toBe(12_140_000n);
    expect((await read(2, 202))?.spend).toBe(24_290_000n);
    expect(await read(1, 202)).toBeUndefined();
    expect(await read(2, 101)).toBeUndefined();
  });

  it("/cost-value rollup answers each installation with its own data", async () => {
    await deliver(probot, "issue_comment", rollupCommand(a, { issueNumber: 40 }));
    await deliver(probot, "issue_comment", rollupCommand(b, { issueNumber: 40 }));
    const reply = (t: Tenant) => t.github.comments.find((c) => c.issue_number === 40)?.body;
    expectOnly(reply(a), a, b);
    expectOnly(reply(b), b, a);
    // by title too
    await deliver(
      probot,
      "issue_comment",
      rollupCommand(a, { issueNumber: 41, body: "/cost-value rollup Checkout v2" }),
    );
    expectOnly(a.github.comments.find((c) => c.issue_number === 41)?.body, a, b);
  });

  it("a maintainer of one installation is asked about on the other's GitHub (and refused there)", async () => {
    await deliver(probot, "issue_comment", rollupCommand(a, { issueNumber: 42, login: "bob" }));
    const reply = a.github.comments.find((c) => c.issue_number === 42)?.body;
    expect(reply).toContain("Only people with write access");
    expect(a.github.requests.map((r) => r.path)).toContain(
      "/repos/acme/shop/collaborators/bob/permission",
    );
    expect(b.github.requests.some((r) => r.path.includes("/collaborators/"))).toBe(false);
  });

  it("a rollup never includes another repository of the same installation", async () => {
    // acme/web in installation 1: the same milestone number and PR number, another cost
    a.github.addRepo("acme", "web", {}, 103);
    const commits = commitsOf(1, () => "Web\n\nAgent-Cost: 33.33 USD\n");
    const web = a.github.addPullRequest({
      owner: "acme",
      repo: "web",
      number: 11,
      title: "web PR",
      body: "## Value\nIssue: #123\nType: defect\nWorth: $3,333\n",
      headSha: commits[0]?.sha ?? "",
      commits,
      closingIssues: [{ number: 123 }],
      milestone: MILESTONE,
    });
    const payload = prOpened({ ...a, repo: "web", repoId: 103 }, web);
    await deliver(probot, "pull_request", payload);
    const shop = await readRollup(db.pool, {
      installationId: 1,
      repositoryId: 101,
      milestoneNumber: MILESTONE.number,
      currency: "USD",
    });
    expect(shop?.spend).toBe(12_140_000n);
    expect(rollupOf(a)?.body).not.toContain("33.33");
    expect(rollupOf(a, 103)?.body).toContain("**Investment \\$33.33**");
    expect(rollupOf(a, 103)?.body).not.toContain("11.11");
  });
});

describe("payload fields naming the other installation's repository", () => {
  it("the command cannot read the other installation's rollup", async () => {
    a.github.reset();
    // installation 2's delivery, with installation 1's repository id
    await deliver(probot, "issue_comment", rollupCommand(b, { issueNumber: 50, repoId: a.repoId }));
    await deliver(
      probot,
      "issue_comment",
      rollupCommand(b, {
        issueNumber: 51,
        repoId: a.repoId,
        body: "/cost-value rollup Checkout v2",
      }),
    );
    for (const issue of [50, 51]) {
      const reply = b.github.comments.find((c) => c.issue_number === issue)?.body ?? "";
      expect(reply).not.toBe("");
      for (const mark of marks(a)) expect(reply).not.toContain(mark);
      expect(reply).not.toContain("11.11");
    }
    expect(a.github.requests).toHaveLength(0);
    expect(a.github.comments.filter((c) => [50, 51].includes(c.issue_number))).toEqual([]);
  });

  it("a milestone edit cannot change the other installation's milestone or take its repository", async () => {
    await deliver(probot, "milestone", milestoneEdited(b, "Budget: $1", a.repoId));
    const { rows } = await db.pool.query(
      `SELECT r.installation_id::int AS inst, m.budget_micros::text AS budget
       FROM milestones m JOIN repositories r ON r.id = m.repository_id WHERE r.id = $1`,
      [a.repoId],
    );
    expect(rows).toEqual([{ inst: 1, budget: "500000000" }]);
    // installation 1's rollup still has its milestone and budget
    a.github.reset();
    await deliver(probot, "milestone", milestoneEdited(a, "Budget: $600"));
    expect(rollupOf(a)?.body).toContain("budget \\$600");
    expectOnly(rollupOf(a)?.body, a, b);
  });

  it("a milestone deletion cannot delete the other installation's milestone or rollup post", async () => {
    const deleted = under(
      b,
      milestonePayload(
        "deleted",
        { owner: b.owner, repo: b.repo, repoId: a.repoId },
        { number: MILESTONE.number, title: MILESTONE.title },
      ),
    );
    await deliver(probot, "milestone", deleted);
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*) FROM milestones WHERE repository_id = $1)::int AS milestones,
              (SELECT count(*) FROM rollup_posts WHERE repository_id = $1)::int AS posts`,
      [a.repoId],
    );
    expect(rows[0]).toEqual({ milestones: 1, posts: 1 });
    // installation 1's own deletion does delete it
    const own = under(
      a,
      milestonePayload(
        "deleted",
        { owner: a.owner, repo: a.repo, repoId: a.repoId },
        { number: MILESTONE.number, title: MILESTONE.title },
      ),
    );
    await deliver(probot, "milestone", own);
    const after = await db.pool.query(
      "SELECT count(*)::int AS n FROM milestones WHERE repository_id = $1",
      [a.repoId],
    );
    expect(after.rows[0].n).toBe(0);
  });
});
