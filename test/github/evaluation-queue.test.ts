/**
 * `EvaluationQueue`'s own logic over the queue's statements (test/db/queue.test.ts holds the rules
 * of the statements with two workers): the drain loop (evaluate again while requests arrived,
 * hand off, record a failure with the settings' backoff, give up), and the lease an evaluation
 * runs under (`ensureHeld`: no renewal while it surely holds, a renewal when close, refused for
 * good once another worker owns it or while renewals fail).
 */
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { claimEvaluation, enqueueEvaluation } from "../../src/db/queue.js";
import type { EvaluationOutcome } from "../../src/github/evaluate.js";
import {
  DEFAULT_QUEUE_SETTINGS,
  EvaluationQueue,
  type Lease,
  type LeasedEvaluation,
  LeaseLostError,
  type QueueSettings,
} from "../../src/github/evaluation-queue.js";
import { migratedDatabaseForFile } from "../helpers/database.js";

const database = migratedDatabaseForFile();

const KEY = { installationId: 2_200_000_001, repositoryId: 3_000_000_077, number: 5 };
const item = (headSha = "a".repeat(40)) => ({ ...KEY, owner: "acme", repo: "shop", headSha });
const timings = { read: 0, evaluate: 0, render: 0, publish: 0, ledger: 0 };
const published: EvaluationOutcome = {
  kind: "published",
  conclusion: "success",
  checkRunId: "30000000001",
  action: "created",
  headSha: "a".repeat(40),
  requests: 2,
  rollups: [],
  timings,
  ignoredErrors: [],
};
const failed = (error: unknown): EvaluationOutcome => ({
  kind: "failed",
  error,
  requests: 1,
  timings,
});

function worker(name: string, settings: Partial<QueueSettings> = {}, pool?: pg.Pool) {
  return new EvaluationQueue(pool ?? database().pool, {
    ...DEFAULT_QUEUE_SETTINGS,
    worker: name,
    ...settings,
  });
}

async function row() {
  const { rows } = await database().pool.query<{
    requested: number;
    completed: number;
    attempts: number;
    last_error: string | null;
    lease_owner: string | null;
    lease_ms_left: number;
    backoff_ms: number;
  }>(
    `SELECT requested, completed, attempts, last_error, lease_owner,
       (extract(epoch FROM lease_until - now()) * 1000)::float8 AS lease_ms_left,
       (extract(epoch FROM not_before - now()) * 1000)::float8 AS backoff_ms
     FROM evaluation_queue`,
  );
  return rows[0];
}

describe("enqueueAndClaim", () => {
  it("takes a free lease with the time it was taken, and counts a request under a live one", async () => {
    const before = performance.now();
    const first = await worker("a").enqueueAndClaim(item());
    expect(first.requested).toBe(1);
    expect(first.job).toMatchObject({ ...KEY, requested: 1, attempts: 1 });
    // taken before the statement ran: the lease lasts leaseMs from no earlier than this
    expect(first.job?.leasedAt).toBeGreaterThanOrEqual(before);
    expect(first.job?.leasedAt).toBeLessThanOrEqual(performance.now());
    expect(await worker("b").enqueueAndClaim(item())).toEqual({ requested: 2 });
  });
});

