/**
 * The Probot app, wired: the handlers (one file per event family under `handlers/`), the
 * evaluation scheduler (local and durable queues, the sweep: `evaluation-scheduler.ts`), the
 * rollup scheduler, operator routes, every handler instrumented (`instrumented-app.ts`).
 * Everything about one evaluation happens in `evaluate.ts`.
 */
import { hostname } from "node:os";
import type { ApplicationFunction, Probot } from "probot";
import { type Database, openDatabaseFromEnv } from "../db/database.js";
import { loadMigrations, migrate } from "../db/migrate.js";
import { countPending } from "../db/queue.js";
import { assertSafeEnvironment } from "./environment.js";
import type { EvaluationOutcome, EvaluationTarget } from "./evaluate.js";
import { DEFAULT_QUEUE_SETTINGS, EvaluationQueue, type QueueSettings } from "./evaluation-queue.js";
import { EvaluationScheduler } from "./evaluation-scheduler.js";
import { evaluationApiOf } from "./github-api.js";
import { registerCheckSuiteHandlers } from "./handlers/check-suite.js";
import { registerInvestmentEvents } from "./handlers/investment-events.js";
import { registerCommands } from "./handlers/issue-comment.js";
import { registerLedgerEvents } from "./handlers/ledger-events.js";
import { registerPullRequestHandlers } from "./handlers/pull-request.js";
import { operatorRoutes } from "./http-routes.js";
import { instrumented } from "./instrumented-app.js";
import { Lifecycle } from "./lifecycle.js";
import { Metrics } from "./metrics.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./resilience.js";
import { DEFAULT_ROLLUP_TIMING, RollupScheduler, type RollupTiming } from "./rollup-scheduler.js";
import type { RollupTarget } from "./rollups.js";

export interface CostValueOptions {
  /** Our app id (APP_ID). Without it, check runs are matched by name only. */
  appId?: number;
  now?: () => Date;
  /** Called after every evaluation (tests, metrics). */
  onEvaluated?: (outcome: EvaluationOutcome, target: EvaluationTarget) => void;
  /** The ledger: PR records, milestone rollups, the `/cost-value` command, the durable queue. */
  database?: Database;
  /** How GitHub API failures are retried (tests pass a policy that does not really sleep). */
  retryPolicy?: RetryPolicy;
  metrics?: Metrics;
  /** Shutdown: refuse new deliveries, wait for those in flight, close. */
  lifecycle?: Lifecycle;
  /** The durable queue's settings; with `sweepIntervalMs`, pending work is swept up periodically. */
  queue?: Partial<QueueSettings> & { sweepIntervalMs?: number };
  /**
   * Coalesce rollup edits per milestone (see rollup-scheduler.ts). Without it, an evaluation
   * refreshes its milestone's rollup itself, at once.
   */
  rollups?: RollupTiming;
}

