/**
 * Figure 6: memory of the app as a real process (`node dist/server.js`, what `npm start` runs)
 * against a fake GitHub on 127.0.0.1: the peak RSS while it evaluates a 5,000-commit PR (Linux's
 * VmHWM, reset just before through /proc/<pid>/clear_refs), and the RSS and V8 heap after 1,000
 * deliveries and after 10,000 (no growth: no leak). On PostgreSQL, and separately on PGlite (its
 * WebAssembly PostgreSQL lives in the same process).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppProcess, sendDelivery, startAppProcess } from "../../test/helpers/app-process.js";
import { readCorpus } from "../../test/helpers/corpus.js";
import { FakeGitHub, type FakePullRequest } from "../../test/helpers/fake-github/index.js";
import { APP_ID } from "../../test/helpers/probot.js";
import { pullRequestPayload } from "../../test/helpers/webhook-payloads.js";
import type { BenchContext } from "./common.js";
import { BODY, makeCommits, OWNER, REPO, REPO_ID, sha } from "./overhead.js";
import { ensureBuilt, freshPostgresDatabase, procMemory } from "./process.js";

/** Commits per PR in the many-deliveries run (small PRs, each delivery a new head commit). */
const SMALL_PR_COMMITS = 20;
/** Distinct PRs the deliveries cycle through, each in its own installation. */
const SMALL_PRS = 200;
/**
 * Deliveries in flight at once (different PRs). The app's pacing spaces an installation's
 * writes 1 s apart (GitHub's secondary limits): deliveries spend most of their time waiting, so
 * many run at once, over many installations.
 */
const CONCURRENCY = 32;
const FIRST_INSTALLATION = 5000;

/**
 * Preloaded into the app (`--require`) only to measure it: a full GC on SIGUSR2, so the heap and
 * RSS compared across the run are what is live, not garbage not yet collected.
 */
const GC_ON_SIGNAL = `const v8 = require("node:v8");
const vm = require("node:vm");
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");
process.on("SIGUSR2", () => gc());
`;

/** Reset the process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0). */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** The app's V8 heap in use (MB), from its Prometheus metrics. */
async function heapUsedMb(app: AppProcess): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const match = /^cost_value_nodejs_heap_size_used_bytes\s+([0-9.e+]+)/m.exec(text);
  return match ? Number(match[1]) / 2 ** 20 : Number.NaN;
}

interface Snapshot {
  rssMb: number;
  heapMb: number;
}

/** Memory after a moment idle (timers and pending writes settled) and a full GC. */
async function settle(app: AppProcess, ms: number): Promise<Snapshot> {
  await new Promise((r) => setTimeout(r, ms));
  process.kill(app.pid, "SIGUSR2");
  await new Promise((r) => setTimeout(r, 300));
  const heapMb = await heapUsedMb(app);
  return { rssMb: procMemory(app.pid)?.rssMb ?? Number.NaN, heapMb };
}

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

class Deliverer {
  sent = 0;
  /** Answers other than 200, by status (202: Probot's 9 s deadline passed, work went on). */
  readonly other = new Map<number, number>();
  readonly #prs: FakePullRequest[] = [];

