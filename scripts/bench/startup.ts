/**
 * Figure 7: start-up, from spawning what `npm start` runs (`node dist/server.js`) to ready
 * (`GET /readyz` 200, or `GET /ping` 200 when the app has no /readyz): on PostgreSQL (a fresh
 * database, migrated at start-up, and the same database again) and on PGlite (a fresh data
 * directory, initdb included, and an existing one). Baseline: the start-up of a bare Node HTTP
 * server on this machine, measured in the same run. Memory: RSS at ready, and the peak RSS of the
 * server process until then (VmHWM): a fresh PGlite directory peaks far above where it settles
 * (initdb runs in a second WASM instance inside the process).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, throwawayPrivateKey } from "../../test/helpers/probot.js";
import { type BenchContext, median } from "./common.js";
import {
  ensureBuilt,
  freshPostgresDatabase,
  procMemory,
  spawnServer,
  timeNodeProcess,
  waitReady,
} from "./process.js";

const BASELINE = ["-e", "require('http').createServer().listen(0,()=>process.exit(0))"];

interface Start {
  ms: number;
  endpoint: "readyz" | "ping";
  rssMb: number;
  /** The process's peak RSS from spawn to ready (VmHWM). */
  peakMb: number;
}

async function startOnce(env: Record<string, string>, cwd: string): Promise<Start> {
  const port = await freePort();
  const begin = performance.now();
  const server = spawnServer({ ...env, PORT: String(port) }, cwd);
  try {
    const endpoint = await waitReady(port, server.alive);
    const ms = performance.now() - begin;
    const memory = procMemory(server.pid);
    return {
      ms,
      endpoint,
      rssMb: memory?.rssMb ?? Number.NaN,
      peakMb: memory?.peakMb ?? Number.NaN,
    };
  } catch (error) {
    throw new Error(`start-up failed: ${(error as Error).message}\n${server.output()}`);
  } finally {
    await server.stop();
  }
}

function spread(xs: readonly number[]): string {
  return `n=${xs.length}, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}`;
}

export async function run(ctx: BenchContext): Promise<void> {
  const { quick, record, log } = ctx;
  const stale = ensureBuilt(log);
  const cwd = mkdtempSync(join(tmpdir(), "cv-bench-startup-"));
  const base = {
    APP_ID: "1001",
    PRIVATE_KEY: throwawayPrivateKey(),
    WEBHOOK_SECRET: "bench-secret",
    HOST: "127.0.0.1",
    NODE_ENV: "production",
  };
  const runs = quick ? 2 : 7;
  const freshPgliteRuns = quick ? 1 : 5;
  const existingPgliteRuns = quick ? 1 : 7;

  // warm the file cache (node_modules, dist/) so the first measured run is not the odd one out
  await timeNodeProcess(BASELINE);
  if (ctx.databaseUrl !== undefined) {
    const db = await freshPostgresDatabase(ctx.databaseUrl);
    try {
      await startOnce({ ...base, DATABASE_URL: db.url }, cwd);
    } finally {
      await db.drop();
    }
  }

  const baseline: number[] = [];
  for (let i = 0; i < runs; i++) baseline.push(await timeNodeProcess(BASELINE));
  const baselineMs = median(baseline);
  record({
    name: "baseline: bare node HTTP server",
    value: baselineMs,
    unit: "ms",
    note: `spawn to listening and exit; ${spread(baseline)}; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs`,
  });

  const report = (label: string, starts: Start[], what: string): void => {
    const ms = starts.map((s) => s.ms);
    const endpoint = starts[0]?.endpoint ?? "ping";
    record({
      name: `${label}: to ready`,
      value: median(ms),
      unit: "ms",
      note: `${what}; median, ${spread(ms)}; ready = GET /${endpoint} 200${stale ? `; ${stale}` : ""}`,
    });
    record({
      name: `${label}: vs baseline`,
      value: median(ms) / baselineMs,
      unit: "× baseline",
    });
    record({
      name: `${label}: RSS at ready`,
      value: median(starts.map((s) => s.rssMb)),
      unit: "MB",
    });
    const peaks = starts.map((s) => s.peakMb);
    record({
      name: `${label}: peak RSS during start-up`,
      value: median(peaks),
      unit: "MB",
      note: `VmHWM of the server process at ready; median, ${spread(peaks)}`,
    });
  };

  if (ctx.databaseUrl !== undefined) {
    const fresh: Start[] = [];
    const existing: Start[] = [];
    for (let i = 0; i < runs; i++) {
      const db = await freshPostgresDatabase(ctx.databaseUrl);
      try {
        fresh.push(await startOnce({ ...base, DATABASE_URL: db.url }, cwd));
        existing.push(await startOnce({ ...base, DATABASE_URL: db.url }, cwd));
      } finally {
        await db.drop();
      }
    }
    report("PostgreSQL, fresh database", fresh, "empty database, migrations applied at start");
    report("PostgreSQL, existing database", existing, "already migrated");
  } else {
    log("no PostgreSQL reachable: PostgreSQL start-up not measured");
    record({ name: "PostgreSQL: to ready", value: Number.NaN, unit: "ms", note: "no PostgreSQL" });
  }

  const fresh: Start[] = [];
  const existing: Start[] = [];
  for (let i = 0; i < freshPgliteRuns; i++) {
    const dir = join(cwd, `pglite-${i}`);
    fresh.push(await startOnce({ ...base, COST_VALUE_DATA_DIR: dir }, cwd));
    if (i > 0) rmSync(dir, { recursive: true, force: true });
  }
  const kept = join(cwd, "pglite-0");
  for (let i = 0; i < existingPgliteRuns; i++) {
    existing.push(await startOnce({ ...base, COST_VALUE_DATA_DIR: kept }, cwd));
  }
  report(
    "PGlite, fresh data directory",
    fresh,
    "initdb (in a child process) and migrations at start",
  );
  report("PGlite, existing data directory", existing, "already migrated; stopped with SIGINT");

  rmSync(cwd, { recursive: true, force: true });
}
