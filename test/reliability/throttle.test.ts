/**
 * GitHub's pacing is per installation (regression test for 8bd5685). Probot's webhook Octokits got
 * no throttle `id`, so every installation shared one limiter: one write per second for the whole
 * process. `CostValueOctokit` now paces with the app's own per-installation pacer
 * (src/github/pacing.ts, Octokit's throttling plugin off): content-creating requests of one
 * installation go one at a time, ≥ 1 s apart; GraphQL queries create nothing and are not spaced.
 *
 * The app is built as `npm start` builds it (src/github/start.ts): `productionApp` (its own
 * database, PGlite in memory or a fresh PostgreSQL database when DATABASE_URL is set) loaded into a
 * Probot with `Octokit: CostValueOctokit` — pacing ON — and real app authentication (a throwaway
 * key) against the fake GitHub over HTTP on 127.0.0.1. Each `pull_request.opened` costs one token
 * exchange, one GraphQL read (a query: not paced) and one check-run create (paced).
 *
 * - three deliveries for three installations, concurrently: the three creates land within 900 ms
 *   of each other (one shared limiter: ≥ 2 s, the three creates spaced 1 s apart);
 * - two deliveries for one installation: its two creates are still ≥ ~900 ms apart (pacing is
 *   on, not off). (That its GraphQL reads are not spaced: burst.test.ts.)
 */

import pino from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productionApp } from "../../src/github/app.js";
import { Lifecycle } from "../../src/github/lifecycle.js";
import { Metrics } from "../../src/github/metrics.js";
import { CostValueOctokit } from "../../src/github/octokit.js";
import { openTestDatabase, type TestDatabase, usingPostgres } from "../helpers/database.js";
import { commitsOf, FakeGitHub, type FakeGitHubServer } from "../helpers/fake-github/index.js";
import { APP_ID, throwawayPrivateKey } from "../helpers/probot.js";
import { pullRequestPayload } from "../helpers/webhook-payloads.js";

const BODY = "## Value\nIssue: #1\nType: defect\nWorth: $100\n";

interface Arrival {
  at: number;
  installation: number;
  path: string;
}

describe("the GitHub throttle is per installation (CostValueOctokit, as npm start runs it)", () => {
  let server: FakeGitHubServer;
  let github: FakeGitHub;
  let probot: Probot;
  let db: TestDatabase | undefined;
  const lifecycle = new Lifecycle();
  const creates: Arrival[] = [];
  const reads: Arrival[] = [];
  let deliveries = 0;

  beforeAll(async () => {
    github = new FakeGitHub();
    server = await github.serve();
    github.onRequest = (request) => {
      // the credential is the installation's token: `ghs_fake_<installation>_<n>`
      const installation = Number(/^ghs_fake_(\d+)_/.exec(request.credential)?.[1] ?? Number.NaN);
      const arrival = { at: performance.now(), installation, path: request.path };
      if (request.endpoint === "create") creates.push(arrival);
      if (request.endpoint === "graphql") reads.push(arrival);
    };
    // the app opens its own database from the environment, as in production: a fresh PostgreSQL
    // database (dropped at the end) when DATABASE_URL is set, else PGlite in memory
    const env: Record<string, string> = { APP_ID: String(APP_ID), NODE_ENV: "test" };
    if (usingPostgres()) {
      db = await openTestDatabase();
      env.DATABASE_URL = db.url ?? "";
    } else {
      env.COST_VALUE_DATA_DIR = "memory://";
    }
    probot = new Probot({
      appId: APP_ID,
      privateKey: throwawayPrivateKey(),
      baseUrl: server.restUrl,
      Octokit: CostValueOctokit,
      log: pino({ level: "silent" }),
    });
    await probot.load(productionApp({ env, lifecycle, metrics: new Metrics() }));
  }, 60_000);

  afterAll(async () => {
    await lifecycle.shutdown(10_000);
    await db?.close();
    await server?.close();
  });

  /** A PR in `owner/shop` and its `pull_request.opened` delivery from `installation`. */
  function opened(installation: number, owner: string, number: number): Promise<void> {
    const repoId = 10_000 + installation;
    if (!github.repos.has(`${owner}/shop`)) github.addRepo(owner, "shop", {}, repoId);
    github.addIssue({ owner, repo: "shop", number: 1, body: "" });
    const commits = commitsOf(1);
    const headSha = commits[0]?.sha ?? "";
    github.addPullRequest({
      owner,
      repo: "shop",
      number,
      body: BODY,
      headSha,
      commits,
      closingIssues: [{ number: 1 }],
    });
    const payload = pullRequestPayload(
      "opened",
      { owner, repo: "shop", repoId, number, headSha, body: BODY },
      { installation: { id: installation, node_id: `inst-${installation}` } },
    );
    return probot.receive({
      id: `throttle-${++deliveries}`,
      name: "pull_request",
      payload,
    } as never);
  }

  it("three installations' deliveries, concurrently: their check runs land within 900 ms", async () => {
    creates.length = 0;
    const started = performance.now();
    await Promise.all([opened(101, "alpha", 1), opened(202, "beta", 2), opened(303, "gamma", 3)]);
    const took = performance.now() - started;

    expect(github.unmatched).toEqual([]);
    expect(creates.map((c) => c.installation).sort()).toEqual([101, 202, 303]);
    expect(creates.map((c) => c.path).sort()).toEqual([
      "/repos/alpha/shop/check-runs",
      "/repos/beta/shop/check-runs",
      "/repos/gamma/shop/check-runs",
    ]);
    expect(github.checkRuns).toHaveLength(3);
    const times = creates.map((c) => c.at);
    const spread = Math.max(...times) - Math.min(...times);
    console.info(
      `throttle: 3 installations: creates spread ${spread.toFixed(0)} ms, deliveries took ${took.toFixed(0)} ms`,
    );
    // one shared limiter: the three creates 1 s apart, spread ≥ 2 s
    expect(spread).toBeLessThan(900);
  }, 20_000);

  it("one installation's two deliveries: its writes are still spaced ~1 s apart, its reads are not", async () => {
    creates.length = 0;
    reads.length = 0;
    await Promise.all([opened(404, "delta", 4), opened(404, "delta", 5)]);

    expect(creates.map((c) => c.installation)).toEqual([404, 404]);
    expect(reads.map((r) => r.installation)).toEqual([404, 404]);
    expect(github.checkRuns).toHaveLength(5);
    const [first, second] = creates.map((c) => c.at).sort((a, b) => a - b);
    const gap = (second ?? 0) - (first ?? 0);
    const [read1, read2] = reads.map((r) => r.at).sort((a, b) => a - b);
    const readGap = (read2 ?? 0) - (read1 ?? 0);
    console.info(
      `throttle: 1 installation: creates ${gap.toFixed(0)} ms apart, GraphQL reads ${readGap.toFixed(0)} ms apart`,
    );
    // writes start ≥ 1000 ms apart; allow timer jitter
    expect(gap).toBeGreaterThanOrEqual(900);
    // both reads reach GitHub before the second create (that queries are not spaced like writes
    // is asserted with more requests, and a margin, in burst.test.ts)
    expect(read2 ?? Number.POSITIVE_INFINITY).toBeLessThan(second ?? 0);
  }, 20_000);
});
