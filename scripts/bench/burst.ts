/**
 * A burst on one installation (issue 13): N `pull_request.opened` deliveries for N PRs of one
 * repository of one installation, all at once (a bot opening a batch of PRs), PRs without a
 * milestone (no rollup), then again with every PR in one milestone (how often the rollup comment
 * is written). The app is built as `npm start` builds it: `productionApp` (NODE_ENV production,
 * its durable queue and ledger on a fresh PostgreSQL database when one is reachable, else PGlite
 * in memory) in a Probot with `Octokit: CostValueOctokit` — GitHub's pacing on, the
 * production retry policy (15 s per attempt) — and real app authentication (a throwaway key)
 * against the fake GitHub over HTTP on 127.0.0.1 (test/helpers/fake-github, no added
 * latency). Deliveries go through `probot.receive` in this process, so the pacer's own figures can
 * be read. One delivery on another installation warms the process up first.
 *
 * Figures per N: seconds from sending the deliveries to the last check run reaching GitHub, beside
 * the lower bound GitHub's pacing of content-creating requests allows (writes ÷ 1 per second);
 * completed checks; lines logged at level error; GitHub requests per evaluation (reads: GraphQL
 * and REST GETs; writes: creates and updates); the longest time a request waited for its slot.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { Probot } from "probot";
import { productionApp } from "../../src/github/app.js";
import { Lifecycle } from "../../src/github/lifecycle.js";
import { Metrics } from "../../src/github/metrics.js";
import { CostValueOctokit } from "../../src/github/octokit.js";
import { installationKey, pacerFor } from "../../src/github/pacing.js";
import {
  commitsOf,
  FakeGitHub,
  type FakeGitHubServer,
} from "../../test/helpers/fake-github/index.js";
import { APP_ID, throwawayPrivateKey } from "../../test/helpers/probot.js";
import { pullRequestPayload } from "../../test/helpers/webhook-payloads.js";
import type { BenchContext } from "./common.js";
import { freshPostgresDatabase } from "./process.js";

const BODY =
  "Speeds up checkout.\n\n## Value\n\nIssue: #1\nType: defect\nWorth: $8,000\nBudget: $300\n";
const SECRET = "bench-burst-secret";

interface BurstResult {
  n: number;
  /** The PRs were in one milestone (rollup comment writes counted). */
  milestone: boolean;
  /** Rollup comment writes (creates and edits) and issue creates, once the last edit landed. */
  rollupCommentWrites: number;
  rollupIssueCreates: number;
  /** From the last check run to the rollup edit with the final totals. */
  finalRollupSeconds: number;
  /** From sending the deliveries to the last check run reaching GitHub. */
  lastCheckSeconds: number;
  /** From the first check run reaching GitHub to the last. */
  spanSeconds: number;
  /** Until every delivery's handler returned. */
  handledSeconds: number;
  writes: number;
  reads: number;
  /** GraphQL requests (among the reads). */
  queries: number;
  completed: number;
  errors: number;
  failedDeliveries: number;
  maxWaitMs: { write: number; query: number; read: number };
}

