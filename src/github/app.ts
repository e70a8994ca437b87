/**
 * The Probot app: which events trigger an evaluation, for which pull request, and at which head
 * commit; every handler instrumented (retry policy on its Octokit, metrics, shutdown). With a
 * database, evaluations go through the durable queue (`evaluation-queue.ts`). Everything about one
 * evaluation happens in `evaluate.ts`.
 */
import { hostname } from "node:os";
import type { ApplicationFunction, Context, Probot } from "probot";
import { type Database, databaseOptionsFromEnv, openDatabase } from "../db/database.js";
import { resumePurges } from "../db/ledger.js";
import { loadMigrations, migrate } from "../db/migrate.js";
import type { QueueKey } from "../db/queue.js";
import { countPending } from "../db/queue.js";
import { registerCommands } from "./commands.js";
import { assertSafeEnvironment } from "./environment.js";
import { type EvaluationOutcome, type EvaluationTarget, evaluateAndPublish } from "./evaluate.js";
import {
  DEFAULT_QUEUE_SETTINGS,
  EvaluationQueue,
  type Lease,
  type LeasedEvaluation,
  LeaseLostError,
  type QueueSettings,
} from "./evaluation-queue.js";
import { boundedPayload, logFailure, markLogged, PAYLOAD_LOG_LIMIT } from "./failure-log.js";
import { operatorRoutes } from "./http-routes.js";
import { registerLedgerEvents } from "./ledger-events.js";
import { Lifecycle, ShuttingDownError } from "./lifecycle.js";
import { Metrics } from "./metrics.js";
import { acceptPayload } from "./payload-guard.js";
import { findPullRequestsForCommit } from "./read.js";
import {
  applyResilience,
  DEFAULT_RETRY_POLICY,
  guardWrites,
  type RetryPolicy,
} from "./resilience.js";
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

export const PULL_REQUEST_ACTIONS = [
  "pull_request.opened",
  "pull_request.reopened",
  "pull_request.synchronize",
  "pull_request.edited",
  "pull_request.ready_for_review",
  "pull_request.converted_to_draft",
  "pull_request.labeled",
  "pull_request.unlabeled",
  "pull_request.milestoned",
  "pull_request.demilestoned",
  "pull_request.closed",
] as const;

/** Evaluations of one PR run one after another in this process (no two writes racing). */
class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}

/** PR head commits evaluated in the last minutes (to skip a check_suite.requested twin). */
class RecentEvaluations {
  static readonly TTL_MS = 10 * 60 * 1000;
  static readonly MAX = 10_000;
  readonly #seen = new Map<string, number>();

  add(pr: string, sha: string): void {
    if (this.#seen.size >= RecentEvaluations.MAX) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    this.#seen.set(`${pr}@${sha}`, Date.now());
  }

  has(pr: string, sha: string): boolean {
    const at = this.#seen.get(`${pr}@${sha}`);
    return at !== undefined && Date.now() - at < RecentEvaluations.TTL_MS;
  }
}

type Log = Context["log"];

function describeEvent(context: Context): string {
  const action = (context.payload as { action?: unknown }).action;
  return typeof action === "string" ? `${context.name}.${action}` : context.name;
}

/**
 * Probot's `app` with every handler instrumented: the retry policy on the event's Octokit,
 * deliveries counted by outcome, work tracked for shutdown (and refused while shutting down).
 */
function instrumented(
  app: Probot,
  deps: { policy: RetryPolicy; metrics: Metrics; lifecycle: Lifecycle },
): Probot {
  const wrap =
    (handler: (context: Context) => Promise<void>) =>
    async (context: Context): Promise<void> => {
      const event = describeEvent(context);
      try {
        applyResilience(context.octokit, deps.policy, {
          onAttempt: (a) => deps.metrics.apiCall(a.outcome, a.rateLimitRemaining, a.queuedMs),
        });
        await deps.lifecycle.track(() => handler(context));
        deps.metrics.delivery(event, "ok");
      } catch (error) {
        const rejected = error instanceof ShuttingDownError;
        deps.metrics.delivery(event, rejected ? "rejected" : "failed");
        // the one line of this failure (unless the evaluation logged it with its PR already);
        // Probot and the webhooks middleware log it again: createLog drops those
        if (rejected) {
          context.log.warn({ event, delivery: context.id }, error.message);
          markLogged(error);
        } else {
          logFailure(
            context.log,
            error,
            { event, delivery: context.id },
            "cost-value: delivery failed",
          );
          context.log.debug(
            { event, delivery: context.id, payload: boundedPayload(context.payload) },
            `cost-value: payload of the failed delivery (at most ${PAYLOAD_LOG_LIMIT} characters)`,
          );
        }
        throw error;
      }
    };
  const on = (events: unknown, handler: (context: Context) => Promise<void>) =>
    (app.on as (e: unknown, h: (c: Context) => Promise<void>) => void)(events, wrap(handler));
  return new Proxy(app, {
    get: (target, property, receiver) =>
      property === "on" ? on : Reflect.get(target, property, receiver),
  });
}

/** pg and connection errors: the database, not GitHub, failed. */
function isDatabaseError(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return true;
  if (
    typeof e?.code === "string" &&
    /^E(CONNREFUSED|CONNRESET|PIPE|HOSTUNREACH|TIMEDOUT)$/.test(e.code)
  )
    return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
    String(e?.message ?? ""),
  );
}

