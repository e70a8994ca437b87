/**
 * Figure 2: evaluation overhead, the time inside the app per delivery, in-process (no sockets):
 * a Probot instance with the real app on a fresh PostgreSQL database, deliveries through
 * `probot.receive()`, and an Octokit whose `fetch` is answered from memory (the fake GitHub's
 * `handle`: GraphQL and check runs). The fake's own time is measured and taken out, so what is
 * left is the app's: Probot's dispatch, the read (request building, response parsing, snapshot),
 * the core (trailer parsing, pricing, verdict), rendering, the check-run write, the ledger (SQL
 * round trips to a real PostgreSQL). Each delivery is a `pull_request.synchronize` with a new head
 * commit (so a check run is created), on a PR with a value statement and a linked issue.
 */
import { PerformanceObserver } from "node:perf_hooks";
import pino from "pino";
import { Probot } from "probot";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { readCommitCost } from "../../src/core/cost/commit-cost.js";
import { parseTrailers } from "../../src/core/trailers.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { createCostValueApp } from "../../src/github/app.js";
import type { EvaluationOutcome } from "../../src/github/evaluate.js";
import type { EvaluationTimings } from "../../src/github/evaluation-meters.js";
import { readCorpus } from "../../test/helpers/corpus.js";
import {
  type Endpoint,
  type FakeCommit,
  FakeGitHub,
  type FakePullRequest,
  serializeJson,
} from "../../test/helpers/fake-github/index.js";
import { APP_ID, TestOctokit } from "../../test/helpers/probot.js";
import { pullRequestPayload } from "../../test/helpers/webhook-payloads.js";
import { type BenchContext, median, percentile, time } from "./common.js";
import { freshPostgresDatabase } from "./process.js";

export const OWNER = "acme";
export const REPO = "shop";
export const REPO_ID = 100;
export const BODY = `Speeds up checkout.

## Value

Issue: #1
Type: defect
Worth: $8,000
Budget: $300
Why now: Checkout fails for 2% of EU card payments.
`;

/** Commit messages with cost trailers of every kind (priced with genai-prices, given, missing). */
const AGENT_MESSAGES = [
  (i: number) =>
    `Fix rounding in EU card payments (${i})\n\nThe amount was rounded twice.\n\nAgent: claude-code\nAgent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000 cache-write=9000\nAgent-Usage: anthropic/claude-haiku-4-5 input=3000 output=200\nCo-authored-by: Claude <noreply@anthropic.com>\n`,
  (i: number) =>
    `Refactor the payment adapter (${i})\n\nAgent-Cost: 0.72 USD\nSigned-off-by: Dev <dev@example.com>\n`,
  (i: number) =>
    `Add retries to the webhook client (${i})\n\nAgent-Tokens: input=120000 output=8000 cache-read=1.1M\nAgent-Model: openai/gpt-5\n`,
  (i: number) => `Add tests for refunds (${i})\n\nCo-authored-by: Claude <noreply@anthropic.com>\n`,
];

let shas = 0;
/** A unique 40-hex SHA (fake-github's `fakeSha()` pads with "c", so 0x1 and 0xc1 collide). */
export function sha(): string {
  shas++;
  return shas.toString(16).padStart(40, "0");
}

/** Every other commit a real one from the corpus, the others agent commits with trailers. */
export function makeCommits(n: number, corpus: readonly string[]): FakeCommit[] {
  return Array.from({ length: n }, (_, i) => ({
    sha: sha(),
    message:
      i % 2 === 0
        ? (corpus[(i / 2) % corpus.length] ?? "")
        : (AGENT_MESSAGES[((i - 1) / 2) % AGENT_MESSAGES.length] ?? (() => ""))(i),
    author: { name: "Dev", email: "dev@example.com", login: "dev" },
  }));
}

