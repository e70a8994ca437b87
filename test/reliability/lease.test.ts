/**
 * A durable evaluation whose write waits longer than its lease (issue 13): GitHub's pacing can
 * hold an installation's write for long (a burst queues them 1 s apart; a rate limit pauses them),
 * and the lease is only a promise that nobody else evaluates the PR until it runs out.
 *
 * Worker A (CostValueOctokit: paced, real app auth) reads a PR, then its create is refused by a
 * secondary rate limit (Retry-After: 5) and waits 5 s; its lease lasts 3 s. Worker B, another
 * app instance on the same database, sweeps every 100 ms.
 * - A's renewals work: the lease holds through the wait, B never takes the PR; one run.
 * - A's renewals fail (its database connection is gone): the lease runs out, B takes the PR over,
 *   reads it (no run yet) and creates the run. A must not create a second one when its slot comes:
 *   its write is checked against the lease right before it goes out, and refused.
 */
import type pg from "pg";
import pino from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { createCostValueApp } from "../../src/github/app.js";
import type { EvaluationOutcome } from "../../src/github/evaluate.js";
import { Lifecycle } from "../../src/github/lifecycle.js";
import { CostValueOctokit } from "../../src/github/octokit.js";
import { DEFAULT_RETRY_POLICY } from "../../src/github/resilience.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { commitsOf, FakeGitHub, type FakeGitHubServer } from "../helpers/fake-github/index.js";
import {
  APP_ID,
  instantRetries,
  PINNED_NOW,
  TestOctokit,
  throwawayPrivateKey,
} from "../helpers/probot.js";
import { pullRequestPayload } from "../helpers/webhook-payloads.js";

const BODY = "## Value\nIssue: #1\nType: defect\nWorth: $100\n";
const OWNER = "lease";
/** Renewed every second: 2 s of slack for a renewal delayed on a loaded machine. */
const LEASE_MS = 3_000;
/** Longer than the lease. */
const RETRY_AFTER_SECONDS = 5;

let db: TestDatabase;
let server: FakeGitHubServer;
let github: FakeGitHub;
const lifecycles: Lifecycle[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
  github = new FakeGitHub();
  server = await github.serve();
}, 60_000);

afterAll(async () => {
  for (const lifecycle of lifecycles) await lifecycle.shutdown(5_000);
  await server?.close();
  await db?.close();
});

