/**
 * Figure 4: rollups at scale. A fresh PostgreSQL database (`cv_bench_rollup_<pid>`, dropped at the
 * end) migrated with the real migrations and seeded with set-based SQL: 1,000,000 PR records of
 * 1,000 repositories (skewed sizes) in 25 installations, 10 milestones per repository (10,000),
 * with their models, commits and linked issues; `--quick`: 10,000 PRs, 10 repositories, 100
 * milestones. Then the app's own code path is timed: `readRollup` (the database) and
 * `renderRollup` (the comment) for random milestones and for the largest one, every per-event
 * ledger query, and `EXPLAIN (ANALYZE, BUFFERS)` of each of their statements (which index, any
 * sequential scan on a big table). Baselines from the same run: `SELECT 1` and a primary-key lookup.
 */
import pg from "pg";
import { renderRollup } from "../../src/core/rollup.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { findMilestoneByTitle, upsertMilestone } from "../../src/db/milestones.js";
import type { PullRequestRecord } from "../../src/db/pull-requests.js";
import { milestoneCurrency } from "../../src/db/pull-requests.js";
import { deleteInstallation } from "../../src/db/purges.js";
import { readEvaluationState, recordPullRequest } from "../../src/db/record.js";
import { readRollupPost } from "../../src/db/rollup-posts.js";
import { readRollup } from "../../src/db/rollup-read.js";
import type { Queryable } from "../../src/db/transaction.js";
import { withTransaction } from "../../src/db/transaction.js";
import type { RestApi } from "../../src/github/rest-api.js";
import { refreshRollup } from "../../src/github/rollups.js";
import { type BenchContext, median, percentile, timeAsync } from "./common.js";

const DAY_MS = 86_400_000;
const MILESTONES_PER_REPO = 10;
/** The tables that grow with the PRs: a sequential scan of one of them is a finding. */
const BIG_TABLES = [
  "pull_requests",
  "pull_request_models",
  "commits",
  "pull_request_commits",
  "pull_request_issues",
];

interface Scale {
  installations: number;
  repositories: number;
  pullRequests: number;
  /** Milestones timed (random, with replacement) and per-event calls timed. */
  samples: number;
}

const FULL: Scale = {
  installations: 25,
  repositories: 1000,
  pullRequests: 1_000_000,
  samples: 200,
};
const QUICK: Scale = { installations: 3, repositories: 10, pullRequests: 10_000, samples: 50 };

/** A small deterministic PRNG (mulberry32), so two runs time the same milestones. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface SeedRepo {
  k: number;
  id: number;
  installationId: number;
  owner: string;
  name: string;
  currency: string;
  prCount: number;
}

/** Repositories of skewed sizes (Zipf, s = 0.5) in installations of skewed sizes. */
function planRepositories(scale: Scale, random: () => number): SeedRepo[] {
  const weights = Array.from({ length: scale.repositories }, (_, i) => 1 / Math.sqrt(i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((scale.pullRequests * w) / total)));
  counts[0] = (counts[0] ?? 0) + scale.pullRequests - counts.reduce((a, b) => a + b, 0);
  const currency = (i: number): string => (i % 5 === 2 ? "EUR" : i % 11 === 0 ? "GBP" : "USD");
  return counts.map((prCount, i) => {
    const k = i + 1;
    // every installation gets a repository; the rest go mostly to the first installations
    const inst = k <= scale.installations ? k : 1 + Math.floor(scale.installations * random() ** 2);
    return {
      k,
      id: 500_000_000 + k * 104_729,
      installationId: 40_000_000 + inst * 7_919,
      owner: `org-${inst}`,
      name: `repo-${k}`,
      currency: currency(inst),
      prCount,
    };
  });
}

interface SeedResult {
  rows: Record<string, number>;
  /** Milliseconds per step. */
  steps: Record<string, number>;
}

/**
 * Set-based inserts: the parents and the PRs on one connection (PRs in time order, as a live
 * ledger fills up), then the PRs' children (which only read pull_requests) concurrently. The
 * children are not sorted by primary key: commits arrive in random SHA order in production, and
 * sorted inserts would leave the B-tree indexes denser (about 30% smaller) than a real ledger's.
 */
async function seed(
  pool: pg.Pool,
  repos: readonly SeedRepo[],
  start: Date,
  now: Date,
): Promise<SeedResult> {
  const client = await pool.connect();
  try {
    return await seedWith(client, pool, repos, start, now);
  } finally {
    client.release();
  }
}

