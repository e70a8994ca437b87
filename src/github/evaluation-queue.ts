/**
 * Durable evaluations. A webhook records its request in PostgreSQL first (so it survives a crash,
 * a restart or a handler that outlives GitHub's 10-second deadline), then evaluates the PR itself
 * under a lease. A second request for a PR being evaluated elsewhere is left to the lease holder,
 * which evaluates again when it finishes (requests are counted, evaluations re-read the source).
 * A sweep takes over pending work whose lease expired (its process died) and retries failed
 * evaluations with backoff, giving up after a few attempts (the check run then says what happened).
 *
 * A lease is a promise that no other worker evaluates the PR until it runs out, so a worker must
 * not write once its lease may have run out: an evaluation can wait long before its write goes out
 * (GitHub's pacing spaces an installation's writes 1 s apart; a burst queues them), and a worker
 * whose renewals failed meanwhile (database unreachable, process stalled) may have been replaced
 * by a sweep that read the PR before this worker's create landed and creates a second run. Each
 * evaluation gets a {@link Lease}: renewed every third of `leaseMs`, lost for good when a renewal
 * finds another owner, and checked right before each check-run write (`ensureHeld`, called after
 * the write's pacing slot: see `evaluationApiOf` in github-api.ts): the write goes out
 * only if the lease surely lasts longer than the write's own attempt, by this process's clock
 * (renewing first when it is close). Otherwise the evaluation stops with {@link LeaseLostError}
 * and leaves the PR to the worker that holds the lease.
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

/**
 * A queued evaluation this worker leased, and when (this process's monotonic clock, ms; unknown:
 * the lease is renewed before the first write).
 */
export type LeasedEvaluation = QueuedEvaluation & { leasedAt?: number };

/** This worker's lease may have run out (or another worker holds it): it must not write. */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
  /** Refused before anything was sent (see `classify` in resilience.ts). */
  readonly notSent = true;
}

/** The lease an evaluation runs under. */
export interface Lease {
  /**
   * Resolve when the lease surely lasts `forMs` more (capped at half the lease), renewing it first
   * when it is closer than that to running out; else reject with {@link LeaseLostError}.
   */
  ensureHeld(forMs: number): Promise<void>;
  /** A renewal found another owner (or none). */
  readonly lost: boolean;
}

export type RunEvaluation = (job: QueuedEvaluation, lease: Lease) => Promise<EvaluationOutcome>;

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
  async enqueueAndClaim(
    item: QueueKey & { owner: string; repo: string; headSha: string; deliveryId?: string },
  ): Promise<{ requested: number; job?: LeasedEvaluation }> {
    // before the statement: the lease lasts `leaseMs` from a moment no earlier than this
    const leasedAt = performance.now();
    const result = await enqueueAndClaim(
      this.pool,
      item,
      this.settings.worker,
      this.settings.leaseMs,
    );
    return result.job === undefined
      ? { requested: result.requested }
      : { requested: result.requested, job: { ...result.job, leasedAt } };
  }

  /**
   * Evaluate a PR's pending requests under its lease until none is left (or the lease is
   * elsewhere). `leased`: a job whose lease this worker already took (`enqueueAndClaim`).
   */
  async drain(key: QueueKey, run: RunEvaluation, leased?: LeasedEvaluation): Promise<DrainResult> {
    const outcomes: EvaluationOutcome[] = [];
    let first = leased;
    for (;;) {
      const job = first ?? (await this.#claim(key));
      first = undefined;
      if (job === undefined) return { outcomes, handedOff: outcomes.length === 0 };
      const outcome = await this.#runLeased(job, run);
      outcomes.push(outcome);
      if (outcome.kind === "failed" && outcome.error instanceof LeaseLostError) {
        // another worker holds the PR (or will take it over): it evaluates; nothing to record
        return { outcomes, handedOff: true };
      }
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

  async #claim(key: QueueKey): Promise<LeasedEvaluation | undefined> {
    const leasedAt = performance.now();
    const job = await claimEvaluation(this.pool, key, this.settings.worker, this.settings.leaseMs);
    return job === undefined ? undefined : { ...job, leasedAt };
  }

  async #runLeased(job: LeasedEvaluation, run: RunEvaluation): Promise<EvaluationOutcome> {
    const { leaseMs, worker } = this.settings;
    const pool = this.pool;
    // until when the lease surely holds, by this clock: `leaseMs` after a renewal was sent (the
    // database sets lease_until = now() + leaseMs when it runs it, no earlier than that)
    let validUntil = (job.leasedAt ?? Number.NEGATIVE_INFINITY) + leaseMs;
    let lost = false;
    let renewing: Promise<void> | undefined;
    const renew = (): Promise<void> => {
      renewing ??= (async () => {
        const sentAt = performance.now();
        try {
          if (await renewLease(pool, job, worker, leaseMs)) {
            validUntil = Math.max(validUntil, sentAt + leaseMs);
          } else {
            lost = true; // another worker took it over (or finished it): never write again
          }
        } catch {
          // the database is unreachable: the lease holds until `validUntil`, then may lapse
        } finally {
          renewing = undefined;
        }
      })();
      return renewing;
    };
    const lease: Lease = {
      get lost() {
        return lost;
      },
      async ensureHeld(forMs) {
        const margin = Math.min(forMs, leaseMs / 2);
        if (!lost && performance.now() + margin >= validUntil) await renew();
        if (lost || performance.now() + margin >= validUntil) {
          throw new LeaseLostError(
            lost
              ? `another worker holds the lease of ${job.owner}/${job.repo}#${job.number}: it evaluates the PR`
              : `the lease of ${job.owner}/${job.repo}#${job.number} could not be renewed (the database is unreachable): not writing, so that a worker taking it over cannot duplicate a write`,
          );
        }
      },
    };
    const timer = setInterval(
      () => {
        if (!lost) void renew();
      },
      Math.max(1_000, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    try {
      return await run(job, lease);
    } catch (error) {
      return { kind: "failed", error, requests: 0, timings: emptyTimings() };
    } finally {
      clearInterval(timer);
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