/** The database, with lease renewals failing (like a lost connection) while `failRenewals`. */
function renewalsFailing(real: Database): Database & { failRenewals: boolean } {
  const state = { failRenewals: false };
  const lost = () => Object.assign(new Error("Connection terminated unexpectedly"));
  const wrapClient = (client: pg.PoolClient): pg.PoolClient =>
    new Proxy(client, {
      get(target, property, receiver) {
        if (property !== "query") return Reflect.get(target, property, receiver);
        return (...args: unknown[]) => {
          if (state.failRenewals && /SET lease_until = now\(\)/.test(String(args[0]))) {
            return Promise.reject(lost());
          }
          return (target.query as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const pool = new Proxy(real.pool, {
    get(target, property, receiver) {
      if (property === "connect") {
        return async () => wrapClient(await target.connect());
      }
      // a renewal is one statement sent with pool.query
      if (property === "query") {
        return (...args: unknown[]) => {
          if (state.failRenewals && /SET lease_until = now\(\)/.test(String(args[0]))) {
            return Promise.reject(lost());
          }
          return (target.query as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      // the pool's own methods on the pool itself (its query() calls connect with a callback)
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as pg.Pool;
  const database = Object.create(real) as Database & { failRenewals: boolean };
  Object.defineProperty(database, "pool", { value: pool });
  Object.defineProperty(database, "failRenewals", {
    get: () => state.failRenewals,
    set: (value: boolean) => {
      state.failRenewals = value;
    },
  });
  return database;
}

/** Worker A: paced and authenticated as the app (as in production), a 3 s lease. */
async function workerA(database: Database, installation: number) {
  const warnings: string[] = [];
  const lifecycle = new Lifecycle();
  lifecycles.push(lifecycle);
  const probot = new Probot({
    appId: APP_ID,
    privateKey: throwawayPrivateKey(),
    baseUrl: server.restUrl,
    Octokit: CostValueOctokit,
    log: pino(
      { level: "warn" },
      {
        write: (line: string) => {
          warnings.push(line);
        },
      },
    ),
  });
  await probot.load(
    createCostValueApp({
      appId: APP_ID,
      now: () => PINNED_NOW,
      database,
      lifecycle,
      retryPolicy: { ...DEFAULT_RETRY_POLICY, timeoutMs: 5_000 },
      queue: { leaseMs: LEASE_MS },
    }),
  );
  return { probot, warnings, installation };
}

/** Worker B: another app instance on the same database, sweeping every 100 ms. */
async function workerB(): Promise<{ evaluations: EvaluationOutcome[]; lifecycle: Lifecycle }> {
  const evaluations: EvaluationOutcome[] = [];
  const lifecycle = new Lifecycle();
  const probot = new Probot({
    githubToken: "test",
    baseUrl: server.restUrl,
    Octokit: TestOctokit,
    log: pino({ level: "silent" }),
  });
  await probot.load(
    createCostValueApp({
      appId: APP_ID,
      now: () => PINNED_NOW,
      database: db,
      lifecycle,
      retryPolicy: instantRetries(),
      queue: { sweepIntervalMs: 100, graceMs: 0, leaseMs: 60_000 },
      onEvaluated: (outcome) => evaluations.push(outcome),
    }),
  );
  return { evaluations, lifecycle };
}

function addPullRequest(number: number, repoId: number): string {
  if (!github.repos.has(`${OWNER}/shop`)) github.addRepo(OWNER, "shop", {}, repoId);
  github.addIssue({ owner: OWNER, repo: "shop", number: 1, body: "" });
  const commits = commitsOf(1);
  const headSha = commits[0]?.sha ?? "";
  github.addPullRequest({
    owner: OWNER,
    repo: "shop",
    number,
    body: BODY,
    headSha,
    commits,
    closingIssues: [{ number: 1 }],
  });
  return headSha;
}

function opened(probot: Probot, installation: number, number: number, headSha: string) {
  const payload = pullRequestPayload(
    "opened",
    { owner: OWNER, repo: "shop", repoId: 9_100, number, headSha, body: BODY },
    { installation: { id: installation, node_id: `inst-${installation}` } },
  );
  return probot.receive({ id: `lease-${number}`, name: "pull_request", payload } as never);
}

const pending = async (number: number) => {
  const { rows } = await db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM evaluation_queue WHERE number = $1 AND completed < requested",
    [number],
  );
  return rows[0]?.n;
};

describe("a write that waits longer than the lease", () => {
  it("renewals keep the lease through the wait: nobody else takes the PR, one run", async () => {
    const headSha = addPullRequest(1, 9_100);
    const a = await workerA(db, 8_001);
    const b = await workerB();
    github.rateLimit("create", "secondary", { retryAfterSeconds: RETRY_AFTER_SECONDS });

    await opened(a.probot, a.installation, 1, headSha);
    await b.lifecycle.shutdown(5_000);

    const runs = github.checkRuns.filter((run) => run.head_sha === headSha);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.conclusion).toBe("success");
    expect(b.evaluations).toEqual([]);
    expect(await pending(1)).toBe(0);
  }, 60_000);

  it("the lease lapsed (renewals failed) and another worker took over: the waiting create is never sent", async () => {
    const headSha = addPullRequest(2, 9_100);
    const database = renewalsFailing(db);
    database.failRenewals = true;
    const a = await workerA(database, 8_002);
    const b = await workerB();
    github.rateLimit("create", "secondary", { retryAfterSeconds: RETRY_AFTER_SECONDS });
    const createsBefore = github.endpointCounts.get("create") ?? 0;

    // A's delivery succeeds: another worker covers the PR (nothing for GitHub to redeliver)
    await opened(a.probot, a.installation, 2, headSha);

    // B took over after the lease ran out and published
    await expect.poll(() => b.evaluations.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(b.evaluations[0]?.kind).toBe("published");
    const runs = github.checkRuns.filter((run) => run.head_sha === headSha);
    expect(runs).toHaveLength(1);
    // A's refused create and B's: A's repeat after the pause never reached GitHub
    expect((github.endpointCounts.get("create") ?? 0) - createsBefore).toBe(2);
    expect(a.warnings.join("\n")).toMatch(/lease lost before writing/);
    await expect.poll(() => pending(2)).toBe(0);
    await b.lifecycle.shutdown(5_000);
  }, 60_000);
});
