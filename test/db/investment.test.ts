import { describe, expect, it } from "vitest";
import {
  readInvestmentLines,
  recordCiJob,
  recordReview,
  writeInvestmentLine,
} from "../../src/db/investment.js";
import { upsertMilestone } from "../../src/db/milestones.js";
import type { StoredInvestmentLine } from "../../src/db/pull-requests.js";
import { readEvaluationState, recordPullRequest } from "../../src/db/record.js";
import { migratedDatabaseForFile, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, milestone, pr, REPO } from "../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();
const key = { installationId: INSTALLATION, repositoryId: REPO.id, number: 12 };
const sha = (n: number) => `${n}`.padStart(40, "b");
const lines: StoredInvestmentLine[] = [
  {
    kind: "agents",
    basis: "measured",
    amountMicros: 1_000_000n,
    currency: "USD",
    detail: "trailers",
  },
  {
    kind: "engineering",
    basis: "declared",
    minutes: 360,
    amountMicros: 600_000_000n,
    currency: "USD",
    detail: "Effort: 6h",
  },
  { kind: "review", basis: "estimated", minutes: 20, currency: "USD", detail: "not priced" },
];
const reviewId = "3000000000123"; // above 2^31, as GitHub's review ids are

async function recordWithInvestment(extra: Partial<Parameters<typeof pr>[1]> = {}) {
  await upsertMilestone(database().pool, milestone());
  return recordPullRequest(
    database().pool,
    pr(12, {
      investment: {
        lines,
        changedLines: 480,
        settings: { currency: "USD", investment: { "hourly-rate": 100 } },
        reviews: [{ reviewId, reviewerKey: "k1", declaredMinutes: 30 }],
      },
      ...extra,
    }),
    { rollups: {} },
  );
}