/** A request body as canonical JSON (variables in key order). */
function canonical(body: { query: string; variables?: Record<string, unknown> }): string {
  const variables = Object.entries(body.variables ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([body.query, variables]);
}

/** What an evaluation of a PR without a milestone asks of GitHub: anything else is a surprise. */
const EXPECTED: ReadonlySet<Endpoint> = new Set(["graphql", "create", "update", "list"]);

/**
 * GitHub in memory, behind Octokit's `fetch`: the fake GitHub's `handle` (GraphQL, check runs).
 * Anything else throws, so an unexpected call is noticed. The time spent here is the fake's, not
 * the app's: it is summed per phase it belongs to. The fake executes each document with graphql-js
 * (milliseconds and megabytes for 100 commits), so the read of the next delivery is answered ahead
 * of time (`prepare`, outside the measured window): otherwise the garbage the fake leaves would be
 * collected, and counted, in the app's time. Check-run ids are github.com's (above 2^31).
 */
class InMemoryGitHub {
  readonly fake = new FakeGitHub();
  /** The fake's own milliseconds: reads (GraphQL, list) and writes (create, update). */
  readMs = 0;
  writeMs = 0;
  requests = 0;
  /** Answers prepared ahead of time, by request body (canonical JSON). */
  prepared = 0;
  readonly #answers = new Map<string, string>();
  #lastRead: { query: string; variables: Record<string, unknown> } | undefined;

  constructor() {
    this.fake.onRequest = (r) => {
      if (!EXPECTED.has(r.endpoint)) {
        throw new Error(`InMemoryGitHub: unexpected ${r.method} ${r.path}`);
      }
    };
  }

  /** Answer the PR read of the next delivery now: the last read's variables with `headSha`. */
  prepare(headSha: string): void {
    if (this.#lastRead === undefined) return;
    const body = { ...this.#lastRead, variables: { ...this.#lastRead.variables, headSha } };
    this.#answers.set(canonical(body), JSON.stringify(this.fake.answer(body).json));
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const start = performance.now();
    this.requests++;
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const method = (init?.method ?? "GET").toUpperCase();
    const body: unknown = init?.body ? JSON.parse(String(init.body)) : undefined;
    const headers = { "content-type": "application/json; charset=utf-8" };
    if (method === "POST" && url.pathname === "/graphql") {
      const read = body as { query: string; variables: Record<string, unknown> };
      const key = canonical(read);
      const ready = this.#answers.get(key);
      if (/query CostValuePullRequest\b/.test(read.query)) this.#lastRead = read;
      if (ready !== undefined) {
        this.#answers.delete(key);
        this.prepared++;
        const response = new Response(ready, { status: 200, headers });
        this.readMs += performance.now() - start;
        return response;
      }
    }
    const unmatched = this.fake.unmatched.length;
    const answer = await this.fake.handle({ method, path: `${url.pathname}${url.search}`, body });
    if (this.fake.unmatched.length > unmatched) {
      throw new Error(`InMemoryGitHub: unexpected ${method} ${url.pathname}`);
    }
    const response = new Response(answer.body === undefined ? "" : serializeJson(answer.body), {
      status: answer.status,
      headers: { ...headers, ...answer.headers },
    });
    if (method !== "GET" && url.pathname !== "/graphql") this.writeMs += performance.now() - start;
    else this.readMs += performance.now() - start;
    return response;
  };
}

/** Time and count every SQL statement the app sends through `database.pool` (queue and ledger). */
class TimedDatabase {
  ms = 0;
  statements = 0;
  readonly database: Database;

  constructor(inner: Database) {
    const timeQuery =
      (target: { query: (...args: unknown[]) => unknown }) =>
      (...args: unknown[]) => {
        const start = performance.now();
        this.statements++;
        const result = target.query(...args);
        if (result instanceof Promise) {
          return result.finally(() => {
            this.ms += performance.now() - start;
          });
        }
        this.ms += performance.now() - start;
        return result;
      };
    const wrap = <T extends object>(target: T, extra: (p: string | symbol) => unknown): T =>
      new Proxy(target, {
        get: (t, property) => {
          const replaced = extra(property);
          if (replaced !== undefined) return replaced;
          const value = Reflect.get(t, property, t);
          return typeof value === "function" ? value.bind(t) : value;
        },
      });
    const pool = inner.pool as unknown as {
      query: (...args: unknown[]) => unknown;
      connect: () => Promise<object>;
    };
    const timedPool = wrap(pool, (property) => {
      if (property === "query") return timeQuery(pool);
      if (property === "connect") {
        return async () => {
          const start = performance.now();
          const client = (await pool.connect()) as { query: (...args: unknown[]) => unknown };
          this.ms += performance.now() - start;
          return wrap(client, (p) => (p === "query" ? timeQuery(client) : undefined));
        };
      }
      return undefined;
    });
    this.database = { ...inner, pool: timedPool as unknown as Database["pool"] };
  }
}

interface Sample {
  total: number;
  phases: EvaluationTimings;
  /** Probot's dispatch, context and Octokit creation, the durable queue: total minus the phases. */
  other: number;
  /** Every SQL statement (ledger and queue), and how many. */
  sql: number;
  statements: number;
  fake: number;
  /** Garbage-collection pauses during the delivery. */
  gc: number;
}

/** Garbage-collection pause time so far (ms), from `gc` performance entries. */
class GcClock {
  ms = 0;
  readonly #observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.ms += entry.duration;
  });
  constructor() {
    this.#observer.observe({ entryTypes: ["gc"] });
  }
  stop(): void {
    this.#observer.disconnect();
  }
}

export async function measureSize(params: {
  database: Database;
  commits: number;
  deliveries: number;
  warmup: number;
  corpus: readonly string[];
}): Promise<Sample[]> {
  const github = new InMemoryGitHub();
  const db = new TimedDatabase(params.database);
  github.fake.addRepo(OWNER, REPO, {}, REPO_ID);
  github.fake.addIssue({ owner: OWNER, repo: REPO, number: 1, body: "The linked issue." });
  let outcome: EvaluationOutcome | undefined;
  const probot = new Probot({
    githubToken: "test",
    Octokit: TestOctokit,
    log: pino({ level: "silent" }),
    request: { fetch: github.fetch },
  });
  await probot.load(
    createCostValueApp({
      appId: APP_ID,
      database: db.database,
      onEvaluated: (o) => {
        outcome = o;
      },
    }),
  );
  const number = params.commits; // one PR per size
  const pr: FakePullRequest = github.fake.addPullRequest({
    owner: OWNER,
    repo: REPO,
    number,
    body: BODY,
    headSha: "",
    commits: makeCommits(params.commits, params.corpus),
  });
  const samples: Sample[] = [];
  const gc = new GcClock();
  for (let i = 0; i < params.warmup + params.deliveries; i++) {
    // a push: the head commit is new
    const last = pr.commits[pr.commits.length - 1];
    if (last === undefined) throw new Error("a PR without commits");
    last.sha = sha();
    pr.headSha = last.sha;
    github.prepare(pr.headSha);
    const payload = pullRequestPayload("synchronize", {
      owner: OWNER,
      repo: REPO,
      repoId: REPO_ID,
      number,
      headSha: pr.headSha,
      body: BODY,
    });
    outcome = undefined;
    github.readMs = 0;
    github.writeMs = 0;
    db.ms = 0;
    db.statements = 0;
    const gcBefore = gc.ms;
    const start = performance.now();
    await probot.receive({ id: `bench-${number}-${i}`, name: "pull_request", payload } as never);
    const total = performance.now() - start;
    // gc entries are delivered asynchronously: let the observer run before reading the clock
    await new Promise((resolve) => setImmediate(resolve));
    const gcMs = gc.ms - gcBefore;
    const result = outcome as EvaluationOutcome | undefined;
    if (result?.kind !== "published") {
      throw new Error(`delivery ${i} (${params.commits} commits) was not published`);
    }
    if (i < params.warmup) continue;
    const t = result.timings;
    const phases: EvaluationTimings = {
      ...t,
      read: t.read - github.readMs,
      publish: t.publish - github.writeMs,
    };
    const fake = github.readMs + github.writeMs;
    const inPhases = t.read + t.evaluate + t.render + t.publish + t.ledger;
    samples.push({
      total: total - fake,
      phases,
      other: total - inPhases,
      sql: db.ms,
      statements: db.statements,
      fake,
      gc: gcMs,
    });
  }
  gc.stop();
  // every measured read must have been answered ahead of time (see InMemoryGitHub)
  if (github.prepared < params.deliveries) {
    throw new Error(
      `overhead: only ${github.prepared} of ${params.deliveries} reads were answered ahead of time: the app's GraphQL variables changed shape`,
    );
  }
  return samples;
}

/** Trailer parsing and cost reading (pricing) alone, over the same commits: ms per pass. */
function parseAndPrice(commits: readonly FakeCommit[], rounds: number) {
  const config = DEFAULT_CONFIG;
  const parsed = commits.map((c) => parseTrailers(c.message));
  const parse = median(
    Array.from({ length: rounds }, () =>
      time(() => {
        for (const c of commits) parseTrailers(c.message);
      }),
    ),
  );
  const price = median(
    Array.from({ length: rounds }, () =>
      time(() => {
        commits.forEach((commit, i) => {
          readCommitCost({ commit, trailers: parsed[i] ?? [], config });
        });
      }),
    ),
  );
  return { parse, price };
}

export async function run(ctx: BenchContext): Promise<void> {
  const { quick, record, log } = ctx;
  const sizes = [1, 100, 1000];
  // p99 needs many samples to be stable (it is the 10th slowest of 1,000); 1,000-commit deliveries
  // take ~0.1-0.5 s each: fewer of them, and fewer everywhere in the quick run
  const deliveriesFor = (commits: number) =>
    quick ? (commits >= 1000 ? 10 : 30) : commits >= 1000 ? 200 : 1000;
  const warmupFor = (commits: number) => (quick ? (commits >= 1000 ? 3 : 10) : 50);
  const corpus = readCorpus().map((c) => c.message);

  let database: Database;
  let drop: () => Promise<void> = async () => {};
  let where: string;
  if (ctx.databaseUrl !== undefined) {
    const fresh = await freshPostgresDatabase(ctx.databaseUrl);
    database = await openDatabase({ url: fresh.url });
    drop = fresh.drop;
    where = "PostgreSQL";
  } else {
    log("no PostgreSQL reachable: measuring on PGlite in memory instead");
    database = await openDatabase({ dataDir: "memory://" });
    where = "PGlite (no PostgreSQL reachable)";
  }
  try {
    await migrate(database.pool);

    // this machine's speeds, measured in the same run: JSON.parse of 100 commits (CPU), one
    // committed INSERT (the WAL flush every autocommit statement waits for)
    const json = JSON.stringify(makeCommits(100, corpus));
    const jsonBaseline = median(Array.from({ length: 200 }, () => time(() => JSON.parse(json))));
    record({
      name: "baseline: JSON.parse of 100 commits",
      value: jsonBaseline,
      unit: "ms",
      note: `${(json.length / 1024).toFixed(0)} KiB; median of 200`,
    });
    let commitBaseline: number | undefined;
    if (database.kind === "postgres") {
      await database.pool.query("CREATE TABLE bench_commit_baseline (a integer)");
      const commits: number[] = [];
      for (let i = 0; i < 100; i++) {
        const start = performance.now();
        await database.pool.query("INSERT INTO bench_commit_baseline VALUES ($1)", [i]);
        commits.push(performance.now() - start);
      }
      await database.pool.query("DROP TABLE bench_commit_baseline");
      commitBaseline = median(commits);
      record({
        name: "baseline: one committed INSERT",
        value: commitBaseline,
        unit: "ms",
        note: `PostgreSQL, median of 100; p99 ${percentile(commits, 99).toFixed(2)} ms`,
      });
    }

    for (const commits of sizes) {
      const deliveries = deliveriesFor(commits);
      const warmup = warmupFor(commits);
      log(`${commits} commits: ${warmup} warm-up + ${deliveries} deliveries`);
      const samples = await measureSize({ database, commits, deliveries, warmup, corpus });
      const label = `${commits} commit${commits === 1 ? "" : "s"}`;
      const totals = samples.map((s) => s.total);
      const target = commits === 100 ? "; target p99 < 10 ms (issue 13)" : "";
      record({
        name: `${label}: p50`,
        value: percentile(totals, 50),
        unit: "ms",
        note: `in the app per delivery, ${where}, n=${samples.length}`,
      });
      record({
        name: `${label}: p99`,
        value: percentile(totals, 99),
        unit: "ms",
        note: `in the app per delivery${target}`,
      });
      const phase = (name: string, xs: number[], note: string) =>
        record({
          name: `${label}: ${name} p50`,
          value: percentile(xs, 50),
          unit: "ms",
          note: `p99 ${percentile(xs, 99).toFixed(2)} ms; ${note}`,
        });
      phase(
        "read",
        samples.map((s) => s.phases.read),
        "GraphQL request, response parsing, snapshot",
      );
      phase(
        "evaluate",
        samples.map((s) => s.phases.evaluate),
        "parse, price, verdict",
      );
      phase(
        "render",
        samples.map((s) => s.phases.render),
        "the check's markdown",
      );
      phase(
        "publish",
        samples.map((s) => s.phases.publish),
        "the check-run write",
      );
      phase(
        "ledger",
        samples.map((s) => s.phases.ledger),
        "work item read, the PR's record",
      );
      phase(
        "other",
        samples.map((s) => s.other),
        "Probot dispatch, Octokit, the durable queue",
      );
      const sql = samples.map((s) => s.sql);
      phase(
        "DB (all SQL)",
        sql,
        `ledger and queue, ${median(samples.map((s) => s.statements))} statements per delivery`,
      );
      const cpu = samples.map((s) => s.total - s.sql);
      record({
        name: `${label}: app CPU (total − SQL) vs JSON baseline`,
        value: median(cpu) / jsonBaseline,
        unit: "× baseline",
        note: `p50 ${median(cpu).toFixed(2)} ms`,
      });
      if (commitBaseline !== undefined) {
        record({
          name: `${label}: DB (all SQL) vs commit baseline`,
          value: median(sql) / commitBaseline,
          unit: "× baseline",
        });
      }
      // what the slowest 1% of deliveries spent their time on (mean of each part)
      const p99 = percentile(totals, 99);
      const slow = samples.filter((s) => s.total >= p99);
      const mean = (f: (s: Sample) => number) => slow.reduce((a, s) => a + f(s), 0) / slow.length;
      record({
        name: `${label}: slowest 1% (≥ p99) mean`,
        value: mean((s) => s.total),
        unit: "ms",
        note:
          `n=${slow.length}: SQL ${mean((s) => s.sql).toFixed(2)}, GC ${mean((s) => s.gc).toFixed(2)}, ` +
          `read ${mean((s) => s.phases.read).toFixed(2)}, evaluate ${mean((s) => s.phases.evaluate).toFixed(2)}, ` +
          `render ${mean((s) => s.phases.render).toFixed(2)}, publish ${mean((s) => s.phases.publish).toFixed(2)} ms ` +
          `(all deliveries: GC p50 ${median(samples.map((s) => s.gc)).toFixed(2)} ms)`,
      });
      record({
        name: `${label}: fake GitHub (excluded) p50`,
        value: median(samples.map((s) => s.fake)),
        unit: "ms",
        note: "in-memory answers, not counted above",
      });
    }

    // the evaluate phase's two main parts, on the same commits as the 1,000-commit PR
    const commits = makeCommits(1000, corpus);
    const { parse, price } = parseAndPrice(commits, quick ? 5 : 30);
    record({
      name: "1000 commits: parse (parseTrailers)",
      value: parse,
      unit: "ms",
      note: "median pass, in isolation",
    });
    record({
      name: "1000 commits: price (readCommitCost)",
      value: price,
      unit: "ms",
      note: "median pass, in isolation",
    });
  } finally {
    await database.close();
    await drop();
  }
}
