/**
 * A fresh PGlite directory is created in a child process (pglite-initdb.ts): nothing is done for
 * a directory that is already one, and a failure says which directory and what to do. The
 * creation itself, and the memory it leaves, are measured in test/db/pglite-first-start.test.ts.
 */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { initializeDataDir, isInitialized } from "../../src/db/pglite-initdb.js";

const emptyDir = () => mkdtempSync(join(tmpdir(), "cv-initdb-"));

describe("isInitialized", () => {
  it("is PostgreSQL's PG_VERSION marker in the directory", () => {
    const dir = emptyDir();
    expect(isInitialized(dir)).toBe(false);
    expect(isInitialized(join(dir, "missing"))).toBe(false);
    writeFileSync(join(dir, "PG_VERSION"), "18\n");
    expect(isInitialized(dir)).toBe(true);
  });
});

describe("initializeDataDir", () => {
  it("does nothing to a directory that is already initialized (no child, no files)", async () => {
    const dir = emptyDir();
    writeFileSync(join(dir, "PG_VERSION"), "18\n");
    const started = performance.now();
    await initializeDataDir(dir);
    // a child loading PGlite's WASM takes seconds; nothing was started
    expect(performance.now() - started).toBeLessThan(500);
    expect(readdirSync(dir)).toEqual(["PG_VERSION"]);
  });

  it("rejects naming the directory and the fixes when initdb cannot create it", async () => {
    const file = join(emptyDir(), "a-file");
    writeFileSync(file, "not a directory");
    const target = join(file, "data");
    const error = await initializeDataDir(target).then(
      () => new Error("initdb succeeded"),
      (e: unknown) => e as Error,
    );
    expect(error.message).toContain(`PGlite could not create its data directory ${target}`);
    expect(error.message).toContain("set DATABASE_URL to use PostgreSQL");
  }, 60_000);
});