describe("drain", () => {
  it("evaluates the leased job under a lease, then finishes it", async () => {
    const w = worker("a");
    const { job } = await w.enqueueAndClaim(item());
    const seen: { job: LeasedEvaluation; lost: boolean }[] = [];
    const result = await w.drain(
      KEY,
      async (j, lease) => {
        seen.push({ job: j, lost: lease.lost });
        return published;
      },
      job,
    );
    expect(result).toEqual({ outcomes: [published], handedOff: false });
    expect(seen).toEqual([{ job: expect.objectContaining({ requested: 1 }), lost: false }]);
    expect(await row()).toMatchObject({ requested: 1, completed: 1, lease_owner: null });
  });

  it("claims the job itself when none is given, and evaluates again for requests that arrived meanwhile", async () => {
    const w = worker("a");
    await w.enqueue(item());
    let runs = 0;
    const result = await w.drain(KEY, async () => {
      runs++;
      // a delivery during the first evaluation
      if (runs === 1) await w.enqueue(item("b".repeat(40)));
      return published;
    });
    expect(runs).toBe(2);
    expect(result.outcomes).toHaveLength(2);
    expect(await row()).toMatchObject({ requested: 2, completed: 2 });
  });

  it("hands off, evaluating nothing, when another worker holds the lease", async () => {
    await worker("a").enqueueAndClaim(item());
    let runs = 0;
    const result = await worker("b").drain(KEY, async () => {
      runs++;
      return published;
    });
    expect(result).toEqual({ outcomes: [], handedOff: true });
    expect(runs).toBe(0);
  });

  it("records a failure with the settings' backoff for that attempt, the lease let go", async () => {
    const attempts: number[] = [];
    const w = worker("a", {
      backoffMs: (attempt) => {
        attempts.push(attempt);
        return 120_000;
      },
    });
    await w.enqueue(item());
    const result = await w.drain(KEY, async () => failed(new Error("GitHub 502")));
    expect(result.handedOff).toBe(false);
    expect(attempts).toEqual([1]);
    const r = await row();
    expect(r).toMatchObject({ attempts: 1, last_error: "GitHub 502", lease_owner: null });
    // not before 2 minutes from now (give or take the test's own time)
    expect(r?.backoff_ms).toBeGreaterThan(110_000);
    expect(r?.backoff_ms).toBeLessThanOrEqual(120_000);
  });

  it("gives up once the attempts allowed are used (the requests count as done)", async () => {
    const w = worker("a", { maxAttempts: 1, graceMs: 0 });
    await w.enqueue(item());
    await w.drain(KEY, async () => failed("not an Error"));
    const r = await row();
    expect(r).toMatchObject({ requested: 1, completed: 1, last_error: "not an Error" });
    expect(await w.due()).toEqual([]);
  });

  it("turns a thrown evaluation into a failed outcome with no requests and zero timings", async () => {
    const w = worker("a");
    await w.enqueue(item());
    const boom = new Error("boom");
    const result = await w.drain(KEY, async () => {
      throw boom;
    });
    expect(result.outcomes).toEqual([{ kind: "failed", error: boom, requests: 0, timings }]);
    expect(await row()).toMatchObject({ attempts: 1, last_error: "boom" });
  });

  it("records nothing when the evaluation lost its lease: the holder evaluates", async () => {
    const w = worker("a");
    await w.enqueue(item());
    const result = await w.drain(KEY, async () => failed(new LeaseLostError("elsewhere")));
    expect(result.handedOff).toBe(true);
    expect(await row()).toMatchObject({ completed: 0, last_error: null });
  });
});

/**
 * Run `check` under the lease of a job claimed as given, and return what it returned. What it
 * throws (a failed assertion) is rethrown here: drain would turn it into a failed outcome.
 */
async function underLease<T>(
  w: EvaluationQueue,
  job: LeasedEvaluation,
  check: (lease: Lease) => Promise<T>,
): Promise<T> {
  let result = { error: new Error("check did not run") } as { value: T } | { error: unknown };
  await w.drain(
    KEY,
    async (_job, lease) => {
      try {
        result = { value: await check(lease) };
      } catch (error) {
        result = { error };
      }
      return published;
    },
    job,
  );
  if ("error" in result) throw result.error;
  return result.value;
}

