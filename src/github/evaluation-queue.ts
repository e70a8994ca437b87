/**
 * Durable evaluations. A webhook records its request in PostgreSQL first (so it survives a crash,
 * a restart or a handler that outlives GitHub's 10-second deadline), then evaluates the PR itself
 * under a lease. A second request for a PR being evaluated elsewhere is left to the lease holder,
 * which evaluates again when it finishes (requests are counted, evaluations re-read the source).
 * A sweep takes over pending work whose lease expired (its process died) and retries failed
 * evaluations with backoff, giving up after a few attempts (the check run then says what happened).
 */
import type pg from "pg";
import {
  claimEvaluation,
  dueEvaluations,
  enqueueAndClaim,
  enqueueEvaluation,
  failEvaluation,
  finishEvaluation,
  type QueuedEvaluation,
  type QueueKey,
  renewLease,
} from "../db/queue.js";
import type { EvaluationOutcome } from "./evaluate.js";

export interface QueueSettings {
  /** This process (leases are held per worker). */
  worker: string;
  /** How long a lease lasts without renewal; renewed every third of it while evaluating. */
  leaseMs: number;
  /** Attempts before a failing evaluation is given up (a later webhook or Re-run starts over). */
  maxAttempts: number;
  /** Delay before the sweep retries a failed evaluation. */
  backoffMs: (attempt: number) => number;
  /** A just-enqueued request is left to its webhook for this long before a sweep may take it. */
  graceMs: number;
}

export const DEFAULT_QUEUE_SETTINGS: Omit<QueueSettings, "worker"> = {
  leaseMs: 60_000,
  maxAttempts: 5,
  backoffMs: (attempt) => Math.min(30 * 60_000, 15_000 * 2 ** Math.max(0, attempt - 1)),
  graceMs: 30_000,
};

export type RunEvaluation = (job: QueuedEvaluation) => Promise<EvaluationOutcome>;

export interface DrainResult {
  /** The evaluations this call ran (the last one decides the webhook's answer). */
  outcomes: EvaluationOutcome[];
  /** Another worker holds the lease: it will cover this request. */
  handedOff: boolean;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class EvaluationQueue {
  constructor(
    readonly pool: pg.Pool,
    readonly settings: QueueSettings,
  ) {}

  enqueue(
    item: QueueKey & { owner: string; repo: string; headSha: string; deliveryId?: string },
  ): Promise<number> {
    return enqueueEvaluation(this.pool, item);
  }

  /** Ask for an evaluation, and take the PR's lease at once when nobody holds it (see queue.ts). */
  enqueueAndClaim(
    item: QueueKey & { owner: string; repo: string; headSha: string; deliveryId?: string },
  ): Promise<{ requested: number; job?: QueuedEvaluation }> {
    return enqueueAndClaim(this.pool, item, this.settings.worker, this.settings.leaseMs);
  }

  /**
   * Evaluate a PR's pending requests under its lease until none is left (or the lease is
   * elsewhere). `leased`: a job whose lease this worker already took (`enqueueAndClaim`).
   */
  async drain(key: QueueKey, run: RunEvaluation, leased?: QueuedEvaluation): Promise<DrainResult> {
    const outcomes: EvaluationOutcome[] = [];
    let first = leased;
    for (;;) {
      const job =
        first ??
        (await claimEvaluation(this.pool, key, this.settings.worker, this.settings.leaseMs));
      first = undefined;
      if (job === undefined) return { outcomes, handedOff: outcomes.length === 0 };
      const outcome = await this.#runLeased(job, run);
      outcomes.push(outcome);
      if (outcome.kind === "failed") {
        const giveUp = job.attempts >= this.settings.maxAttempts;
        await failEvaluation(this.pool, key, this.settings.worker, {
          error: message(outcome.error),
          retryInMs: this.settings.backoffMs(job.attempts),
          giveUp,
          requested: job.requested,
        });
        return { outcomes, handedOff: false };
      }
      const more = await finishEvaluation(this.pool, key, this.settings.worker, job.requested);
      if (!more) return { outcomes, handedOff: false };
    }
  }

  async #runLeased(job: QueuedEvaluation, run: RunEvaluation): Promise<EvaluationOutcome> {
    const renew = setInterval(
      () => {
        renewLease(this.pool, job, this.settings.worker, this.settings.leaseMs).catch(
          () => undefined, // the database is down: the lease may lapse, and another worker repeat it
        );
      },
      Math.max(1_000, Math.floor(this.settings.leaseMs / 3)),
    );
    renew.unref();
    try {
      return await run(job);
    } catch (error) {
      return { kind: "failed", error, requests: 0, timings: emptyTimings() };
    } finally {
      clearInterval(renew);
    }
  }

  /** PRs whose evaluation is due and unowned (after a crash, or a failure's backoff). */
  due(limit = 20): Promise<QueueKey[]> {
    return dueEvaluations(this.pool, { limit, graceMs: this.settings.graceMs });
  }
}

function emptyTimings(): EvaluationOutcome["timings"] {
  return { read: 0, evaluate: 0, render: 0, publish: 0, ledger: 0 };
}
