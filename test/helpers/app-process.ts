/**
 * The app as a real process (`node --import tsx src/server.ts`, what `npm start` runs, from
 * source) against a fake GitHub, and signed deliveries to it over HTTP.
 *
 *   const server = await new FakeGitHub().addRepo("acme", "shop").serve();
 *   const app = await startAppProcess({ github: server.url, env: { COST_VALUE_DATA_DIR: dir } });
 *   const { status } = await sendDelivery({ url: app.url, secret: app.secret, event: "pull_request",
 *     deliveryId: "d-1", payload });
 *   await app.stop();
 *
 * The child gets a clean environment: PATH and HOME from this process, then APP_ID, a throwaway
 * PRIVATE_KEY, WEBHOOK_SECRET, PORT (free), HOST=127.0.0.1, LOG_FORMAT=json, GHE_HOST and
 * GHE_PROTOCOL for the fake GitHub, and a database: `env.DATABASE_URL`, else
 * `env.COST_VALUE_DATA_DIR`, else a new PGlite directory in a temp dir (removed after exit).
 * Anything in `env` overrides these.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { freePort, throwawayPrivateKey } from "./probot.js";

const ROOT = new URL("../../", import.meta.url).pathname;
let sharedKey: string | undefined;

export interface AppProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url` + Probot's webhook path. */
  webhookUrl: string;
  pid: number;
  port: number;
  appId: number;
  secret: string;
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
  /** Resolves with the first match of `re` in the output (also output already written). */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface AppProcessOptions {
  /** Extra environment (wins over the defaults). */
  env?: Record<string, string>;
  /** The script to run, relative to the repository root (default `src/server.ts`, with tsx). */
  entry?: string;
  /** The fake GitHub's origin (`http://127.0.0.1:PORT`): sets GHE_HOST and GHE_PROTOCOL. */
  github?: string;
  appId?: number;
  secret?: string;
  /** Ready when this path answers 200 (default `/ping`, Probot's). */
  readyPath?: string;
  /** How long start-up may take (a fresh PGlite directory alone takes seconds). */
  timeoutMs?: number;
  /** Keep only the last this many characters of output (long runs: benchmarks). */
  outputLimit?: number;
}

export async function startAppProcess(options: AppProcessOptions = {}): Promise<AppProcess> {
  const port = await freePort();
  const appId = options.appId ?? 1001;
  const secret = options.secret ?? "app-process-secret";
  sharedKey ??= throwawayPrivateKey();
  const extra = options.env ?? {};
  let tempDir: string | undefined;
  const database: Record<string, string> = {};
  if (!extra.DATABASE_URL && !extra.COST_VALUE_DATA_DIR) {
    tempDir = mkdtempSync(join(tmpdir(), "cv-app-process-"));
    database.COST_VALUE_DATA_DIR = join(tempDir, "data");
  }
  const github =
    options.github !== undefined ? new URL(options.github) : new URL("http://127.0.0.1:9");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? tmpdir(),
    APP_ID: String(appId),
    PRIVATE_KEY: sharedKey,
    WEBHOOK_SECRET: secret,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    GHE_HOST: github.host,
    GHE_PROTOCOL: github.protocol.replace(":", ""),
    // an empty DATABASE_URL means PGlite, and keeps a .env file's value out
    DATABASE_URL: "",
    ...database,
    ...extra,
  };
  const entry = options.entry ?? "src/server.ts";
  const args = entry.endsWith(".ts") ? ["--import", "tsx", entry] : [entry];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const limit = options.outputLimit ?? Number.POSITIVE_INFINITY;
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (output.length > limit) output = output.slice(-limit);
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let exitedAlready: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      exitedAlready = { code, signal };
      if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
      for (const listener of listeners) listener();
      resolve(exitedAlready);
    });
  });

  const url = `http://127.0.0.1:${port}`;
  const waitForOutput = (re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const match = output.match(re);
        if (match !== null) {
          done();
          resolve(match);
        } else if (exitedAlready !== undefined) {
          done();
          reject(new Error(`app process exited before printing ${re}:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`app process did not print ${re} in ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const kill = (signal: NodeJS.Signals = "SIGTERM") => {
    if (exitedAlready === undefined) child.kill(signal);
  };
  const stop = async (graceMs = 10_000) => {
    kill("SIGTERM");
    const timer = setTimeout(() => kill("SIGKILL"), graceMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };

  // ready: the path answers 200
  const readyPath = options.readyPath ?? "/ping";
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exitedAlready !== undefined) {
      throw new Error(
        `app process exited (${exitedAlready.code ?? exitedAlready.signal}) before it was ready:\n${output}`,
      );
    }
    try {
      const response = await fetch(`${url}${readyPath}`);
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      kill("SIGKILL");
      throw new Error(`app process not ready at ${readyPath} in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    pid: child.pid ?? 0,
    port,
    appId,
    secret,
    child,
    output: () => output,
    exited,
    kill,
    waitForOutput,
    stop,
  };
}

export interface Delivery {
  /** The app's origin (`http://127.0.0.1:PORT`) or its full webhook URL. */
  url: string;
  secret: string;
  event: string;
  deliveryId: string;
  payload: unknown;
  /** Send this signature instead (forged or stale). */
  signature?: string;
}

/** POST a delivery as GitHub does: JSON body, event and delivery headers, HMAC-SHA256 signature. */
export async function sendDelivery(d: Delivery): Promise<{ status: number; body: string }> {
  const body = typeof d.payload === "string" ? d.payload : JSON.stringify(d.payload);
  const target = d.url.includes("/api/github/webhooks") ? d.url : `${d.url}/api/github/webhooks`;
  const response = await fetch(target, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/fake",
      "x-github-event": d.event,
      "x-github-delivery": d.deliveryId,
      "x-hub-signature-256": d.signature ?? (await sign(d.secret, body)),
    },
  });
  return { status: response.status, body: await response.text() };
}