async function seedWith(
  client: pg.PoolClient,
  pool: pg.Pool,
  repos: readonly SeedRepo[],
  start: Date,
  now: Date,
): Promise<SeedResult> {
  await client.query("SET work_mem = '256MB'");
  await client.query("SELECT setseed(0.42)");
  await client.query(
    `CREATE TEMP TABLE seed_repos AS
     SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::int[])
       AS r(k, id, installation_id, owner, name, currency, pr_count)`,
    [
      repos.map((r) => r.k),
      repos.map((r) => r.id),
      repos.map((r) => r.installationId),
      repos.map((r) => r.owner),
      repos.map((r) => r.name),
      repos.map((r) => r.currency),
      repos.map((r) => r.prCount),
    ],
  );
  const rows: Record<string, number> = {};
  const steps: Record<string, number> = {};
  const run = async (
    table: string,
    sql: string,
    params: unknown[] = [],
    on: Queryable = client,
  ): Promise<void> => {
    const t = performance.now();
    const result = await on.query(sql, params);
    rows[table] = (rows[table] ?? 0) + (result.rowCount ?? 0);
    steps[table] = (steps[table] ?? 0) + performance.now() - t;
  };
  /** Run `task` on a connection of its own. */
  const alone = async (task: (db: Queryable) => Promise<void>): Promise<void> => {
    const own = await pool.connect();
    try {
      await own.query("SET work_mem = '256MB'");
      await task(own);
    } finally {
      own.release();
    }
  };
  await run(
    "installations",
    `INSERT INTO installations (id, account_login)
     SELECT DISTINCT installation_id, owner FROM seed_repos`,
  );
  await run(
    "repositories",
    `INSERT INTO repositories (id, installation_id, owner, name)
     SELECT id, installation_id, owner, name FROM seed_repos`,
  );
  // 10 milestones per repository, one after the other over the year: 1–8 closed, 9–10 open
  await run(
    "milestones",
    `INSERT INTO milestones (repository_id, number, title, state, due_on, budget_micros, budget_currency,
       budget_problem)
     SELECT r.id, j,
            CASE r.k % 3 WHEN 0 THEN 'Sprint ' || (40 + j) WHEN 1 THEN 'v' || (r.k % 7 + 1) || '.' || j
                         ELSE 'Checkout v' || j || ': EU payments' END,
            CASE WHEN j <= 8 THEN 'closed' ELSE 'open' END,
            $1::timestamptz + (j * 36 + 5) * interval '1 day',
            CASE WHEN b.u < 0.6 THEN (1000 * (1 + floor(b.v * 50)))::bigint * 1000000 END,
            CASE WHEN b.u < 0.6 THEN r.currency END,
            CASE WHEN b.u > 0.97 THEN 'The milestone''s Budget: line could not be read: write an amount such as Budget: $5,000.' END
     FROM seed_repos r CROSS JOIN generate_series(1, ${MILESTONES_PER_REPO}) AS j
       CROSS JOIN LATERAL (SELECT random() + 0 * j AS u, random() + 0 * j AS v) b`,
    [start],
  );
  // the PRs, inserted in time order (as a live ledger fills up): a milestone's rows are spread
  // over the table, not clustered
  await run(
    "pull_requests",
    `INSERT INTO pull_requests (installation_id, repository_id, number, github_id, title, author, state,
       draft, milestone_number, head_sha, currency, value_complete, value_type, worth_micros, budget_micros,
       worth_origin, budget_origin, issue_owner, issue_repo, issue_number, cost_micros, tokens_input,
       tokens_output, tokens_cache_read, tokens_cache_write, tokens_unspecified, commit_count,
       commits_with_cost, agent_commits_without_cost, unpriced_models, conclusion, check_run_id,
       evaluated_at, created_at, updated_at)
     SELECT g.installation_id, g.id, g.n, 1500000000 + g.k * 100000 + g.n,
            (ARRAY['Fix','Add','Refactor','Update','Remove','Speed up','Document','Migrate','Handle','Support'])[1 + floor(g.u_type * 10)::int]
              || ' ' || (ARRAY['checkout rounding','EU card payments','login redirect','search ranking',
                 'invoice export','webhook retries','rate limiter','session cache','billing page',
                 'audit log','CSV import','dark mode'])[1 + floor(g.u_tokens * 12)::int]
              || ' (' || left(md5(g.id || ':' || g.n), 6) || ')',
            'dev-' || floor(g.u_author ^ 2 * 5000)::int,
            d.state, d.state = 'open' AND g.u_misc < 0.15, d.milestone_number,
            md5(g.id || ':' || g.n) || left(md5(g.n || ':' || g.id), 8),
            CASE WHEN g.u_misc > 0.995 THEN (CASE WHEN g.currency = 'USD' THEN 'EUR' ELSE 'USD' END)
                 ELSE g.currency END,
            d.value_complete,
            CASE WHEN g.u_value < 0.88
              THEN (ARRAY['defect','customer','security','migration','review-load','compliance','support',
                          'revenue','cost','risk'])[1 + floor(g.u_type ^ 2 * 10)::int] END,
            d.worth_micros, d.budget_micros,
            CASE WHEN d.worth_micros IS NOT NULL
              THEN (CASE WHEN d.has_issue AND g.u_misc < 0.5 THEN g.owner || '/' || g.name || '#' || d.issue_number ELSE 'pr' END) END,
            CASE WHEN d.budget_micros IS NOT NULL
              THEN (CASE WHEN d.has_issue AND g.u_misc < 0.5 THEN g.owner || '/' || g.name || '#' || d.issue_number ELSE 'pr' END) END,
            CASE WHEN d.has_issue THEN g.owner END,
            CASE WHEN d.has_issue THEN (CASE WHEN g.u_issue < 0.04 THEN 'platform' ELSE g.name END) END,
            d.issue_number,
            d.cost_micros,
            CASE WHEN d.cost_micros > 0 THEN 1000 + floor(g.u_tokens * 400000)::bigint ELSE 0 END,
            CASE WHEN d.cost_micros > 0 THEN 100 + floor(g.u_tokens * 50000)::bigint ELSE 0 END,
            CASE WHEN d.cost_micros > 0 THEN floor(g.u_tokens * 4000000)::bigint ELSE 0 END,
            CASE WHEN d.cost_micros > 0 THEN floor(g.u_tokens * 100000)::bigint ELSE 0 END,
            0,
            d.commit_count,
            CASE WHEN d.cost_micros > 0 THEN greatest(1, d.commit_count - d.without_cost) ELSE 0 END,
            d.without_cost,
            CASE WHEN g.u_misc > 0.98 THEN ARRAY['acme/internal-llm']
                 WHEN g.u_misc > 0.97 THEN ARRAY['mistral/devstral-next'] ELSE '{}'::text[] END,
            CASE WHEN NOT d.value_complete THEN 'failure'
                 WHEN d.without_cost > 0 OR g.u_misc > 0.97 THEN 'neutral' ELSE 'success' END,
            20000000000 + g.k * 1000000 + g.n,
            d.evaluated_at, d.created_at, d.evaluated_at
     FROM (
       SELECT r.*, n, (n - 0.5) / r.pr_count AS t,
              random() AS u_ms, random() AS u_state, random() AS u_value, random() AS u_type,
              random() AS u_worth, random() AS u_budget, random() AS u_issue, random() AS u_cost,
              random() AS u_tokens, random() AS u_commits, random() AS u_agent, random() AS u_misc,
              random() AS u_time, random() AS u_eval, random() AS u_author
       FROM seed_repos r CROSS JOIN LATERAL generate_series(1, r.pr_count) AS n
     ) g
     CROSS JOIN LATERAL (
       SELECT CASE WHEN g.u_ms < 0.1 THEN NULL ELSE 1 + least(${MILESTONES_PER_REPO - 1}, floor(g.t * ${MILESTONES_PER_REPO}))::int END AS milestone_number,
              CASE WHEN g.t >= 0.8
                   THEN (CASE WHEN g.u_state < 0.40 THEN 'open' WHEN g.u_state < 0.92 THEN 'merged' ELSE 'closed' END)
                   ELSE (CASE WHEN g.u_state < 0.88 THEN 'merged' ELSE 'closed' END) END AS state,
              g.u_value < 0.78 AS value_complete,
              CASE WHEN g.u_value < 0.80 THEN (500 * (1 + floor(g.u_worth ^ 3 * 100)))::bigint * 1000000 END AS worth_micros,
              CASE WHEN g.u_budget < 0.4 THEN (50 * (1 + floor(g.u_budget / 0.4 * 40)))::bigint * 1000000 END AS budget_micros,
              g.u_issue < 0.82 AS has_issue,
              CASE WHEN g.u_issue < 0.04 THEN 1 + floor(g.u_misc * 500)::int
                   WHEN g.u_issue < 0.82 THEN 1 + g.n / 3 END AS issue_number,
              CASE WHEN g.u_cost < 0.88 THEN round(exp(ln(0.05) + (g.u_cost / 0.88) * ln(2000)) * 1000000)::bigint
                   ELSE 0 END AS cost_micros,
              1 + floor(g.u_commits ^ 3 * 12)::int AS commit_count,
              CASE WHEN g.u_agent < 0.08 THEN 1 + floor(g.u_agent / 0.08 * 2)::int ELSE 0 END AS without_cost,
              $1::timestamptz + (g.t * 360 + g.u_time * 0.5) * interval '1 day' AS created_at,
              least($2::timestamptz - interval '1 minute',
                    $1::timestamptz + (g.t * 360 + g.u_time * 0.5 + g.u_eval * 2) * interval '1 day') AS evaluated_at
     ) d
     ORDER BY d.created_at`,
    [start, now],
  );
  // each milestone's rollup already posted once
  await run(
    "rollup_posts",
    `INSERT INTO rollup_posts (installation_id, repository_id, milestone_number, issue_number, comment_id,
       body_sha256)
     SELECT r.installation_id, m.repository_id, m.number, 100000 + m.number, 3000000000 + r.k * 100 + m.number,
            encode(sha256((m.repository_id || ':' || m.number)::bytea), 'hex')
     FROM milestones m JOIN seed_repos r ON r.id = m.repository_id`,
  );
  const sha =
    "md5(p.repository_id || ':' || p.number || ':' || c) || left(md5(c || ':' || p.number), 8)";
  await Promise.all([
    alone(async (db) => {
      await run(
        "pull_request_models",
        `INSERT INTO pull_request_models (installation_id, repository_id, number, model, priced, cost_micros,
           tokens_input, tokens_output, tokens_cache_read, tokens_cache_write)
         SELECT p.installation_id, p.repository_id, p.number,
                CASE WHEN i = 1 THEN (ARRAY['anthropic/claude-sonnet-4-5','openai/gpt-5','anthropic/claude-opus-4-1',
                                            'google/gemini-2.5-pro'])[1 + (p.repository_id / 104729) % 4]
                     ELSE 'anthropic/claude-haiku-4-5' END,
                true,
                CASE WHEN i = 1 THEN p.cost_micros - p.cost_micros / 10 * (m.n - 1) ELSE p.cost_micros / 10 END,
                p.tokens_input / m.n, p.tokens_output / m.n, p.tokens_cache_read / m.n, p.tokens_cache_write / m.n
         FROM pull_requests p
           CROSS JOIN LATERAL (SELECT CASE WHEN p.number % 10 < 3 THEN 2 ELSE 1 END AS n) m
           CROSS JOIN LATERAL generate_series(1, m.n) AS i
         WHERE p.cost_micros > 0`,
        [],
        db,
      );
      await run(
        "pull_request_models",
        `INSERT INTO pull_request_models (installation_id, repository_id, number, model, priced)
         SELECT p.installation_id, p.repository_id, p.number, u.model, false
         FROM pull_requests p CROSS JOIN LATERAL unnest(p.unpriced_models) AS u(model)`,
        [],
        db,
      );
      await run(
        "pull_request_issues",
        `INSERT INTO pull_request_issues (installation_id, repository_id, number, issue_owner, issue_repo,
           issue_number)
         SELECT installation_id, repository_id, number, issue_owner, issue_repo, issue_number
         FROM pull_requests WHERE issue_number IS NOT NULL`,
        [],
        db,
      );
    }),
    alone((db) =>
      run(
        "commits",
        `INSERT INTO commits (repository_id, sha, cost_source, cost_micros, agent, agent_without_cost)
         SELECT p.repository_id, ${sha},
                CASE WHEN c <= p.commits_with_cost THEN 'agent-cost' ELSE 'none' END,
                CASE WHEN c <= p.commits_with_cost THEN p.cost_micros / p.commits_with_cost ELSE 0 END,
                CASE WHEN c <= p.commits_with_cost + p.agent_commits_without_cost THEN 'claude-code' END,
                c > p.commits_with_cost AND c <= p.commits_with_cost + p.agent_commits_without_cost
         FROM pull_requests p CROSS JOIN LATERAL generate_series(1, p.commit_count) AS c`,
        [],
        db,
      ),
    ),
    alone((db) =>
      run(
        "pull_request_commits",
        `INSERT INTO pull_request_commits (installation_id, repository_id, number, sha, position)
         SELECT p.installation_id, p.repository_id, p.number, ${sha}, c
         FROM pull_requests p CROSS JOIN LATERAL generate_series(1, p.commit_count) AS c`,
        [],
        db,
      ),
    ),
  ]);
  return { rows, steps };
}

