/**
 * The database: PostgreSQL through `pg` when DATABASE_URL is set, else the embedded PGlite,
 * persisted in a data directory (default ./.data, COST_VALUE_DATA_DIR) and reached through the same
 * `pg` Pool (`@electric-sql/pglite/node-postgres`), so the SQL and the code path are the same.
 * A PGlite directory is locked against a second process: PGlite corrupts a shared directory.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import pg from "pg";
import { initializeDataDir } from "./pglite-initdb.js";

export interface Database {
  readonly pool: pg.Pool;
  readonly kind: "postgres" | "pglite";
  /** Where: the URL without password, or the PGlite directory. */
  readonly location: string;
  close(): Promise<void>;
}

export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
}

export interface DatabaseOptions {
  /** A PostgreSQL URL; when absent, PGlite is used. */
  url?: string;
  /** PGlite's data directory; `memory://` for a throwaway in-memory database. */
  dataDir?: string;
  /** Pool size for PostgreSQL (PGlite is always 1). */
  max?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * PostgreSQL at DATABASE_URL, else PGlite in COST_VALUE_DATA_DIR (default ./.data); given `cwd`,
 * a relative data directory is taken from there (the CLI's working directory), else it is left
 * relative (to the process's).
 */
export function databaseOptionsFromEnv(env: Env, cwd?: string): DatabaseOptions {
  const url = env.DATABASE_URL?.trim();
  if (url) return { url };
  const dataDir = env.COST_VALUE_DATA_DIR?.trim() || "./.data";
  if (cwd === undefined || dataDir.startsWith("memory://") || isAbsolute(dataDir)) {
    return { dataDir };
  }
  return { dataDir: resolve(cwd, dataDir) };
}

/** Open the database the environment names (see {@link databaseOptionsFromEnv}). */
export function openDatabaseFromEnv(env: Env, cwd?: string): Promise<Database> {
  return openDatabase(databaseOptionsFromEnv(env, cwd));
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Take the directory's lock file (pid inside); a lock left by a dead process is taken over. */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockFile = join(dir, "cost-value.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(lockFile, "utf8").trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(
          `The PGlite data directory ${dir} is in use by process ${pid}. PGlite cannot share a directory between processes: stop that process, set COST_VALUE_DATA_DIR to another directory, or set DATABASE_URL to use PostgreSQL (which several app instances can share).`,
        );
      }
      if (pid === process.pid) {
        throw new DataDirLockedError(
          `The PGlite data directory ${dir} is already open in this process.`,
        );
      }
      rmSync(lockFile, { force: true }); // left by a process that died
    }
  }
  throw new DataDirLockedError(`Could not lock the PGlite data directory ${dir}.`);
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url !== undefined) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.max ?? 10 });
    pool.on("error", () => {
      // an idle client lost its connection (e.g. the server restarted): the pool replaces it
    });
    return { pool, kind: "postgres", location: redact(options.url), close: () => pool.end() };
  }
  const dataDir = options.dataDir ?? "./.data";
  const inMemory = dataDir.startsWith("memory://");
  const location = inMemory ? dataDir : resolve(dataDir);
  const unlock = inMemory ? () => undefined : lockDataDir(location);
  try {
    // a fresh directory: initdb in a child process, so its memory is not kept by the app's
    if (!inMemory) await initializeDataDir(location);
    const pglite = new PGlite(inMemory ? dataDir : location);
    await pglite.waitReady;
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 } as pg.PoolConfig);
    return {
      pool,
      kind: "pglite",
      location,
      close: async () => {
        await pool.end();
        await pglite.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
