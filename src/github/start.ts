/**
 * `npm start`: Probot's server with the app, our Octokit class, and a graceful shutdown. On
 * SIGTERM or SIGINT: stop accepting deliveries (new ones get 503), finish the ones in flight (at
 * most COST_VALUE_SHUTDOWN_SECONDS, default 25; what is cut off stays in the durable queue), close
 * the database pool, exit 0. A signal that arrives while the app is still starting (opening and
 * migrating the database) stops it as soon as it is up, so the data directory is never left locked.
 * Without APP_ID or a private key: set-up mode (setup-mode.ts). A start-up failure with a known
 * cause (the PGlite directory in use, an unsafe environment, the port taken, credentials missing in
 * production) prints its message and fix, without a stack trace, and exits 1.
 */
import { run, type Server } from "probot";
import { DataDirLockedError } from "../db/database.js";
import { productionApp } from "./app.js";
import { UnsafeEnvironmentError } from "./environment.js";
import { Lifecycle } from "./lifecycle.js";
import { createLog } from "./log-redaction.js";
import { Metrics } from "./metrics.js";
import { CostValueOctokit } from "./octokit.js";
import { needsSetup, startSetupServer } from "./setup-mode.js";

/** The message to print for a start-up failure the operator can fix; undefined for a bug. */
export function startupFailureMessage(error: unknown): string | undefined {
  if (error instanceof DataDirLockedError || error instanceof UnsafeEnvironmentError) {
    return error.message;
  }
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (e?.code === "EADDRINUSE" || e?.code === "EACCES") return String(e.message);
  // Probot's own refusals in production ("App ID is missing, … To resolve, …")
  if (typeof e?.message === "string" && /is missing, and is required/.test(e.message)) {
    return e.message;
  }
  return undefined;
}

export async function startServer(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  const lifecycle = new Lifecycle();
  let server: Server | undefined;
  let stopping = false;
  let requested: NodeJS.Signals | undefined;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    if (server === undefined) {
      // still starting: stop once started (the database is then open and gets closed properly)
      requested ??= signal;
      return;
    }
    stopping = true;
    const timeoutSeconds = Number(env.COST_VALUE_SHUTDOWN_SECONDS ?? 25);
    const timeoutMs =
      (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds : 25) * 1000;
    console.info(
      JSON.stringify({
        level: 30,
        msg: `cost-value: ${signal}: draining ${lifecycle.inFlight} deliveries in flight`,
      }),
    );
    const draining = lifecycle.shutdown(timeoutMs);
    const closing = server.stop().catch(() => undefined);
    const result = await draining;
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    console.info(
      JSON.stringify({
        level: result.finished ? 30 : 40,
        msg: result.finished
          ? "cost-value: stopped cleanly"
          : `cost-value: stopped with ${result.abandoned} evaluations cut off (they stay queued)`,
      }),
    );
    process.exit(0);
  };
  const onSignal = (signal: NodeJS.Signals) => void stop(signal);
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  try {
    const log = await createLog(env);
    if (needsSetup(env)) {
      server = await startSetupServer({ env, log });
    } else {
      const metrics = new Metrics({ defaultMetrics: true });
      server = await run(productionApp({ env, lifecycle, metrics }), {
        Octokit: CostValueOctokit,
        // Probot's logger with redaction: no key, token, JWT, secret or password in any line
        log,
      });
    }
  } catch (error) {
    const message = startupFailureMessage(error);
    if (message === undefined) throw error;
    // whatever was opened before the failure (the database) is closed: nothing stays locked
    await lifecycle.shutdown(1_000).catch(() => undefined);
    process.stderr.write(`cost-value could not start: ${message}\n`);
    process.exit(1);
  }
  // Probot's own SIGINT handler exits without waiting for work in flight: keep only ours
  for (const listener of process.listeners("SIGINT")) {
    if (listener !== onSignal) process.removeListener("SIGINT", listener);
  }
  if (requested !== undefined) await stop(requested);
}
