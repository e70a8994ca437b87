/**
 * Figure 3: signed deliveries per second through the real HTTP server process — `node
 * dist/server.js`, what `npm start` runs (built first when dist/ is older than src/; `--quick`
 * runs src/server.ts with tsx instead), with
 * NODE_ENV=production, its durable queue and ledger on a fresh PostgreSQL database (dropped at the
 * end), real app authentication — against the fake GitHub on 127.0.0.1
 * (test/helpers/fake-github, no added latency).
 *
 * Each delivery is a `pull_request.synchronize` with a new head commit (one GraphQL read, one
 * check-run create, the ledger's writes), round-robin over many installations (one repository and
 * two PRs each), so no installation has two deliveries in flight. A fixed number of deliveries is
 * kept in flight for a fixed time; then the work still running is waited for. An evaluation is
 * done when its check run reaches the fake GitHub (Probot answers 202 after 9 s and carries on).
 * Measured: evaluations/s, answer latency, the app process's CPU time per delivery
 * (/proc/<pid>/stat utime+stime), and GitHub write pacing. Baseline in the same run and process:
 * signed `ping` deliveries (signature check and Probot's dispatch, no handler), same concurrency.
 *
 * GitHub's pacing (on in production: the app's pacer, `pacing.ts`) starts an installation's
 * writes ≥ 1 s apart, so one installation gets ≤ 1 evaluation per second; GraphQL queries are not
 * paced (before issue 13 Octokit's throttling plugin paced them too, and the whole app at ~0.5/s
 * when every event's Octokit shared one throttle id: the write-gap figure still reports that).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { type AppProcess, sendDelivery, startAppProcess } from "../../test/helpers/app-process.js";
import {
  FakeGitHub,
  type FakeGitHubServer,
  type FakePullRequest,
} from "../../test/helpers/fake-github/index.js";
import { APP_ID } from "../../test/helpers/probot.js";
import { pullRequestPayload } from "../../test/helpers/webhook-payloads.js";
import { type BenchContext, median, percentile } from "./common.js";
import { ensureBuilt, freshPostgresDatabase } from "./process.js";

const BODY =
  "Speeds up checkout.\n\n## Value\n\nIssue: #1\nType: defect\nWorth: $8,000\nBudget: $300\n";
const PRS_PER_INSTALLATION = 2;
const SECRET = "bench-throughput-secret";

let shas = 0;
const sha = (): string => `d${(++shas).toString(16).padStart(39, "0")}`;

function clockTicks(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** CPU milliseconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuMs(pid: number, ticks: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // after "pid (comm) ": field 3 (state) is index 0, utime (14) index 11, stime (15) index 12
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
}

interface Target {
  installationId: number;
  owner: string;
  repo: string;
  repoId: number;
  pr: FakePullRequest;
}

interface Phase {
  /** Keep `concurrency` deliveries in flight this long (or until `maxDeliveries` were sent). */
  windowMs: number;
  maxDeliveries: number;
  concurrency: number;
  /** Then wait at most this long for the work still running. */
  drainMs: number;
  make: (i: number) => { event: string; payload: unknown };
  /** Deliveries whose work is done so far (counted from 0 at the start of the phase). */
  done: () => number;
}

interface PhaseResult {
  sent: number;
  completed: number;
  seconds: number;
  perSecond: number;
  cpuMsPerDelivery: number;
  p50: number;
  p95: number;
  statuses: Map<number, number>;
  drained: boolean;
}

