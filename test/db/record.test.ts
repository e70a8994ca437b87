/**
 * An evaluation's two round trips to the ledger (record.ts): the one statement that records a PR
 * (its row recomputed, children written as a difference, its milestone, the rollup marks, a stale
 * read changing nothing), forgetting a PR or its output's hash, and the one statement read before
 * the verdict (our run, the work item's spend over its other PRs). The first three tests moved here
 * from test/db/ledger.test.ts.
 */
import { describe, expect, it } from "vitest";
import { upsertMilestone } from "../../src/db/milestones.js";
import {
  forgetCheckOutput,
  forgetPullRequest,
  readEvaluationState,
  recordPullRequest,
} from "../../src/db/record.js";
import { readRollup } from "../../src/db/rollup-read.js";
import { migratedDatabaseForFile, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, milestone, pr, REPO } from "../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();
const pool = () => database().pool;

const rollup = (milestoneNumber = 3) =>
  readRollup(pool(), {
    installationId: INSTALLATION,
    repositoryId: REPO.id,
    milestoneNumber,
    currency: "USD",
  });

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute));
const KEY = { installationId: INSTALLATION, repositoryId: REPO.id, number: 1 };
const HASH = "e".repeat(64);

async function marks(): Promise<
  { milestone_number: number; requested: number; fixed: number | null }[]
> {
  const { rows } = await pool().query(
    `SELECT milestone_number, requested, fixed_issue AS fixed FROM rollup_refresh
     ORDER BY milestone_number`,
  );
  return rows;
}

