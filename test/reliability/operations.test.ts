/**
 * What the operator sees, over real HTTP against Probot's server with the app and its database:
 * /healthz, /readyz (database reachable and migrated), /metrics (Prometheus text), the delivery id
 * on every log line of an evaluation, and shutdown refusing new deliveries with 503.
 */
import { createHmac } from "node:crypto";
import { Writable } from "node:stream";
import type pg from "pg";
import pino from "pino";
import { Probot, Server } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { createCostValueApp } from "../../src/github/app.js";
import { Lifecycle } from "../../src/github/lifecycle.js";
import { Metrics } from "../../src/github/metrics.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { commitsOf, FakeGitHub, type FakePullRequest } from "../helpers/fake-github/index.js";
import { APP_ID, freePort, instantRetries, PINNED_NOW, TestOctokit } from "../helpers/probot.js";
import { pullRequestPayload } from "../helpers/webhook-payloads.js";

const SECRET = "operations-secret";

let db: TestDatabase;
let github: FakeGitHub;
let server: Server;
let base: string;
let lines: Record<string, unknown>[];
let lifecycle: Lifecycle;
let metrics: Metrics;
let down = false;

/** The test database behind a switch that makes it unreachable. */
function switchable(real: Database): Database {
  const pool = new Proxy(real.pool, {
    get(target, property, receiver) {
      if (property === "query" || property === "connect") {
        return (...args: unknown[]) =>
          down
            ? Promise.reject(
                Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
                  code: "ECONNREFUSED",
                }),
              )
            : (target[property] as (...a: unknown[]) => unknown).apply(target, args);
      }
      return Reflect.get(target, property, receiver);
    },
  }) as pg.Pool;
  const database = Object.create(real) as Database;
  Object.defineProperty(database, "pool", { value: pool });
  return database;
}

beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  down = false;
  await db.pool.query("TRUNCATE installations CASCADE");
  github = new FakeGitHub().addRepo("acme", "shop", {}, 77).install();
  lines = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const log = pino({ level: "info" }, sink);
  lifecycle = new Lifecycle();
  metrics = new Metrics();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = new Server({
    host: "127.0.0.1",
    port,
    log,
    Probot: Probot.defaults({ githubToken: "test", secret: SECRET, Octokit: TestOctokit, log }),
  });
  await server.load(
    createCostValueApp({
      appId: APP_ID,
      now: () => PINNED_NOW,
      database: switchable(db),
      retryPolicy: instantRetries(),
      lifecycle,
      metrics,
    }),
  );
  await server.start();
});

afterEach(async () => {
  await server.stop();
});

function addPr(number: number): FakePullRequest {
  const commits = commitsOf(2);
  return github.addPullRequest({
    owner: "acme",
    repo: "shop",
    number,
    body: "## Value\nIssue: #1\nType: defect\nWorth: $100\n",
    headSha: commits.at(-1)?.sha ?? "",
    commits,
    closingIssues: [{ number: 1 }],
  });
}

function deliver(pr: FakePullRequest, id: string): Promise<Response> {
  const body = JSON.stringify(
    pullRequestPayload("opened", {
      owner: "acme",
      repo: "shop",
      repoId: 77,
      number: pr.number,
      headSha: pr.headSha,
      body: pr.body,
    }),
  );
  return fetch(`${base}/api/github/webhooks`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": id,
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
    },
  });
}