describe(`investment in the ledger (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("records a PR's lines (unpriced stays unpriced, not 0) and replaces them on the next record", async () => {
    await recordWithInvestment();
    expect(await readInvestmentLines(database().pool, key)).toEqual(lines);
    // the next evaluation has no review line: it is deleted, the others kept
    await recordPullRequest(
      database().pool,
      pr(12, {
        evaluatedAt: new Date("2026-11-21T10:00:00Z"),
        investment: { lines: lines.slice(0, 2), settings: {}, reviews: [] },
      }),
    );
    expect((await readInvestmentLines(database().pool, key)).map((l) => l.kind)).toEqual([
      "agents",
      "engineering",
    ]);
  });

  it("a stale record (older read) changes no line", async () => {
    await recordWithInvestment();
    await recordPullRequest(
      database().pool,
      pr(12, {
        evaluatedAt: new Date("2026-11-01T00:00:00Z"),
        investment: { lines: [], settings: {}, reviews: [] },
      }),
    );
    expect(await readInvestmentLines(database().pool, key)).toHaveLength(3);
  });

  it("the evaluation's read gets the reviews and the CI minutes of the commits it names", async () => {
    await recordWithInvestment();
    await recordCiJob(database().pool, {
      repositoryId: REPO.id,
      job: {
        jobId: "9000000000001",
        headSha: sha(12),
        runner: "linux",
        billedMinutes: 3,
        completedAt: new Date(),
      },
    });
    await recordCiJob(database().pool, {
      repositoryId: REPO.id,
      job: {
        jobId: "9000000000002",
        headSha: sha(99),
        runner: "macos",
        billedMinutes: 9,
        completedAt: new Date(),
      },
    });
    const state = await readEvaluationState(database().pool, { ...key, commitShas: [sha(12)] });
    expect(state.ci).toEqual([{ runner: "linux", minutes: 3, jobs: 1 }]);
    expect(state.reviews).toEqual([{ reviewId, reviewerKey: "k1", declaredMinutes: 30 }]);
    const other = await readEvaluationState(database().pool, { ...key, commitShas: [sha(99)] });
    expect(other.ci).toEqual([{ runner: "macos", minutes: 9, jobs: 1 }]);
  });

  it("a review event adds the review once (redelivery changes nothing) and returns the PR's context", async () => {
    await recordWithInvestment();
    const review = { reviewId: "3000000000999", reviewerKey: "k2", submittedAt: new Date() };
    const first = await recordReview(database().pool, {
      repositoryId: REPO.id,
      number: 12,
      review,
    });
    const again = await recordReview(database().pool, {
      repositoryId: REPO.id,
      number: 12,
      review,
    });
    expect(again).toEqual(first);
    expect(first).toMatchObject({
      installationId: INSTALLATION,
      owner: "acme",
      repo: "shop",
      changedLines: 480,
      milestoneNumber: 3,
      settings: { currency: "USD", investment: { "hourly-rate": 100 } },
    });
    expect(first?.reviews.map((r) => r.reviewId)).toEqual([reviewId, "3000000000999"]);
  });

  it("a review for a PR the ledger does not have is kept nowhere visible and returns undefined", async () => {
    const review = { reviewId: "1", reviewerKey: "k" };
    expect(
      await recordReview(database().pool, { repositoryId: 5, number: 1, review }),
    ).toBeUndefined();
  });

  it("a CI job of an unknown repository is not kept; of a known one, it reaches the PRs that have its commit", async () => {
    await recordWithInvestment();
    const job = {
      jobId: "9000000000003",
      headSha: sha(12),
      runner: "windows",
      billedMinutes: 2,
      completedAt: new Date(),
    };
    expect(await recordCiJob(database().pool, { repositoryId: 5, job })).toEqual({
      known: false,
      pullRequests: [],
    });
    const known = await recordCiJob(database().pool, { repositoryId: REPO.id, job });
    expect(known.known).toBe(true);
    expect(known.pullRequests.map((p) => [p.number, p.ci])).toEqual([
      [12, [{ runner: "windows", minutes: 2, jobs: 1 }]],
    ]);
    // the same delivery again: still one job
    const again = await recordCiJob(database().pool, { repositoryId: REPO.id, job });
    expect(again.pullRequests[0]?.ci).toEqual([{ runner: "windows", minutes: 2, jobs: 1 }]);
  });

  it("writes a re-priced line and marks the milestone only when the line changed", async () => {
    await recordWithInvestment();
    await database().pool.query("DELETE FROM rollup_refresh");
    const context = await recordReview(database().pool, {
      repositoryId: REPO.id,
      number: 12,
      review: { reviewId: "77", reviewerKey: "k3" },
    });
    if (context === undefined) throw new Error("no context");
    const review: StoredInvestmentLine = {
      kind: "review",
      basis: "estimated",
      minutes: 40,
      amountMicros: 66_666_667n,
      currency: "USD",
      detail: "2 reviews",
    };
    expect(await writeInvestmentLine(database().pool, context, review, {})).toEqual([3]);
    expect(await writeInvestmentLine(database().pool, context, review, {})).toEqual([]);
    expect(
      (await readInvestmentLines(database().pool, key)).find((l) => l.kind === "review"),
    ).toEqual(review);
    // without rollups, the line is written and nothing is marked
    expect(await writeInvestmentLine(database().pool, context, { ...review, minutes: 41 })).toEqual(
      [],
    );
    const { rows } = await database().pool.query("SELECT requested FROM rollup_refresh");
    expect(rows).toEqual([{ requested: 1 }]);
  });

  it("a work item's other PRs count their priced lines as investment (agent cost without lines)", async () => {
    const issue = { owner: "acme", repo: "shop", number: 123 };
    await recordWithInvestment({ issue });
    await recordPullRequest(database().pool, pr(13, { issue, cost: 2 }));
    const state = await readEvaluationState(database().pool, {
      ...key,
      number: 14,
      workItem: issue,
    });
    // PR 12: $1 agents + $600 engineering (the unpriced review adds nothing); PR 13: $2 agent cost
    expect(state.workItem).toEqual({
      otherSpend: 3_000_000n,
      otherInvestment: 603_000_000n,
      otherPullRequests: 2,
    });
  });
});
