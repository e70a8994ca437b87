/**
 * The durable evaluation queue's rules, with two workers on one database: one evaluation of a PR
 * at a time, requests that arrive meanwhile are evaluated again by the lease holder (never lost,
 * never run twice at once), a dead worker's lease is taken over when it expires, failures back off
 * and are given up after the attempts allowed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import {
  claimEvaluation,
  countPending,
  enqueueAndClaim,
  enqueueEvaluation,
} from "../../src/db/queue.js";
import type { EvaluationOutcome } from "../../src/github/evaluate.js";
import { DEFAULT_QUEUE_SETTINGS, EvaluationQueue } from "../../src/github/evaluation-queue.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE");
});

const KEY = { installationId: 1, repositoryId: 10, number: 5 };
const item = (headSha = "a".repeat(40)) => ({ ...KEY, owner: "o", repo: "r", headSha });
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
const worker = (name: string, settings: Partial<typeof DEFAULT_QUEUE_SETTINGS> = {}) =>
  new EvaluationQueue(db.pool, { ...DEFAULT_QUEUE_SETTINGS, worker: name, ...settings });

describe("the evaluation queue", () => {
  it("records a request and takes a free lease in one statement; never a live lease, not even its own", async () => {
    const first = await enqueueAndClaim(db.pool, item(), "a", 60_000);
    expect(first.requested).toBe(1);
    expect(first.job).toMatchObject({ ...KEY, requested: 1, attempts: 1 });
    // a's lease is live: b gets no job, and neither does a (its evaluation is in progress: the
    // request is left to its drain loop), but every request is counted
    expect(await enqueueAndClaim(db.pool, item(), "b", 60_000)).toEqual({ requested: 2 });
    expect(await enqueueAndClaim(db.pool, item(), "a", 60_000)).toEqual({ requested: 3 });
    expect(await claimEvaluation(db.pool, KEY, "b", 60_000)).toBeUndefined();
    // a's lease expires (a died): the next delivery takes it over at once
    await db.pool.query("UPDATE evaluation_queue SET lease_until = now() - interval '1 second'");
    const takeover = await enqueueAndClaim(db.pool, item("b".repeat(40)), "b", 60_000);
    expect(takeover.job).toMatchObject({ requested: 4, headSha: "b".repeat(40), attempts: 1 });
    // and drains from the job it holds: one evaluation covers all four requests
    let runs = 0;
    const result = await worker("b").drain(
      KEY,
      async () => {
        runs++;
        return published;
      },
      takeover.job,
    );
    expect(result).toMatchObject({ handedOff: false });
    expect(runs).toBe(1);
    expect(await countPending(db.pool)).toBe(0);
  });

  it("hands a request to the lease holder, which evaluates again: nothing lost, never two at once", async () => {
    const a = worker("a");
    const b = worker("b");
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const evaluate = async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      if (runs === 1) await gate; // the first evaluation is slow
      running--;
      return published;
    };
    await a.enqueue(item());
    const first = a.drain(KEY, evaluate);
    await expect.poll(() => runs).toBe(1);
    // a second delivery reaches worker b while a evaluates
    await b.enqueue(item("b".repeat(40)));
    expect(await b.drain(KEY, evaluate)).toEqual({ outcomes: [], handedOff: true });
    release();
    const result = await first;
    expect(result.outcomes).toHaveLength(2); // a evaluated again for b's request
    expect([runs, maxRunning]).toEqual([2, 1]);
    expect(await countPending(db.pool)).toBe(0);
  });

  it("takes over the lease of a worker that died, once it expires", async () => {
    await enqueueEvaluation(db.pool, item());
    expect(await claimEvaluation(db.pool, KEY, "dead", 60_000)).toBeDefined();
    const alive = worker("alive", { graceMs: 0 });
    expect(await alive.due()).toEqual([]); // the lease is live
    await db.pool.query("UPDATE evaluation_queue SET lease_until = now() - interval '1 second'");
    expect(await alive.due()).toEqual([KEY]);
    const result = await alive.drain(KEY, async () => published);
    expect(result.outcomes).toHaveLength(1);
    expect(await countPending(db.pool)).toBe(0);
  });

  it("leaves a just-enqueued request to its webhook for the grace period", async () => {
    await enqueueEvaluation(db.pool, item());
    expect(await worker("sweeper", { graceMs: 60_000 }).due()).toEqual([]);
    expect(await worker("sweeper", { graceMs: 0 }).due()).toEqual([KEY]);
  });

  it("backs off after a failure and gives up after the attempts allowed", async () => {
    const failing = worker("w", { maxAttempts: 2, backoffMs: () => 60_000, graceMs: 0 });
    const failed: EvaluationOutcome = {
      kind: "failed",
      error: new Error("GitHub 502"),
      requests: 1,
      timings,
    };
    await failing.enqueue(item());
    await failing.drain(KEY, async () => failed);
    const { rows } = await db.pool.query(
      "SELECT attempts, last_error, not_before > now() AS later FROM evaluation_queue",
    );
    expect(rows[0]).toEqual({ attempts: 1, last_error: "GitHub 502", later: true });
    expect(await failing.due()).toEqual([]); // not before the backoff
    await db.pool.query("UPDATE evaluation_queue SET not_before = now()");
    expect(await failing.due()).toEqual([KEY]);
    await failing.drain(KEY, async () => failed); // attempt 2 of 2: given up
    expect(await countPending(db.pool)).toBe(0);
    // a new delivery starts over
    await failing.enqueue(item());
    expect(await countPending(db.pool)).toBe(1);
  });

  it("a thrown evaluation counts as a failed one (the lease is released, the request kept)", async () => {
    const w = worker("w");
    await w.enqueue(item());
    const result = await w.drain(KEY, async () => {
      throw new Error("boom");
    });
    expect(result.outcomes[0]?.kind).toBe("failed");
    const { rows } = await db.pool.query(
      "SELECT lease_owner, completed < requested AS pending FROM evaluation_queue",
    );
    expect(rows[0]).toEqual({ lease_owner: null, pending: true });
  });
});
