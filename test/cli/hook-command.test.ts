import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  defaultBinPath,
  runHookInstallCommand,
  runHookUninstallCommand,
} from "../../src/cli/hook-command.js";
import {
  CHAINED_HOOK_NAME,
  isCostValueHook,
  renderHookScript,
  shellQuote,
} from "../../src/cli/hook-script.js";
import { captureIo, runCliCaptured } from "../helpers/cli.js";
import { createTempRepo, isolatedGitEnv, type TempRepo } from "../helpers/temp-repo.js";

const HOME = mkdtempSync(join(tmpdir(), "cost-value-hook-home-"));
const ENV = isolatedGitEnv(HOME);
const FILES = mkdtempSync(join(tmpdir(), "cost-value-hook-files-"));

const TRAILERS = [
  "Agent: claude-code",
  "Agent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000 cost=0.71",
  "Agent-Cost: 0.72 USD",
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function makeIo(cwd: string, env: NodeJS.ProcessEnv = ENV) {
  return captureIo({ cwd, env });
}

function cli(args: string[], cwd: string): Promise<Run> {
  return runCliCaptured(args, { cwd, env: ENV });
}

/** A fake `cost-value usage`: logs each call to `<name>.log`, prints `lines`, exits `exitCode`. */
function fakeUsage(name: string, lines: readonly string[], extra = ""): string {
  const script = join(FILES, `${name}.sh`);
  const log = join(FILES, `${name}.log`);
  writeFileSync(
    script,
    `echo "called $(pwd)" >> ${shellQuote(log)}\n${extra}\n${lines.map((l) => `printf '%s\\n' ${shellQuote(l)}`).join("\n")}\n`,
  );
  return `sh ${shellQuote(script)}`;
}

function calls(name: string): number {
  const log = join(FILES, `${name}.log`);
  return existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0;
}

const PRINTS_TRAILERS = fakeUsage("trailers", TRAILERS);
const PRINTS_NOTHING = fakeUsage("nothing", []);

/** Run git as a person would (the hook runs), in `dir`. */
function gitRun(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync("git", ["-C", dir, ...args], {
    env: { ...ENV, COST_VALUE_USAGE_COMMAND: PRINTS_NOTHING, ...env },
    encoding: "utf8",
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

let counter = 0;
/** Change a file and commit it with `git commit -m`, the hook running; returns git's run. */
function commit(dir: string, message: string, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
  counter++;
  writeFileSync(join(dir, `file-${counter}.txt`), `${counter}\n`);
  expect(gitRun(dir, ["add", "."]).code).toBe(0);
  return gitRun(dir, ["commit", "-q", "-m", message, ...args], env);
}

/** The last commit's message exactly as stored. */
function lastMessage(dir: string): string {
  const raw = gitRun(dir, ["cat-file", "commit", "HEAD"]).stdout;
  return raw.slice(raw.indexOf("\n\n") + 2);
}

function lastTrailers(dir: string): string[] {
  return gitRun(dir, ["log", "-1", "--format=%(trailers)"]).stdout.split("\n").filter(Boolean);
}

function newRepo(): TempRepo {
  const repo = createTempRepo();
  repo.commit("Initial commit\n");
  return repo;
}

async function install(dir: string, extra: string[] = []): Promise<Run> {
  return cli(["hook", "install", "--repo", dir, ...extra], dir);
}

function hookPath(repo: TempRepo): string {
  return join(repo.dir, ".git", "hooks", "prepare-commit-msg");
}

describe("cost-value hook install", () => {
  let repo: TempRepo;

  beforeAll(async () => {
    repo = newRepo();
    const run = await install(repo.dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Installed the cost-value prepare-commit-msg hook in .git/hooks");
    expect(run.stdout).toContain("wrote .git/hooks/prepare-commit-msg (executable)");
  });

  it("writes an executable hook that runs this node and this package's CLI", () => {
    const text = readFileSync(hookPath(repo), "utf8");
    expect(text).toBe(renderHookScript({ node: process.execPath, bin: defaultBinPath() }));
    expect(statSync(hookPath(repo)).mode & 0o111).toBe(0o111);
    expect(defaultBinPath()).toBe(
      fileURLToPath(new URL("../../bin/cost-value.js", import.meta.url)),
    );
  });

  it("adds the trailers to the message's trailer block, after the ones it has", () => {
    const run = commit(
      repo.dir,
      "Fix rounding\n\nThe body.\n\nSigned-off-by: Test Person <test@example.com>",
      { COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(lastTrailers(repo.dir)).toEqual([
      "Signed-off-by: Test Person <test@example.com>",
      ...TRAILERS,
    ]);
    expect(lastMessage(repo.dir)).toMatch(/^Fix rounding\n\nThe body\.\n\nSigned-off-by: /);
  });

  it("starts a trailer block after the body when the message has none", () => {
    expect(commit(repo.dir, "Add tests", { COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS }).code).toBe(
      0,
    );
    expect(lastMessage(repo.dir)).toBe(`Add tests\n\n${TRAILERS.join("\n")}\n`);
    expect(lastTrailers(repo.dir)).toEqual(TRAILERS);
  });

  it("runs cost-value usage in the top-level directory", () => {
    const before = calls("trailers");
    expect(commit(repo.dir, "Once more", { COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS }).code).toBe(
      0,
    );
    expect(calls("trailers")).toBe(before + 1);
    const log = readFileSync(join(FILES, "trailers.log"), "utf8").trim().split("\n");
    expect(log.at(-1)).toBe(`called ${repo.dir}`);
  });

  it("does not add them twice on --amend (the message has them already)", () => {
    const before = calls("trailers");
    const run = gitRun(repo.dir, ["commit", "-q", "--amend", "--no-edit"], {
      COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS,
    });
    expect(run.code).toBe(0);
    expect(lastTrailers(repo.dir)).toEqual(TRAILERS);
    expect(calls("trailers")).toBe(before); // not even asked
  });

  it("leaves a message that already carries agent trailers as it is", () => {
    const message = "Manual cost\n\nai-cost: 3 USD";
    expect(commit(repo.dir, message, { COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS }).code).toBe(0);
    expect(lastMessage(repo.dir)).toBe(`${message}\n`);
  });

  it("leaves the message untouched when there was no agent work (usage prints nothing)", () => {
    const before = calls("nothing");
    const run = commit(repo.dir, "Human work\n\nBy hand.", {
      COST_VALUE_USAGE_COMMAND: PRINTS_NOTHING,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(lastMessage(repo.dir)).toBe("Human work\n\nBy hand.\n");
    expect(calls("nothing")).toBe(before + 1);
  });

  it("commits without the trailers, with a one-line warning, when usage fails", () => {
    const failing = fakeUsage("failing", TRAILERS, "echo 'no session log found' >&2; exit 3");
    const run = commit(repo.dir, "Failing usage", { COST_VALUE_USAGE_COMMAND: failing });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      "cost-value: could not record agent cost (cost-value usage failed with exit code 3: no session log found); committing without it\n",
    );
    expect(lastMessage(repo.dir)).toBe("Failing usage\n");
  });

  it("commits without the trailers when usage hangs, after the timeout", () => {
    const started = Date.now();
    const run = commit(repo.dir, "Hanging usage", {
      COST_VALUE_USAGE_COMMAND: "exec sleep 30",
      COST_VALUE_HOOK_TIMEOUT: "1",
    });
    expect(run.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.stderr).toBe(
      "cost-value: could not record agent cost (cost-value usage timed out after 1s); committing without it\n",
    );
    expect(lastMessage(repo.dir)).toBe("Hanging usage\n");
  });

  it("commits without them when usage prints something that is not a trailer", () => {
    const run = commit(repo.dir, "Odd usage", {
      COST_VALUE_USAGE_COMMAND: fakeUsage("odd", ["Agent-Cost: 1 USD", "<html>"]),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("printed a line that is not a trailer: <html>");
    expect(lastMessage(repo.dir)).toBe("Odd usage\n");
  });

  it("is skipped with COST_VALUE_HOOK=off", () => {
    const run = commit(repo.dir, "Skipped", {
      COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS,
      COST_VALUE_HOOK: "off",
    });
    expect(run.code).toBe(0);
    expect(lastMessage(repo.dir)).toBe("Skipped\n");
  });

  it("leaves merge and squash messages untouched", () => {
    const env = { COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS };
    expect(gitRun(repo.dir, ["checkout", "-q", "-b", "topic"]).code).toBe(0);
    expect(commit(repo.dir, "Topic work", { COST_VALUE_HOOK: "off" }).code).toBe(0);
    expect(gitRun(repo.dir, ["checkout", "-q", "-b", "topic2"]).code).toBe(0);
    expect(commit(repo.dir, "More topic work", { COST_VALUE_HOOK: "off" }).code).toBe(0);
    expect(gitRun(repo.dir, ["checkout", "-q", "main"]).code).toBe(0);
    const before = calls("trailers");

    const merge = gitRun(repo.dir, ["merge", "-q", "--no-ff", "--no-edit", "topic"], env);
    expect(merge.code).toBe(0);
    expect(gitRun(repo.dir, ["rev-parse", "HEAD^2"]).code).toBe(0); // a merge commit
    expect(lastMessage(repo.dir)).toBe("Merge branch 'topic'\n");

    expect(gitRun(repo.dir, ["merge", "-q", "--squash", "topic2"], env).code).toBe(0);
    expect(gitRun(repo.dir, ["commit", "-q", "--no-edit"], env).code).toBe(0);
    expect(lastMessage(repo.dir)).toMatch(/^Squashed commit of the following:/);
    expect(lastTrailers(repo.dir)).toEqual([]);
    expect(calls("trailers")).toBe(before);
  });

  it("leaves commits replayed by rebase and cherry-pick untouched", () => {
    const env = { COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS };
    expect(gitRun(repo.dir, ["checkout", "-q", "-b", "replayed", "main~3"]).code).toBe(0);
    expect(commit(repo.dir, "To be rebased", { COST_VALUE_HOOK: "off" }).code).toBe(0);
    const before = calls("trailers");
    const rebase = gitRun(repo.dir, ["rebase", "-q", "-i", "--force-rebase", "main"], {
      ...env,
      GIT_SEQUENCE_EDITOR: "true",
    });
    expect(rebase.stderr).toBe("");
    expect(rebase.code).toBe(0);
    expect(lastMessage(repo.dir)).toBe("To be rebased\n");
    expect(gitRun(repo.dir, ["checkout", "-q", "main"]).code).toBe(0);
    expect(gitRun(repo.dir, ["cherry-pick", "replayed"], env).code).toBe(0);
    expect(lastMessage(repo.dir)).toBe("To be rebased\n");
    expect(calls("trailers")).toBe(before);
  });

  it("changes nothing when installed again", async () => {
    const before = readFileSync(hookPath(repo));
    const mtime = statSync(hookPath(repo)).mtimeMs;
    const run = await install(repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "cost-value hook is already installed in .git/hooks; nothing changed.\n",
    );
    expect(readFileSync(hookPath(repo))).toEqual(before);
    expect(statSync(hookPath(repo)).mtimeMs).toBe(mtime);
    expect(existsSync(join(repo.dir, ".git", "hooks", CHAINED_HOOK_NAME))).toBe(false);
  });

  it("updates an older or edited cost-value hook in place, without chaining it", async () => {
    const other = newRepo();
    writeFileSync(hookPath(other), "#!/bin/sh\n# cost-value hook v1\nexit 0\n", { mode: 0o755 });
    const run = await install(other.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("updated .git/hooks/prepare-commit-msg");
    expect(readFileSync(hookPath(other), "utf8")).toContain("cost-value usage");
    expect(existsSync(join(other.dir, ".git", "hooks", CHAINED_HOOK_NAME))).toBe(false);
  });

  it("is removed by uninstall, and uninstalling again does nothing", async () => {
    const other = newRepo();
    expect((await install(other.dir)).code).toBe(0);
    const run = await cli(["hook", "uninstall", "--repo", other.dir], other.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("removed .git/hooks/prepare-commit-msg");
    expect(existsSync(hookPath(other))).toBe(false);
    const again = await cli(["hook", "uninstall", "--repo", other.dir], other.dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("cost-value hook is not installed in .git/hooks; nothing to do.\n");
    expect(commit(other.dir, "After", { COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS }).code).toBe(0);
    expect(lastMessage(other.dir)).toBe("After\n");
  });
});

describe("an existing prepare-commit-msg hook", () => {
  const FOREIGN = `#!/bin/sh
# someone else's hook
printf '%s|%s\\n' "$(basename "$1")" "$2" >> "$(dirname "$0")/../foreign.log"
[ -n "$FOREIGN_FAIL" ] && { echo "foreign hook says no" >&2; exit 7; }
printf '\\nForeign-Hook: ran\\n' >> "$1"
`;
  let repo: TempRepo;

  beforeAll(() => {
    repo = newRepo();
    writeFileSync(hookPath(repo), FOREIGN, { mode: 0o750 });
    chmodSync(hookPath(repo), 0o750);
  });

  it("is moved aside and run first with the same arguments; its failure is passed on", async () => {
    const run = await install(repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `moved .git/hooks/prepare-commit-msg → .git/hooks/${CHAINED_HOOK_NAME}`,
    );
    const chained = join(repo.dir, ".git", "hooks", CHAINED_HOOK_NAME);
    expect(readFileSync(chained, "utf8")).toBe(FOREIGN);
    expect(isCostValueHook(readFileSync(hookPath(repo), "utf8"))).toBe(true);

    expect(commit(repo.dir, "With both", { COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS }).code).toBe(
      0,
    );
    expect(readFileSync(join(repo.dir, ".git", "foreign.log"), "utf8")).toBe(
      "COMMIT_EDITMSG|message\n",
    );
    expect(lastTrailers(repo.dir)).toEqual(["Foreign-Hook: ran", ...TRAILERS]);

    const failed = commit(repo.dir, "Refused", {
      COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS,
      FOREIGN_FAIL: "1",
    });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain("foreign hook says no");
    expect(gitRun(repo.dir, ["log", "-1", "--format=%s"]).stdout).toBe("With both\n");
    gitRun(repo.dir, ["reset", "-q"]);
  });

  it("is put back exactly by uninstall", async () => {
    const run = await cli(["hook", "uninstall", "--repo", repo.dir], repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `moved .git/hooks/${CHAINED_HOOK_NAME} → .git/hooks/prepare-commit-msg`,
    );
    expect(readFileSync(hookPath(repo), "utf8")).toBe(FOREIGN);
    expect(statSync(hookPath(repo)).mode & 0o777).toBe(0o750);
    expect(existsSync(join(repo.dir, ".git", "hooks", CHAINED_HOOK_NAME))).toBe(false);
  });

  it("is left alone by uninstall when cost-value is not installed", async () => {
    const run = await cli(["hook", "uninstall", "--repo", repo.dir], repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("is another hook; left as it was");
    expect(readFileSync(hookPath(repo), "utf8")).toBe(FOREIGN);
  });

  it("is not clobbered when a kept hook is already there (exit 1)", async () => {
    const other = newRepo();
    writeFileSync(hookPath(other), FOREIGN, { mode: 0o755 });
    writeFileSync(join(other.dir, ".git", "hooks", CHAINED_HOOK_NAME), "#!/bin/sh\n", {
      mode: 0o755,
    });
    const run = await install(other.dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("move one of them away");
    expect(readFileSync(hookPath(other), "utf8")).toBe(FOREIGN);
  });
});

describe("where the hook goes", () => {
  it("respects a relative core.hooksPath, relative to the top-level, from a subdirectory", async () => {
    const repo = newRepo();
    repo.git("config", "core.hooksPath", ".githooks");
    mkdirSync(join(repo.dir, "sub", "dir"), { recursive: true });
    const run = await cli(["hook", "install"], join(repo.dir, "sub", "dir"));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("in .githooks (core.hooksPath = .githooks)");
    expect(run.stdout).toContain("created .githooks/");
    expect(
      isCostValueHook(readFileSync(join(repo.dir, ".githooks/prepare-commit-msg"), "utf8")),
    ).toBe(true);
    expect(existsSync(hookPath(repo))).toBe(false);
    expect(commit(repo.dir, "Hooks path", { COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS }).code).toBe(
      0,
    );
    expect(lastTrailers(repo.dir)).toEqual(TRAILERS);
  });

  it("uses the main repository's hooks from a linked worktree", async () => {
    const repo = newRepo();
    const worktree = join(mkdtempSync(join(tmpdir(), "cost-value-wt-")), "wt");
    repo.git("worktree", "add", "-q", "-b", "wt-branch", worktree);
    const run = await install(worktree);
    expect(run.code).toBe(0);
    expect(isCostValueHook(readFileSync(hookPath(repo), "utf8"))).toBe(true);
    expect(
      commit(worktree, "In a worktree", { COST_VALUE_USAGE_COMMAND: PRINTS_TRAILERS }).code,
    ).toBe(0);
    expect(lastTrailers(worktree)).toEqual(TRAILERS);
  });

  it("refuses a directory outside a git work tree (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-value-nogit-"));
    const run = await install(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^cost-value hook install: .* is not in a git work tree/);
  });
});

describe("--dry-run", () => {
  it("shows the moves and the hook text and writes nothing", async () => {
    const repo = newRepo();
    writeFileSync(hookPath(repo), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const hooks = join(repo.dir, ".git", "hooks");
    const before = readdirSync(hooks).sort();
    const run = await install(repo.dir, ["--dry-run"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `would move .git/hooks/prepare-commit-msg → .git/hooks/${CHAINED_HOOK_NAME}`,
    );
    expect(run.stdout).toContain("would write .git/hooks/prepare-commit-msg (executable)");
    expect(run.stdout).toContain(
      renderHookScript({ node: process.execPath, bin: defaultBinPath() }).trimEnd(),
    );
    expect(run.stdout).toContain("(dry run: nothing was written)");
    expect(readdirSync(hooks).sort()).toEqual(before);
    expect(readFileSync(hookPath(repo), "utf8")).toBe("#!/bin/sh\nexit 0\n");
  });

  it("uninstall --dry-run changes nothing", async () => {
    const repo = newRepo();
    expect((await install(repo.dir)).code).toBe(0);
    const run = await cli(["hook", "uninstall", "--repo", repo.dir, "--dry-run"], repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("would remove .git/hooks/prepare-commit-msg");
    expect(isCostValueHook(readFileSync(hookPath(repo), "utf8"))).toBe(true);
  });
});

describe("how the hook finds cost-value", () => {
  /** A PATH with git on it and nothing else: no node, no npx (a GUI client's). */
  function bareEnv(): NodeJS.ProcessEnv {
    const bin = mkdtempSync(join(tmpdir(), "cost-value-path-"));
    const gitPath = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    symlinkSync(gitPath, join(bin, "git"));
    for (const tool of ["sh", "dirname", "grep", "mktemp", "rm", "sleep", "head", "cut", "cat"]) {
      const path = execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
      if (path.startsWith("/")) symlinkSync(path, join(bin, tool));
    }
    return { ...ENV, PATH: bin, COST_VALUE_USAGE_COMMAND: "" };
  }

  it("runs the node and CLI script it was installed with, whatever the PATH", async () => {
    const repo = newRepo();
    const bin = join(FILES, "fake-cli.mjs");
    writeFileSync(
      bin,
      `if (process.argv[2] === "usage") process.stdout.write(${JSON.stringify(`${TRAILERS.join("\n")}\n`)});\n`,
    );
    const io = makeIo(repo.dir);
    expect(await runHookInstallCommand({ repo: repo.dir, bin }, io)).toBe(0);
    const run = commit(repo.dir, "Through node", bareEnv());
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(lastTrailers(repo.dir)).toEqual(TRAILERS);
  });

  it("warns and commits when neither that node nor npx is there", async () => {
    const repo = newRepo();
    const io = makeIo(repo.dir);
    expect(
      await runHookInstallCommand({ repo: repo.dir, node: "/nonexistent/node", bin: "/x.js" }, io),
    ).toBe(0);
    expect(io.output().stdout).toContain("Note: /x.js does not exist");
    const run = commit(repo.dir, "No CLI", bareEnv());
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      "cost-value: could not record agent cost (cost-value not found: neither /nonexistent/node nor npx); committing without it\n",
    );
    expect(lastMessage(repo.dir)).toBe("No CLI\n");
    expect(await runHookUninstallCommand({ repo: repo.dir }, makeIo(repo.dir))).toBe(0);
  });
});

describe("help", () => {
  it("explains each hook command with examples", async () => {
    for (const args of [
      ["hook", "--help"],
      ["hook", "install", "--help"],
      ["hook", "uninstall", "--help"],
    ]) {
      const run = await cli(args, FILES);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Examples:");
      expect(run.stdout).toContain("npx cost-value hook");
    }
  });

  it("needs a subcommand (exit 2)", async () => {
    const run = await cli(["hook"], FILES);
    expect(run.code).toBe(2);
  });
});
