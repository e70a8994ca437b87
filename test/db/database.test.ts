import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DataDirLockedError,
  databaseOptionsFromEnv,
  openDatabase,
  openDatabaseFromEnv,
} from "../../src/db/database.js";
import { startAppProcess } from "../helpers/app-process.js";

describe("a PostgreSQL URL", () => {
  it("opens a pool without connecting, its location shown without the password", async () => {
    const db = await openDatabase({ url: "postgres://app:s3cret@127.0.0.1:1/ledger" });
    expect(db.kind).toBe("postgres");
    expect(db.location).toBe("postgres://app:***@127.0.0.1:1/ledger");
    await db.close();
  });

  it("says so when the URL cannot be parsed, without echoing it", async () => {
    const db = await openDatabase({ url: "not a url with pass:word" });
    expect(db.location).toBe("(unparsable DATABASE_URL)");
    await db.close();
  });
});

describe("the PGlite data directory", () => {
  it("persists data and is guarded against a second open", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cv-pglite-"));
    const db = await openDatabase({ dataDir: dir });
    await db.pool.query("CREATE TABLE t (x int); INSERT INTO t VALUES (42)");
    const refusal = await openDatabase({ dataDir: dir }).then(
      () => new Error("the second open succeeded"),
      (e: unknown) => e as Error,
    );
    expect(refusal).toBeInstanceOf(DataDirLockedError);
    expect(refusal.message).toBe(
      `The PGlite data directory ${dir} is already open in this process.`,
    );
    await db.close();
    const again = await openDatabase({ dataDir: dir });
    const { rows } = await again.pool.query("SELECT x FROM t");
    expect(rows).toEqual([{ x: 42 }]);
    await again.close();
  }, 60_000);

  it("refuses a directory held by another live process, naming it and the fix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cv-pglite-"));
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      writeFileSync(join(dir, "cost-value.lock"), String(holder.pid));
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(
        new RegExp(`in use by process ${holder.pid}.*COST_VALUE_DATA_DIR`),
      );
    } finally {
      holder.kill();
    }
  });

  it("a second app on the directory exits 1 with the message and the fix, no stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cv-pglite-"));
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      writeFileSync(join(dir, "cost-value.lock"), String(holder.pid));
      const error = await startAppProcess({ env: { COST_VALUE_DATA_DIR: dir } }).then(
        () => new Error("the second app started"),
        (e: unknown) => e as Error,
      );
      expect(error.message).toContain("app process exited (1) before it was ready");
      expect(error.message).toContain(
        `cost-value could not start: The PGlite data directory ${dir} is in use by process ${holder.pid}.`,
      );
      expect(error.message).toContain("set COST_VALUE_DATA_DIR to another directory");
      expect(error.message).not.toMatch(/^\s+at /m);
    } finally {
      holder.kill();
    }
  });

  it("takes over a lock left by a process that died, and releases it on close", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cv-pglite-"));
    const lock = join(dir, "cost-value.lock");
    writeFileSync(lock, "999999999");
    const db = await openDatabase({ dataDir: dir });
    // the lock is ours now (a refusal would have thrown DataDirLockedError above)
    expect(readFileSync(lock, "utf8")).toBe(String(process.pid));
    expect((await db.pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await db.close();
    expect(existsSync(lock)).toBe(false);
  }, 60_000);

  it("is chosen when DATABASE_URL is not set", () => {
    expect(databaseOptionsFromEnv({})).toEqual({ dataDir: "./.data" });
    expect(databaseOptionsFromEnv({ COST_VALUE_DATA_DIR: "/var/lib/cv" })).toEqual({
      dataDir: "/var/lib/cv",
    });
    expect(databaseOptionsFromEnv({ DATABASE_URL: "postgres://u@h/db" })).toEqual({
      url: "postgres://u@h/db",
    });
  });

  it("is taken from the given working directory when relative", () => {
    expect(databaseOptionsFromEnv({}, "/srv/app")).toEqual({ dataDir: "/srv/app/.data" });
    expect(databaseOptionsFromEnv({ COST_VALUE_DATA_DIR: "db" }, "/srv/app")).toEqual({
      dataDir: "/srv/app/db",
    });
    expect(databaseOptionsFromEnv({ COST_VALUE_DATA_DIR: "/var/lib/cv" }, "/srv/app")).toEqual({
      dataDir: "/var/lib/cv",
    });
    expect(databaseOptionsFromEnv({ COST_VALUE_DATA_DIR: "memory://x" }, "/srv/app")).toEqual({
      dataDir: "memory://x",
    });
    expect(databaseOptionsFromEnv({ DATABASE_URL: "postgres://u@h/db" }, "/srv/app")).toEqual({
      url: "postgres://u@h/db",
    });
  });

  it("is opened from the environment by openDatabaseFromEnv", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "cv-pglite-"));
    const db = await openDatabaseFromEnv({ COST_VALUE_DATA_DIR: "data" }, cwd);
    expect(db.kind).toBe("pglite");
    expect(db.location).toBe(join(cwd, "data"));
    await db.close();
  }, 60_000);
});
