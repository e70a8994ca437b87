/**
 * `cost-value usage`: finds the session logs coding agents write on this machine (Claude Code,
 * Codex), reads the work done in this repository since the last commit, and prints the cost
 * trailers for the next commit. The reading and pricing are in src/core/agent-logs/; this file does
 * the I/O: environment, git, directory walks, file reads.
 */
import { execFile } from "node:child_process";
import { type Dirent, existsSync, readFileSync, realpathSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { formatConfigProblems, parseConfigText } from "../config/parse-config.js";
import { type Config, DEFAULT_CONFIG } from "../config/schema.js";
import { dedupeEntries, parseClaudeLine } from "../core/agent-logs/claude.js";
import {
  type CodexEvent,
  type CodexFile,
  codexEntries,
  parseCodexLine,
} from "../core/agent-logs/codex.js";
import { parseSince } from "../core/agent-logs/entry-filters.js";
import type { UsageAgent, UsageEntry } from "../core/agent-logs/log-line.js";
import { summarizeUsage, usageSummaryToJson } from "../core/agent-logs/summary.js";
import { renderUsageTrailers } from "../core/agent-logs/trailer-lines.js";
import { type CliIo, EXIT } from "./io.js";

const run = promisify(execFile);

export interface UsageOptions {
  repo: string;
  since?: string;
  agent: string;
  config?: string;
  json?: boolean;
}

class InputError extends Error {
  override name = "InputError";
}

/**
 * A file not modified since well before the cut-off cannot hold newer entries; skipping it keeps
 * the hook fast with years of logs. The margin covers coarse file-system clocks.
 */
const MTIME_MARGIN_MS = 60_000;
/** Skipped lines listed by location on stderr; the rest are counted. */
const MAX_SKIPPED_SHOWN = 3;

async function git(repo: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run("git", ["-C", repo, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, GIT_PAGER: "cat", LC_ALL: "C" },
  });
  return stdout;
}

/** The repository's top level and all its worktrees (each also by its real path). */
async function repositoryRoots(repo: string): Promise<{ top: string; roots: string[] }> {
  let top: string;
  try {
    top = (await git(repo, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    throw new InputError(`${repo} is not in a git repository; pass --repo DIR`);
  }
  const roots = new Set<string>([top, repo]);
  try {
    const porcelain = await git(top, ["worktree", "list", "--porcelain"]);
    for (const line of porcelain.split("\n")) {
      if (line.startsWith("worktree ")) roots.add(line.slice("worktree ".length));
    }
  } catch {
    // an old git without worktrees: the top level is enough
  }
  // agents record the directory they were started in, which may be a symlinked path
  for (const root of [...roots]) {
    try {
      roots.add(realpathSync(root));
    } catch {
      // a worktree that was deleted without `git worktree prune`
    }
  }
  return { top, roots: [...roots] };
}

/** The committer time of HEAD; undefined when the repository has no commits yet. */
async function headTime(top: string): Promise<number | undefined> {
  try {
    const out = (await git(top, ["log", "-1", "--format=%cI"])).trim();
    const ms = Date.parse(out);
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined;
  }
}

function loadConfig(top: string, option: string | undefined, cwd: string): Config {
  const path = option !== undefined ? resolve(cwd, option) : join(top, ".github/cost-value.yml");
  if (option === undefined && !existsSync(path)) return DEFAULT_CONFIG;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  const result = parseConfigText(text);
  if (!result.ok) {
    throw new InputError(
      `the config file is not valid:\n${formatConfigProblems(result.problems, path).join("\n")}`,
    );
  }
  return result.config;
}

/** Every `*.jsonl` below `dir` modified after `minMtimeMs`; a missing directory gives none. */
async function findJsonl(
  dir: string,
  minMtimeMs: number | undefined,
  accept: (name: string) => boolean,
): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    let names: Dirent[];
    try {
      names = await readdir(current, { withFileTypes: true });
    } catch {
      return; // missing or unreadable: no logs here
    }
    for (const entry of names) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path, depth + 1);
      else if (entry.isFile() && entry.name.endsWith(".jsonl") && accept(entry.name)) {
        if (minMtimeMs !== undefined) {
          try {
            if ((await stat(path)).mtimeMs < minMtimeMs - MTIME_MARGIN_MS) continue;
          } catch {
            continue;
          }
        }
        found.push(path);
      }
    }
  };
  await walk(dir, 0);
  return found.sort();
}

