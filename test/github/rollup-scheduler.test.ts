/**
 * `RollupScheduler`: a burst of marks on a milestone makes one refresh once it is quiet (or after
 * the longest wait), refreshes of one milestone never overlap, a failed refresh is logged and its
 * durable mark postponed, the sweep refreshes due marks that have no timer here, and `close` stops
 * the timers and leaves the marks. Timing is driven by fake timers (`track` records when a refresh
 * starts, without running it); refreshes that run post to GitHub answered by hand, over the test
 * database.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { upsertMilestone } from "../../src/db/milestones.js";
import { recordPullRequest } from "../../src/db/record.js";
import { ShuttingDownError } from "../../src/github/lifecycle.js";
import {
  DEFAULT_ROLLUP_TIMING,
  RollupScheduler,
  type RollupSchedulerDeps,
} from "../../src/github/rollup-scheduler.js";
import type { RollupAction, RollupTarget } from "../../src/github/rollups.js";
import { migratedDatabaseForFile } from "../helpers/database.js";
import { handGitHub } from "../helpers/hand-github.js";
import { INSTALLATION, milestone, pr, REPO } from "../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();

const TARGET: RollupTarget = {
  installationId: INSTALLATION,
  repository: REPO,
  milestoneNumber: 3,
  currency: "USD",
};
const OTHER: RollupTarget = { ...TARGET, milestoneNumber: 4 };

interface Logged {
  level: "warn" | "error";
  fields: object;
  message: string;
}

function scheduler(deps: Partial<RollupSchedulerDeps> = {}, timing = DEFAULT_ROLLUP_TIMING) {
  const logs: Logged[] = [];
  const refreshed: [number, RollupAction][] = [];
  const gh = handGitHub();
  const s = new RollupScheduler(database().pool, timing, {
    apiFor: async () => gh.api,
    now: () => new Date("2026-11-28T12:00:00Z"),
    track: (task) => task(),
    log: {
      warn: (fields, message) => void logs.push({ level: "warn", fields, message }),
      error: (fields, message) => void logs.push({ level: "error", fields, message }),
    },
    onRefreshed: (target, action) => void refreshed.push([target.milestoneNumber, action]),
    ...deps,
  });
  return { s, logs, refreshed, gh };
}

/** A durable mark on milestone 3, as an evaluation leaves it. */
async function markMilestone(number = 3): Promise<void> {
  await upsertMilestone(database().pool, milestone({ number }));
  await recordPullRequest(database().pool, pr(10 + number, { milestoneNumber: number }), {
    rollups: {},
  });
}

async function mark(number = 3) {
  const { rows } = await database().pool.query<{
    attempts: number;
    last_error: string | null;
    later: boolean;
  }>(
    `SELECT attempts, last_error, not_before > now() AS later FROM rollup_refresh
     WHERE milestone_number = $1`,
    [number],
  );
  return rows[0];
}

describe("schedule (fake timers)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A scheduler whose refreshes only record the fake clock's time when they start. */
  function timed() {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const started: number[] = [];
    const start = Date.now();
    const { s } = scheduler({
      track: async () => {
        started.push(Date.now() - start);
        return undefined as never;
      },
      apiFor: async () => handGitHub().api,
    });
    const flush = async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    return { s, started, flush };
  }

  it("refreshes once when the milestone has been quiet for quietMs, however many marks came", async () => {
    const { s, started, flush } = timed();
    s.schedule(TARGET);
    await vi.advanceTimersByTimeAsync(3_000);
    s.schedule(TARGET);
    await vi.advanceTimersByTimeAsync(3_000);
    s.schedule(TARGET);
    expect(s.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(4_999);
    await flush();
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    // quiet 5 s after the last mark (at 6 s)
    expect(started).toEqual([11_000]);
    expect(s.pending).toBe(0);
  });

  it("refreshes at the latest maxWaitMs after the first mark of a burst that does not stop", async () => {
    const { s, started, flush } = timed();
    for (let t = 0; t < 40_000; t += 2_000) {
      s.schedule(TARGET);
      await vi.advanceTimersByTimeAsync(2_000);
      await flush();
    }
    // a mark every 2 s is never quiet for 5 s: the first refresh at 30 s (maxWaitMs), then the
    // next burst's first mark (at 30 s) waits its own 30 s at most
    expect(started).toEqual([30_000]);
  });

  it("keeps one timer per milestone", async () => {
    const { s, started, flush } = timed();
    s.schedule(TARGET);
    s.schedule(OTHER);
    s.schedule({ ...TARGET, installationId: INSTALLATION + 1 });
    expect(s.pending).toBe(3);
    await vi.advanceTimersByTimeAsync(5_000);
    await flush();
    expect(started).toHaveLength(3);
  });
});