  constructor(
    readonly github: FakeGitHub,
    readonly app: AppProcess,
    corpus: readonly string[],
  ) {
    for (let i = 0; i < SMALL_PRS; i++) {
      const commits = makeCommits(SMALL_PR_COMMITS, corpus);
      this.#prs.push(
        github.addPullRequest({
          owner: OWNER,
          repo: REPO,
          number: 100 + i,
          body: BODY,
          headSha: commits.at(-1)?.sha ?? "",
          commits,
        }),
      );
    }
  }

  /** A push to `pr` (a new head commit) delivered as `pull_request.synchronize`. */
  async push(
    pr: FakePullRequest,
    installationId = FIRST_INSTALLATION + pr.number,
  ): Promise<number> {
    const last = pr.commits.at(-1);
    if (last === undefined) throw new Error("a PR without commits");
    last.sha = sha();
    pr.headSha = last.sha;
    const payload = pullRequestPayload("synchronize", {
      owner: OWNER,
      repo: REPO,
      repoId: REPO_ID,
      number: pr.number,
      headSha: pr.headSha,
      body: BODY,
    });
    payload.installation = { id: installationId };
    this.sent++;
    const { status } = await sendDelivery({
      url: this.app.url,
      secret: this.app.secret,
      event: "pull_request",
      deliveryId: `bench-memory-${this.sent}`,
      payload,
    });
    if (status !== 200) this.other.set(status, (this.other.get(status) ?? 0) + 1);
    return status;
  }

  /** `count` deliveries over the small PRs, CONCURRENCY at a time (never two on one PR). */
  async many(count: number): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        const pr = this.#prs[i % this.#prs.length];
        if (pr !== undefined) await this.push(pr);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));
    this.#forget();
  }

  /** Keep the fake's records small: this process's memory is not what is measured. */
  #forget(): void {
    this.github.requests.length = 0;
    this.github.appRequests.length = 0;
    for (const run of this.github.checkRuns) {
      run.writes.length = 0;
      delete run.output;
    }
  }
}

async function measure(
  ctx: BenchContext,
  label: string,
  env: Record<string, string>,
  corpus: readonly string[],
  preload: string,
): Promise<void> {
  const { quick, record, log } = ctx;
  // the big PR's 50 GraphQL pages (queries: not paced like writes since issue 13)
  const bigCommits = quick ? 300 : 5000;
  const warm = quick ? 30 : 1000;
  const total = quick ? 90 : 10_000;
  const checkpoints = quick ? 2 : 9;
  const settleMs = quick ? 500 : 2_000;

  const github = new FakeGitHub();
  github.addRepo(OWNER, REPO, {}, REPO_ID);
  github.addIssue({ owner: OWNER, repo: REPO, number: 1, body: "The linked issue." });
  const server = await github.serve();
  let app: AppProcess | undefined;
  try {
    app = await startAppProcess({
      github: server.url,
      entry: "dist/server.js",
      appId: APP_ID,
      env: { NODE_ENV: "production", NODE_OPTIONS: `--require ${preload}`, ...env },
      readyPath: "/readyz",
      timeoutMs: 180_000,
    });
    const idle = await settle(app, settleMs);
    const startPeak = procMemory(app.pid)?.peakMb ?? Number.NaN;
    record({
      name: `${label}: RSS idle after start`,
      value: idle.rssMb,
      unit: "MB",
      note: `peak during start-up ${startPeak.toFixed(0)} MB; heap ${idle.heapMb.toFixed(1)} MB`,
    });

    // one big PR: the peak while it is read (50 GraphQL pages), evaluated, rendered, recorded
    const deliverer = new Deliverer(github, app, corpus);
    const commits = makeCommits(bigCommits, corpus);
    const big = github.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 1,
      body: BODY,
      headSha: commits.at(-1)?.sha ?? "",
      commits,
    });
    const reset = resetPeak(app.pid);
    const atReset = procMemory(app.pid)?.rssMb ?? Number.NaN;
    const start = performance.now();
    const status = await deliverer.push(big);
    // after 9 s Probot answers 202 and carries on: wait for the check run itself
    while (!github.checkRuns.some((r) => r.head_sha === big.headSha && r.status === "completed")) {
      if (performance.now() - start > 300_000)
        throw new Error(`${label}: the big PR was not evaluated`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - start) / 1000;
    const peak = procMemory(app.pid)?.peakMb ?? Number.NaN;
    record({
      name: `${label}: peak RSS, ${bigCommits}-commit PR`,
      value: peak,
      unit: "MB",
      note: `${reset ? "VmHWM reset before the delivery" : "VmHWM since start (reset refused)"}; evaluated in ${seconds.toFixed(1)} s, HTTP ${status}${label.startsWith("PostgreSQL") ? "; target < 200 MB" : ""}`,
    });
    record({
      name: `${label}: peak over RSS before it, ${bigCommits}-commit PR`,
      value: peak - atReset,
      unit: "MB",
    });

    // many deliveries: RSS and heap after `warm`, then at checkpoints up to `total`
    log(`${label}: ${warm} warm-up deliveries, then up to ${total}`);
    await deliverer.many(warm);
    const after = await settle(app, settleMs);
    resetPeak(app.pid);
    const points = [{ x: warm, y: after.heapMb }];
    const step = (total - warm) / checkpoints;
    let done = warm;
    let last = after;
    while (done < total) {
      const n = Math.min(Math.round(step), total - done);
      await deliverer.many(n);
      done += n;
      last = await settle(app, settleMs);
      points.push({ x: done, y: last.heapMb });
      log(
        `${label}: ${done} deliveries, RSS ${last.rssMb.toFixed(0)} MB, heap ${last.heapMb.toFixed(1)} MB`,
      );
    }
    record({
      name: `${label}: RSS after ${warm} deliveries`,
      value: after.rssMb,
      unit: "MB",
      note: `heap ${after.heapMb.toFixed(1)} MB; PRs of ${SMALL_PR_COMMITS} commits, ${CONCURRENCY} at a time`,
    });
    record({
      name: `${label}: RSS after ${total} deliveries`,
      value: last.rssMb,
      unit: "MB",
      note: `heap ${last.heapMb.toFixed(1)} MB; ${deliverer.sent} deliveries, not 200: ${[...deliverer.other].map(([status, n]) => `${n}× HTTP ${status}`).join(", ") || "none"}`,
    });
    record({
      name: `${label}: peak RSS, deliveries ${warm} → ${total}`,
      value: procMemory(app.pid)?.peakMb ?? Number.NaN,
      unit: "MB",
      note: `${CONCURRENCY} in flight`,
    });
    record({
      name: `${label}: heap growth ${warm} → ${total}`,
      value: last.heapMb - after.heapMb,
      unit: "MB",
      note: "V8 heap in use after a full GC",
    });
    record({
      name: `${label}: RSS growth ${warm} → ${total}`,
      value: last.rssMb - after.rssMb,
      unit: "MB",
    });
    record({
      name: `${label}: heap trend`,
      value: slope(points) * 1000 * 1024,
      unit: "KB per 1,000 deliveries",
      note: `least squares over ${points.length} checkpoints; heap ${after.heapMb.toFixed(1)} → ${last.heapMb.toFixed(1)} MB`,
    });
  } catch (error) {
    throw new Error(
      `${label}: ${(error as Error).message}${app ? `\n${app.output().slice(-4_000)}` : ""}`,
    );
  } finally {
    await app?.stop();
    await server.close();
  }
}