describe("operator endpoints", () => {
  it("GET /healthz answers 200 while the process serves", async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });

  it("GET /readyz is 200 with the database migrated, 503 with the reason when it is unreachable", async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
    down = true;
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      status: "not ready",
      reason: expect.stringContaining("database unreachable"),
    });
    // a delivery meanwhile is answered 5xx (GitHub records it as failed), and the server lives on
    expect((await deliver(addPr(8), "while-down")).status).toBe(503);
    down = false;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await deliver(addPr(9), "after")).status).toBe(200);
  });

  it("GET /readyz is 503 when a migration is missing", async () => {
    const { rows } = await db.pool.query(
      "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations) RETURNING version, name, checksum",
    );
    try {
      const response = await fetch(`${base}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        reason: expect.stringContaining("run `cost-value migrate`"),
      });
    } finally {
      const row = rows[0] as { version: number; name: string; checksum: string };
      await db.pool.query(
        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
        [row.version, row.name, row.checksum],
      );
    }
  });

  it("GET /metrics: deliveries by event and outcome, evaluation latency, API calls, rate limit, DB errors, queue", async () => {
    expect((await deliver(addPr(10), "m-1")).status).toBe(200);
    github.fail("graphql", 500, 1);
    expect((await deliver(addPr(11), "m-2")).status).toBe(200);
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain(
      'cost_value_deliveries_total{event="pull_request.opened",outcome="ok"} 2',
    );
    expect(text).toContain('cost_value_evaluation_duration_seconds_count{outcome="published"} 2');
    expect(text).toContain('cost_value_github_api_calls_total{outcome="server-error"} 1');
    expect(text).toMatch(/cost_value_github_api_calls_total\{outcome="ok"\} [4-9]/);
    // the fake GitHub sends no x-ratelimit-remaining: unknown, so absent rather than a false 0
    expect(text).not.toContain("cost_value_github_rate_limit_remaining");
    expect(text).toContain("# TYPE cost_value_database_errors_total counter");
    expect(text).toContain("cost_value_evaluations_pending 0");
  });
});

describe("a handler past GitHub's 10-second deadline", () => {
  it("is acknowledged in time (202 after 9 s) and finished afterwards, its request kept in the queue until then", async () => {
    const pr = addPr(16);
    // GitHub's read takes 9.5 s (as a 5,000-commit PR can over a slow link)
    github.hang("graphql", { ms: 9_500 });
    const started = Date.now();
    const response = await deliver(pr, "slow-1");
    const answeredAfter = Date.now() - started;
    expect(response.status).toBe(202);
    expect(answeredAfter).toBeLessThan(10_000);
    // not done yet, but durable: a crash now would leave it to the next process's sweep
    const pending = await db.pool.query(
      "SELECT completed < requested AS pending, lease_owner IS NOT NULL AS leased FROM evaluation_queue WHERE number = 16",
    );
    expect(pending.rows[0]).toEqual({ pending: true, leased: true });
    await expect.poll(() => github.checkRuns.length, { timeout: 10_000 }).toBe(1);
    await expect
      .poll(
        async () =>
          (await db.pool.query("SELECT completed = requested AS done FROM evaluation_queue"))
            .rows[0],
      )
      .toEqual({ done: true });
  }, 30_000);
});

describe("logs", () => {
  it("every line of an evaluation carries the delivery id", async () => {
    expect((await deliver(addPr(12), "delivery-abc-123")).status).toBe(200);
    github.fail("graphql", 404, 1);
    await deliver(addPr(13), "delivery-def-456");
    const ours = lines.filter((l) => String(l.msg ?? "").startsWith("cost-value"));
    expect(ours.map((l) => l.msg)).toEqual([
      "cost-value: check published",
      "cost-value: evaluation failed",
    ]);
    const byEvent = lines.filter((l) => l.name === "event");
    expect(byEvent.length).toBeGreaterThanOrEqual(2);
    for (const line of byEvent) expect(["delivery-abc-123", "delivery-def-456"]).toContain(line.id);
    expect(ours.map((l) => l.id)).toEqual(["delivery-abc-123", "delivery-def-456"]);
  });
});

describe("shutdown", () => {
  it("refuses new deliveries with 503 once shutting down, after finishing those in flight", async () => {
    const slow = addPr(14);
    github.hang("graphql", { ms: 500 });
    const inFlight = deliver(slow, "in-flight");
    // let the in-flight delivery start, then shut down
    await expect.poll(() => lifecycle.inFlight).toBeGreaterThan(0);
    const stopped = lifecycle.shutdown(5_000);
    const refused = await deliver(addPr(15), "too-late");
    expect(refused.status).toBe(503);
    expect((await inFlight).status).toBe(200);
    expect(await stopped).toEqual({ finished: true, abandoned: 0 });
    expect(github.checkRuns.map((r) => r.head_sha)).toEqual([slow.headSha]);
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
  });
});
