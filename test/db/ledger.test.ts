import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { upsertMilestone } from "../../src/db/milestones.js";
import { deleteInstallation } from "../../src/db/purges.js";
import { readEvaluationState, recordPullRequest } from "../../src/db/record.js";
import { readRollup } from "../../src/db/rollup-read.js";
import { openTestDatabase, type TestDatabase, usingPostgres } from "../helpers/database.js";
import { exampleMilestone, INSTALLATION, milestone, pr, REPO } from "../helpers/ledger-fixtures.js";

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

const rollup = (installationId = INSTALLATION) =>
  readRollup(db.pool, {
    installationId,
    repositoryId: REPO.id,
    milestoneNumber: 3,
    currency: "USD",
  });

describe(`the ledger (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("computes a milestone's rollup with SQL aggregates, worth counted once per work item", async () => {
    const { milestone: m, prs } = exampleMilestone();
    await upsertMilestone(db.pool, m);
    for (const p of prs) await recordPullRequest(db.pool, p);
    const data = await rollup();
    expect(data).toBeDefined();
    if (data === undefined) return;
    expect(data.spend).toBe(61_050_000n); // 14.62 + 12.48 + 9.10 + 3.05 + 21.40 + 0 + 0.40
    // #123 worth $8,000 once (two PRs), #130 $20,000, #131 $5,000, #140 $1,000
    expect(data.worth).toBe(34_000_000_000n);
    expect(data.pullRequests).toEqual({ merged: 3, open: 3, closed: 1 });
    expect(data.milestone).toMatchObject({ title: "Checkout v2", budget: 100_000_000n });
    expect(data.workItems[0]).toMatchObject({
      label: "#123",
      spend: 27_100_000n,
      budget: 30_000_000n,
      pullRequests: 2,
    });
    expect(data.byType.find((t) => t.type === "defect")).toMatchObject({
      spend: 27_100_000n,
      worth: 8_000_000_000n,
      pullRequests: 2,
    });
    expect(data.costliest.map((p) => p.number)).toEqual([16, 11, 12, 14, 15, 18]);
    expect(data.withoutValue.map((p) => p.number)).toEqual([16, 17]);
    expect(data.agentWorkWithoutCost).toEqual([
      { number: 17, title: "Tidy checkout styles", commits: 2 },
    ]);
    expect(data.unpricedModels).toEqual([{ model: "acme/local-llm", pullRequests: 1 }]);
    expect(data.spendOverTime.at(-1)?.cumulative).toBe(61_050_000n);
  });

  it("recomputes a PR on every evaluation: no double counting, and a stale read changes nothing", async () => {
    await upsertMilestone(db.pool, milestone());
    await recordPullRequest(db.pool, pr(1, { cost: 5 }));
    await recordPullRequest(
      db.pool,
      pr(1, { cost: 7, evaluatedAt: new Date("2026-11-21T00:00:00Z") }),
    );
    const stale = await recordPullRequest(
      db.pool,
      pr(1, { cost: 99, evaluatedAt: new Date("2026-11-19T00:00:00Z") }),
    );
    expect(stale).toEqual({ recorded: false, marked: [] });
    expect((await rollup())?.spend).toBe(7_000_000n);
    // moved to no milestone: out of the rollup
    await recordPullRequest(
      db.pool,
      pr(1, { cost: 7, milestoneNumber: undefined, evaluatedAt: new Date("2026-11-22T00:00:00Z") }),
    );
    expect((await rollup())?.spend).toBe(0n);
  });

  it("writes a PR's commits as a difference: gone ones deleted, moved ones renumbered, unchanged ones untouched", async () => {
    const commit = (sha: string, cost = 1) => ({
      sha: sha.repeat(40),
      costSource: "given",
      costMicros: BigInt(cost * 1_000_000),
      agentWithoutCost: false,
    });
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute));
    const rows = async () =>
      (
        await db.pool.query<{ sha: string; position: number; xmin: string; cost: string }>(
          `SELECT left(p.sha, 1) AS sha, p.position, p.xmin::text AS xmin, c.cost_micros::text AS cost
           FROM pull_request_commits p JOIN commits c ON c.repository_id = p.repository_id AND c.sha = p.sha
           WHERE p.number = 1 ORDER BY p.position`,
        )
      ).rows;
    await recordPullRequest(
      db.pool,
      pr(1, { commits: [commit("a"), commit("b"), commit("c")], evaluatedAt: at(1) }),
    );
    const first = await rows();
    expect(first.map((r) => [r.sha, r.position])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);

    // a new head: one commit added, nothing else rewritten
    await recordPullRequest(
      db.pool,
      pr(1, { commits: [commit("a"), commit("b"), commit("c"), commit("d")], evaluatedAt: at(2) }),
    );
    const second = await rows();
    expect(second.map((r) => [r.sha, r.position])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
      ["d", 4],
    ]);
    expect(second.slice(0, 3).map((r) => r.xmin)).toEqual(first.map((r) => r.xmin));

    // a rebase: one dropped, two reordered, a cost corrected
    await recordPullRequest(
      db.pool,
      pr(1, { commits: [commit("c"), commit("a", 4), commit("d")], evaluatedAt: at(3) }),
    );
    expect((await rows()).map((r) => [r.sha, r.position, r.cost])).toEqual([
      ["c", 1, "1000000"],
      ["a", 2, "4000000"],
      ["d", 3, "1000000"],
    ]);

    // no commits at all (everything skipped): the list is emptied
    await recordPullRequest(db.pool, pr(1, { commits: [], evaluatedAt: at(4) }));
    expect(await rows()).toEqual([]);
  });

  it("sums a work item's spend over its other PRs", async () => {
    const issue = { owner: "Acme", repo: "Shop", number: 123 };
    await recordPullRequest(
      db.pool,
      pr(1, { cost: 10, issue: { owner: "acme", repo: "shop", number: 123 } }),
    );
    await recordPullRequest(
      db.pool,
      pr(2, { cost: 7.1, issue: { owner: "acme", repo: "shop", number: 123 } }),
    );
    await recordPullRequest(
      db.pool,
      pr(3, { cost: 1, issue: { owner: "acme", repo: "shop", number: 9 } }),
    );
    const state = await readEvaluationState(db.pool, {
      installationId: INSTALLATION,
      repositoryId: REPO.id,
      number: 2,
      workItem: issue,
    });
    expect(state.workItem).toEqual({ otherSpend: 10_000_000n, otherPullRequests: 1 });
    // and the PR's own run, as recorded
    expect(state.checkRun).toEqual({ id: "30000000002", headSha: expect.any(String) });
  });

  it("keeps installations apart, and deletes one's data", async () => {
    await upsertMilestone(db.pool, milestone());
    await recordPullRequest(db.pool, pr(1, { cost: 5 }));
    const other = { id: 88, owner: "globex", name: "shop" };
    await upsertMilestone(db.pool, milestone({ installationId: 9, repository: other }));
    await recordPullRequest(db.pool, pr(1, { cost: 50, installationId: 9, repository: other }));
    expect((await rollup())?.spend).toBe(5_000_000n);
    expect(await rollup(9)).toBeUndefined(); // installation 9 cannot read acme/shop's milestone
    // installation 9 sees neither acme/shop's work item spend nor its PR's run
    expect(
      await readEvaluationState(db.pool, {
        installationId: 9,
        repositoryId: REPO.id,
        number: 1,
        workItem: { owner: "acme", repo: "shop", number: 1 },
      }),
    ).toEqual({ workItem: { otherSpend: 0n, otherPullRequests: 0 } });
    await deleteInstallation(db.pool, INSTALLATION);
    const left = await db.pool.query("SELECT count(*)::int AS n FROM pull_requests");
    expect(left.rows[0].n).toBe(1);
  });
});