/** A Queryable that runs the real statements and keeps them (text and parameters) to explain. */
function recording(db: Queryable): {
  db: Queryable;
  statements: { text: string; values: unknown[] }[];
} {
  const statements: { text: string; values: unknown[] }[] = [];
  const proxy = {
    query: (text: string, values?: unknown[]) => {
      statements.push({ text, values: values ?? [] });
      return db.query(text, values);
    },
  } as Queryable;
  return { db: proxy, statements };
}

interface PlanSummary {
  /** `Index Scan using X on T`, `Bitmap Index Scan on X`, … as (index, table). */
  indexes: { index: string; table: string }[];
  seqScans: string[];
  text: string;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) the statements of one call, in order, inside one transaction that is
 * rolled back (a write's later statements see its earlier ones, and nothing stays).
 */
async function explainAll(
  client: pg.PoolClient,
  statements: readonly { text: string; values: unknown[] }[],
  indexTable: ReadonlyMap<string, string>,
): Promise<PlanSummary[]> {
  const plans: PlanSummary[] = [];
  await client.query("BEGIN");
  try {
    for (const statement of statements) {
      const { rows } = await client.query<{ "QUERY PLAN": string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
        statement.values,
      );
      const text = rows.map((r) => r["QUERY PLAN"]).join("\n");
      const indexes: PlanSummary["indexes"] = [];
      for (const m of text.matchAll(/Index (?:Only )?Scan (?:Backward )?using (\S+) on (\S+)/g)) {
        indexes.push({ index: m[1] ?? "", table: m[2] ?? "" });
      }
      for (const m of text.matchAll(/Bitmap Index Scan on (\S+)/g)) {
        indexes.push({ index: m[1] ?? "", table: indexTable.get(m[1] ?? "") ?? "?" });
      }
      const seqScans = [...text.matchAll(/Seq Scan on (\S+)/g)].map((m) => m[1] ?? "");
      plans.push({ indexes, seqScans, text });
    }
  } finally {
    await client.query("ROLLBACK");
  }
  return plans;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const firstLine = (sql: string): string => sql.replace(/\s+/g, " ").trim().slice(0, 90);

async function sample(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await timeAsync(() => fn(i)));
  return times;
}

export async function run(ctx: BenchContext): Promise<void> {
  const { record, log } = ctx;
  if (ctx.databaseUrl === undefined) {
    record({
      name: "rollup DB p95",
      value: Number.NaN,
      unit: "ms",
      note: "no PostgreSQL reachable: set BENCH_DATABASE_URL (or DATABASE_URL)",
    });
    return;
  }
  const scale = ctx.quick ? QUICK : FULL;
  const dbName = `cv_bench_rollup_${process.pid}`;
  const admin = new pg.Client({ connectionString: ctx.databaseUrl });
  try {
    await admin.connect();
  } catch (error) {
    record({
      name: "rollup DB p95",
      value: Number.NaN,
      unit: "ms",
      note: `PostgreSQL not reachable (${(error as Error).message})`,
    });
    return;
  }
  let database: Database | undefined;
  try {
    // databases left by runs that were killed (their process is gone), then ours
    const left = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname ~ '^cv_bench_rollup_[0-9]+$'",
    );
    for (const { datname } of left.rows) {
      const pid = Number(datname.slice("cv_bench_rollup_".length));
      if (pid === process.pid || !isAlive(pid)) {
        await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      }
    }
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(ctx.databaseUrl);
    url.pathname = `/${dbName}`;
    database = await openDatabase({ url: url.toString(), max: 4 });
    await measure(ctx, database, scale);
  } finally {
    await database?.close().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((error: Error) => {
      log(`could not drop ${dbName}: ${error.message}`);
    });
    await admin.end();
  }
}

