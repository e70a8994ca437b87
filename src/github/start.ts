/**
 * `npm start`: Probot's server with the app, our Octokit class, and a graceful shutdown. On
 * SIGTERM or SIGINT: stop accepting deliveries (new ones get 503), finish the ones in flight (at
 * most COST_VALUE_SHUTDOWN_SECONDS, default 25; what is cut off stays in the durable queue), close
 * the database pool, exit 0.
 */
import { run } from "probot";
import { productionApp } from "./app.js";
import { Lifecycle } from "./lifecycle.js";
import { createLog } from "./log-redaction.js";
import { Metrics } from "./metrics.js";
import { CostValueOctokit } from "./octokit.js";

export async function startServer(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  const lifecycle = new Lifecycle();
  const metrics = new Metrics({ defaultMetrics: true });
  const server = await run(productionApp({ env, lifecycle, metrics }), {
    Octokit: CostValueOctokit,
    // Probot's logger with redaction: no key, token, JWT, secret or password in any line
    log: await createLog(env),
  });
  // Probot's own SIGINT handler exits without waiting for work in flight: replace it
  process.removeAllListeners("SIGINT");
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
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
  process.on("SIGTERM", (s) => void stop(s));
  process.on("SIGINT", (s) => void stop(s));
}