export async function run(ctx: BenchContext): Promise<void> {
  const stale = ensureBuilt(ctx.log);
  if (stale !== undefined) ctx.log(stale);
  const corpus = readCorpus().map((c) => c.message);
  const dir = mkdtempSync(join(tmpdir(), "cv-bench-memory-"));
  const preload = join(dir, "gc-on-signal.cjs");
  writeFileSync(preload, GC_ON_SIGNAL);
  try {
    if (ctx.databaseUrl !== undefined) {
      const db = await freshPostgresDatabase(ctx.databaseUrl);
      try {
        await measure(ctx, "PostgreSQL", { DATABASE_URL: db.url }, corpus, preload);
      } finally {
        await db.drop();
      }
    } else {
      ctx.log("no PostgreSQL reachable: PostgreSQL memory not measured");
      ctx.record({
        name: "PostgreSQL: peak RSS",
        value: Number.NaN,
        unit: "MB",
        note: "no PostgreSQL",
      });
    }
    // a fresh PGlite directory (app-process makes and removes it); its initdb alone takes ~10 s,
    // so the quick run (CI) measures PGlite only when there is no PostgreSQL
    if (!ctx.quick || ctx.databaseUrl === undefined) {
      await measure(ctx, "PGlite", {}, corpus, preload);
    } else {
      ctx.log("quick: PGlite memory is measured in the full run only");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
