/**
 * Rollup marks (rollup-marks.ts): read, cleared only when no newer mark came (a bumped one stays,
 * its wait counted from now), postponed with a doubling backoff up to a cap, and found due when
 * quiet for long enough or waiting too long, past any backoff, oldest first. Marks are left by
 * recording a PR with `rollups` (record.ts), as evaluations do; times are moved in SQL.
 */
import { describe, expect, it } from "vitest";
import { recordPullRequest } from "../../src/db/record.js";
import {
  clearRollupMark,
  dueRollupMarks,
  postponeRollupMark,
  readRollupMark,
} from "../../src/db/rollup-marks.js";
import { migratedDatabaseForFile, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, pr, REPO } from "../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();
const pool = () => database().pool;

const key = (milestoneNumber = 3) => ({
  installationId: INSTALLATION,
  repositoryId: REPO.id,
  milestoneNumber,
});

let evaluations = 0;
/** An evaluation of a PR in the milestone marks it (each call a newer read). */
async function mark(milestoneNumber = 3, fixedIssue?: number): Promise<void> {
  evaluations++;
  await recordPullRequest(
    pool(),
    pr(milestoneNumber * 100, {
      milestoneNumber,
      evaluatedAt: new Date(Date.UTC(2026, 10, 20, 0, 0, evaluations)),
    }),
    { rollups: fixedIssue !== undefined ? { fixedIssue } : {} },
  );
}

/** Move the mark's times into the past, by seconds. */
async function age(
  milestoneNumber: number,
  seconds: { first?: number; last?: number; notBefore?: number },
): Promise<void> {
  await pool().query(
    `UPDATE rollup_refresh SET
       first_requested_at = now() - $2 * interval '1 second',
       last_requested_at = now() - $3 * interval '1 second',
       not_before = now() - $4 * interval '1 second'
     WHERE milestone_number = $1`,
    [milestoneNumber, seconds.first ?? 0, seconds.last ?? 0, seconds.notBefore ?? 0],
  );
}

async function row(milestoneNumber = 3) {
  const { rows } = await pool().query<{
    requested: number;
    attempts: number;
    last_error: string | null;
    first_age_s: number;
    backoff_s: number;
  }>(
    `SELECT requested, attempts, last_error,
       extract(epoch FROM now() - first_requested_at)::float8 AS first_age_s,
       extract(epoch FROM not_before - now())::float8 AS backoff_s
     FROM rollup_refresh WHERE milestone_number = $1`,
    [milestoneNumber],
  );
  return rows[0];
}

describe(`rollup marks (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("reads a mark's request count, nothing for an unmarked milestone", async () => {
    expect(await readRollupMark(pool(), key())).toBeUndefined();
    await mark();
    await mark();
    expect(await readRollupMark(pool(), key())).toBe(2);
    expect(await readRollupMark(pool(), { ...key(), installationId: INSTALLATION + 1 })).toBe(
      undefined,
    );
  });

  it("clears a mark read at its count; keeps one bumped since, its wait counted from now", async () => {
    await mark();
    await clearRollupMark(pool(), key(), 1);
    expect(await readRollupMark(pool(), key())).toBeUndefined();

    await mark();
    await age(3, { first: 600 });
    const read = await readRollupMark(pool(), key());
    await mark(); // a newer evaluation while the refresh posted
    await postponeRollupMark(pool(), key(), { error: "x", baseMs: 1, maxMs: 1 });
    await clearRollupMark(pool(), key(), read ?? 0);
    const kept = await row();
    expect(kept).toMatchObject({ requested: 2, attempts: 0, last_error: null });
    expect(kept?.first_age_s).toBeLessThan(60);
  });

  it("postpones with a backoff that doubles per attempt up to the cap, keeping the error", async () => {
    await mark();
    const backoffs: number[] = [];
    for (let i = 0; i < 4; i++) {
      await postponeRollupMark(pool(), key(), {
        error: `attempt ${i + 1}`,
        baseMs: 10_000,
        maxMs: 50_000,
      });
      backoffs.push(Math.round((await row())?.backoff_s ?? -1));
    }
    expect(backoffs).toEqual([10, 20, 40, 50]);
    expect(await row()).toMatchObject({ attempts: 4, last_error: "attempt 4" });
    await postponeRollupMark(pool(), key(), { error: "e".repeat(5_000), baseMs: 1, maxMs: 1 });
    expect((await row())?.last_error).toHaveLength(1_000);
  });

  it("finds marks due once quiet, or waiting past the longest wait, past any backoff, oldest first", async () => {
    const timing = { quietMs: 5_000, maxWaitMs: 30_000, limit: 10 };
    await mark(3);
    await mark(4, 42);
    await mark(5);
    await mark(6);
    await age(3, { first: 10, last: 10 }); // quiet for 10 s: due
    await age(4, { first: 40, last: 1 }); // marked 1 s ago, but first 40 s ago: due
    await age(5, { first: 3, last: 3 }); // neither: not yet
    await age(6, { first: 50, last: 50, notBefore: -60 }); // backed off for another minute
    expect(await dueRollupMarks(pool(), timing)).toEqual([
      { ...key(4), owner: REPO.owner, repo: REPO.name, currency: "USD", fixedIssue: 42 },
      { ...key(3), owner: REPO.owner, repo: REPO.name, currency: "USD" },
    ]);
    expect(await dueRollupMarks(pool(), { ...timing, limit: 1 })).toHaveLength(1);
  });
});