async function measure(ctx: BenchContext, database: Database, scale: Scale): Promise<void> {
  const { record, log } = ctx;
  const pool = database.pool;
  const random = prng(4);
  await migrate(pool);
  const server = await pool.query<{ v: string; sb: string }>(
    "SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb",
  );
  const serverNote = `PostgreSQL ${server.rows[0]?.v}, shared_buffers ${server.rows[0]?.sb}`;

  // --- seed --------------------------------------------------------------------------------
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const start = new Date(now.getTime() - 361 * DAY_MS);
  const repos = planRepositories(scale, random);
  const seedStart = performance.now();
  const { rows, steps } = await seed(pool, repos, start, now);
  const seedMs = performance.now() - seedStart;
  const analyzeMs = await timeAsync(() => pool.query("VACUUM (ANALYZE)"));
  const totalRows = Object.values(rows).reduce((a, b) => a + b, 0);
  const milestones = rows.milestones ?? 0;
  log(
    `seeded ${Object.entries(rows)
      .map(([t, n]) => `${t} ${n}`)
      .join(", ")} in ${(seedMs / 1000).toFixed(1)} s; per table (s): ${Object.entries(steps)
      .map(([t, ms]) => `${t} ${(ms / 1000).toFixed(1)}`)
      .join(", ")}`,
  );
  record({
    name: "seed: PR records",
    value: rows.pull_requests ?? 0,
    unit: "rows",
    note: `${scale.installations} installations, ${scale.repositories} repositories, ${milestones} milestones; 10% of PRs in no milestone`,
  });
  record({
    name: "seed: rows, all tables",
    value: totalRows,
    unit: "rows",
    note: `models ${rows.pull_request_models}, commits ${rows.commits}, PR commits ${rows.pull_request_commits}, linked issues ${rows.pull_request_issues}`,
  });
  record({
    name: "seed time",
    value: seedMs / 1000,
    unit: "s",
    note: "set-based INSERT … SELECT FROM generate_series, indexes in place",
  });
  record({ name: "seed rate", value: totalRows / (seedMs / 1000), unit: "rows/s" });
  const prSeconds = (steps.pull_requests ?? 0) / 1000;
  record({
    name: "seed: pull_requests alone",
    value: prSeconds,
    unit: "s",
    note: `${((rows.pull_requests ?? 0) / prSeconds).toFixed(0)} rows/s, in time order`,
  });
  record({ name: "VACUUM ANALYZE", value: analyzeMs / 1000, unit: "s" });
  const sizes = await pool.query<{ name: string; total: string; indexes: string }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS total, pg_indexes_size(c.oid)::text AS indexes
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC`,
  );
  const mb = (bytes: string | number): number => Number(bytes) / 2 ** 20;
  const dbSize = await pool.query<{ size: string }>(
    "SELECT pg_database_size(current_database())::text AS size",
  );
  record({
    name: "database size",
    value: mb(dbSize.rows[0]?.size ?? 0),
    unit: "MiB",
    note: "pg_database_size",
  });
  for (const s of sizes.rows.slice(0, 5)) {
    record({
      name: `size: ${s.name}`,
      value: mb(s.total),
      unit: "MiB",
      note: `table + indexes (indexes ${mb(s.indexes).toFixed(0)} MiB)`,
    });
  }
  const prTotal = Number(sizes.rows.find((s) => s.name === "pull_requests")?.total ?? 0);
  record({
    name: "pull_requests bytes per row",
    value: prTotal / (rows.pull_requests ?? 1),
    unit: "B",
    note: "table + indexes + TOAST",
  });

  const indexTable = new Map(
    (
      await pool.query<{ indexname: string; tablename: string }>(
        "SELECT indexname, tablename FROM pg_indexes WHERE schemaname = 'public'",
      )
    ).rows.map((r) => [r.indexname, r.tablename]),
  );

  // --- baselines ------------------------------------------------------------------------------
  const prKeys = (
    await pool.query<{
      installation_id: string;
      repository_id: string;
      number: number;
      issue_owner: string | null;
      issue_repo: string | null;
      issue_number: number | null;
    }>(
      `SELECT installation_id::text, repository_id::text, number, issue_owner, issue_repo, issue_number
       FROM pull_requests TABLESAMPLE BERNOULLI (${ctx.quick ? 20 : 0.5}) REPEATABLE (7) LIMIT 2000`,
    )
  ).rows.map((r) => ({
    installationId: Number(r.installation_id),
    repositoryId: Number(r.repository_id),
    number: r.number,
    issue:
      r.issue_number !== null && r.issue_owner !== null && r.issue_repo !== null
        ? { owner: r.issue_owner, repo: r.issue_repo, number: r.issue_number }
        : undefined,
  }));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const baselineN = scale.samples * 5;
  const select1 = await sample(baselineN, () => pool.query("SELECT 1"));
  const pkLookup = await sample(baselineN, () => {
    const k = pick(prKeys);
    return pool.query(
      "SELECT * FROM pull_requests WHERE installation_id = $1 AND repository_id = $2 AND number = $3",
      [k.installationId, k.repositoryId, k.number],
    );
  });
  const pkP50 = median(pkLookup);
  record({ name: "baseline: SELECT 1 round trip p50", value: median(select1), unit: "ms" });
  record({
    name: "baseline: PR primary-key lookup p50",
    value: pkP50,
    unit: "ms",
    note: `p95 ${percentile(pkLookup, 95).toFixed(2)} ms; ${serverNote}`,
  });

  // --- one milestone's rollup: readRollup (database) + renderRollup --------------------------
  const ms = (
    await pool.query<{
      repository_id: string;
      number: number;
      installation_id: string;
      owner: string;
      name: string;
      title: string;
      prs: string;
    }>(
      `SELECT m.repository_id::text, m.number, r.installation_id::text, r.owner, r.name, m.title,
              (SELECT count(*) FROM pull_requests p
               WHERE p.repository_id = m.repository_id AND p.milestone_number = m.number)::text AS prs
       FROM milestones m JOIN repositories r ON r.id = m.repository_id ORDER BY 1, 2`,
    )
  ).rows.map((r) => ({
    installationId: Number(r.installation_id),
    repository: { id: Number(r.repository_id), owner: r.owner, name: r.name },
    milestoneNumber: r.number,
    title: r.title,
    prs: Number(r.prs),
    currency: repos.find((x) => x.id === Number(r.repository_id))?.currency ?? "USD",
  }));
  type Target = (typeof ms)[number];
  const rollupOnce = async (target: Target, db: Queryable = pool) => {
    const t0 = performance.now();
    const data = await readRollup(db, {
      installationId: target.installationId,
      repositoryId: target.repository.id,
      milestoneNumber: target.milestoneNumber,
      currency: target.currency,
    });
    const t1 = performance.now();
    if (data === undefined) throw new Error(`no milestone ${target.milestoneNumber}`);
    const body = renderRollup({ data, repositoryId: target.repository.id, now });
    const t2 = performance.now();
    return { db: t1 - t0, render: t2 - t1, chars: body.length };
  };
  for (let i = 0; i < 10; i++) await rollupOnce(pick(ms)); // warm-up
  const chosen = Array.from({ length: scale.samples }, () => pick(ms));
  const dbTimes: number[] = [];
  const renderTimes: number[] = [];
  const totalTimes: number[] = [];
  let maxChars = 0;
  for (const target of chosen) {
    const t = await rollupOnce(target);
    dbTimes.push(t.db);
    renderTimes.push(t.render);
    totalTimes.push(t.db + t.render);
    maxChars = Math.max(maxChars, t.chars);
  }
  const sizesChosen = chosen.map((c) => c.prs);
  const sampleNote = `${chosen.length} random milestones, PRs each: median ${median(sizesChosen)}, p95 ${percentile(sizesChosen, 95)}, max ${Math.max(...sizesChosen)}`;
  const dbP95 = percentile(dbTimes, 95);
  record({
    name: "rollup DB (readRollup) p50",
    value: median(dbTimes),
    unit: "ms",
    note: sampleNote,
  });
  record({
    name: "rollup DB (readRollup) p95",
    value: dbP95,
    unit: "ms",
    note: `target < 50 ms: ${dbP95 < 50 ? "met" : "MISSED"}`,
  });
  record({ name: "rollup render p50", value: median(renderTimes), unit: "ms" });
  record({
    name: "rollup render p95",
    value: percentile(renderTimes, 95),
    unit: "ms",
    note: `longest comment ${maxChars} chars`,
  });
  const totalP95 = percentile(totalTimes, 95);
  record({
    name: "rollup DB + render p95",
    value: totalP95,
    unit: "ms",
    note: `p50 ${median(totalTimes).toFixed(2)} ms; target < 50 ms: ${totalP95 < 50 ? "met" : "MISSED"}`,
  });
  record({
    name: "rollup DB p95 / PK lookup p50",
    value: dbP95 / pkP50,
    unit: "× baseline",
    note: "machine-independent ratio",
  });

  const largest = ms.reduce((a, b) => (b.prs > a.prs ? b : a));
  const largeTimes: { db: number; render: number }[] = [];
  for (let i = 0; i < (ctx.quick ? 10 : 30); i++) largeTimes.push(await rollupOnce(largest));
  const largeDb = largeTimes.map((t) => t.db);
  record({
    name: "rollup DB, largest milestone p50",
    value: median(largeDb),
    unit: "ms",
    note: `${largest.prs} PRs; p95 ${percentile(largeDb, 95).toFixed(1)} ms; render p50 ${median(largeTimes.map((t) => t.render)).toFixed(1)} ms`,
  });

  // --- the app's whole refresh (src/github/rollups.ts), GitHub answered instantly ----------------
  const actions = new Map<string, number>();
  const api: RestApi = {
    request: async (route) => ({
      data: route.startsWith("POST") ? { id: 4_000_000_000, number: 100_001 } : {},
    }),
  };
  const refreshTimes = await sample(scale.samples, async () => {
    const target = pick(ms);
    const action = await refreshRollup(
      api,
      pool,
      {
        installationId: target.installationId,
        repository: target.repository,
        milestoneNumber: target.milestoneNumber,
        currency: target.currency,
      },
      { now: () => now },
    );
    actions.set(action, (actions.get(action) ?? 0) + 1);
  });
  const refreshP95 = percentile(refreshTimes, 95);
  record({
    name: "rollup refresh (refreshRollup) p50",
    value: median(refreshTimes),
    unit: "ms",
    note: `lock + readRollup + render + rollup post read/write in one transaction; GitHub mocked; ${[
      ...actions,
    ]
      .map(([a, n]) => `${n} ${a}`)
      .join(", ")}`,
  });
  record({
    name: "rollup refresh (refreshRollup) p95",
    value: refreshP95,
    unit: "ms",
    note: `target < 50 ms: ${refreshP95 < 50 ? "met" : "MISSED"}`,
  });

  // --- the plans of readRollup's statements ---------------------------------------------------
  const typical = [...ms].sort((a, b) => a.prs - b.prs)[Math.floor(ms.length / 2)] as Target;
  const explainClient = await pool.connect();
  try {
    const usedIndexes = new Set<string>();
    let prSeqScans = 0;
    let rollupStatements = 0;
    for (const [label, target] of [
      ["median-size", typical],
      ["largest", largest],
    ] as const) {
      const rec = recording(pool);
      await rollupOnce(target, rec.db);
      log(
        `EXPLAIN (ANALYZE, BUFFERS) of readRollup's ${rec.statements.length} statements, ${label} milestone (${target.prs} PRs):`,
      );
      const plans = await explainAll(explainClient, rec.statements, indexTable);
      // the work done, independent of the machine: 8 kB pages touched (hit or read), all statements
      const pages = plans.reduce((n, plan) => {
        const b = /Buffers: shared hit=(\d+)(?: read=(\d+))?/.exec(plan.text);
        return n + Number(b?.[1] ?? 0) + Number(b?.[2] ?? 0);
      }, 0);
      record({
        name: `rollup pages touched, ${label} milestone`,
        value: pages,
        unit: "pages",
        note: `${target.prs} PRs, ${plans.length} statement(s); EXPLAIN BUFFERS, shared hit + read (8 kB)`,
      });
      for (const [i, statement] of rec.statements.entries()) {
        const plan = plans[i] as PlanSummary;
        rollupStatements++;
        for (const i of plan.indexes) if (i.table === "pull_requests") usedIndexes.add(i.index);
        prSeqScans += plan.seqScans.filter((t) => t === "pull_requests").length;
        if (label === "median-size") {
          log(`-- ${firstLine(statement.text)}\n${plan.text}`);
        } else {
          log(`-- ${firstLine(statement.text)}: ${describeScans(plan)} (${executionTime(plan)})`);
        }
      }
    }
    record({
      name: "rollup index used",
      value: usedIndexes.size > 0 && prSeqScans === 0 ? 1 : 0,
      unit: "1/0",
      note: `pull_requests via ${[...usedIndexes].join(", ") || "no index"}; ${rollupStatements} statements explained`,
    });
    record({
      name: "rollup seq scans on pull_requests",
      value: prSeqScans,
      unit: "scans",
      note: "EXPLAIN (ANALYZE, BUFFERS), median-size and largest milestone",
    });

    // --- the per-event ledger queries on the big database ---------------------------------------
    const withIssue = prKeys.filter((k) => k.issue !== undefined);
    const evaluatedAt = new Date();
    let newNumber = 900_000;
    const recordFor = (k: {
      installationId: number;
      repositoryId: number;
      number: number;
    }): PullRequestRecord => {
      const repo = repos.find((r) => r.id === k.repositoryId) as SeedRepo;
      const sha = (i: number) => `${k.repositoryId}${k.number}${i}`.padStart(40, "c").slice(-40);
      const cost = BigInt(1_000_000 + Math.floor(random() * 5_000_000));
      return {
        installationId: k.installationId,
        repository: { id: repo.id, owner: repo.owner, name: repo.name },
        number: k.number,
        githubId: String(2_600_000_000 + k.number),
        title: "Fix rounding in EU card payments",
        author: "dev-7",
        state: "open",
        draft: false,
        milestoneNumber: 9,
        headSha: sha(3),
        currency: repo.currency,
        valueComplete: true,
        valueType: "defect",
        worthMicros: 8_000_000_000n,
        budgetMicros: 300_000_000n,
        worthOrigin: "pr",
        budgetOrigin: "pr",
        issue: { owner: repo.owner, repo: repo.name, number: 1 + Math.floor(k.number / 3) },
        costMicros: cost,
        tokens: {
          input: 12_000,
          output: 3_400,
          cacheRead: 180_000,
          cacheWrite: 9_000,
          unspecified: 0,
        },
        commitCount: 3,
        commitsWithCost: 2,
        agentCommitsWithoutCost: 1,
        unpricedModels: [],
        conclusion: "neutral",
        checkRunId: String(30_000_000_000 + k.number),
        evaluatedAt,
        models: [
          {
            model: "anthropic/claude-sonnet-4-5",
            priced: true,
            costMicros: cost,
            tokens: {
              input: 12_000,
              output: 3_400,
              cacheRead: 180_000,
              cacheWrite: 9_000,
              unspecified: 0,
            },
          },
        ],
        commits: [1, 2, 3].map((i) => ({
          sha: sha(i),
          costSource: i < 3 ? "agent-cost" : "none",
          costMicros: i < 3 ? cost / 2n : 0n,
          ...(i <= 3 ? { agent: "claude-code" } : {}),
          agentWithoutCost: i === 3,
        })),
        linkedIssues: [
          { owner: repo.owner, repo: repo.name, number: 1 + Math.floor(k.number / 3) },
        ],
      };
    };
    const perEvent: [string, (db: Queryable) => Promise<unknown>][] = [
      [
        "record PR, re-evaluated (recordPullRequest)",
        (db) => recordPullRequest(db, recordFor(pick(prKeys))),
      ],
      [
        "record PR, new (recordPullRequest)",
        (db) => {
          const r = pick(repos);
          return recordPullRequest(
            db,
            recordFor({
              installationId: r.installationId,
              repositoryId: r.id,
              number: newNumber++,
            }),
          );
        },
      ],
      [
        "the evaluation's ledger read: our run and the work item's spend (readEvaluationState)",
        (db) => {
          const k = pick(withIssue);
          return readEvaluationState(db, {
            installationId: k.installationId,
            repositoryId: k.repositoryId,
            number: k.number,
            workItem: k.issue as NonNullable<typeof k.issue>,
          });
        },
      ],
      [
        "milestone upsert (upsertMilestone)",
        (db) => {
          const m = pick(ms);
          return upsertMilestone(db, {
            installationId: m.installationId,
            repository: m.repository,
            number: m.milestoneNumber,
            title: m.title,
            state: "open",
            dueOn: new Date(now.getTime() + 10 * DAY_MS),
            budget: { micros: 5_000_000_000n, currency: m.currency },
          });
        },
      ],
      [
        "rollup post (readRollupPost)",
        (db) => {
          const m = pick(ms);
          return readRollupPost(db, {
            installationId: m.installationId,
            repositoryId: m.repository.id,
            milestoneNumber: m.milestoneNumber,
          });
        },
      ],
      [
        "milestone currency (milestoneCurrency)",
        (db) => {
          const m = pick(ms);
          return milestoneCurrency(db, {
            repositoryId: m.repository.id,
            milestoneNumber: m.milestoneNumber,
          });
        },
      ],
      [
        "milestone by title (findMilestoneByTitle)",
        (db) => {
          const m = pick(ms);
          return findMilestoneByTitle(db, {
            installationId: m.installationId,
            repositoryId: m.repository.id,
            title: m.title,
          });
        },
      ],
    ];
    const bigSeqScans: string[] = [];
    for (const [name, fn] of perEvent) {
      const times = await sample(scale.samples, () => fn(pool));
      const rec = recording(pool);
      await fn(rec.db);
      const scans: string[] = [];
      const plans = await explainAll(explainClient, rec.statements, indexTable);
      for (const [i, statement] of rec.statements.entries()) {
        const plan = plans[i] as PlanSummary;
        const big = plan.seqScans.filter((t) => BIG_TABLES.includes(t));
        if (big.length > 0) {
          bigSeqScans.push(`${name}: ${big.join(", ")}`);
          log(`-- ${name}: ${firstLine(statement.text)}\n${plan.text}`);
        }
        scans.push(
          `${firstLine(statement.text).slice(0, 40)}… ${describeScans(plan) || "no scan"} (${executionTime(plan)})`,
        );
      }
      log(`${name}: ${rec.statements.length} statements:\n    ${scans.join("\n    ")}`);
      record({
        name: `${name} p50`,
        value: median(times),
        unit: "ms",
        note: `${rec.statements.length} statements`,
      });
      record({ name: `${name} p95`, value: percentile(times, 95), unit: "ms" });
    }
    // as the app writes a record (ledger-sync.ts): one transaction whose commit does not wait for
    // the disk (the queue redoes it after a database crash)
    const inTransaction = await sample(scale.samples, () =>
      withTransaction(pool, (db) => recordPullRequest(db, recordFor(pick(prKeys))), {
        waitForDisk: false,
      }),
    );
    record({
      name: "record PR, re-evaluated, as the app writes it p50",
      value: median(inTransaction),
      unit: "ms",
      note: `p95 ${percentile(inTransaction, 95).toFixed(2)} ms; one transaction, commit not waiting for the disk (the rows above: each statement committed on its own)`,
    });
    record({
      name: "per-event seq scans on big tables",
      value: bigSeqScans.length,
      unit: "statements",
      note: bigSeqScans.join("; ") || "every per-event statement uses an index",
    });
  } finally {
    explainClient.release();
  }

  // --- last, as it deletes: an uninstall (installation.deleted) of a median-size installation ---
  const installations = (
    await pool.query<{ id: string; prs: string }>(
      `SELECT installation_id::text AS id, count(*)::text AS prs FROM pull_requests
       GROUP BY 1 ORDER BY count(*), 1`,
    )
  ).rows;
  const victim = installations[Math.floor(installations.length / 2)];
  if (victim !== undefined) {
    const rowsBefore = await countRows(pool);
    const ms = await timeAsync(() => deleteInstallation(pool, Number(victim.id)));
    record({
      name: "uninstall (deleteInstallation)",
      value: ms,
      unit: "ms",
      note: `an installation with ${victim.prs} PRs: ${rowsBefore - (await countRows(pool))} rows deleted, one sample`,
    });
  }
}

async function countRows(pool: pg.Pool): Promise<number> {
  const tables = ["installations", "repositories", "milestones", "rollup_posts", ...BIG_TABLES];
  const { rows } = await pool.query<{ n: string }>(
    `SELECT (${tables.map((t) => `(SELECT count(*) FROM ${t})`).join(" + ")})::text AS n`,
  );
  return Number(rows[0]?.n ?? 0);
}

function describeScans(plan: PlanSummary): string {
  return [
    ...plan.indexes.map((i) => `${i.table} via ${i.index}`),
    ...plan.seqScans.map((t) => `SEQ SCAN ${t}`),
  ].join(", ");
}

const executionTime = (plan: PlanSummary): string =>
  /Execution Time: ([\d.]+ ms)/.exec(plan.text)?.[1] ?? "?";
