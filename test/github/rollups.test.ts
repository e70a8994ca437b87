/**
 * The app with its ledger: PR records, issue-level budgets on the check, milestone rollups posted
 * and kept up to date, the `/cost-value rollup` command, uninstalls. Runs on PGlite, or on
 * PostgreSQL when DATABASE_URL is set.
 */
import type { Probot } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import {
  commitsOf,
  FakeGitHub,
  type FakePullRequest,
  fakeSha,
} from "../helpers/fake-github/index.js";
import { testProbot } from "../helpers/probot.js";
import {
  commentPayload,
  installationDeletedPayload,
  milestonePayload,
  pullRequestPayload,
  type Target,
} from "../helpers/webhook-payloads.js";

const MILESTONE = {
  number: 3,
  title: "Checkout v2",
  state: "OPEN" as const,
  dueOn: "2026-12-15T00:00:00Z",
  description: "Ship the new checkout.\n\nBudget: $100\n",
};
const REPO = { owner: "acme", repo: "shop", repoId: 77 };

let db: TestDatabase;
let github: FakeGitHub;
let probot: Probot;
let deliveries = 0;

beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE");
  github = new FakeGitHub().addRepo("acme", "shop", {}, 77).install();
  probot = await testProbot({ database: db });
});

function addPr(
  number: number,
  cost: string,
  overrides: Partial<FakePullRequest> = {},
): FakePullRequest {
  const commits = commitsOf(1, () => `Work\n\nAgent-Cost: ${cost} USD\n`);
  return github.addPullRequest({
    owner: "acme",
    repo: "shop",
    number,
    title: `PR ${number}`,
    body: "## Value\nIssue: #123\nType: defect\nWorth: $8,000\nBudget: $30\n",
    headSha: commits[0]?.sha ?? fakeSha(),
    commits,
    closingIssues: [{ number: 123 }],
    milestone: MILESTONE,
    ...overrides,
  });
}

const target = (pr: FakePullRequest): Target => ({
  ...REPO,
  number: pr.number,
  headSha: pr.headSha,
  body: pr.body,
});

function receive(
  name: string,
  payload: Record<string, unknown>,
  id = `d-${++deliveries}`,
): Promise<void> {
  return probot.receive({ id, name, payload } as never);
}

const rollupComments = () =>
  github.comments.filter((c) => c.body.startsWith("<!-- cost-value:rollup repository="));