export function createCostValueApp(options: CostValueOptions = {}): ApplicationFunction {
  const now = options.now ?? (() => new Date());
  const metrics = options.metrics ?? new Metrics();
  const lifecycle = options.lifecycle ?? new Lifecycle();
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const database = options.database;
  const appId = options.appId !== undefined ? { appId: options.appId } : {};
  const queue =
    database !== undefined
      ? new EvaluationQueue(database.pool, {
          ...DEFAULT_QUEUE_SETTINGS,
          worker: `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
          ...options.queue,
        })
      : undefined;
  if (database !== undefined) metrics.pendingFrom(() => countPending(database.pool));

  return (probot: Probot, appOptions) => {
    const app = instrumented(probot, { policy, metrics, lifecycle });
    try {
      appOptions?.addHandler?.(
        operatorRoutes({
          ...(database !== undefined ? { pool: database.pool } : {}),
          migrations: loadMigrations().length,
          metrics,
          lifecycle,
        }),
      );
    } catch {
      // loaded without an HTTP server (tests, `probot.load`): no operator routes to serve
    }

    const octokitFor = (installationId: number) =>
      EvaluationScheduler.authenticated((id) => probot.auth(id), installationId, {
        policy,
        metrics,
      });
    const rollups =
      database !== undefined && options.rollups !== undefined
        ? new RollupScheduler(database.pool, options.rollups, {
            apiFor: async (installationId) => evaluationApiOf(await octokitFor(installationId)),
            ...appId,
            now,
            track: (task) => lifecycle.track(task),
            log: probot.log,
          })
        : undefined;
    if (rollups !== undefined) lifecycle.onClose(() => rollups.close());
    const evaluations = new EvaluationScheduler({
      ...appId,
      now,
      ...(database !== undefined ? { database } : {}),
      ...(queue !== undefined ? { queue } : {}),
      ...(rollups !== undefined ? { rollups } : {}),
      ...(options.onEvaluated !== undefined ? { onEvaluated: options.onEvaluated } : {}),
      policy,
      metrics,
      lifecycle,
      octokitFor,
      log: probot.log,
    });
    const interval = options.queue?.sweepIntervalMs;
    if (queue !== undefined && interval !== undefined && interval > 0) {
      evaluations.startSweeping(interval);
    }

    registerPullRequestHandlers(app, evaluations);
    registerCheckSuiteHandlers(app, evaluations, options.appId);
    if (database !== undefined) {
      const deps = { database, now, ...appId };
      registerLedgerEvents(app, deps);
      registerCommands(app, deps);
      registerInvestmentEvents(app, {
        ...deps,
        ...(rollups !== undefined
          ? { scheduleRollup: (t: RollupTarget) => rollups.schedule(t) }
          : {}),
      });
    }
  };
}

/** APP_ID from the environment, when it is a number. */
export function appIdFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const id = Number(env.APP_ID);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function seconds(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * The app as `npm start` runs it (after Probot has read `.env`): checks the environment, opens
 * and migrates the database (PostgreSQL at DATABASE_URL, else PGlite), sweeps the durable queue
 * every COST_VALUE_SWEEP_SECONDS (default 30), and closes the database when `lifecycle` shuts down.
 */
export function productionApp(params: {
  env: Readonly<Record<string, string | undefined>>;
  lifecycle: Lifecycle;
  metrics: Metrics;
  /** Tests and benchmarks only: the retry policy (default: the app's). */
  retryPolicy?: RetryPolicy;
}): ApplicationFunction {
  const { env, lifecycle, metrics, retryPolicy } = params;
  return async (app, options) => {
    assertSafeEnvironment(env);
    const appId = appIdFromEnv(env);
    const database = await openDatabaseFromEnv(env);
    lifecycle.onClose(() => database.close());
    const migrated = await migrate(database.pool);
    app.log.info(
      { database: database.kind, location: database.location, applied: migrated.applied },
      "cost-value: database ready",
    );
    return createCostValueApp({
      ...(appId !== undefined ? { appId } : {}),
      database,
      metrics,
      lifecycle,
      ...(retryPolicy !== undefined ? { retryPolicy } : {}),
      queue: {
        sweepIntervalMs: seconds(env.COST_VALUE_SWEEP_SECONDS, 30) * 1000,
        leaseMs: seconds(env.COST_VALUE_LEASE_SECONDS, 60) * 1000,
      },
      rollups: {
        quietMs:
          seconds(env.COST_VALUE_ROLLUP_QUIET_SECONDS, DEFAULT_ROLLUP_TIMING.quietMs / 1000) * 1000,
        maxWaitMs:
          seconds(env.COST_VALUE_ROLLUP_MAX_WAIT_SECONDS, DEFAULT_ROLLUP_TIMING.maxWaitMs / 1000) *
          1000,
      },
    })(app, options);
  };
}

/** The app for `probot run` and other hosts: the same as `npm start`, without its signal handling. */
export const costValueApp: ApplicationFunction = (app, options) =>
  productionApp({ env: process.env, lifecycle: new Lifecycle(), metrics: new Metrics() })(
    app,
    options,
  );
