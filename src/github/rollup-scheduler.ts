/**
 * Rollup edits coalesced per milestone. GitHub limits an installation's content-creating requests
 * (about 80 a minute, 500 an hour), and a burst of evaluations in one milestone (a bot opening a
 * batch of PRs, a milestone assigned to many) would otherwise edit the rollup comment once per
 * evaluation. Each evaluation leaves a durable mark on its milestone (in the statement that
 * records it); the scheduler refreshes the rollup once the milestone has been quiet for `quietMs`,
 * or `maxWaitMs` after the first mark at the latest, so N evaluations make a few edits and the
 * last edit shows the final totals. Marks outlive the process: the sweep refreshes those that
 * are due (after a restart, another instance's, or a failure's backoff).
 */
import type pg from "pg";
import { dueRollupMarks, postponeRollupMark, type RollupMark } from "../db/rollup-marks.js";
import type { RestApi } from "./rest-api.js";
import { type RollupAction, type RollupTarget, refreshRollup } from "./rollups.js";

export interface RollupTiming {
  /** Refresh once no evaluation marked the milestone for this long. */
  quietMs: number;
  /** …and at the latest this long after the first mark (a long burst still shows progress). */
  maxWaitMs: number;
}

export const DEFAULT_ROLLUP_TIMING: RollupTiming = { quietMs: 5_000, maxWaitMs: 30_000 };

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RollupSchedulerDeps {
  /** An API object acting for the installation (a fresh installation token when needed). */
  apiFor: (installationId: number) => Promise<RestApi>;
  appId?: number;
  now: () => Date;
  /** Runs a refresh as tracked work (shutdown waits for it; refused while draining). */
  track: <T>(task: () => Promise<T>) => Promise<T>;
  log: Log;
  /** Called after each refresh (metrics, tests). */
  onRefreshed?: (target: RollupTarget, action: RollupAction) => void;
}

const keyOf = (t: { installationId: number; repositoryId: number; milestoneNumber: number }) =>
  `${t.installationId}:${t.repositoryId}:${t.milestoneNumber}`;

function targetOf(mark: RollupMark): RollupTarget {
  return {
    installationId: mark.installationId,
    repository: { id: mark.repositoryId, owner: mark.owner, name: mark.repo },
    milestoneNumber: mark.milestoneNumber,
    currency: mark.currency,
    ...(mark.fixedIssue !== undefined ? { fixedIssue: mark.fixedIssue } : {}),
  };
}

export class RollupScheduler {
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; first: number }>();
  readonly #running = new Map<string, Promise<void>>();
  #closed = false;

  constructor(
    readonly pool: pg.Pool,
    readonly timing: RollupTiming,
    readonly deps: RollupSchedulerDeps,
  ) {}

  /** An evaluation marked the milestone: refresh it when the burst is over (or has run long). */
  schedule(target: RollupTarget): void {
    if (this.#closed) return; // the mark is in the database: the next start's sweep does it
    const key = keyOf({ ...target, repositoryId: target.repository.id });
    const now = Date.now();
    const entry = this.#timers.get(key);
    if (entry !== undefined) clearTimeout(entry.timer);
    const first = entry?.first ?? now;
    const at = Math.min(now + this.timing.quietMs, first + this.timing.maxWaitMs);
    const timer = setTimeout(
      () => {
        this.#timers.delete(key);
        void this.refresh(target);
      },
      Math.max(0, at - now),
    );
    timer.unref();
    this.#timers.set(key, { timer, first });
  }

  /** Refresh one milestone's rollup now (one at a time per milestone in this process). */
  refresh(target: RollupTarget): Promise<void> {
    const key = keyOf({ ...target, repositoryId: target.repository.id });
    const previous = this.#running.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#refresh(target));
    this.#running.set(key, next);
    void next.then(() => {
      if (this.#running.get(key) === next) this.#running.delete(key);
    });
    return next;
  }

  async #refresh(target: RollupTarget): Promise<void> {
    const where = {
      repository: `${target.repository.owner}/${target.repository.name}`,
      milestone: target.milestoneNumber,
    };
    try {
      await this.deps.track(async () => {
        const api = await this.deps.apiFor(target.installationId);
        const action = await refreshRollup(api, this.pool, target, {
          ...(this.deps.appId !== undefined ? { appId: this.deps.appId } : {}),
          now: this.deps.now,
        });
        this.deps.onRefreshed?.(target, action);
      });
    } catch (error) {
      if (this.#closed) return; // refused while shutting down: the mark stays for the next start
      this.deps.log.error({ err: error, ...where }, "cost-value: rollup refresh failed");
      await postponeRollupMark(
        this.pool,
        {
          installationId: target.installationId,
          repositoryId: target.repository.id,
          milestoneNumber: target.milestoneNumber,
        },
        {
          error: error instanceof Error ? error.message : String(error),
          baseMs: 15_000,
          maxMs: 30 * 60_000,
        },
      ).catch((e: unknown) =>
        this.deps.log.warn({ err: e, ...where }, "cost-value: could not postpone the rollup"),
      );
    }
  }

  /**
   * The sweep: refresh the marks that are due in the database and have no timer here (left by a
   * process that stopped, by another instance, or backed off after a failure).
   */
  async refreshDue(limit = 20): Promise<number> {
    if (this.#closed) return 0;
    const due = await dueRollupMarks(this.pool, { ...this.timing, limit });
    let refreshed = 0;
    for (const mark of due) {
      if (this.#closed) break;
      if (this.#timers.has(keyOf(mark))) continue;
      await this.refresh(targetOf(mark));
      refreshed++;
    }
    return refreshed;
  }

  /** Milestones waiting for their timer in this process. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Stop the timers and wait for refreshes in progress; marks stay for the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled([...this.#running.values()]);
  }
}