describe(`recordPullRequest (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("recomputes a PR on every evaluation: no double counting, and a stale read changes nothing", async () => {
    await upsertMilestone(pool(), milestone());
    await recordPullRequest(pool(), pr(1, { cost: 5 }));
    await recordPullRequest(
      pool(),
      pr(1, { cost: 7, evaluatedAt: new Date("2026-11-21T00:00:00Z") }),
    );
    const stale = await recordPullRequest(
      pool(),
      pr(1, { cost: 99, evaluatedAt: new Date("2026-11-19T00:00:00Z") }),
    );
    expect(stale).toEqual({ recorded: false, marked: [] });
    expect((await rollup())?.spend).toBe(7_000_000n);
    // moved to no milestone: out of the rollup
    await recordPullRequest(
      pool(),
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
    const rows = async () =>
      (
        await pool().query<{ sha: string; position: number; xmin: string; cost: string }>(
          `SELECT left(p.sha, 1) AS sha, p.position, p.xmin::text AS xmin, c.cost_micros::text AS cost
           FROM pull_request_commits p JOIN commits c ON c.repository_id = p.repository_id AND c.sha = p.sha
           WHERE p.number = 1 ORDER BY p.position`,
        )
      ).rows;
    await recordPullRequest(
      pool(),
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
      pool(),
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
      pool(),
      pr(1, { commits: [commit("c"), commit("a", 4), commit("d")], evaluatedAt: at(3) }),
    );
    expect((await rows()).map((r) => [r.sha, r.position, r.cost])).toEqual([
      ["c", 1, "1000000"],
      ["a", 2, "4000000"],
      ["d", 3, "1000000"],
    ]);

    // no commits at all (everything skipped): the list is emptied
    await recordPullRequest(pool(), pr(1, { commits: [], evaluatedAt: at(4) }));
    expect(await rows()).toEqual([]);
  });

  it("keeps GitHub's ids exact beyond 2^53, and the output's hash", async () => {
    await recordPullRequest(
      pool(),
      pr(1, { githubId: "9007199254740993", checkRunId: "9007199254740995" }),
      { checkOutputSha256: HASH },
    );
    const { rows } = await pool().query(
      "SELECT github_id::text, check_run_id::text, check_output_sha256 FROM pull_requests",
    );
    expect(rows).toEqual([
      {
        github_id: "9007199254740993",
        check_run_id: "9007199254740995",
        check_output_sha256: HASH,
      },
    ]);
  });

  it("records the milestone given in the same statement, only when it is the PR's", async () => {
    await recordPullRequest(pool(), pr(1), {
      milestone: { number: 3, title: "Checkout v2", state: "open", budgetProblem: "unreadable" },
    });
    // a milestone that is not the PR's (it moved on since) is not written
    await recordPullRequest(pool(), pr(2, { milestoneNumber: 3 }), {
      milestone: { number: 4, title: "Other", state: "open" },
    });
    const { rows } = await pool().query(
      "SELECT number, title, budget_problem FROM milestones ORDER BY number",
    );
    expect(rows).toEqual([{ number: 3, title: "Checkout v2", budget_problem: "unreadable" }]);
  });

  it("marks its milestone for a rollup refresh when asked, counting repeated marks", async () => {
    await recordPullRequest(pool(), pr(1, { evaluatedAt: at(1) }));
    expect(await marks()).toEqual([]);
    const first = await recordPullRequest(pool(), pr(1, { evaluatedAt: at(2) }), {
      rollups: { fixedIssue: 42 },
    });
    expect(first).toEqual({ recorded: true, marked: [3] });
    await recordPullRequest(pool(), pr(1, { evaluatedAt: at(3) }), { rollups: {} });
    expect(await marks()).toEqual([{ milestone_number: 3, requested: 2, fixed: null }]);
  });

  it("marks both milestones, and names the one it left, when the PR moved", async () => {
    await recordPullRequest(pool(), pr(1, { milestoneNumber: 3, evaluatedAt: at(1) }));
    const moved = await recordPullRequest(
      pool(),
      pr(1, { milestoneNumber: 4, evaluatedAt: at(2) }),
      { rollups: {} },
    );
    expect(moved.previousMilestone).toBe(3);
    expect([...moved.marked].sort()).toEqual([3, 4]);
    // staying put is not a move
    const stayed = await recordPullRequest(
      pool(),
      pr(1, { milestoneNumber: 4, evaluatedAt: at(3) }),
      { rollups: {} },
    );
    expect(stayed).toEqual({ recorded: true, marked: [4] });
  });
});

describe("forgetPullRequest and forgetCheckOutput", () => {
  it("forgetting a PR deletes it and marks the milestone it was in", async () => {
    await recordPullRequest(pool(), pr(1));
    const forgotten = await forgetPullRequest(pool(), {
      installationId: INSTALLATION,
      repository: REPO,
      number: 1,
      currency: "USD",
      rollups: { fixedIssue: 7 },
    });
    expect(forgotten).toEqual({ previousMilestone: 3, marked: [3] });
    expect(await marks()).toEqual([{ milestone_number: 3, requested: 1, fixed: 7 }]);
    const { rows } = await pool().query("SELECT count(*)::int AS n FROM pull_requests");
    expect(rows).toEqual([{ n: 0 }]);
  });

  it("forgetting a PR without rollups, or one never recorded, marks nothing", async () => {
    await recordPullRequest(pool(), pr(1));
    const params = { installationId: INSTALLATION, repository: REPO, number: 1, currency: "USD" };
    expect(await forgetPullRequest(pool(), params)).toEqual({ previousMilestone: 3, marked: [] });
    expect(await forgetPullRequest(pool(), { ...params, rollups: {} })).toEqual({ marked: [] });
    expect(await marks()).toEqual([]);
  });

  it("forgetting the output's hash keeps the PR and its run", async () => {
    await recordPullRequest(pool(), pr(1), { checkOutputSha256: HASH });
    await forgetCheckOutput(pool(), KEY);
    expect(await readEvaluationState(pool(), KEY)).toEqual({
      checkRun: { id: pr(1).checkRunId, headSha: pr(1).headSha },
    });
  });
});

describe("readEvaluationState", () => {
  it("sums a work item's spend over its other PRs, the issue matched whatever its case", async () => {
    const issue = { owner: "Acme", repo: "Shop", number: 123 };
    await recordPullRequest(
      pool(),
      pr(1, { cost: 10, issue: { owner: "acme", repo: "shop", number: 123 } }),
    );
    await recordPullRequest(
      pool(),
      pr(2, { cost: 7.1, issue: { owner: "acme", repo: "shop", number: 123 } }),
    );
    await recordPullRequest(
      pool(),
      pr(3, { cost: 1, issue: { owner: "acme", repo: "shop", number: 9 } }),
    );
    const state = await readEvaluationState(pool(), { ...KEY, number: 2, workItem: issue });
    expect(state.workItem).toEqual({
      otherSpend: 10_000_000n,
      otherInvestment: 10_000_000n,
      otherPullRequests: 1,
    });
    // and the PR's own run, as recorded
    expect(state.checkRun).toEqual({ id: "30000000002", headSha: expect.any(String) });
  });

  it("knows nothing of a PR never recorded; a work item with no other PR spends 0", async () => {
    expect(await readEvaluationState(pool(), KEY)).toEqual({});
    expect(
      await readEvaluationState(pool(), {
        ...KEY,
        workItem: { owner: "acme", repo: "shop", number: 1 },
      }),
    ).toEqual({ workItem: { otherSpend: 0n, otherInvestment: 0n, otherPullRequests: 0 } });
  });

  it("keeps installations apart: another installation sees neither the run nor the spend", async () => {
    await recordPullRequest(
      pool(),
      pr(1, { cost: 5, issue: { owner: "acme", repo: "shop", number: 1 } }),
    );
    expect(
      await readEvaluationState(pool(), {
        installationId: 9,
        repositoryId: REPO.id,
        number: 2,
        workItem: { owner: "acme", repo: "shop", number: 1 },
      }),
    ).toEqual({ workItem: { otherSpend: 0n, otherInvestment: 0n, otherPullRequests: 0 } });
    expect(await readEvaluationState(pool(), { ...KEY, installationId: 9 })).toEqual({});
  });
});