describe("the ledger behind the app", () => {
  it("records the PR and posts the milestone's rollup once, editing it only when totals change", async () => {
    const pr = addPr(11, "14.62");
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    expect(github.issues).toEqual([
      expect.objectContaining({ title: "Cost & value: Checkout v2", labels: ["cost-value"] }),
    ]);
    expect(rollupComments()).toHaveLength(1);
    expect(rollupComments()[0]?.body).toContain("**Investment \\$14.62**");
    expect(rollupComments()[0]?.body).toContain("budget \\$100 (15% used)");

    // the same state again: the check already shows it (its hash is in the ledger), the rollup is
    // not touched: 1 API call, no write
    github.reset();
    await receive("pull_request", pullRequestPayload("labeled", target(pr)));
    expect(github.count()).toEqual({ total: 1, reads: 1, writes: 0 });

    // a new push changes the totals: one more write, the same comment edited
    const next = commitsOf(1, () => "More\n\nAgent-Cost: 1 USD\n");
    pr.commits.push(...next);
    pr.headSha = next[0]?.sha ?? "";
    github.reset();
    await receive("pull_request", pullRequestPayload("synchronize", target(pr)));
    expect(github.requests.map((r) => r.method)).toEqual(["POST", "POST", "PATCH"]);
    expect(rollupComments()).toHaveLength(1);
    expect(rollupComments()[0]?.edits).toBe(1);
    expect(rollupComments()[0]?.body).toContain("**Investment \\$15.62**");
  });

  it("shows the work item's budget across all its PRs on the check", async () => {
    await receive("pull_request", pullRequestPayload("opened", target(addPr(11, "14.62"))));
    await receive("pull_request", pullRequestPayload("opened", target(addPr(12, "12.48"))));
    const run = github.checkRuns.find(
      (r) => r.head_sha === github.pulls.get("acme/shop#12")?.headSha,
    );
    expect(run?.output?.title).toBe(
      "$12.48 invested + 30 min not priced · worth $8,000 (641×) · 90% of budget",
    );
    expect(run?.output?.summary).toContain(
      "Issue #123: \\$27.10 of \\$30 budget across 2 PRs (90%)",
    );
    // and a third PR pushes the work item over budget: neutral (budgets are not enforced)
    await receive("pull_request", pullRequestPayload("opened", target(addPr(13, "5"))));
    const third = github.checkRuns.find(
      (r) => r.head_sha === github.pulls.get("acme/shop#13")?.headSha,
    );
    expect(third).toMatchObject({ conclusion: "neutral" });
    expect(third?.output?.title).toMatch(/of budget \(over\)$/);
  });

  it("posts the final rollup once when the milestone closes", async () => {
    await receive("pull_request", pullRequestPayload("opened", target(addPr(11, "14.62"))));
    const closed = milestonePayload("closed", REPO, { ...MILESTONE, state: "closed" });
    await receive("milestone", closed);
    await receive("milestone", closed);
    const finals = github.comments.filter((c) =>
      c.body.includes("## Final cost & value: Checkout v2"),
    );
    expect(finals).toHaveLength(1);
  });

  it("reads the milestone budget from its description when it is edited", async () => {
    await receive("pull_request", pullRequestPayload("opened", target(addPr(11, "14.62"))));
    await receive(
      "milestone",
      milestonePayload("edited", REPO, { ...MILESTONE, state: "open", description: "Budget: $20" }),
    );
    expect(rollupComments()[0]?.body).toContain("budget \\$20 (73% used)");
  });

  it("says in the rollup when the milestone's Budget: line cannot be read", async () => {
    await receive("pull_request", pullRequestPayload("opened", target(addPr(11, "14.62"))));
    await receive(
      "milestone",
      milestonePayload("edited", REPO, {
        ...MILESTONE,
        state: "open",
        description: "Budget: lots",
      }),
    );
    expect(rollupComments()[0]?.body).toContain(
      "⚠️ The milestone's `Budget:` line (line 1) is not an amount of money",
    );
  });

  it("never duplicates the rollup: the same delivery three times", async () => {
    const payload = pullRequestPayload("opened", target(addPr(11, "14.62")));
    for (let i = 0; i < 3; i++) await receive("pull_request", payload, "same-delivery");
    expect(github.issues).toHaveLength(1);
    expect(rollupComments()).toHaveLength(1);
    expect(github.checkRuns).toHaveLength(1);
  });

  it("never duplicates the rollup: 20 concurrent deliveries touching one milestone", async () => {
    const prs = Array.from({ length: 20 }, (_, i) =>
      addPr(100 + i, "1.25", {
        closingIssues: [{ number: 200 + i }],
        body: `## Value\nIssue: #${200 + i}\nType: defect\nWorth: $100\n`,
      }),
    );
    await Promise.all(
      prs.map((pr) => receive("pull_request", pullRequestPayload("opened", target(pr)))),
    );
    expect(github.issues).toHaveLength(1);
    expect(rollupComments()).toHaveLength(1);
    const totals = await db.pool.query(
      "SELECT sum(cost_micros)::text AS spend, count(*)::int AS prs FROM pull_requests",
    );
    expect(totals.rows[0]).toEqual({ spend: "25000000", prs: 20 });
    expect(rollupComments()[0]?.body).toContain("**Investment \\$25.00**");
    expect(rollupComments()[0]?.body).toContain("declared worth \\$2,000");
  });

  it("ends in the same record whatever order a PR's events arrive in", async () => {
    const permutations = <T>(items: T[]): T[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((item, i) =>
            permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [
              item,
              ...rest,
            ]),
          );
    const snapshot = async () =>
      (
        await db.pool.query(
          `SELECT number, state, milestone_number, head_sha, cost_micros::text, worth_micros::text,
                  issue_number, value_complete, conclusion FROM pull_requests ORDER BY number`,
        )
      ).rows;
    const pr = addPr(11, "14.62");
    const events = ["opened", "synchronize", "edited", "milestoned"];
    let expected: unknown;
    for (const order of permutations(events)) {
      await db.pool.query("TRUNCATE installations CASCADE");
      for (const action of order)
        await receive(
          "pull_request",
          pullRequestPayload(action, target(pr), { changes: { body: { from: "" } } }),
        );
      const rows = await snapshot();
      expected ??= rows;
      expect(rows).toEqual(expected);
    }
    expect(expected).toEqual([
      expect.objectContaining({ number: 11, cost_micros: "14620000", milestone_number: 3 }),
    ]);
  });

  it("updates the recorded check run when a stale event arrives, without asking GitHub for it", async () => {
    const pr = addPr(11, "14.62");
    const staleSha = pr.headSha;
    const next = commitsOf(1, () => "More\n\nAgent-Cost: 1 USD\n");
    pr.commits.push(...next);
    pr.headSha = next[0]?.sha ?? "";
    await receive("pull_request", pullRequestPayload("synchronize", target(pr)));
    pr.body = pr.body.replace("Worth: $8,000", "Worth: $9,000"); // the check must change
    github.reset();
    await receive(
      "pull_request",
      pullRequestPayload("labeled", { ...target(pr), headSha: staleSha }),
    );
    expect(github.requests.map((r) => r.method)).toEqual(["POST", "PATCH", "PATCH"]);
    expect(github.requests[1]?.path).toMatch(/\/check-runs\/\d+$/);
    expect(github.requests[2]?.path).toMatch(/\/issues\/comments\/\d+$/); // the rollup's worth
    expect(github.checkRuns).toHaveLength(1);
  });

  it("moves a PR between rollups when its milestone changes", async () => {
    const pr = addPr(11, "14.62");
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    pr.milestone = undefined;
    await receive("pull_request", pullRequestPayload("demilestoned", target(pr)));
    expect(rollupComments()[0]?.body).toContain("**Investment \\$0.00**");
  });

  it("takes a PR out of the ledger when it becomes skipped", async () => {
    const pr = addPr(11, "14.62");
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    pr.labels = ["skip-cost-value"];
    await receive("pull_request", pullRequestPayload("labeled", target(pr)));
    const rows = await db.pool.query("SELECT count(*)::int AS n FROM pull_requests");
    expect(rows.rows[0].n).toBe(0);
  });

  it("honours rollups.enabled: false and rollups.issue", async () => {
    github.addRepo(
      "acme",
      "shop",
      { ".github/cost-value.yml": "rollups:\n  enabled: false\n" },
      77,
    );
    await receive("pull_request", pullRequestPayload("opened", target(addPr(11, "1"))));
    expect(github.comments).toHaveLength(0);
    github.addRepo("acme", "shop", { ".github/cost-value.yml": "rollups:\n  issue: 55\n" }, 77);
    await receive("pull_request", pullRequestPayload("opened", target(addPr(12, "2"))));
    expect(github.issues).toHaveLength(0);
    expect(rollupComments().map((c) => c.issue_number)).toEqual([55]);
  });

  it("deletes an installation's data when the app is uninstalled", async () => {
    await receive("pull_request", pullRequestPayload("opened", target(addPr(11, "14.62"))));
    await receive("installation", installationDeletedPayload());
    const rows = await db.pool.query(
      "SELECT (SELECT count(*) FROM pull_requests)::int AS prs, (SELECT count(*) FROM installations)::int AS inst",
    );
    expect(rows.rows[0]).toEqual({ prs: 0, inst: 0 });
  });
});