function home(env: CliIo["env"]): string {
  return env.HOME ?? env.USERPROFILE ?? homedir();
}

/** `CLAUDE_CONFIG_DIR` (comma-separated) replaces the defaults `~/.config/claude` and `~/.claude`. */
export function claudeProjectDirs(env: CliIo["env"]): string[] {
  const configured = (env.CLAUDE_CONFIG_DIR ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d !== "");
  const dirs =
    configured.length > 0
      ? configured
      : [join(home(env), ".config", "claude"), join(home(env), ".claude")];
  return dirs.map((d) => join(d, "projects"));
}

export function codexSessionDir(env: CliIo["env"]): string {
  const codexHome = env.CODEX_HOME?.trim();
  return join(
    codexHome !== undefined && codexHome !== "" ? codexHome : join(home(env), ".codex"),
    "sessions",
  );
}

interface Skipped {
  count: number;
  files: Set<string>;
  shown: string[];
}

async function readLines(
  path: string,
  skippedLines: Skipped,
  each: (line: string) => { kind: string; reason?: string },
): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return; // deleted or unreadable since the walk: not an error
  }
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    const result = each(line);
    if (result.kind === "skipped") {
      skippedLines.count++;
      skippedLines.files.add(path);
      if (skippedLines.shown.length < MAX_SKIPPED_SHOWN) {
        skippedLines.shown.push(`${path}:${index + 1}: ${result.reason}`);
      }
    }
  });
}

function colour(io: CliIo, code: string, text: string): string {
  const plain = io.isTTY !== true || (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "");
  return plain ? text : `\u001b[${code}m${text}\u001b[0m`;
}

