/**
 * `cost-value hook install` / `cost-value hook uninstall`: the `prepare-commit-msg` hook that adds
 * the trailers of `cost-value usage` to each commit message (the script: src/cli/hook-script.ts).
 * Finds the hooks directory as git does (core.hooksPath, worktrees), keeps a hook that was there
 * (moved aside and run first; put back by uninstall), changes nothing when already installed.
 */
import { execFile } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CHAINED_HOOK_NAME, HOOK_NAME, isCostValueHook, renderHookScript } from "./hook-script.js";
import { type CliIo, EXIT } from "./io.js";

const run = promisify(execFile);

export interface HookCommandOptions {
  /** A directory in the repository (default: the current directory). */
  repo?: string;
  /** Print what would be done; change nothing. */
  dryRun?: boolean;
  /** The node the hook runs the CLI with (default: this process's, `process.execPath`). */
  node?: string;
  /** The CLI script the hook runs (default: this package's `bin/cost-value.js`). */
  bin?: string;
}

/** Where the hook goes. */
export interface HookLocation {
  /** The work tree's top-level directory. */
  topLevel: string;
  /** The hooks directory git runs hooks from (absolute). */
  hooksDir: string;
  /** `core.hooksPath` as configured, when it is. */
  hooksPathConfig?: string;
  /** `<hooksDir>/prepare-commit-msg` */
  hook: string;
  /** `<hooksDir>/prepare-commit-msg.cost-value-chained` */
  chained: string;
}

/** What install/uninstall does (or would do, with --dry-run), in order. */
export type HookAction =
  | { kind: "mkdir"; path: string }
  | { kind: "move"; from: string; to: string }
  | { kind: "write"; path: string; text: string; update: boolean }
  | { kind: "remove"; path: string };

class HookError extends Error {
  override name = "HookError";
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** This package's `bin/cost-value.js` (src/cli and dist/cli both sit two levels below it). */
export function defaultBinPath(): string {
  return fileURLToPath(new URL("../../bin/cost-value.js", import.meta.url));
}

function gitEnv(io: CliIo): NodeJS.ProcessEnv {
  return { ...io.env, PATH: io.env.PATH ?? process.env.PATH, LC_ALL: "C", GIT_PAGER: "cat" };
}

async function git(dir: string, args: readonly string[], io: CliIo): Promise<string> {
  const { stdout } = await run("git", ["-C", dir, ...args], {
    encoding: "utf8",
    env: gitEnv(io),
  });
  return stdout.replace(/\r?\n$/, "");
}

function gitFailure(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr?.trim();
  return stderr || (error instanceof Error ? error.message : String(error));
}

/** The hooks directory of the repository around `dir`: core.hooksPath, else `--git-path hooks`. */
export async function locateHooks(dir: string, io: CliIo): Promise<HookLocation> {
  if (!existsSync(dir)) throw new HookError(`${dir} does not exist`, EXIT.usage);
  let topLevel: string;
  try {
    topLevel = await git(dir, ["rev-parse", "--show-toplevel"], io);
  } catch (error) {
    throw new HookError(
      `${dir} is not in a git work tree (${gitFailure(error)}); pass --repo DIR`,
      EXIT.usage,
    );
  }
  if (topLevel === "") {
    throw new HookError(`${dir} is not in a git work tree; pass --repo DIR`, EXIT.usage);
  }
  let hooksPathConfig: string | undefined;
  try {
    hooksPathConfig = await git(topLevel, ["config", "--path", "--get", "core.hooksPath"], io);
  } catch {
    hooksPathConfig = undefined; // not set (exit code 1)
  }
  let hooksDir: string;
  if (hooksPathConfig !== undefined && hooksPathConfig !== "") {
    // git runs hooks from the top-level, so a relative core.hooksPath is relative to it
    hooksDir = resolve(topLevel, hooksPathConfig);
  } else {
    hooksPathConfig = undefined;
    // in a linked worktree this is the main repository's hooks directory
    hooksDir = resolve(topLevel, await git(topLevel, ["rev-parse", "--git-path", "hooks"], io));
  }
  return {
    topLevel,
    hooksDir,
    ...(hooksPathConfig !== undefined ? { hooksPathConfig } : {}),
    hook: join(hooksDir, HOOK_NAME),
    chained: join(hooksDir, CHAINED_HOOK_NAME),
  };
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // a dangling symlink, a directory: not ours
  }
}