async function runPhase(app: AppProcess, ticks: number, phase: Phase): Promise<PhaseResult> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let sent = 0;
  const cpuBefore = cpuMs(app.pid, ticks);
  const started = performance.now();
  const worker = async () => {
    while (performance.now() - started < phase.windowMs && sent < phase.maxDeliveries) {
      const i = sent++;
      const { event, payload } = phase.make(i);
      const t = performance.now();
      const answer = await sendDelivery({
        url: app.webhookUrl,
        secret: SECRET,
        event,
        deliveryId: `bench-${event}-${i}-${process.pid}-${Math.round(started)}`,
        payload,
      }).catch(() => ({ status: 0, body: "" }));
      latencies.push(performance.now() - t);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: phase.concurrency }, worker));
  const drainUntil = performance.now() + phase.drainMs;
  while (phase.done() < sent && performance.now() < drainUntil) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const completed = Math.min(sent, phase.done());
  return {
    sent,
    completed,
    seconds,
    perSecond: completed / seconds,
    cpuMsPerDelivery: (cpuMs(app.pid, ticks) - cpuBefore) / Math.max(1, completed),
    p50: median(latencies),
    p95: percentile(latencies, 95),
    statuses,
    drained: completed >= sent,
  };
}

const statusNote = (r: PhaseResult): string =>
  [...r.statuses].map(([status, n]) => `${n}× ${status === 0 ? "no answer" : status}`).join(", ");

