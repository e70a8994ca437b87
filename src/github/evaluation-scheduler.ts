/**
 * Where evaluations run: one after another per PR in this process (the local queue), through the
 * durable queue and its leases when there is a database, and from the periodic sweep that takes
 * over work whose worker died. Every entry point takes the API, the installation, the target and
 * the log explicitly.
 */
import type { Context } from "probot";
import type { Database } from "../db/database.js";
import { isDatabaseError } from "../db/errors.js";
import { resumePurges } from "../db/purges.js";
import type { QueuedEvaluation, QueueKey } from "../db/queue.js";
import { type EvaluationOutcome, type EvaluationTarget, evaluateAndPublish } from "./evaluate.js";
import {
  type EvaluationQueue,
  type Lease,
  type LeasedEvaluation,
  LeaseLostError,
} from "./evaluation-queue.js";
import { logFailure } from "./failure-log.js";
import { evaluationApiOf } from "./github-api.js";
import { type Lifecycle, ShuttingDownError } from "./lifecycle.js";
import type { Metrics } from "./metrics.js";
import { applyResilience, type RetryPolicy } from "./resilience.js";
import type { RollupScheduler } from "./rollup-scheduler.js";
import type { RollupTarget } from "./rollups.js";

export type Api = Parameters<typeof evaluateAndPublish>[0];
export type Octokit = Context["octokit"];
type Log = Context["log"];

/** `owner/repo#number`, as logs show it. */
export function describePullRequest(pr: { owner: string; repo: string; number: number }): string {
  return `${pr.owner}/${pr.repo}#${pr.number}`;
}

/** The key of a PR in this process's queues (GitHub's names are case-insensitive). */
export function pullRequestKey(pr: { owner: string; repo: string; number: number }): string {
  return describePullRequest(pr).toLowerCase();
}

/** Evaluations of one PR run one after another in this process (no two writes racing). */
export class KeyedQueue {
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
export class RecentEvaluations {
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

export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
  readonly status = 503;
}

export interface EvaluationSchedulerDeps {
  appId?: number;
  now: () => Date;
  database?: Database;
  /** The durable queue (with a database). */
  queue?: EvaluationQueue;
  policy: RetryPolicy;
  metrics: Metrics;
  lifecycle: Lifecycle;
  /** Coalesces rollup refreshes; without it an evaluation refreshes its rollups itself. */
  rollups?: RollupScheduler;
  /** An installation's Octokit outside any webhook (the sweep). */
  octokitFor: (installationId: number) => Promise<Octokit>;
  onEvaluated?: (outcome: EvaluationOutcome, target: EvaluationTarget) => void;
  /** The app's log (the sweep's lines). */
  log: Log;
}

/** What an event asks to evaluate, with who asks. */
export interface EvaluationRequest {
  octokit: Octokit;
  installationId: number | undefined;
  repositoryId: number | undefined;
  deliveryId: string;
  target: EvaluationTarget;
  log: Log;
}

export class EvaluationScheduler {
  readonly #deps: EvaluationSchedulerDeps;
  readonly #local = new KeyedQueue();
  readonly #recent = new RecentEvaluations();

  constructor(deps: EvaluationSchedulerDeps) {
    this.#deps = deps;
  }

  /** Whether this process published a check for the PR at this head in the last minutes. */
  recentlyEvaluated(pr: { owner: string; repo: string; number: number }, sha: string): boolean {
    return this.#recent.has(pullRequestKey(pr), sha);
  }

