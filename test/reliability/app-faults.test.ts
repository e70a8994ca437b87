/**
 * Faults injected into the app in one process, with its ledger (PGlite, or PostgreSQL when
 * DATABASE_URL is set): duplicate deliveries, every order of a PR's events, GitHub failing or
 * rate-limiting until retries run out, the database going down and coming back, and a crash
 * mid-evaluation taken over by the sweep. (Two processes, SIGKILL and SIGTERM: processes.test.ts.)
 */

import type pg from "pg";
import pino from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { claimEvaluation, enqueueEvaluation } from "../../src/db/queue.js";
import { createCostValueApp } from "../../src/github/app.js";
import { Lifecycle } from "../../src/github/lifecycle.js";
import { Metrics } from "../../src/github/metrics.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { commitsOf, FakeGitHub, type FakePullRequest } from "../helpers/fake-github/index.js";
import { APP_ID, instantRetries, PINNED_NOW, TestOctokit, testProbot } from "../helpers/probot.js";
import { INSTALLATION_ID, pullRequestPayload, type Target } from "../helpers/webhook-payloads.js";

const MILESTONE = {
  number: 3,
  title: "Checkout v2",
  state: "OPEN" as const,
  description: "Budget: $100\n",
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

function addPr(number: number, overrides: Partial<FakePullRequest> = {}): FakePullRequest {
  const commits = commitsOf(2, (i) => `Work ${i}\n\nAgent-Cost: 2.50 USD\n`);
  return github.addPullRequest({
    owner: "acme",
    repo: "shop",
    number,
    title: `PR ${number}`,
    body: "## Value\nIssue: #123\nType: defect\nWorth: $8,000\nBudget: $30\n",
    headSha: commits.at(-1)?.sha ?? "",
    commits,
    closingIssues: [{ number: 123 }],
    milestone: MILESTONE,
    ...overrides,
  });
}

const target = (pr: FakePullRequest, headSha = pr.headSha): Target => ({
  ...REPO,
  number: pr.number,
  headSha,
  body: pr.body,
});

function receive(
  payload: Record<string, unknown>,
  id = `d-${++deliveries}`,
  app: Probot = probot,
): Promise<void> {
  return app.receive({ id, name: "pull_request", payload } as never);
}

const rollupComments = () =>
  github.comments.filter((c) => c.body.startsWith("<!-- cost-value:rollup repository="));

/** A PR's ledger record without what differs between PRs and runs (number, SHAs, times, ids). */
async function record(number: number): Promise<Record<string, unknown>> {
  const { rows } = await db.pool.query("SELECT * FROM pull_requests WHERE number = $1", [number]);
  const row = { ...(rows[0] as Record<string, unknown>) };
  for (const key of Object.keys(row)) {
    if (/number$|sha|_at$|github_id|check_run|title/.test(key) && key !== "milestone_number")
      delete row[key];
  }
  return row;
}

describe("duplicate deliveries", () => {
  it("the same delivery 3 times, one after another: one check run per head SHA, one rollup comment", async () => {
    const pr = addPr(11);
    const payload = pullRequestPayload("opened", target(pr));
    for (let i = 0; i < 3; i++) await receive(payload, "same-delivery");
    expect(github.checkRuns).toHaveLength(1);
    expect(github.issues).toHaveLength(1);
    expect(rollupComments()).toHaveLength(1);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pull_requests");
    expect(rows[0]).toEqual({ n: 1 });
  });

  it("the same delivery 5 times at once: still one run, one rollup issue and comment, exact totals", async () => {
    const pr = addPr(12);
    const payload = pullRequestPayload("opened", target(pr));
    await Promise.all(Array.from({ length: 5 }, () => receive(payload, "same-delivery")));
    expect(github.checkRuns).toHaveLength(1);
    expect(github.issues).toHaveLength(1);
    expect(rollupComments()).toHaveLength(1);
    expect(rollupComments()[0]?.body).toContain("**Investment \\$5.00**");
  });
});

/** All orders of a list. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe("events in every order", () => {
  it("24 orders of opened, synchronize, edited, closed give the in-order record", async () => {
    const events = ["opened", "synchronize", "edited", "closed"] as const;
    const orders = permutations(events);
    expect(orders).toHaveLength(24);
    let number = 100;
    const records: Record<string, unknown>[] = [];
    for (const order of orders) {
      number++;
      // the PR as it is in the end; the events name its first head, or its last
      // each its own work item (PRs of one issue share its budget)
      const pr = addPr(number, {
        state: "CLOSED",
        body: `## Value\nIssue: #${1000 + number}\nType: defect\nWorth: $8,000\nBudget: $30\n`,
        closingIssues: [{ number: 1000 + number }],
      });
      const firstHead = pr.commits[0]?.sha ?? "";
      for (const event of order) {
        const head = event === "opened" ? firstHead : pr.headSha;
        const extra =
          event === "edited" ? { changes: { body: { from: "## Value\nIssue: #1\n" } } } : {};
        await receive(pullRequestPayload(event, target(pr, head), extra));
      }
      records.push(await record(number));
      const runs = github.checkRuns.filter((r) => r.writes[0]?.external_id === `pr:${number}`);
      // only the current head gets a run, whatever the order
      expect({ order, heads: runs.map((r) => r.head_sha) }).toEqual({ order, heads: [pr.headSha] });
    }
    // the reference: the in-order sequence is orders[0]
    const reference = records[0];
    expect(reference).toMatchObject({ state: "closed", milestone_number: 3 });
    const differing = records.filter((r) => JSON.stringify(r) !== JSON.stringify(reference));
    expect(differing).toEqual([]);
    // one rollup comment for the milestone, totals exact: 24 PRs × $5.00
    expect(rollupComments()).toHaveLength(1);
    expect(rollupComments()[0]?.body).toContain("**Investment \\$120.00**");
  }, 120_000);

  it("a stale delivery (an old head) never overwrites newer data", async () => {
    const pr = addPr(21);
    const oldHead = pr.headSha;
    await receive(pullRequestPayload("opened", target(pr)));
    const more = commitsOf(1, () => "More\n\nAgent-Cost: 1 USD\n");
    pr.commits.push(...more);
    pr.headSha = more[0]?.sha ?? "";
    await receive(pullRequestPayload("synchronize", target(pr)));
    const newer = await record(21);
    // the opened event redelivered late, naming the old head
    await receive(pullRequestPayload("opened", target(pr, oldHead)));
    expect(await record(21)).toEqual(newer);
    const { rows } = await db.pool.query("SELECT head_sha FROM pull_requests WHERE number = 21");
    expect(rows[0]).toEqual({ head_sha: pr.headSha });
  });
});

describe("GitHub failing", () => {
  it("rate-limited until retries run out: the delivery fails, the check says so and that Re-run fixes it", async () => {
    const pr = addPr(31);
    github.fail("graphql", 429, 4);
    await expect(receive(pullRequestPayload("opened", target(pr)))).rejects.toThrow(/rate limit/);
    expect(github.checkRuns).toHaveLength(1);
    const run = github.checkRuns[0];
    expect(run?.conclusion).toBe("neutral");
    expect(run?.output?.summary).toContain("rate limit");
    expect(run?.output?.summary).toContain("Re-run");
    // the failure stays queued for the sweep, with its reason
    const { rows } = await db.pool.query(
      "SELECT completed < requested AS pending, last_error FROM evaluation_queue",
    );
    expect(rows[0]).toMatchObject({
      pending: true,
      last_error: expect.stringMatching(/rate limit/),
    });
    // GitHub is back: the next delivery publishes the verdict on the same run
    await receive(pullRequestPayload("synchronize", target(pr)));
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]?.conclusion).toBe("success");
  });

  it("5xx on the rollup comment is retried (an edit is idempotent) and never duplicates it", async () => {
    const pr = addPr(32);
    await receive(pullRequestPayload("opened", target(pr)));
    pr.commits.push(...commitsOf(1, () => "More\n\nAgent-Cost: 1 USD\n"));
    pr.headSha = pr.commits.at(-1)?.sha ?? "";
    github.fail("comment", 502, 1);
    await receive(pullRequestPayload("synchronize", target(pr)));
    expect(rollupComments()).toHaveLength(1);
    expect(rollupComments()[0]?.body).toContain("**Investment \\$6.00**");
  });
});

/** A pool that fails like an unreachable server while `down` is set. */
function flakyDatabase(real: Database): Database & { down: boolean } {
  const refused = () =>
    Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  const state = { down: false };
  const pool = new Proxy(real.pool, {
    get(target, property, receiver) {
      if (property === "query" || property === "connect") {
        return (...args: unknown[]) => {
          if (state.down) return Promise.reject(refused());
          return (target[property] as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  }) as pg.Pool;
  const flaky = Object.create(real) as Database & { down: boolean };
  Object.defineProperty(flaky, "pool", { value: pool });
  Object.defineProperty(flaky, "down", {
    get: () => state.down,
    set: (value: boolean) => {
      state.down = value;
    },
  });
  return flaky;
}

describe("the database down", () => {
  it("answers 503, keeps serving, and works again by itself when the database returns", async () => {
    const flaky = flakyDatabase(db);
    const metrics = new Metrics();
    const app = await testProbot({ database: flaky, metrics });
    const pr = addPr(41);
    const payload = pullRequestPayload("opened", target(pr));
    flaky.down = true;
    const error = await receive(payload, "during-outage", app).catch((e: unknown) => e);
    // Probot answers an HTTP delivery with the error's status: 503, recorded as failed by GitHub
    const inner = (error as AggregateError).errors?.[0] ?? error;
    expect((inner as { status?: number }).status).toBe(503);
    expect(String(inner)).toContain("redeliver it");
    expect(github.checkRuns).toHaveLength(0);
    expect(await metrics.text()).toMatch(/cost_value_database_errors_total 1/);
    // the database is back: the redelivery (same id) works without a restart
    flaky.down = false;
    await receive(payload, "during-outage", app);
    expect(github.checkRuns).toHaveLength(1);
    expect(await metrics.text()).toMatch(
      /cost_value_deliveries_total\{event="pull_request.opened",outcome="failed"\} 1/,
    );
  });
});

/** Requests in the queue that no evaluation has covered yet. */
async function pendingRequests(): Promise<number | undefined> {
  const { rows } = await db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM evaluation_queue WHERE completed < requested",
  );
  return rows[0]?.n;
}

/** Another app instance whose sweep runs every 20 ms; `published` resolves at its first evaluation. */
function startSweeper(): { published: Promise<void>; lifecycle: Lifecycle } {
  const sweeper = new Probot({
    githubToken: "test",
    Octokit: TestOctokit,
    log: pino({ level: "silent" }),
  });
  const lifecycle = new Lifecycle();
  const published = new Promise<void>((resolve) => {
    void sweeper.load(
      createCostValueApp({
        appId: APP_ID,
        now: () => PINNED_NOW,
        database: db,
        retryPolicy: instantRetries(),
        lifecycle,
        queue: { sweepIntervalMs: 20, graceMs: 0 },
        onEvaluated: () => resolve(),
      }),
    );
  });
  return { published, lifecycle };
}

describe("a crash mid-evaluation", () => {
  it("the sweep takes over the request once the dead worker's lease expires", async () => {
    const pr = addPr(51);
    const key = { installationId: INSTALLATION_ID, repositoryId: REPO.repoId, number: 51 };
    // a worker recorded the delivery and took the lease, then died
    await enqueueEvaluation(db.pool, { ...key, owner: "acme", repo: "shop", headSha: pr.headSha });
    expect(await claimEvaluation(db.pool, key, "dead-worker", 1)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 20));

    const { published, lifecycle } = startSweeper();
    await published;
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ head_sha: pr.headSha, conclusion: "success" });
    // done: nothing pending any more
    await expect.poll(pendingRequests).toBe(0);
    await lifecycle.shutdown(1_000);
  });
});

describe("a database crash loses the writes that commit without waiting for the disk", () => {
  it("the request is still queued (its enqueue waited for the disk): the sweep evaluates again, one run, the record back", async () => {
    const pr = addPr(52);
    await receive(pullRequestPayload("opened", target(pr)));
    expect(github.checkRuns).toHaveLength(1);
    const runId = github.checkRuns[0]?.id;
    // what a crash right after the evaluation leaves behind: the ledger record, the lease and the
    // completion mark (asynchronous commits) lost; the request (synchronous) kept
    await db.pool.query("DELETE FROM pull_requests WHERE number = 52");
    await db.pool.query(
      `UPDATE evaluation_queue SET completed = requested - 1, lease_owner = NULL, lease_until = NULL,
         updated_at = now() - interval '1 hour', not_before = now() - interval '1 hour'
       WHERE number = 52`,
    );

    const { published, lifecycle } = startSweeper();
    await published;
    await expect.poll(pendingRequests).toBe(0);
    await lifecycle.shutdown(1_000);
    // the same run, updated (found by head SHA), not a second one; the record is back
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]?.id).toBe(runId);
    const { rows } = await db.pool.query<{ cost: string }>(
      "SELECT cost_micros::text AS cost FROM pull_requests WHERE number = 52",
    );
    expect(rows).toEqual([{ cost: "5000000" }]);
  });
});