export async function runUsageCommand(options: UsageOptions, io: CliIo): Promise<number> {
  const note = (text: string): void => io.stderr(`${colour(io, "2", "note:")} ${text}\n`);
  const warn = (text: string): void => io.stderr(`${colour(io, "33", "warning:")} ${text}\n`);
  try {
    const agents: UsageAgent[] =
      options.agent === "all"
        ? ["claude-code", "codex"]
        : options.agent === "claude-code" || options.agent === "codex"
          ? [options.agent]
          : [];
    if (agents.length === 0) {
      throw new InputError(`--agent "${options.agent}" is not claude-code, codex or all`);
    }
    const repo = resolve(io.cwd, options.repo);
    const { top, roots } = await repositoryRoots(repo);
    const config = loadConfig(top, options.config, io.cwd);

    let cutoffMs: number | undefined;
    let cutoffFrom: string;
    if (options.since !== undefined) {
      const since = parseSince(options.since, Date.now());
      if (!since.ok) throw new InputError(since.reason);
      cutoffMs = since.ms;
      cutoffFrom = "--since";
    } else {
      cutoffMs = await headTime(top);
      cutoffFrom = cutoffMs === undefined ? "all time (no commits yet)" : "the last commit";
    }

    const skippedLines: Skipped = { count: 0, files: new Set(), shown: [] };
    const entries: UsageEntry[] = [];
    let duplicates = 0;
    let files = 0;
    // progress on a terminal only (never in the hook, never in pipes): "reading 120 log files…"
    const showProgress = io.isTTY === true && (io.env.NO_COLOR ?? "") === "";
    const progress = (): void => {
      if (showProgress && files % 25 === 0)
        io.stderr(`\rreading agent session logs… ${files} files`);
    };

    if (agents.includes("claude-code")) {
      const claude: UsageEntry[] = [];
      for (const dir of claudeProjectDirs(io.env)) {
        // Resumed sessions copy old responses into new files: de-duplicating needs those files
        // too, and they are new, so the mtime filter keeps them.
        for (const path of await findJsonl(dir, cutoffMs, () => true)) {
          files++;
          progress();
          await readLines(path, skippedLines, (line) => {
            const result = parseClaudeLine(line);
            if (result.kind === "entry") claude.push(result.value);
            return result;
          });
        }
      }
      const deduped = dedupeEntries(claude);
      duplicates += deduped.duplicates;
      entries.push(...deduped.entries);
    }

    if (agents.includes("codex")) {
      const codexFiles: CodexFile[] = [];
      const dir = codexSessionDir(io.env);
      for (const path of await findJsonl(dir, cutoffMs, (n) => n.startsWith("rollout-"))) {
        files++;
        progress();
        const events: CodexEvent[] = [];
        await readLines(path, skippedLines, (line) => {
          const result = parseCodexLine(line);
          if (result.kind === "entry") events.push(result.value);
          return result;
        });
        codexFiles.push({ events });
      }
      entries.push(...codexEntries(codexFiles));
    }

    if (showProgress && files >= 25) io.stderr("\r\x1b[2K"); // clear the progress line
    const summary = summarizeUsage({
      entries,
      ...(cutoffMs !== undefined ? { cutoffMs } : {}),
      roots,
      currency: config.currency,
      overrides: config.pricing.overrides,
    });
    const trailers = renderUsageTrailers(summary);

    if (skippedLines.count > 0) {
      warn(
        `skipped ${skippedLines.count} unreadable log line${skippedLines.count === 1 ? "" : "s"} in ${skippedLines.files.size} file${skippedLines.files.size === 1 ? "" : "s"} (corrupt, or still being written):\n  ${skippedLines.shown.join("\n  ")}`,
      );
    }

    if (options.json === true) {
      io.stdout(
        `${JSON.stringify(
          {
            repository: top,
            directories: roots,
            since: cutoffMs === undefined ? null : new Date(cutoffMs).toISOString(),
            sinceFrom: cutoffFrom,
            ...usageSummaryToJson(summary),
            filesRead: files,
            duplicateLines: duplicates,
            skippedLines: skippedLines.count,
            trailers,
          },
          null,
          2,
        )}\n`,
      );
    } else if (trailers !== "") {
      io.stdout(`${trailers}\n`);
    }
    if (summary.models.length === 0) {
      // stdout stays empty (the hook and `git commit -m "$(…)"` read it); say why on stderr
      const since =
        cutoffMs === undefined ? cutoffFrom : `${new Date(cutoffMs).toISOString()} (${cutoffFrom})`;
      const read =
        files === 0
          ? `no session logs of ${agents.join(" or ")} found: \`cost-value usage --help\` says where they are read`
          : `${files} session log file${files === 1 ? "" : "s"} of ${agents.join(" and ")} read; --since 2h to look further back`;
      note(`no agent work found in ${top} since ${since}: nothing to record (${read})`);
      return EXIT.ok;
    }

    for (const model of summary.models) {
      if (model.unpricedReason !== undefined) {
        warn(
          `\`${model.model}\` is unpriced (${model.entries} entr${model.entries === 1 ? "y" : "ies"}): ${model.unpricedReason}`,
        );
      }
    }
    if (summary.fromLog > 0) {
      note(
        `cost from the log's costUSD for ${summary.fromLog} entr${summary.fromLog === 1 ? "y" : "ies"}, priced for ${summary.priced}`,
      );
    }
    const since =
      cutoffMs === undefined ? cutoffFrom : `${new Date(cutoffMs).toISOString()} (${cutoffFrom})`;
    note(
      `${summary.entries} entr${summary.entries === 1 ? "y" : "ies"} since ${since} in ${top}` +
        (duplicates > 0 ? `; ${duplicates} repeated log lines counted once` : ""),
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`cost-value usage: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
