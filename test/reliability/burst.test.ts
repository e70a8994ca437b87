/**
 * A burst of deliveries on one installation (issue 13): the app built as `npm start` builds it
 * (`productionApp` with its own database, PGlite in memory or a fresh PostgreSQL database when
 * DATABASE_URL is set, in a Probot with `Octokit: CostValueOctokit`, real app authentication with
 * a throwaway key) against the fake GitHub over HTTP on 127.0.0.1. GitHub's pacing is on: an
 * installation's content-creating requests go ≥ 1 s apart, so a burst queues its writes.
 *
 * The per-attempt timeout is short here (3 s) so that a clock started before the queue shows at
 * once: ten deliveries queue ≥ 9 s of writes (≥ 19 s when GraphQL queries are paced as writes,
 * as Octokit's throttling plugin did), and every request that waited longer than 3 s would time
 * out. A timeout must measure one network attempt only.
 *
 * Assertions are orders and lower bounds (writes ≥ ~1 s apart, nothing before a pause ends) with
 * generous upper bounds; speed is measured in `npm run bench -- --only burst`.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productionApp } from "../../src/github/app.js";
import { ISSUE_QUERY } from "../../src/github/graphql-documents.js";
import { Lifecycle } from "../../src/github/lifecycle.js";
import { Metrics } from "../../src/github/metrics.js";
import { CostValueOctokit } from "../../src/github/octokit.js";
import {
  applyResilience,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from "../../src/github/resilience.js";
import { openTestDatabase, type TestDatabase, usingPostgres } from "../helpers/database.js";
import {
  commitsOf,
  type Endpoint,
  FakeGitHub,
  type FakeGitHubServer,
} from "../helpers/fake-github/index.js";
import { APP_ID, throwawayPrivateKey } from "../helpers/probot.js";
import { pullRequestPayload } from "../helpers/webhook-payloads.js";

const BODY = "## Value\nIssue: #1\nType: defect\nWorth: $100\n";
const TIMEOUT_MS = 3_000;

interface Arrival {
  /** performance.now() when the fake GitHub received it. */
  at: number;
  /** Date.now() then (for GitHub's epoch-second reset times). */
  wall: number;
  installation: number;
  endpoint: Endpoint;
  path: string;
}

interface LogLine {
  level: number;
  msg?: string;
  err?: { message?: string };
}