  apiOf(octokit: Octokit, lease?: Lease): Api {
    return evaluationApiOf(
      octokit,
      lease !== undefined ? { lease, timeoutMs: this.#deps.policy.timeoutMs } : undefined,
    );
  }

  /** One evaluation, measured and logged (every line carries the delivery id via `log`). */
  async runOne(params: {
    api: Api;
    installationId: number | undefined;
    target: EvaluationTarget;
    log: Log;
  }): Promise<EvaluationOutcome> {
    const { api, installationId, target, log } = params;
    const { database, rollups, metrics } = this.#deps;
    const started = performance.now();
    const outcome = await evaluateAndPublish(api, target, {
      ...(this.#deps.appId !== undefined ? { appId: this.#deps.appId } : {}),
      now: this.#deps.now,
      ...(database !== undefined && installationId !== undefined
        ? {
            ledger: {
              pool: database.pool,
              installationId,
              ...(rollups !== undefined
                ? {
                    rollups: {
                      mode: "scheduled" as const,
                      schedule: (t: RollupTarget) => rollups.schedule(t),
                    },
                  }
                : {}),
            },
          }
        : {}),
    });
    metrics.evaluation((performance.now() - started) / 1000, outcome.kind);
    this.#deps.onEvaluated?.(outcome, target);
    const where = describePullRequest(target);
    if (outcome.kind === "published" && outcome.ignoredErrors.length > 0) {
      // partial GraphQL answers are normal on GitHub (ids beyond 32 bits, an optional part)
      log.debug(
        { pr: where, errors: outcome.ignoredErrors },
        "cost-value: GitHub's answer had errors the evaluation could do without",
      );
    }
    if (outcome.kind === "published") {
      this.#recent.add(pullRequestKey(target), outcome.headSha);
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

  /**
   * Evaluate for an event: at once in this process without a database (or without the ids the
   * durable queue keys on), else through the durable queue (enqueue, claim, drain under a lease).
   * Throws what failed, so the delivery is answered as failed.
   */
  async evaluate(request: EvaluationRequest): Promise<void> {
    const { octokit, installationId, repositoryId, target, log } = request;
    const queue = this.#deps.queue;
    const key = pullRequestKey(target);
    if (queue === undefined || installationId === undefined || repositoryId === undefined) {
      const api = this.apiOf(octokit);
      const outcome = await this.#local.run(key, () =>
        this.runOne({ api, installationId, target, log }),
      );
      if (outcome.kind === "failed") throw outcome.error;
      return;
    }
    const queueKey: QueueKey = { installationId, repositoryId, number: target.number };
    const leased = await this.#enqueue(queue, queueKey, request);
    const result = await this.#local.run(key, () =>
      queue.drain(
        queueKey,
        (job, lease) =>
          this.runOne({
            api: this.apiOf(octokit, lease),
            installationId,
            target: {
              ...targetOf(job),
              ...(job.headSha === target.headSha && target.bodyHint !== undefined
                ? { bodyHint: target.bodyHint }
                : {}),
            },
            log,
          }),
        leased,
      ),
    );
    if (result.handedOff) {
      log.info(
        { pr: describePullRequest(target) },
        "cost-value: another worker is evaluating this PR; it evaluates again for this delivery",
      );
    }
    const last = result.outcomes.at(-1);
    if (last?.kind === "failed" && !(last.error instanceof LeaseLostError)) throw last.error;
  }

  async #enqueue(
    queue: EvaluationQueue,
    queueKey: QueueKey,
    request: EvaluationRequest,
  ): Promise<LeasedEvaluation | undefined> {
    const { target } = request;
    try {
      const { job } = await queue.enqueueAndClaim({
        ...queueKey,
        owner: target.owner,
        repo: target.repo,
        headSha: target.headSha,
        deliveryId: request.deliveryId,
        ...(target.rerun === true ? { rerun: true } : {}),
      });
      return job;
    } catch (error) {
      this.#deps.metrics.databaseError();
      throw new DatabaseUnavailableError(
        `cost-value could not record the delivery: the database is unavailable (${error instanceof Error ? error.message : String(error)}). The delivery is answered 503 so GitHub lists it as failed: redeliver it (or run \`cost-value redeliver\`) once the database is back.`,
        { cause: error },
      );
    }
  }

  /** Take over pending evaluations whose worker died, and retry failed ones after backoff. */
  async sweep(): Promise<void> {
    const { queue, lifecycle, log: appLog } = this.#deps;
    if (queue === undefined || lifecycle.draining) return;
    // uninstalls cut short (a crash, a restart) are finished first
    const purged = await lifecycle.track(() =>
      resumePurges(queue.pool, { stop: () => lifecycle.draining }),
    );
    if (purged.length > 0) {
      appLog.info({ installations: purged }, "cost-value: unfinished uninstall purged");
    }
    const due = await queue.due();
    for (const key of due) {
      const log = appLog.child({
        name: "sweep",
        id: `sweep:${key.installationId}:${key.repositoryId}#${key.number}`,
      });
      await lifecycle
        .track(async () => {
          const octokit = await this.#deps.octokitFor(key.installationId);
          await queue.drain(key, (job, lease) =>
            this.#local.run(pullRequestKey(job), () =>
              this.runOne({
                api: this.apiOf(octokit, lease),
                installationId: key.installationId,
                target: targetOf(job),
                log,
              }),
            ),
          );
        })
        .catch((error: unknown) => {
          if (!(error instanceof ShuttingDownError))
            log.error({ err: error }, "cost-value: a queued evaluation failed");
        });
    }
    // rollups marked by evaluations whose refresh is due and not scheduled here
    await this.#deps.rollups?.refreshDue();
  }

  /** Sweep every `intervalMs` (and once at once) until the lifecycle closes. */
  startSweeping(intervalMs: number): void {
    const { lifecycle, log } = this.#deps;
    let running: Promise<void> | undefined;
    const tick = () => {
      if (running !== undefined) return;
      running = this.sweep()
        .catch((error: unknown) => log.warn({ err: error }, "cost-value: sweep failed"))
        .finally(() => {
          running = undefined;
        });
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    setImmediate(tick);
    lifecycle.onClose(async () => {
      clearInterval(timer);
      await running;
    });
  }

  /** An installation's Octokit with the retry policy and metrics (outside any webhook). */
  static async authenticated(
    auth: (installationId: number) => Promise<unknown>,
    installationId: number,
    deps: { policy: RetryPolicy; metrics: Metrics },
  ): Promise<Octokit> {
    const octokit = (await auth(installationId)) as Octokit;
    applyResilience(octokit, deps.policy, {
      onAttempt: (a) => deps.metrics.apiCall(a.outcome, a.rateLimitRemaining, a.queuedMs),
    });
    return octokit;
  }
}

function targetOf(job: QueuedEvaluation): EvaluationTarget {
  return {
    owner: job.owner,
    repo: job.repo,
    number: job.number,
    headSha: job.headSha,
    repositoryId: job.repositoryId,
    ...(job.rerun ? { rerun: true } : {}),
  };
}