describe("refresh", () => {
  it("posts the rollup with the installation's API, clears the mark, and reports what it did", async () => {
    await markMilestone();
    const installationGitHub = handGitHub();
    const apiFor: number[] = [];
    const { s, refreshed } = scheduler({
      apiFor: async (installationId) => {
        apiFor.push(installationId);
        return installationGitHub.api;
      },
    });
    await s.refresh(TARGET);
    expect(apiFor).toEqual([INSTALLATION]);
    expect(refreshed).toEqual([[3, "created"]]);
    expect(installationGitHub.restCalls.map((c) => c.route)).toContain(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
    );
    expect(await mark()).toBeUndefined();
  });

  it("runs refreshes of one milestone one after another, other milestones at once", async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    const { s } = scheduler({
      track: async (task) => {
        const n = ++runs;
        events.push(`start ${n}`);
        if (n === 1) await gate;
        events.push(`end ${n}`);
        return undefined as Awaited<ReturnType<typeof task>>;
      },
    });
    const first = s.refresh(TARGET);
    const second = s.refresh(TARGET);
    const other = s.refresh(OTHER);
    await other;
    // the other milestone did not wait for the first one
    expect(events).toEqual(["start 1", "start 2", "end 2"]);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(["start 1", "start 2", "end 2", "end 1", "start 3", "end 3"]);
  });

  it("logs a failed refresh and postpones the milestone's mark", async () => {
    await markMilestone();
    const down = new Error("GitHub is down");
    const { s, logs } = scheduler({
      apiFor: async () => {
        throw down;
      },
    });
    await s.refresh(TARGET);
    expect(logs).toEqual([
      {
        level: "error",
        fields: { err: down, repository: "acme/shop", milestone: 3 },
        message: "cost-value: rollup refresh failed",
      },
    ]);
    expect(await mark()).toEqual({ attempts: 1, last_error: "GitHub is down", later: true });
  });

  it("warns when the mark cannot be postponed either", async () => {
    const { s, logs } = scheduler({
      apiFor: async () => {
        throw new Error("GitHub is down");
      },
    });
    // the postponing statement fails: a pool that is closed as far as the scheduler knows
    Object.defineProperty(s, "pool", {
      value: {
        query: async () => {
          throw new Error("database gone");
        },
      },
    });
    await s.refresh(TARGET);
    expect(logs.map((l) => [l.level, l.message])).toEqual([
      ["error", "cost-value: rollup refresh failed"],
      ["warn", "cost-value: could not postpone the rollup"],
    ]);
  });
});

describe("refreshDue (the sweep)", () => {
  it("refreshes the due marks, except those with a timer here, and counts them", async () => {
    await markMilestone(3);
    await markMilestone(4);
    const { s, refreshed } = scheduler({}, { quietMs: 0, maxWaitMs: 60_000 });
    // milestone 4 has a timer in this process: the timer refreshes it, not the sweep
    s.schedule(OTHER);
    expect(await s.refreshDue()).toBe(1);
    expect(refreshed).toEqual([[3, "created"]]);
    await s.close();
  });

  it("leaves marks that are not due yet (still within the quiet time)", async () => {
    await markMilestone(3);
    const { s, refreshed } = scheduler({}, { quietMs: 60_000, maxWaitMs: 120_000 });
    expect(await s.refreshDue()).toBe(0);
    expect(refreshed).toEqual([]);
  });
});

describe("close", () => {
  it("stops the timers, ignores new marks, sweeps nothing more: the marks stay for the next start", async () => {
    await markMilestone(3);
    const { s, refreshed } = scheduler({}, { quietMs: 0, maxWaitMs: 0 });
    s.schedule(TARGET);
    expect(s.pending).toBe(1);
    await s.close();
    expect(s.pending).toBe(0);
    s.schedule(TARGET);
    expect(s.pending).toBe(0);
    expect(await s.refreshDue()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(refreshed).toEqual([]);
    expect(await mark()).toMatchObject({ attempts: 0 });
  });

  it("waits for a refresh in progress; one refused by the shutdown is neither logged nor postponed", async () => {
    await markMilestone(3);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finished = false;
    let entered = false;
    let closing = false;
    const { s, logs } = scheduler({
      track: async (task) => {
        if (closing) throw new ShuttingDownError();
        entered = true;
        await gate;
        const value = await task();
        finished = true;
        return value;
      },
    });
    const running = s.refresh(TARGET);
    await expect.poll(() => entered).toBe(true);
    closing = true;
    const closed = s.close();
    const refused = s.refresh(OTHER);
    release();
    await closed;
    expect(finished).toBe(true);
    await refused;
    await running;
    expect(logs).toEqual([]);
    // milestone 3's mark was cleared by its refresh; nothing was postponed
    expect(await mark(3)).toBeUndefined();
  });
});