describe("/cost-value rollup", () => {
  beforeEach(async () => {
    await receive("pull_request", pullRequestPayload("opened", target(addPr(11, "14.62"))));
    github.reset();
  });

  it("posts the rollup of the issue's milestone for someone with write access", async () => {
    github.permissions.set("maria", { permission: "write", role_name: "maintain" });
    await receive(
      "issue_comment",
      commentPayload(REPO, {
        issueNumber: 40,
        body: "/cost-value rollup",
        login: "maria",
        milestone: { number: 3, title: "Checkout v2" },
      }),
    );
    const reply = github.comments.find((c) => c.issue_number === 40);
    expect(reply?.body).toContain("## Cost & value: Checkout v2");
    expect(reply?.body.startsWith("<!-- cost-value:rollup-on-demand -->")).toBe(true);
  });

  it("finds a milestone by title", async () => {
    github.permissions.set("maria", { permission: "admin", role_name: "admin" });
    await receive(
      "issue_comment",
      commentPayload(REPO, {
        issueNumber: 41,
        body: "/cost-value rollup checkout V2",
        login: "maria",
      }),
    );
    expect(github.comments.find((c) => c.issue_number === 41)?.body).toContain(
      "**Investment \\$14.62**",
    );
  });

  it("answers others politely and ignores bots", async () => {
    github.permissions.set("reader", { permission: "read", role_name: "triage" });
    await receive(
      "issue_comment",
      commentPayload(REPO, { issueNumber: 42, body: "/cost-value rollup", login: "reader" }),
    );
    expect(github.comments.find((c) => c.issue_number === 42)?.body).toContain(
      "Only people with write access",
    );
    github.reset();
    await receive(
      "issue_comment",
      commentPayload(REPO, {
        issueNumber: 43,
        body: "/cost-value rollup",
        login: "ci[bot]",
        bot: true,
      }),
    );
    expect(github.requests).toHaveLength(0);
  });
});