describe("a burst of deliveries on one installation (CostValueOctokit, as npm start runs it)", () => {
  let server: FakeGitHubServer;
  let github: FakeGitHub;
  let probot: Probot;
  let db: TestDatabase | undefined;
  const lifecycle = new Lifecycle();
  const arrivals: Arrival[] = [];
  const logs: LogLine[] = [];
  let deliveries = 0;
  /** Called when the retry policy starts waiting (after the pause a rate limit causes is set). */
  let onRetryWait: ((ms: number) => void) | undefined;
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    timeoutMs: TIMEOUT_MS,
    sleep: (ms) => {
      onRetryWait?.(ms);
      return DEFAULT_RETRY_POLICY.sleep(ms);
    },
  };

  beforeAll(async () => {
    github = new FakeGitHub();
    server = await github.serve();
    github.onRequest = (request) => {
      // the credential is the installation's token: `ghs_fake_<installation>_<n>`
      const installation = Number(/^ghs_fake_(\d+)_/.exec(request.credential)?.[1] ?? Number.NaN);
      if (Number.isNaN(installation)) return; // the app's own (JWT) requests
      arrivals.push({
        at: performance.now(),
        wall: Date.now(),
        installation,
        endpoint: request.endpoint,
        path: request.path,
      });
    };
    const env: Record<string, string> = { APP_ID: String(APP_ID), NODE_ENV: "test" };
    if (usingPostgres()) {
      db = await openTestDatabase();
      env.DATABASE_URL = db.url ?? "";
    } else {
      env.COST_VALUE_DATA_DIR = "memory://";
    }
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (line.trim() !== "") logs.push(JSON.parse(line) as LogLine);
        }
        done();
      },
    });
    probot = new Probot({
      appId: APP_ID,
      privateKey: throwawayPrivateKey(),
      baseUrl: server.restUrl,
      Octokit: CostValueOctokit,
      log: pino({ level: "info" }, sink),
    });
    await probot.load(
      productionApp({ env, lifecycle, metrics: new Metrics(), retryPolicy: policy }),
    );
  }, 60_000);

  afterAll(async () => {
    await lifecycle.shutdown(10_000);
    await db?.close();
    await server?.close();
  });

  /** PRs 1..count in `owner/shop` (one installation, one repository), and their head SHAs. */
  function addPullRequests(installation: number, owner: string, count: number): string[] {
    github.addRepo(owner, "shop", {}, 10_000 + installation);
    github.addIssue({ owner, repo: "shop", number: 1, body: "" });
    return Array.from({ length: count }, (_, i) => {
      const commits = commitsOf(1);
      const headSha = commits[0]?.sha ?? "";
      github.addPullRequest({
        owner,
        repo: "shop",
        number: 100 + i,
        body: BODY,
        headSha,
        commits,
        closingIssues: [{ number: 1 }],
      });
      return headSha;
    });
  }

  function opened(installation: number, owner: string, index: number): Promise<void> {
    const number = 100 + index;
    const headSha = github.pulls.get(`${owner}/shop#${number}`)?.headSha ?? "";
    const payload = pullRequestPayload(
      "opened",
      { owner, repo: "shop", repoId: 10_000 + installation, number, headSha, body: BODY },
      { installation: { id: installation, node_id: `inst-${installation}` } },
    );
    return probot.receive({ id: `burst-${++deliveries}`, name: "pull_request", payload } as never);
  }

  const runsOf = (heads: readonly string[]) =>
    github.checkRuns.filter((run) => heads.includes(run.head_sha));
  /** The head SHAs that got a run, sorted (each once when no run was duplicated). */
  const publishedHeads = (heads: readonly string[]) =>
    runsOf(heads)
      .map((run) => run.head_sha)
      .sort();
  const arrivalsOf = (installation: number, endpoint?: Endpoint) =>
    arrivals.filter(
      (a) => a.installation === installation && (endpoint === undefined || a.endpoint === endpoint),
    );
  const failures = () => logs.filter((l) => l.level >= 50 || /evaluation failed/.test(l.msg ?? ""));

  it("10 simultaneous deliveries: 10 completed checks, none failed, writes ≥ ~1 s apart, queries unpaced", async () => {
    const installation = 7001;
    const heads = addPullRequests(installation, "burst", 10);
    const settled = await Promise.allSettled(heads.map((_, i) => opened(installation, "burst", i)));

    const rejected = settled.filter((s) => s.status === "rejected");
    expect(rejected.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    expect(failures()).toEqual([]);
    const runs = runsOf(heads);
    // one completed run per PR, none twice
    expect(publishedHeads(heads)).toEqual([...heads].sort());
    expect(runs.every((r) => r.status === "completed" && r.conclusion === "success")).toBe(true);

    const creates = arrivalsOf(installation, "create").map((a) => a.at);
    const reads = arrivalsOf(installation, "graphql").map((a) => a.at);
    expect(creates).toHaveLength(10);
    expect(reads).toHaveLength(10);
    const gaps = creates.slice(1).map((t, i) => t - (creates[i] ?? t));
    // content-creating requests: one at a time, ≥ 1 s apart (allow timer jitter)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900);
    // queries are not on the write limiter: paced as writes, ten of them would spread over ≥ 9 s
    // like the creates; a generous bound (half the creates' spread, ≥ 4.5 s)
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    expect(spread(reads)).toBeLessThan(spread(creates) / 2);
    console.info(
      `burst: 10 deliveries: creates over ${(spread(creates) / 1000).toFixed(1)} s (min gap ${Math.min(...gaps).toFixed(0)} ms), GraphQL reads over ${(spread(reads) / 1000).toFixed(2)} s`,
    );
  }, 120_000);

  it("a secondary rate limit (403, Retry-After: 2): the installation waits 2 s, nothing is lost", async () => {
    const installation = 7002;
    const heads = addPullRequests(installation, "limited", 4);
    github.rateLimit("graphql", "secondary", { retryAfterSeconds: 2 });
    // once the first read was refused (and the installation paused), three more deliveries
    let paused = 0;
    let more: Promise<PromiseSettledResult<void>[]> | undefined;
    onRetryWait = (ms) => {
      if (more !== undefined) return;
      paused = performance.now();
      expect(ms).toBe(2_000);
      more = Promise.allSettled([1, 2, 3].map((i) => opened(installation, "limited", i)));
    };
    try {
      await opened(installation, "limited", 0);
      const settled = await (more ?? Promise.resolve([]));
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    } finally {
      onRetryWait = undefined;
    }

    expect(failures()).toEqual([]);
    expect(publishedHeads(heads)).toEqual([...heads].sort());
    // the refused read, then nothing from this installation until the 2 s were over
    const all = arrivalsOf(installation);
    const [refused, ...after] = all;
    expect(refused?.endpoint).toBe("graphql");
    expect(refused?.at).toBeLessThan(paused);
    expect(after).toHaveLength(4 + 4); // four reads (one repeated) and four creates
    for (const a of after) expect(a.at - paused).toBeGreaterThanOrEqual(2_000 - 50);
  }, 120_000);

  it("GraphQL's RATE_LIMITED answer (HTTP 200): its queries wait until the reset, nothing is lost", async () => {
    const installation = 7003;
    const heads = addPullRequests(installation, "points", 3);
    const reset = Math.floor(Date.now() / 1000) + 2;
    github.fail("graphql", 200, 1, {
      body: {
        data: null,
        errors: [
          {
            type: "RATE_LIMITED",
            message: "API rate limit exceeded for installation ID 7003.",
          },
        ],
      },
      headers: {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(reset),
        "x-ratelimit-resource": "graphql",
      },
    });
    let more: Promise<PromiseSettledResult<void>[]> | undefined;
    onRetryWait = () => {
      more ??= Promise.allSettled([1, 2].map((i) => opened(installation, "points", i)));
    };
    try {
      await opened(installation, "points", 0);
      const settled = await (more ?? Promise.resolve([]));
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled"]);
    } finally {
      onRetryWait = undefined;
    }

    expect(failures()).toEqual([]);
    expect(publishedHeads(heads)).toEqual([...heads].sort());
    const [refused, ...later] = arrivalsOf(installation, "graphql");
    expect(refused).toBeDefined();
    expect(later).toHaveLength(3); // the refused read repeated, and the two others
    // GitHub's reset is a whole second: allow for the clocks' rounding
    for (const a of later) expect(a.wall).toBeGreaterThanOrEqual(reset * 1000 - 50);
  }, 120_000);

  it("an installation's GraphQL queries do not wait behind its queued writes; the writes stay ≥ 1 s apart", async () => {
    const installation = 7004;
    const heads = addPullRequests(installation, "order", 4);
    const octokit = await probot.auth(installation);
    applyResilience(octokit, policy);
    const writes = heads.map((sha, i) =>
      octokit.request("POST /repos/{owner}/{repo}/check-runs", {
        owner: "order",
        repo: "shop",
        name: `write ${i}`,
        head_sha: sha,
      }),
    );
    // queued after all four writes; with the writes' limiter they would go after the last one
    const queries = [0, 1, 2].map(() =>
      octokit.graphql(ISSUE_QUERY, { owner: "order", repo: "shop", number: 1 }),
    );
    await Promise.all([...writes, ...queries]);

    const creates = arrivalsOf(installation, "create").map((a) => a.at);
    const reads = arrivalsOf(installation, "graphql").map((a) => a.at);
    expect(creates).toHaveLength(4);
    expect(reads).toHaveLength(3);
    const gaps = creates.slice(1).map((t, i) => t - (creates[i] ?? t));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900);
    // every query reached GitHub before the third write (≥ 2 s after the first)
    expect(Math.max(...reads)).toBeLessThan(creates[2] ?? 0);
  }, 60_000);
});
