/**
 * A fresh PGlite data directory is created (initdb) in a short-lived child process, not in the
 * app's. PGlite runs initdb in a second WASM instance beside the first and keeps the memory both
 * touched: opening a fresh directory in-process left the app at ~805 MB RSS at ready (peak
 * ~880 MB), against ~346 MB for an existing directory. In a child, the app opens an existing
 * directory and stays there; the child's ~815 MB are returned when it exits (a few seconds).
 * The machine still needs that memory once, while the child runs: see docs/operations.md.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** PostgreSQL's marker of an initialized data directory. */
export function isInitialized(dataDir: string): boolean {
  return existsSync(join(dataDir, "PG_VERSION"));
}

// run by `node --input-type=module -e`: argv[1] is PGlite's module URL, argv[2] the directory
const CHILD = `
const [url, dir] = process.argv.slice(1);
const mod = await import(url);
const PGlite = mod.PGlite ?? mod.default?.PGlite;
const db = new PGlite(dir);
await db.waitReady;
await db.close();
`;

/**
 * Create `dataDir` with initdb in a child process (Node with PGlite, as this process has); a no-op
 * when it exists. Rejects with PGlite's own output when initdb fails.
 */
export async function initializeDataDir(dataDir: string): Promise<void> {
  if (isInitialized(dataDir)) return;
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  const child = spawn(
    process.execPath,
    ["--input-type=module", "-e", CHILD, pglite.href, dataDir],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + String(chunk)).slice(-4_000);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0 || !isInitialized(dataDir)) {
    throw new Error(
      `PGlite could not create its data directory ${dataDir} (initdb in a child process exited with ${code}): ${stderr.trim() || "no output"}. Check that the directory is writable and the disk has room, or set DATABASE_URL to use PostgreSQL.`,
    );
  }
}