function isExecutable(path: string): boolean {
  try {
    return (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** A path as the user will recognise it: relative to the top-level when inside it. */
function show(path: string, topLevel: string): string {
  const rel = relative(topLevel, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

export function planInstall(location: HookLocation, script: string): HookAction[] {
  const actions: HookAction[] = [];
  if (!existsSync(location.hooksDir)) actions.push({ kind: "mkdir", path: location.hooksDir });
  const existing = lstatOrUndefined(location.hook);
  if (existing === undefined) {
    actions.push({ kind: "write", path: location.hook, text: script, update: false });
    return actions;
  }
  const text = existing.isDirectory() ? undefined : readOrUndefined(location.hook);
  if (text !== undefined && isCostValueHook(text)) {
    if (text === script && isExecutable(location.hook)) return actions; // already installed
    actions.push({ kind: "write", path: location.hook, text: script, update: true });
    return actions;
  }
  if (lstatOrUndefined(location.chained) !== undefined) {
    throw new HookError(
      `${location.hook} is not cost-value's hook, and ${CHAINED_HOOK_NAME} (the hook cost-value ` +
        `kept from an earlier install) is there too; move one of them away, then install again`,
      EXIT.failure,
    );
  }
  actions.push({ kind: "move", from: location.hook, to: location.chained });
  actions.push({ kind: "write", path: location.hook, text: script, update: false });
  return actions;
}

export function planUninstall(location: HookLocation): HookAction[] {
  const hook = lstatOrUndefined(location.hook);
  const chained = lstatOrUndefined(location.chained);
  if (hook !== undefined) {
    const text = hook.isDirectory() ? undefined : readOrUndefined(location.hook);
    if (text === undefined || !isCostValueHook(text)) return []; // someone else's: leave it
    const actions: HookAction[] = [{ kind: "remove", path: location.hook }];
    if (chained !== undefined) {
      actions.push({ kind: "move", from: location.chained, to: location.hook });
    }
    return actions;
  }
  // our hook was deleted by hand: still put back the one it kept
  return chained !== undefined ? [{ kind: "move", from: location.chained, to: location.hook }] : [];
}

function apply(action: HookAction): void {
  switch (action.kind) {
    case "mkdir":
      mkdirSync(action.path, { recursive: true });
      return;
    case "move":
      // a rename keeps the file as it was: content, mode, symlink
      renameSync(action.from, action.to);
      return;
    case "write": {
      const temporary = `${action.path}.cost-value-${process.pid}.tmp`;
      try {
        writeFileSync(temporary, action.text, { mode: 0o755 });
        chmodSync(temporary, 0o755); // whatever the umask
        renameSync(temporary, action.path);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
      return;
    }
    case "remove":
      rmSync(action.path);
      return;
  }
}

function describe(action: HookAction, topLevel: string, dryRun: boolean): string {
  const verb = (done: string, would: string): string => (dryRun ? `would ${would}` : done);
  switch (action.kind) {
    case "mkdir":
      return `${verb("created", "create")} ${show(action.path, topLevel)}/`;
    case "move":
      return `${verb("moved", "move")} ${show(action.from, topLevel)} → ${show(action.to, topLevel)}`;
    case "write":
      return `${verb(action.update ? "updated" : "wrote", action.update ? "update" : "write")} ${show(action.path, topLevel)} (executable)`;
    case "remove":
      return `${verb("removed", "remove")} ${show(action.path, topLevel)}`;
  }
}

async function withErrors(io: CliIo, name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof HookError) {
      io.stderr(`cost-value hook ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === "string") {
      io.stderr(`cost-value hook ${name}: ${(error as Error).message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}

function where(location: HookLocation): string {
  const dir = show(location.hooksDir, location.topLevel);
  return location.hooksPathConfig !== undefined
    ? `${dir} (core.hooksPath = ${location.hooksPathConfig})`
    : dir;
}

export async function runHookInstallCommand(
  options: HookCommandOptions,
  io: CliIo,
): Promise<number> {
  return withErrors(io, "install", async () => {
    const location = await locateHooks(resolve(io.cwd, options.repo ?? "."), io);
    const node = options.node ?? process.execPath;
    const bin = options.bin ?? defaultBinPath();
    const script = renderHookScript({ node, bin });
    const actions = planInstall(location, script);
    const dryRun = options.dryRun === true;
    const hookShown = show(location.hook, location.topLevel);
    if (actions.length === 0) {
      io.stdout(`cost-value hook is already installed in ${where(location)}; nothing changed.\n`);
      return EXIT.ok;
    }
    if (!dryRun) for (const action of actions) apply(action);
    const lines = [
      `${dryRun ? "Would install" : "Installed"} the cost-value ${HOOK_NAME} hook in ${where(location)}:`,
      ...actions.map((a) => `  ${describe(a, location.topLevel, dryRun)}`),
    ];
    if (actions.some((a) => a.kind === "move")) {
      lines.push(
        `The hook that was there runs first, with the same arguments; \`cost-value hook uninstall\` puts it back.`,
      );
    } else if (lstatOrUndefined(location.chained) !== undefined) {
      lines.push(`It runs ${show(location.chained, location.topLevel)} first, as before.`);
    }
    lines.push(
      `Commits made with agent work get the trailers of \`cost-value usage\` (run with ${node} ${bin}, else npx --no-install cost-value).`,
    );
    if (!existsSync(bin)) {
      lines.push(`Note: ${bin} does not exist; the hook will use npx --no-install cost-value.`);
    }
    if (dryRun) {
      lines.push(
        "",
        `The hook ${hookShown} would be:`,
        "",
        script.trimEnd(),
        "",
        "(dry run: nothing was written)",
      );
    } else {
      lines.push(`Remove it with: npx cost-value hook uninstall`);
    }
    io.stdout(`${lines.join("\n")}\n`);
    return EXIT.ok;
  });
}

export async function runHookUninstallCommand(
  options: HookCommandOptions,
  io: CliIo,
): Promise<number> {
  return withErrors(io, "uninstall", async () => {
    const location = await locateHooks(resolve(io.cwd, options.repo ?? "."), io);
    const actions = planUninstall(location);
    const dryRun = options.dryRun === true;
    if (actions.length === 0) {
      const hook = lstatOrUndefined(location.hook);
      io.stdout(
        hook !== undefined
          ? `cost-value hook is not installed in ${where(location)}: ${show(location.hook, location.topLevel)} is another hook; left as it was.\n`
          : `cost-value hook is not installed in ${where(location)}; nothing to do.\n`,
      );
      return EXIT.ok;
    }
    if (!dryRun) for (const action of actions) apply(action);
    const lines = [
      `${dryRun ? "Would uninstall" : "Uninstalled"} the cost-value ${HOOK_NAME} hook from ${where(location)}:`,
      ...actions.map((a) => `  ${describe(a, location.topLevel, dryRun)}`),
    ];
    if (actions.some((a) => a.kind === "move")) {
      lines.push("The hook that was there before cost-value is back, as it was.");
    }
    if (dryRun) lines.push("(dry run: nothing was changed)");
    io.stdout(`${lines.join("\n")}\n`);
    return EXIT.ok;
  });
}
