import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_WAIT, withTransaction } from "../../src/db/transaction.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
  await db.pool.query("CREATE TABLE tx_test (x int)");
});

afterAll(async () => {
  await db.close();
});

async function values(): Promise<number[]> {
  const { rows } = await db.pool.query<{ x: number }>("SELECT x FROM tx_test ORDER BY x");
  return rows.map((r) => r.x);
}

describe("withTransaction", () => {
  it("commits the task's writes together and returns its result", async () => {
    await db.pool.query("DELETE FROM tx_test");
    const result = await withTransaction(db.pool, async (tx) => {
      await tx.query("INSERT INTO tx_test VALUES (1)");
      await tx.query("INSERT INTO tx_test VALUES (2)");
      return "done";
    });
    expect(result).toBe("done");
    expect(await values()).toEqual([1, 2]);
  });

  it("rolls every write back and rethrows when the task throws", async () => {
    await db.pool.query("DELETE FROM tx_test");
    const failure = new Error("task failed");
    await expect(
      withTransaction(db.pool, async (tx) => {
        await tx.query("INSERT INTO tx_test VALUES (3)");
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await values()).toEqual([]);
  });

  it("releases its client, so the pool serves the next transaction", async () => {
    for (let i = 0; i < 3; i++) {
      await withTransaction(db.pool, (tx) => tx.query("SELECT 1"), { waitForDisk: false });
    }
    expect(await withTransaction(db.pool, async () => 42)).toBe(42);
  });

  it("commits without waiting for the disk when asked, only for that transaction", async () => {
    const setting = await withTransaction(
      db.pool,
      async (tx) => (await tx.query("SHOW synchronous_commit")).rows[0]?.synchronous_commit,
      { waitForDisk: false },
    );
    expect(setting).toBe("off");
    const { rows } = await db.pool.query("SHOW synchronous_commit");
    expect(rows[0]?.synchronous_commit).toBe("on");
  });
});

describe("NO_WAIT", () => {
  it("turns synchronous_commit off for its own statement", async () => {
    const { rows } = await db.pool.query(`WITH ${NO_WAIT} SELECT (SELECT v FROM no_wait) AS v`);
    expect(rows[0]).toEqual({ v: "off" });
    const after = await db.pool.query("SHOW synchronous_commit");
    expect(after.rows[0]?.synchronous_commit).toBe("on");
  });
});