export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
  readonly status = 503;
}

export function createCostValueApp(options: CostValueOptions = {}): ApplicationFunction {
  const now = options.now ?? (() => new Date());
  const local = new KeyedQueue();
  const recent = new RecentEvaluations();
  const metrics = options.metrics ?? new Metrics();
  const lifecycle = options.lifecycle ?? new Lifecycle();
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const database = options.database;
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

    type Api = Parameters<typeof evaluateAndPublish>[0];
    // the installation an API object acts for (set where the API object is made)
    const queueScope = new WeakMap<Api, number>();
    /**
     * The API an evaluation uses. Under a lease, a check-run write first checks that the lease
     * still holds for longer than the write's attempt (after its pacing slot: see `guardWrites`),
     * so two workers never both create the PR's run. The rollup's writes are not guarded: they are
     * serialized by the milestone's advisory lock (find, then update) and run while a database
     * transaction holds a connection, where waiting for a lease renewal could deadlock (PGlite has
     * one connection).
     */
    const apiOf = (
      octokit: Context["octokit"],
      installationId: number | undefined,
      lease?: Lease,
    ): Api => {
      const guard = lease !== undefined ? () => lease.ensureHeld(policy.timeoutMs) : undefined;
      const api: Api = {
        graphql: (query, variables) => octokit.graphql(query, variables),
        request: (route, params) =>
          octokit.request(
            route,
            guard !== undefined && /\/check-runs\b/.test(route)
              ? guardWrites(params, guard)
              : params,
          ),
      };
      if (installationId !== undefined) queueScope.set(api, installationId);
      return api;
    };
    /** An installation's Octokit outside any webhook (the sweep, rollup refreshes). */
    const octokitFor = async (installationId: number): Promise<Context["octokit"]> => {
      const octokit = (await probot.auth(installationId)) as Context["octokit"];
      applyResilience(octokit, policy, {
        onAttempt: (a) => metrics.apiCall(a.outcome, a.rateLimitRemaining, a.queuedMs),
      });
      return octokit;
    };
    const scheduler =
      database !== undefined && options.rollups !== undefined
        ? new RollupScheduler(database.pool, options.rollups, {
            apiFor: async (installationId) =>
              apiOf(await octokitFor(installationId), installationId),
            ...(options.appId !== undefined ? { appId: options.appId } : {}),
            now,
            track: (task) => lifecycle.track(task),
            log: probot.log,
          })
        : undefined;
    if (scheduler !== undefined) lifecycle.onClose(() => scheduler.close());

    /** One evaluation, measured and logged (every line carries the delivery id via `log`). */
    async function runOne(
      api: Api,
      target: EvaluationTarget,
      log: Log,
    ): Promise<EvaluationOutcome> {
      const installation = queueScope.get(api);
      const started = performance.now();
      const outcome = await evaluateAndPublish(api, target, {
        ...(options.appId !== undefined ? { appId: options.appId } : {}),
        now,
        ...(database !== undefined && installation !== undefined
          ? {
              ledger: {
                pool: database.pool,
                installationId: installation,
                ...(scheduler !== undefined
                  ? {
                      rollups: {
                        mode: "scheduled" as const,
                        schedule: (t: RollupTarget) => scheduler.schedule(t),
                      },
                    }
                  : {}),
              },
            }
          : {}),
      });
      metrics.evaluation((performance.now() - started) / 1000, outcome.kind);
      options.onEvaluated?.(outcome, target);
      const key = `${target.owner}/${target.repo}#${target.number}`.toLowerCase();
      const where = `${target.owner}/${target.repo}#${target.number}`;
      if (outcome.kind === "published" && outcome.ignoredErrors.length > 0) {
        // partial GraphQL answers are normal on GitHub (ids beyond 32 bits, an optional part)
        log.debug(
          { pr: `${target.owner}/${target.repo}#${target.number}`, errors: outcome.ignoredErrors },
          "cost-value: GitHub's answer had errors the evaluation could do without",
        );
      }
      if (outcome.kind === "published") {
        recent.add(key, outcome.headSha);
        log.info(
          {
            pr: where,
            sha: outcome.headSha,
            conclusion: outcome.conclusion,
            checkRun: outcome.checkRunId,
            action: outcome.action,
            requests: outcome.requests,
            rollups: outcome.rollups,
            ms: Math.round(performance.now() - started),
          },
          "cost-value: check published",
        );
      } else if (outcome.error instanceof LeaseLostError) {
        log.warn(
          { pr: where, requests: outcome.requests, reason: outcome.error.message },
          "cost-value: lease lost before writing; the worker holding it evaluates this PR",
        );
      } else {
        if (isDatabaseError(outcome.error)) metrics.databaseError();
        logFailure(
          log,
          outcome.error,
          { pr: where, requests: outcome.requests },
          "cost-value: evaluation failed",
        );
      }
      return outcome;
    }

    async function evaluate(context: Context, target: EvaluationTarget): Promise<void> {
      const key = `${target.owner}/${target.repo}#${target.number}`.toLowerCase();
      const payload = context.payload as {
        installation?: { id?: number };
        repository?: { id?: number };
      };
      const installationId = payload.installation?.id;
      const repositoryId = payload.repository?.id;
      if (queue === undefined || installationId === undefined || repositoryId === undefined) {
        const api = apiOf(context.octokit, installationId);
        const outcome = await local.run(key, () => runOne(api, target, context.log));
        if (outcome.kind === "failed") throw outcome.error;
        return;
      }
      const queueKey: QueueKey = { installationId, repositoryId, number: target.number };
      let leased: LeasedEvaluation | undefined;
      try {
        ({ job: leased } = await queue.enqueueAndClaim({
          ...queueKey,
          owner: target.owner,
          repo: target.repo,
          headSha: target.headSha,
          deliveryId: context.id,
          ...(target.rerun === true ? { rerun: true } : {}),
        }));
      } catch (error) {
        metrics.databaseError();
        throw new DatabaseUnavailableError(
          `cost-value could not record the delivery: the database is unavailable (${error instanceof Error ? error.message : String(error)}). The delivery is answered 503 so GitHub lists it as failed: redeliver it (or run \`cost-value redeliver\`) once the database is back.`,
          { cause: error },
        );
      }
      const result = await local.run(key, () =>
        queue.drain(
          queueKey,
          (job, lease) =>
            runOne(
              apiOf(context.octokit, installationId, lease),
              {
                owner: job.owner,
                repo: job.repo,
                number: job.number,
                headSha: job.headSha,
                repositoryId: job.repositoryId,
                ...(job.rerun ? { rerun: true } : {}),
                ...(job.headSha === target.headSha && target.bodyHint !== undefined
                  ? { bodyHint: target.bodyHint }
                  : {}),
              },
              context.log,
            ),
          leased,
        ),
      );
      if (result.handedOff) {
        context.log.info(
          { pr: `${target.owner}/${target.repo}#${target.number}` },
          "cost-value: another worker is evaluating this PR; it evaluates again for this delivery",
        );
      }
      const last = result.outcomes.at(-1);
      if (last?.kind === "failed" && !(last.error instanceof LeaseLostError)) throw last.error;
    }

    /** Take over pending evaluations whose worker died, and retry failed ones after backoff. */
    async function sweep(): Promise<void> {
      if (queue === undefined || lifecycle.draining) return;
      // uninstalls cut short (a crash, a restart) are finished first
      const purged = await lifecycle.track(() =>
        resumePurges(queue.pool, { stop: () => lifecycle.draining }),
      );
      if (purged.length > 0) {
        probot.log.info({ installations: purged }, "cost-value: unfinished uninstall purged");
      }
      const due = await queue.due();
      for (const key of due) {
        const log = probot.log.child({
          name: "sweep",
          id: `sweep:${key.installationId}:${key.repositoryId}#${key.number}`,
        });
        await lifecycle
          .track(async () => {
            const octokit = await octokitFor(key.installationId);
            await queue.drain(key, (job, lease) =>
              local.run(`${job.owner}/${job.repo}#${job.number}`.toLowerCase(), () =>
                runOne(
                  apiOf(octokit, key.installationId, lease),
                  {
                    owner: job.owner,
                    repo: job.repo,
                    number: job.number,
                    headSha: job.headSha,
                    repositoryId: job.repositoryId,
                    ...(job.rerun ? { rerun: true } : {}),
                  },
                  log,
                ),
              ),
            );
          })
          .catch((error: unknown) => {
            if (!(error instanceof ShuttingDownError))
              log.error({ err: error }, "cost-value: a queued evaluation failed");
          });
      }
      // rollups marked by evaluations whose refresh is due and not scheduled here
      await scheduler?.refreshDue();
    }
    const interval = options.queue?.sweepIntervalMs;
    if (queue !== undefined && interval !== undefined && interval > 0) {
      let running: Promise<void> | undefined;
      const tick = () => {
        if (running !== undefined) return;
        running = sweep()
          .catch((error: unknown) => probot.log.warn({ err: error }, "cost-value: sweep failed"))
          .finally(() => {
            running = undefined;
          });
      };
      const timer = setInterval(tick, interval);
      timer.unref();
      setImmediate(tick);
      lifecycle.onClose(async () => {
        clearInterval(timer);
        await running;
      });
    }

    app.on([...PULL_REQUEST_ACTIONS], async (context) => {
      if (!acceptPayload(context)) return;
      const { pull_request: pr, repository } = context.payload;
      if (context.payload.action === "edited") {
        const changes = (context.payload as { changes?: Record<string, unknown> }).changes ?? {};
        if (!("body" in changes) && !("title" in changes) && !("base" in changes)) return;
      }
      await evaluate(context, {
        owner: repository.owner.login,
        repo: repository.name,
        number: pr.number,
        headSha: pr.head.sha,
        bodyHint: pr.body ?? "",
        repositoryId: repository.id,
      });
    });
    const isOurs = (appIdInPayload: number | undefined): boolean =>
      options.appId === undefined || appIdInPayload === options.appId;

    async function evaluateCommit(
      context: Context,
      sha: string,
      pullRequests: readonly { number: number; base?: { repo?: { id?: number } } }[],
      mode: "requested" | "rerequested",
    ): Promise<void> {
      const repository = (
        context.payload as { repository: { id: number; name: string; owner: { login: string } } }
      ).repository;
      const owner = repository.owner.login;
      const repo = repository.name;
      // PRs listed in the payload that target this repository; none for forks: look them up
      let numbers = pullRequests
        .filter((p) => p.base?.repo?.id === undefined || p.base.repo.id === repository.id)
        .map((p) => p.number);
      if (mode === "requested") {
        // a push: pull_request.synchronize brings the same news; skip what it already evaluated.
        // No PR listed means a branch without a PR (forks get no check_suite events at all).
        numbers = numbers.filter((n) => !recent.has(`${owner}/${repo}#${n}`.toLowerCase(), sha));
      } else if (numbers.length === 0) {
        numbers = await findPullRequestsForCommit(
          (query, variables) => context.octokit.graphql(query, variables),
          { owner, repo, sha },
        );
      }
      for (const number of numbers) {
        await evaluate(context, {
          owner,
          repo,
          number,
          headSha: sha,
          repositoryId: repository.id,
          // a user asked for it: the check is written even when its output is unchanged
          ...(mode === "rerequested" ? { rerun: true } : {}),
        });
      }
    }

    app.on(["check_suite.requested", "check_suite.rerequested"], async (context) => {
      if (!acceptPayload(context)) return;
      const suite = context.payload.check_suite;
      if (!isOurs(suite.app?.id ?? undefined)) return;
      const mode = context.payload.action === "requested" ? "requested" : "rerequested";
      await evaluateCommit(context, suite.head_sha, suite.pull_requests ?? [], mode);
    });

    app.on("check_run.rerequested", async (context) => {
      if (!acceptPayload(context)) return;
      const run = context.payload.check_run;
      if (!isOurs(run.app?.id ?? undefined)) return;
      await evaluateCommit(context, run.head_sha, run.pull_requests ?? [], "rerequested");
    });

    if (options.database !== undefined) {
      const deps = {
        database: options.database,
        now,
        ...(options.appId !== undefined ? { appId: options.appId } : {}),
      };
      registerLedgerEvents(app, deps);
      registerCommands(app, deps);
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
    const database = await openDatabase(databaseOptionsFromEnv(env));
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
