/**
 * The first start on PGlite (a fresh data directory) must not leave the app holding initdb's
 * memory: before, opening a fresh directory took the process to ~815 MB RSS (initdb in a second
 * WASM instance inside it), against ~300 MB for an existing directory. Measured in a separate Node
 * process (its peak RSS is its own, whatever else the test runner did).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const DATABASE_TS = fileURLToPath(new URL("../../src/db/database.ts", import.meta.url));

// opens the directory as the app does, runs a query, reports the process's peak RSS
const SCRIPT = `
const { openDatabase } = await import(${JSON.stringify(DATABASE_TS)});
const db = await openDatabase({ dataDir: process.argv[1] });
const { rows } = await db.pool.query("select 1 as one");
await db.close();
console.log(JSON.stringify({ one: rows[0].one, peakMb: process.resourceUsage().maxRSS / 1024 }));
`;

function firstStart(dataDir: string): { one: number; peakMb: number } {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", SCRIPT, dataDir],
    { encoding: "utf8", timeout: 120_000 },
  );
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as {
    one: number;
    peakMb: number;
  };
}

it("a fresh PGlite data directory is created without the app's process holding initdb's memory", () => {
  const dir = mkdtempSync(join(tmpdir(), "cv-first-start-"));
  try {
    const first = firstStart(join(dir, "data"));
    expect(first.one).toBe(1);
    // an existing directory opens at ~300 MB; in-process initdb took the process past 800 MB
    expect(first.peakMb).toBeLessThan(550);
    // and the directory it made opens again
    expect(firstStart(join(dir, "data")).one).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
