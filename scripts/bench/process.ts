/**
 * What the process-level sections (startup, memory) share: the built app (`npm start` runs
 * `node dist/server.js`), a fresh PostgreSQL database per run, readiness polling, and the memory
 * figures Linux keeps per process (/proc/<pid>/status).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import pg from "pg";

export const ROOT = join(import.meta.dirname, "..", "..");
export const SERVER_JS = join(ROOT, "dist", "server.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory()
        ? newestMtime(path)
        : entry.name.endsWith(".ts")
          ? statSync(path).mtimeMs
          : 0,
    );
  }
  return newest;
}

/**
 * `npm start` runs dist/: build it when it is missing or older than src/ (what `npm ci` does).
 * Returns a note when the build failed and an older dist/ is measured instead.
 */
export function ensureBuilt(log: (m: string) => void): string | undefined {
  const stale =
    !existsSync(SERVER_JS) || statSync(SERVER_JS).mtimeMs < newestMtime(join(ROOT, "src"));
  if (!stale) return undefined;
  log("dist/ is missing or older than src/: npm run build");
  try {
    execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "pipe" });
    return undefined;
  } catch (error) {
    if (!existsSync(SERVER_JS)) throw error;
    log(`npm run build failed; measuring the existing dist/: ${String(error).slice(0, 200)}`);
    return "dist/ older than src/ (build failed)";
  }
}

/** A new, empty database on the PostgreSQL server at `adminUrl`; `drop()` removes it. */
export async function freshPostgresDatabase(
  adminUrl: string,
  prefix = "cost_value_bench",
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

export interface ProcMemory {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size since the process started (VmHWM), MB. */
  peakMb: number;
}

/** A live process's RSS and peak RSS from /proc (Linux); undefined when it has exited. */
export function procMemory(pid: number): ProcMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/** GET http://127.0.0.1:port/path: the status, or undefined when nothing answers (yet). */
export function httpStatus(port: number, path: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET", agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.setTimeout(2_000, () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

/**
 * Poll until the app is ready: `GET /readyz` 200, or — when the app has no /readyz (404) —
 * `GET /ping` 200 (Probot's own route, served once the app function, database included, has
 * loaded). Returns which endpoint answered. Throws when `alive()` turns false or after `timeoutMs`.
 */
export async function waitReady(
  port: number,
  alive: () => boolean,
  timeoutMs = 60_000,
  intervalMs = 5,
): Promise<"readyz" | "ping"> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (!alive()) throw new Error("the app exited before it was ready");
    const ready = await httpStatus(port, "/readyz");
    if (ready === 200) return "readyz";
    if (ready === 404 && (await httpStatus(port, "/ping")) === 200) return "ping";
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`the app was not ready after ${timeoutMs} ms`);
}

export interface SpawnedServer {
  readonly pid: number;
  alive(): boolean;
  /** The last 16 kB of stdout and stderr, for error messages. */
  output(): string;
  readonly exited: Promise<number | null>;
  /** SIGINT (Probot stops its server and exits), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Servers still running: killed when the bench exits or is interrupted, never left behind. */
const live = new Set<ChildProcess>();
let guarded = false;
function guardChildren(): void {
  if (guarded) return;
  guarded = true;
  const killAll = () => {
    for (const child of live) child.kill("SIGKILL");
  };
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}

/** `node dist/server.js` (what `npm start` runs) with `env` on top of PATH and HOME only. */
export function spawnServer(env: Record<string, string>, cwd: string): SpawnedServer {
  guardChildren();
  const child = spawn(process.execPath, [SERVER_JS], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + String(d)).slice(-16_384);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      running = false;
      live.delete(child);
      resolve(code);
    }),
  );
  return {
    pid: child.pid ?? -1,
    alive: () => running,
    output: () => output,
    exited,
    async stop(graceMs = 10_000) {
      if (!running) return;
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Milliseconds from spawning `node args…` to its exit (the machine's process start-up cost). */
export function timeNodeProcess(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`node exited ${code}`)),
    );
  });
}