describe("the lease", () => {
  const claimed = async (name: string, leaseMs: number): Promise<LeasedEvaluation> => {
    await enqueueEvaluation(database().pool, item());
    const job = await claimEvaluation(database().pool, KEY, name, leaseMs);
    if (job === undefined) throw new Error("not claimed");
    return job;
  };

  it("is not renewed while it surely lasts longer than the write", async () => {
    const w = worker("a", { leaseMs: 60_000 });
    // the database's lease: 30 s; a renewal would make it a minute
    const job = await claimed("a", 30_000);
    await underLease(w, { ...job, leasedAt: performance.now() }, async (lease) => {
      await lease.ensureHeld(5_000);
      expect((await row())?.lease_ms_left).toBeLessThanOrEqual(30_000);
    });
  });

  it("is renewed first when it is close to running out", async () => {
    const w = worker("a", { leaseMs: 60_000 });
    const job = await claimed("a", 2_000);
    // taken 59.5 s ago by this clock: half a second left, a write needs more
    await underLease(w, { ...job, leasedAt: performance.now() - 59_500 }, async (lease) => {
      await lease.ensureHeld(5_000);
      // renewed: a full minute from the database's now
      expect((await row())?.lease_ms_left).toBeGreaterThan(55_000);
    });
  });

  it("is renewed first when the time it was taken is unknown", async () => {
    const w = worker("a", { leaseMs: 60_000 });
    // claimed by the statement alone: no leasedAt
    const job = await claimed("a", 2_000);
    expect(job.leasedAt).toBeUndefined();
    await underLease(w, job, async (lease) => {
      await lease.ensureHeld(5_000);
      expect((await row())?.lease_ms_left).toBeGreaterThan(55_000);
    });
  });

  it("is lost for good when a renewal finds another owner: every write refused", async () => {
    const w = worker("a", { leaseMs: 60_000 });
    const job = await claimed("a", 60_000);
    const errors = await underLease(w, job, async (lease) => {
      await database().pool.query("UPDATE evaluation_queue SET lease_owner = 'b'");
      const first = await lease.ensureHeld(1_000).catch((e: unknown) => e);
      const lost = lease.lost;
      // the owner is back: still lost (another worker may be evaluating)
      await database().pool.query("UPDATE evaluation_queue SET lease_owner = 'a'");
      const second = await lease.ensureHeld(1_000).catch((e: unknown) => e);
      return { first, second, lost };
    });
    expect(errors.lost).toBe(true);
    expect(errors.first).toBeInstanceOf(LeaseLostError);
    expect(String(errors.first)).toContain("another worker holds the lease of acme/shop#5");
    expect(errors.second).toBeInstanceOf(LeaseLostError);
  });

  it("refuses a write while renewals fail and the lease may have lapsed, without losing it for good", async () => {
    const real = database().pool;
    let renewalsFail = true;
    // the pool as the queue sees it: renewals fail while `renewalsFail`
    const flaky = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== "query") return Reflect.get(target, property, receiver);
        return (text: unknown, values?: unknown) => {
          if (renewalsFail && String(text).includes("SET lease_until = now() +")) {
            return Promise.reject(new Error("connection terminated"));
          }
          return target.query(text as string, values as unknown[]);
        };
      },
    }) as pg.Pool;
    const w = worker("a", { leaseMs: 60_000 }, flaky);
    const job = await claimed("a", 60_000);
    const outcome = await underLease(
      w,
      { ...job, leasedAt: performance.now() - 59_500 },
      async (lease) => {
        const refused = await lease.ensureHeld(5_000).catch((e: unknown) => e);
        const lostAfterFailure = lease.lost;
        renewalsFail = false;
        const held = await lease.ensureHeld(5_000).then(() => "held");
        return { refused, lostAfterFailure, held };
      },
    );
    expect(outcome.refused).toBeInstanceOf(LeaseLostError);
    expect(String(outcome.refused)).toContain("could not be renewed");
    // the database may come back: the lease is not given up
    expect(outcome.lostAfterFailure).toBe(false);
    expect(outcome.held).toBe("held");
  });

  it("caps the margin asked for at half the lease", async () => {
    const w = worker("a", { leaseMs: 4_000 });
    // 3 s left by this clock and in the database; a renewal would make it 4 s
    const job = await claimed("a", 3_000);
    // a 10-minute write asks only for 2 s (half the lease): no renewal
    await underLease(w, { ...job, leasedAt: performance.now() - 1_000 }, async (lease) => {
      await lease.ensureHeld(600_000);
      expect((await row())?.lease_ms_left).toBeLessThanOrEqual(3_000);
    });
  });

  // moved from test/reliability/lease.test.ts: the renewal timer's side of the lease
  it("a renewal on the timer that finds another owner loses the lease for good: no write, no failure recorded", async () => {
    const w = worker("a", { leaseMs: 3_000 });
    const { job } = await w.enqueueAndClaim(item());
    if (job === undefined) throw new Error("not claimed");
    let refused: unknown;
    const result = await w.drain(
      KEY,
      async (_job, lease) => {
        await lease.ensureHeld(100); // held
        // another worker owns it now (as after an expiry and a takeover)
        await database().pool.query("UPDATE evaluation_queue SET lease_owner = 'b'");
        // the timer renews every second (a third of the lease) and finds b
        await expect.poll(() => lease.lost, { timeout: 5_000 }).toBe(true);
        refused = await lease.ensureHeld(100).catch((error: unknown) => error);
        return failed(refused);
      },
      job,
    );
    expect(refused).toBeInstanceOf(LeaseLostError);
    expect(result.handedOff).toBe(true);
    expect(await row()).toMatchObject({ lease_owner: "b", last_error: null });
  }, 30_000);
});
