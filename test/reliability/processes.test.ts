/**
 * The app as real OS processes (`src/server.ts`, what `npm start` runs) against a fake GitHub on
 * 127.0.0.1: SIGKILL mid-evaluation then a restart, SIGTERM with a delivery in flight, and two
 * processes sharing one PostgreSQL under 50 concurrent deliveries (PostgreSQL only: PGlite cannot
 * be shared between processes; CI runs this file again with DATABASE_URL).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { type AppProcess, sendDelivery, startAppProcess } from "../helpers/app-process.js";
import { openTestDatabase, usingPostgres } from "../helpers/database.js";
import { commitsOf, FakeGitHub, type FakePullRequest } from "../helpers/fake-github.js";
import { type FakeGitHubServer, startFakeGitHubServer } from "../helpers/fake-github-server.js";
import { APP_ID } from "../helpers/probot.js";
import { pullRequestPayload } from "../helpers/webhook-payloads.js";

const MILESTONE = {
  number: 3,
  title: "Checkout v2",
  state: "OPEN" as const,
  description: "Budget: $1,000\n",
};

let processes: AppProcess[] = [];
let servers: FakeGitHubServer[] = [];
afterEach(async () => {
  for (const p of processes) p.kill("SIGKILL");
  await Promise.all(processes.map((p) => p.exited));
  for (const s of servers) await s.close();
  processes = [];
  servers = [];
});

function addPr(fake: FakeGitHub, number: number, cents = 250): FakePullRequest {
  const commits = commitsOf(2, (i) => `Work ${i}\n\nAgent-Cost: ${(cents / 100).toFixed(2)} USD\n`);
  return fake.addPullRequest({
    owner: "acme",
    repo: "shop",
    number,
    title: `PR ${number}`,
    body: `## Value\nIssue: #${1000 + number}\nType: defect\nWorth: $8,000\nBudget: $30\n`,
    headSha: commits.at(-1)?.sha ?? "",
    commits,
    closingIssues: [{ number: 1000 + number }],
    milestone: MILESTONE,
  });
}

const payloadOf = (pr: FakePullRequest, action = "opened") =>
  pullRequestPayload(action, {
    owner: "acme",
    repo: "shop",
    repoId: 77,
    number: pr.number,
    headSha: pr.headSha,
    body: pr.body,
  });

async function fakeGitHub(): Promise<{ fake: FakeGitHub; github: FakeGitHubServer }> {
  const fake = new FakeGitHub().addRepo("acme", "shop", {}, 77);
  const github = await startFakeGitHubServer({ fake, appId: APP_ID });
  servers.push(github);
  return { fake, github };
}

async function start(github: FakeGitHubServer, env: Record<string, string>): Promise<AppProcess> {
  const app = await startAppProcess({
    github: github.url,
    appId: APP_ID,
    readyPath: "/readyz",
    timeoutMs: 60_000,
    env: { NODE_ENV: "production", LOG_LEVEL: "info", ...env },
  });
  processes.push(app);
  return app;
}

const checkRunsOf = (github: FakeGitHubServer, pr: FakePullRequest) =>
  github.mock.checkRuns.filter((r) => r.writes[0]?.external_id === `pr:${pr.number}`);

describe("a process killed mid-evaluation (SIGKILL)", () => {
  it("restarts, takes the evaluation over from the durable queue, and ends with one run", async () => {
    const { fake, github } = await fakeGitHub();
    const pr = addPr(fake, 7);
    const dataDir = join(mkdtempSync(join(tmpdir(), "cv-kill-")), "data");
    const env = {
      COST_VALUE_DATA_DIR: dataDir,
      COST_VALUE_LEASE_SECONDS: "2",
      COST_VALUE_SWEEP_SECONDS: "1",
    };
    const first = await start(github, env);
    // GitHub stalls the read: the evaluation is in the middle when the process dies
    github.mock.hang("graphql", { times: 1 });
    const delivery = sendDelivery({
      url: first.url,
      secret: first.secret,
      event: "pull_request",
      deliveryId: "kill-1",
      payload: payloadOf(pr),
    }).catch(() => ({ status: 0, body: "" }));
    await expect
      .poll(() => github.mock.requests.some((r) => r.operation !== undefined), { timeout: 20_000 })
      .toBe(true);
    first.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    expect((await delivery).status).toBe(0); // no answer: GitHub would record a failed delivery
    expect(checkRunsOf(github, pr)).toHaveLength(0);

    const second = await start(github, env);
    // the sweep finds the dead process's request once its lease expires, and finishes it
    await expect.poll(() => checkRunsOf(github, pr).length, { timeout: 30_000 }).toBe(1);
    // GitHub's redelivery of the failed delivery changes nothing but the same run
    const redelivered = await sendDelivery({
      url: second.url,
      secret: second.secret,
      event: "pull_request",
      deliveryId: "kill-1",
      payload: payloadOf(pr),
    });
    expect(redelivered.status).toBe(200);
    expect(checkRunsOf(github, pr)).toHaveLength(1);
    expect(checkRunsOf(github, pr)[0]).toMatchObject({
      head_sha: pr.headSha,
      conclusion: "success",
    });
  }, 120_000);
});

describe("SIGTERM", () => {
  it("stops taking deliveries, finishes the one in flight, closes the database, exits 0", async () => {
    const { fake, github } = await fakeGitHub();
    const pr = addPr(fake, 8);
    const app = await start(github, {});
    github.mock.hang("graphql", { ms: 1_500, times: 1 });
    const inFlight = sendDelivery({
      url: app.url,
      secret: app.secret,
      event: "pull_request",
      deliveryId: "term-1",
      payload: payloadOf(pr),
    });
    await expect
      .poll(() => github.mock.requests.some((r) => r.operation !== undefined), { timeout: 20_000 })
      .toBe(true);
    app.kill("SIGTERM");
    expect((await inFlight).status).toBe(200);
    const exit = await app.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(checkRunsOf(github, pr)).toHaveLength(1);
    expect(app.output()).toContain("cost-value: stopped cleanly");
    // nothing listens any more
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
  }, 120_000);
});

describe.skipIf(!usingPostgres())("two processes on one PostgreSQL", () => {
  it("50 concurrent deliveries across 10 PRs of one milestone: no duplicates, exact totals", async () => {
    const { fake, github } = await fakeGitHub();
    const db = await openTestDatabase();
    try {
      await migrate(db.pool);
      const url = db.url ?? "";
      const env = { DATABASE_URL: url };
      const [a, b] = await Promise.all([start(github, env), start(github, env)]);
      const prs = Array.from({ length: 10 }, (_, i) => addPr(fake, 20 + i, 100 + i * 10));
      const actions = ["opened", "synchronize", "edited", "labeled", "reopened"];
      const deliveries = prs.flatMap((pr, i) =>
        actions.map((action, j) => ({
          pr,
          action,
          to: (i + j) % 2 === 0 ? a : b,
          id: `two-${i}-${j}`,
        })),
      );
      expect(deliveries).toHaveLength(50);
      // each delivery also sent twice (GitHub's at-least-once), to the other process
      const answers = await Promise.all(
        deliveries.flatMap((d) =>
          [d.to, d.to === a ? b : a].map((to) =>
            sendDelivery({
              url: to.url,
              secret: to.secret,
              event: "pull_request",
              deliveryId: d.id,
              payload: {
                ...payloadOf(d.pr, d.action),
                ...(d.action === "edited" ? { changes: { body: { from: "" } } } : {}),
              },
            }),
          ),
        ),
      );
      expect(answers.filter((r) => r.status >= 300)).toEqual([]);
      // the queue drains (a request handed to a lease holder is evaluated by it)
      await expect
        .poll(
          async () =>
            (
              await db.pool.query(
                "SELECT count(*)::int AS n FROM evaluation_queue WHERE completed < requested",
              )
            ).rows[0]?.n,
          { timeout: 60_000, interval: 250 },
        )
        .toBe(0);
      for (const pr of prs)
        expect(checkRunsOf(github, pr).map((r) => r.head_sha)).toEqual([pr.headSha]);
      const ledger = await db.pool.query(
        "SELECT count(*)::int AS n, sum(cost_micros)::bigint AS spend FROM pull_requests",
      );
      // 10 PRs × 2 commits × $1.00 + $0.10·i
      expect(ledger.rows[0]).toEqual({ n: 10, spend: String(2 * (10 * 1_000_000 + 45 * 100_000)) });
      // the rollup comment is written once the milestone has been quiet (the scheduler's 5 s, at
      // most 30 s after the first change): wait for it, then there must be exactly one
      const rollupComments = () =>
        github.mock.comments.filter((c) => c.body.startsWith("<!-- cost-value:rollup repository="));
      await expect.poll(() => rollupComments().length, { timeout: 45_000 }).toBeGreaterThan(0);
      const rollups = rollupComments();
      const rollupIssues = github.mock.issues.filter(
        (i) => i.title === "Cost & value: Checkout v2",
      );
      expect(rollupIssues).toHaveLength(1);
      expect(rollups).toHaveLength(1);
      await expect
        .poll(() => github.mock.comments.find((c) => c === rollups[0])?.body ?? "", {
          timeout: 30_000,
        })
        .toContain("**Spend \\$29.00**");
      const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM rollup_posts");
      expect(rows[0]).toEqual({ n: 1 });
    } finally {
      for (const p of processes) p.kill("SIGKILL");
      await Promise.all(processes.map((p) => p.exited));
      processes = [];
      await db.close();
    }
  }, 180_000);
});