export async function run(ctx: BenchContext): Promise<void> {
  const cores = availableParallelism();
  const machine = `${cores} cores shared by the load generator, the fake GitHub (one process) and the app`;
  if (ctx.databaseUrl === undefined) {
    ctx.record({
      name: "evaluations/s",
      value: Number.NaN,
      unit: "deliveries/s",
      note: "n/a: no PostgreSQL reachable (set BENCH_DATABASE_URL or DATABASE_URL)",
    });
    return;
  }
  // quick: few installations, so warming up (a token exchange each) stays short even when the
  // whole app's writes are paced 1 s apart
  const settings = ctx.quick
    ? {
        installations: 4,
        concurrency: 4,
        warmupMs: 15_000,
        pingMs: 2_000,
        windowMs: 4_000,
        drainMs: 10_000,
      }
    : {
        // enough installations and deliveries in flight that the app, not GitHub's pacing of
        // each installation (≥ 1 s per evaluation), sets the rate: 64 in flight gave 60/s bound
        // by pacing; 256 gave 199/s and 768 gave 201/s (answers 3.7 s): saturated
        installations: 1000,
        concurrency: 256,
        warmupMs: 120_000,
        pingMs: 15_000,
        windowMs: 45_000,
        drainMs: 90_000,
      };
  const ticks = clockTicks();
  // the full run measures what `npm start` runs (dist/, built when older than src/); the quick one
  // runs src/server.ts with tsx rather than spend a build
  const built = ctx.quick ? undefined : ensureBuilt(ctx.log);
  const entry = ctx.quick ? "src/server.ts" : "dist/server.js";
  const runs = ctx.quick ? "node --import tsx src/server.ts" : "node dist/server.js";

  const github = new FakeGitHub();
  const targets: Target[] = [];
  for (let i = 0; i < settings.installations; i++) {
    const owner = `org${i}`;
    const repoId = 10_000 + i;
    github.addRepo(owner, "shop", {}, repoId);
    github.addIssue({ owner, repo: "shop", number: 1, body: "Checkout fails for EU cards." });
    for (let n = 1; n <= PRS_PER_INSTALLATION; n++) {
      const commits = Array.from({ length: 5 }, (_, c) => ({
        sha: sha(),
        message: `Work ${c}\n\nAgent-Cost: 0.${c + 1}0 USD\n`,
        author: { name: "Dev", email: "dev@example.com", login: "dev" },
      }));
      const pr = github.addPullRequest({
        owner,
        repo: "shop",
        number: 10 + n,
        body: BODY,
        headSha: commits.at(-1)?.sha ?? "",
        commits,
        closingIssues: [{ number: 1 }],
      });
      targets.push({ installationId: 500_000 + i, owner, repo: "shop", repoId, pr });
    }
  }
  // every installation's first PR, then every installation's second: neighbours differ
  targets.sort((a, b) => a.pr.number - b.pr.number || a.installationId - b.installationId);

  /** A push to the i-th target: a new head commit, then its synchronize delivery. */
  const push = (i: number) => {
    const t = targets[i % targets.length] as Target;
    const last = t.pr.commits.at(-1);
    if (last !== undefined) last.sha = sha();
    t.pr.headSha = last?.sha ?? t.pr.headSha;
    const payload = pullRequestPayload("synchronize", {
      owner: t.owner,
      repo: t.repo,
      repoId: t.repoId,
      number: t.pr.number,
      headSha: t.pr.headSha,
      body: BODY,
    });
    payload.installation = { id: t.installationId, node_id: `inst-${t.installationId}` };
    return { event: "pull_request", payload };
  };
  const ping = (i: number) => {
    const t = targets[i % targets.length] as Target;
    return {
      event: "ping",
      payload: {
        zen: "Design for failure.",
        hook_id: 1,
        hook: { type: "App", id: 1, active: true, events: ["pull_request"], app_id: APP_ID },
        installation: { id: t.installationId },
      },
    };
  };

  const database = await freshPostgresDatabase(ctx.databaseUrl, `cv_bench_${process.pid}`);
  let server: FakeGitHubServer | undefined;
  let app: AppProcess | undefined;
  try {
    server = await github.serve();
    // when each check run reaches GitHub, and which installation wrote it
    const creates: { at: number; credential: string }[] = [];
    github.onRequest = (r) => {
      if (r.endpoint === "create")
        creates.push({ at: performance.now(), credential: r.credential });
    };
    app = await startAppProcess({
      entry,
      github: server.url,
      appId: APP_ID,
      secret: SECRET,
      outputLimit: 64 * 1024,
      env: { NODE_ENV: "production", DATABASE_URL: database.url, WEBHOOK_SECRET: SECRET },
    });
    const runsSoFar = () => github.checkRuns.length;

    ctx.log(`app pid ${app.pid}: warm-up (a delivery per PR: token exchanges, JIT)`);
    let base0 = runsSoFar();
    const warm = await runPhase(app, ticks, {
      windowMs: settings.warmupMs,
      maxDeliveries: settings.installations,
      concurrency: settings.concurrency,
      drainMs: settings.drainMs,
      make: push,
      done: () => runsSoFar() - base0,
    });
    const warmedTokens = [...github.tokensIssued.keys()].length;
    ctx.log(
      `warm-up: ${warm.completed}/${settings.installations} evaluations in ${warm.seconds.toFixed(1)} s, ${warmedTokens}/${settings.installations} installation tokens`,
    );

    // what the app burns doing nothing (timers, metrics, pool keep-alive), to take out below
    const idleFrom = cpuMs(app.pid, ticks);
    const idleStarted = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idleMsPerSecond =
      (cpuMs(app.pid, ticks) - idleFrom) / ((performance.now() - idleStarted) / 1000);

    let answered = 0;
    const base = await runPhase(app, ticks, {
      windowMs: settings.pingMs,
      maxDeliveries: Number.POSITIVE_INFINITY,
      concurrency: settings.concurrency,
      drainMs: 0,
      make: (i) => {
        answered++;
        return ping(i);
      },
      done: () => answered,
    });

    base0 = runsSoFar();
    const tokensBefore = [...github.tokensIssued.values()].reduce((a, b) => a + b, 0);
    const createsFrom = creates.length;
    const work = await runPhase(app, ticks, {
      windowMs: settings.windowMs,
      maxDeliveries: Number.POSITIVE_INFINITY,
      concurrency: settings.concurrency,
      drainMs: settings.drainMs,
      make: push,
      done: () => runsSoFar() - base0,
    });
    const workCpu = Math.max(
      0,
      work.cpuMsPerDelivery - (idleMsPerSecond * work.seconds) / Math.max(1, work.completed),
    );
    const tokensDuring =
      [...github.tokensIssued.values()].reduce((a, b) => a + b, 0) - tokensBefore;
    const windowCreates = creates.slice(createsFrom);
    const gaps = windowCreates.slice(1).map((c, i) => c.at - (windowCreates[i]?.at ?? c.at));
    const writers = new Set(windowCreates.map((c) => c.credential)).size;
    const medianGap = median(gaps);
    const appWide = gaps.length >= 3 && medianGap >= 900;
    ctx.log(
      `evaluations ${work.perSecond.toFixed(2)}/s (${work.completed}/${work.sent}), ${workCpu.toFixed(1)} CPU ms (${work.cpuMsPerDelivery.toFixed(1)} with idle); ping ${base.perSecond.toFixed(1)}/s, ${base.cpuMsPerDelivery.toFixed(2)} CPU ms; median gap between check-run writes ${medianGap.toFixed(0)} ms over ${writers} installations`,
    );

    const where = `${work.sent} pull_request.synchronize deliveries over ${settings.installations} installations (${targets.length} PRs), ${settings.concurrency} in flight for ${settings.windowMs / 1000} s, then the rest waited for${work.drained ? "" : ` (${work.sent - work.completed} still unfinished after ${settings.drainMs / 1000} s)`}; answers ${statusNote(work)}; ${tokensDuring} token exchanges during the run; ${runs}, NODE_ENV=production, PostgreSQL; ${machine}${built ? `; ${built}` : ""}`;
    ctx.record({
      name: "evaluations/s",
      value: work.perSecond,
      unit: "deliveries/s",
      note: where,
    });
    ctx.record({
      name: "answer latency p50 (evaluation delivery)",
      value: work.p50,
      unit: "ms",
      note: `p95 ${work.p95.toFixed(0)} ms; Probot answers 202 after 9 s and carries on; an installation's writes are spaced ≥ 1 s apart`,
    });
    ctx.record({
      name: "median gap between check-run writes",
      value: medianGap,
      unit: "ms",
      note: appWide
        ? `writes of ${writers} installations reach GitHub ~1 s apart, one after another: the whole app is paced as one installation, capping it near 1 evaluation/s`
        : `${writers} installations writing; writes are paced per installation, not app-wide`,
    });
    ctx.record({
      name: "app CPU per evaluation delivery",
      value: workCpu,
      unit: "ms",
      note: `utime+stime of the app process (/proc/<pid>/stat, ${1000 / ticks} ms ticks) over the run, less its idle burn (${idleMsPerSecond.toFixed(1)} ms/s measured before), ÷ evaluations finished (${work.cpuMsPerDelivery.toFixed(1)} ms with the idle burn): signature check, Probot, durable queue, read, core, render, write, ledger`,
    });
    ctx.record({
      name: "CPU-bound capacity per core (estimate)",
      value: 1000 / workCpu,
      unit: "deliveries/s",
      note: "1,000 ÷ CPU ms per evaluation: what one core could take were GitHub's pacing and the shared cores not in the way",
    });
    ctx.record({
      name: "baseline: signed ping deliveries/s (no work)",
      value: base.perSecond,
      unit: "deliveries/s",
      note: `same process and concurrency, ${settings.pingMs / 1000} s; ${statusNote(base)}; p50 ${base.p50.toFixed(1)} ms`,
    });
    ctx.record({
      name: "baseline: app CPU per ping delivery",
      value: base.cpuMsPerDelivery,
      unit: "ms",
      note: "signature verification, Probot's routing, its request log line",
    });
    ctx.record({
      name: "ratio: ping deliveries/s ÷ evaluations/s",
      value: base.perSecond / work.perSecond,
      unit: "×",
      note: "set by GitHub request pacing, not by CPU (see the CPU ratio)",
    });
    ctx.record({
      name: "ratio: CPU per evaluation ÷ CPU per ping",
      value: workCpu / base.cpuMsPerDelivery,
      unit: "×",
      note: "what an evaluation costs beyond receiving a delivery at all",
    });
    const failed = [...work.statuses].filter(([s]) => s !== 200 && s !== 202);
    if (failed.length > 0) {
      ctx.log(`unexpected answers: ${statusNote(work)}\n${app.output().slice(-4_000)}`);
    }
  } finally {
    await app?.stop();
    await server?.close();
    await database.drop();
  }
}