/** One burst of `n` deliveries on a fresh installation, in a fresh app with its own database. */
async function burst(
  ctx: BenchContext,
  n: number,
  installation: number,
  milestone = false,
): Promise<BurstResult & { database: string }> {
  const github = new FakeGitHub();
  let server: FakeGitHubServer | undefined;
  const lifecycle = new Lifecycle();
  const database =
    ctx.databaseUrl !== undefined
      ? await freshPostgresDatabase(ctx.databaseUrl, `cv_bench_burst_${process.pid}`)
      : undefined;
  let errors = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim() === "") continue;
        const { level } = JSON.parse(line) as { level: number };
        if (level >= 50) errors++;
      }
      done();
    },
  });
  try {
    server = await github.serve();
    const owner = `burst${n}`;
    const warmOwner = `warm${n}`;
    const heads: string[] = [];
    for (const [who, id, count] of [
      [owner, installation, n],
      [warmOwner, installation + 1, 1],
    ] as const) {
      github.addRepo(who, "shop", {}, id);
      github.addIssue({
        owner: who,
        repo: "shop",
        number: 1,
        body: "Checkout fails for EU cards.",
      });
      for (let i = 0; i < count; i++) {
        const commits = commitsOf(3, (c) => `Work ${c}\n\nAgent-Cost: 0.${c + 1}0 USD\n`);
        const headSha = commits.at(-1)?.sha ?? "";
        github.addPullRequest({
          owner: who,
          repo: "shop",
          number: 10 + i,
          body: BODY,
          headSha,
          commits,
          closingIssues: [{ number: 1 }],
          ...(milestone && who === owner
            ? { milestone: { number: 1, title: "Sprint 12", state: "OPEN" as const } }
            : {}),
        });
        if (who === owner) heads.push(headSha);
      }
    }
    const creates: number[] = [];
    github.onRequest = (r) => {
      if (r.endpoint === "create" && r.credential.startsWith(`ghs_fake_${installation}_`)) {
        creates.push(performance.now());
      }
    };
    const env: Record<string, string> = {
      APP_ID: String(APP_ID),
      NODE_ENV: "production",
      WEBHOOK_SECRET: SECRET,
      ...(database !== undefined
        ? { DATABASE_URL: database.url }
        : { COST_VALUE_DATA_DIR: "memory://" }),
    };
    const probot = new Probot({
      appId: APP_ID,
      privateKey: throwawayPrivateKey(),
      secret: SECRET,
      baseUrl: server.restUrl,
      Octokit: CostValueOctokit,
      log: pino({ level: "info" }, sink),
    });
    await probot.load(productionApp({ env, lifecycle, metrics: new Metrics() }));
    let deliveries = 0;
    const opened = (who: string, id: number, number: number) => {
      const headSha = github.pulls.get(`${who}/shop#${number}`)?.headSha ?? "";
      const payload = pullRequestPayload(
        "opened",
        { owner: who, repo: "shop", repoId: id, number, headSha, body: BODY },
        { installation: { id, node_id: `inst-${id}` } },
      );
      return probot.receive({
        id: `bench-burst-${n}-${++deliveries}`,
        name: "pull_request",
        payload,
      } as never);
    };

    await opened(warmOwner, installation + 1, 10);
    github.reset();

    const started = performance.now();
    const settled = await Promise.allSettled(
      heads.map((_, i) => opened(owner, installation, 10 + i)),
    );
    const handledSeconds = (performance.now() - started) / 1000;
    const last = Math.max(...creates);
    // each PR costs $0.60 (0.10 + 0.20 + 0.30): the rollup is final when it shows N × $0.60
    let finalRollupSeconds = Number.NaN;
    if (milestone) {
      const spend = `**Investment \\$${(0.6 * n).toFixed(2)}**`;
      const until = Date.now() + 120_000;
      while (Date.now() < until) {
        if (github.comments.some((c) => c.body.includes(spend))) {
          finalRollupSeconds = (performance.now() - last) / 1000;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const count = github.count();
    const runs = github.checkRuns.filter((r) => heads.includes(r.head_sha));
    const stats = pacerFor(installationKey(installation)).stats;
    const rollupComments = github.requests.filter(
      (r) => r.method !== "GET" && /\/issues\/(\d+\/)?comments/.test(r.path),
    ).length;
    const rollupIssues = github.requests.filter(
      (r) => r.method === "POST" && /\/issues$/.test(r.path),
    ).length;
    const result = {
      n,
      milestone,
      rollupCommentWrites: rollupComments,
      rollupIssueCreates: rollupIssues,
      finalRollupSeconds,
      lastCheckSeconds: creates.length > 0 ? (last - started) / 1000 : Number.NaN,
      spanSeconds: creates.length > 0 ? (last - Math.min(...creates)) / 1000 : Number.NaN,
      handledSeconds,
      writes: count.writes - rollupComments - rollupIssues,
      reads: count.reads,
      queries: github.endpointCounts.get("graphql") ?? 0,
      completed: new Set(runs.filter((r) => r.status === "completed").map((r) => r.head_sha)).size,
      errors,
      failedDeliveries: settled.filter((s) => s.status === "rejected").length,
      maxWaitMs: {
        write: stats.maxWaitMs.write,
        query: stats.maxWaitMs.query,
        read: stats.maxWaitMs.read,
      },
      database: database !== undefined ? "PostgreSQL" : "PGlite in memory",
    };
    ctx.log(
      `N=${n}: last check after ${result.lastCheckSeconds.toFixed(1)} s (handlers ${handledSeconds.toFixed(1)} s), ${result.completed}/${n} completed, ${errors} errors, ${count.reads} reads and ${count.writes} writes, longest wait ${(result.maxWaitMs.write / 1000).toFixed(1)} s (write)`,
    );
    return result;
  } finally {
    await lifecycle.shutdown(10_000);
    await server?.close();
    await database?.drop();
  }
}

export async function run(ctx: BenchContext): Promise<void> {
  const sizes = ctx.quick ? [5] : [20, 50];
  for (const [i, n] of sizes.entries()) {
    const r = await burst(ctx, n, 880_000 + i * 10);
    record(ctx, r);
  }
  // the same bursts with every PR in one milestone: how often the rollup comment is written
  for (const [i, n] of sizes.entries()) {
    const r = await burst(ctx, n, 890_000 + i * 10, true);
    ctx.record({
      name: `N=${n} in one milestone: rollup comment writes`,
      value: r.rollupCommentWrites,
      unit: "writes",
      note: `creates and edits of the milestone's rollup comment over the whole burst (target ≤ 3 for 20 PRs; one per evaluation without coalescing: ${n}); plus ${r.rollupIssueCreates} rollup issue created; quiet 5 s, at most 30 s after the first mark (the defaults)`,
    });
    ctx.record({
      name: `N=${n} in one milestone: final totals after the last check`,
      value: r.finalRollupSeconds,
      unit: "s",
      note: `until the rollup comment showed the spend of all ${n} PRs (the milestone's quiet time is 5 s)`,
    });
    ctx.record({
      name: `N=${n} in one milestone: seconds to the last completed check`,
      value: r.lastCheckSeconds,
      unit: "s",
      note: `${r.completed} of ${n} completed, ${r.errors} errors logged; ${r.writes} check writes`,
    });
  }
}

function record(ctx: BenchContext, r: BurstResult & { database: string }): void {
  {
    // one block per burst, as the figures of each N were printed before
    const n = r.n;
    const bound = r.writes; // content-creating requests ÷ 1 per second
    const where = `${n} simultaneous pull_request.opened on one installation (${n} PRs of one repository, no milestone); productionApp + CostValueOctokit (pacing on, 15 s per attempt), real app auth, ${r.database}, fake GitHub on 127.0.0.1`;
    ctx.record({
      name: `N=${n}: seconds to the last completed check`,
      value: r.lastCheckSeconds,
      unit: "s",
      note: `${where}; every handler returned after ${r.handledSeconds.toFixed(1)} s${r.failedDeliveries > 0 ? `; ${r.failedDeliveries} deliveries failed` : ""}`,
    });
    ctx.record({
      name: `N=${n}: lower bound from GitHub's write pacing`,
      value: bound,
      unit: "s",
      note: `${r.writes} content-creating requests ÷ 1 per second (GitHub: ≥ 1 s between an installation's writes; strictly (writes − 1) s after the first write, which can go out at once, so a run can end slightly under it); with the ${r.queries} GraphQL queries paced as writes too (Octokit's throttling plugin), ${r.writes + r.queries} s`,
    });
    ctx.record({
      name: `N=${n}: first to last check`,
      value: r.spanSeconds,
      unit: "s",
      note: `the pacer starts ${r.writes} writes ≥ 1 s apart: ≥ ${r.writes - 1} s between the first and the last start (arrivals at the fake GitHub jitter by a few ms)`,
    });
    ctx.record({
      name: `N=${n}: completed checks`,
      value: r.completed,
      unit: `of ${n}`,
    });
    ctx.record({
      name: `N=${n}: errors logged`,
      value: r.errors,
      unit: "lines",
      note: "pino level ≥ 50 (error), e.g. 'cost-value: evaluation failed'",
    });
    ctx.record({
      name: `N=${n}: GitHub reads per evaluation`,
      value: r.reads / n,
      unit: "requests",
      note: "installation-authenticated: the GraphQL read (and REST GETs); token exchanges not counted",
    });
    ctx.record({
      name: `N=${n}: GitHub writes per evaluation`,
      value: r.writes / n,
      unit: "requests",
      note: "check-run creates and updates",
    });
    ctx.record({
      name: `N=${n}: longest wait for the limiter`,
      value: Math.max(r.maxWaitMs.write, r.maxWaitMs.query, r.maxWaitMs.read) / 1000,
      unit: "s",
      note: `by kind: write ${(r.maxWaitMs.write / 1000).toFixed(1)} s, GraphQL query ${(r.maxWaitMs.query / 1000).toFixed(2)} s, REST read ${(r.maxWaitMs.read / 1000).toFixed(2)} s; not part of any request's timeout`,
    });
  }
}
