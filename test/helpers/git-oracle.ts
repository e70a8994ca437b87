/**
 * The oracle: the real `git interpret-trailers --parse --no-divider`, isolated from every user and
 * system git configuration (a `trailer.*` setting would change its answers), run outside any
 * repository.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface GitOracle {
  readonly version: string;
  /** git's output for one message: `Key: value` lines. */
  trailers(message: string): Promise<string>;
  /**
   * git's output for each message, in order: the messages are written to files and git reads
   * them in batches with `--in-place` (one process per batch instead of one per message).
   */
  trailersOfMany(messages: readonly string[]): Promise<string[]>;
}

/** Files per git process: short command lines, a few processes for thousands of messages. */
const BATCH = 500;

/** The oracle, or the reason it cannot run (git missing or unusable). */
export function openGitOracle(): GitOracle | { unavailable: string } {
  const home = mkdtempSync(join(tmpdir(), "cv-git-oracle-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CEILING_DIRECTORIES: home,
    LC_ALL: "C",
  };
  let version: string;
  try {
    version = execFileSync("git", ["--version"], { env, cwd: home, encoding: "utf8" }).trim();
  } catch (error) {
    return { unavailable: `git could not be run (${(error as Error).message})` };
  }
  const run = (args: string[], input?: Buffer): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const child = execFile(
        "git",
        args,
        { env, cwd: home, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
      child.stdin?.end(input);
    });
  let batches = 0;
  return {
    version,
    trailersOfMany: async (messages) => {
      const dir = mkdtempSync(join(home, `batch-${++batches}-`));
      try {
        const files = messages.map((message, i) => {
          const file = join(dir, String(i));
          writeFileSync(file, message, "utf8");
          return file;
        });
        const chunks: string[][] = [];
        for (let i = 0; i < files.length; i += BATCH) chunks.push(files.slice(i, i + BATCH));
        await mapLimit(chunks, 2, (chunk) =>
          run(["interpret-trailers", "--in-place", "--parse", "--no-divider", ...chunk]),
        );
        return files.map((file) => new TextDecoder().decode(readFileSync(file)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    trailers: (message) =>
      new Promise((resolve, reject) => {
        const child = execFile(
          "git",
          ["interpret-trailers", "--parse", "--no-divider"],
          { env, cwd: home, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
          (error, stdout) => {
            if (error) reject(error);
            else resolve(new TextDecoder().decode(stdout));
          },
        );
        child.stdin?.end(Buffer.from(message, "utf8"));
      }),
  };
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
