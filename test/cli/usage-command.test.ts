import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { readCommitCost } from "../../src/core/cost/commit-cost.js";
import { parseTrailers } from "../../src/core/trailers.js";
import { runCliCaptured } from "../helpers/cli.js";
import { createTempRepo, isolatedGitEnv, type TempRepo } from "../helpers/temp-repo.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/agent-logs/", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  isTTY = false,
): Promise<Run> {
  return runCliCaptured(args, { cwd, env, isTTY });
}

/** Copy the fixture logs into a fresh directory, with the placeholders made real paths. */
function buildLogs(replacements: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "cost-value-logs-"));
  cpSync(FIXTURES, root, { recursive: true });
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        let text = readFileSync(path, "utf8");
        for (const [from, to] of Object.entries(replacements)) text = text.replaceAll(from, to);
        writeFileSync(path, text);
      }
    }
  };
  walk(root);
  return root;
}

/** Never the real ~: HOME and both agents' directories point at temporary ones. */
function logEnv(logs: string): Record<string, string> {
  return {
    HOME: mkdtempSync(join(tmpdir(), "cost-value-home-")),
    CLAUDE_CONFIG_DIR: `${join(logs, "claude-1")},${join(logs, "claude-2")}`,
    CODEX_HOME: join(logs, "codex"),
  };
}

const EXPECTED = [
  "Agent: claude-code, codex",
  "Agent-Usage: anthropic/claude-sonnet-4-5-20250929 input=130 output=1700 cache-read=130000 cache-write=2500 cache-write-1h=500 cost=0.112",
  "Agent-Usage: openai/gpt-5-codex input=4000 output=1000 cache-read=16000 cost=0.017",
  "Agent-Usage: openai/gpt-5 input=5000 output=500 cache-read=5000 cost=0.0119",
  "Agent-Usage: anthropic/claude-haiku-4-5-20251001 input=3000 output=200 cost=0.004",
  "Agent-Usage: house-model-x input=700 output=70",
  // no Agent-Cost: a model is unpriced, so the total is not known (the check flags the model)
  "",
].join("\n");

describe("cost-value usage", () => {
  let repo: TempRepo;
  let worktree: string;
  let env: Record<string, string>;

  beforeAll(() => {
    repo = createTempRepo();
    // HEAD's committer time, 2026-01-01T00:00:00Z (see temp-repo), is the cut-off
    repo.commit("Initial commit\n");
    worktree = join(mkdtempSync(join(tmpdir(), "cost-value-wt-")), "shop-wt");
    repo.git("worktree", "add", "-q", "-b", "wt", worktree);
    env = logEnv(buildLogs({ __REPO__: repo.dir, __WORKTREE__: worktree }));
  });

  it("prints the trailers of the work since the last commit, in the repo and its worktrees", async () => {
    const run = await cli(["usage"], repo.dir, env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(EXPECTED);
    expect(run.stderr).toContain("note: cost from the log's costUSD for 1 entry, priced for 5\n");
    expect(run.stderr).toContain("warning: `house-model-x` is unpriced (1 entry)");
    expect(run.stderr).toContain("pricing.overrides");
    expect(run.stderr).toContain("warning: skipped 3 unreadable log lines in 3 files");
    expect(run.stderr).toContain("session-a.jsonl:8: not JSON");
    expect(run.stderr).toContain("4 repeated log lines counted once");
    expect(run.stderr).not.toContain("\u001b[");
  });

  it("works the same from a subdirectory, from the worktree, and with --repo", async () => {
    mkdirSync(join(repo.dir, "src"), { recursive: true });
    expect((await cli(["usage"], join(repo.dir, "src"), env)).stdout).toBe(EXPECTED);
    expect((await cli(["usage"], worktree, env)).stdout).toBe(EXPECTED);
    expect((await cli(["usage", "--repo", repo.dir], tmpdir(), env)).stdout).toBe(EXPECTED);
  });

  it("is read back from a real commit message with the same total", async () => {
    const run = await cli(["usage"], repo.dir, env);
    const other = createTempRepo();
    other.commit(`Fix rounding\n\nThe rounding happened too early.\n\n${run.stdout}`);
    const message = other.git("log", "-1", "--format=%B");
    const cost = readCommitCost({
      commit: { sha: "c".repeat(40), author: { name: "A", email: "a@example.com" }, message },
      trailers: parseTrailers(message),
      config: DEFAULT_CONFIG,
    });
    expect(cost.problems).toEqual([]);
    expect(cost.micros).toBe(144_900n); // the Agent-Usage costs; house-model-x unpriced
    expect(cost.unpricedModels).toEqual(["house-model-x"]);
    expect(cost.models).toHaveLength(5);
  });

  it("--agent picks one agent", async () => {
    const claude = await cli(["usage", "--agent", "claude-code"], repo.dir, env);
    expect(claude.stdout.split("\n")[0]).toBe("Agent: claude-code");
    expect(claude.stdout).not.toContain("openai/");
    const codex = await cli(["usage", "--agent", "codex"], repo.dir, env);
    expect(codex.stdout).toBe(
      "Agent: codex\n" +
        "Agent-Usage: openai/gpt-5-codex input=4000 output=1000 cache-read=16000 cost=0.017\n" +
        "Agent-Usage: openai/gpt-5 input=5000 output=500 cache-read=5000 cost=0.0119\n" +
        "Agent-Cost: 0.03 USD\n",
    );
    expect(codex.stderr).not.toContain("costUSD");
    const bad = await cli(["usage", "--agent", "cursor"], repo.dir, env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--agent");
  });

  it("--json gives models, tokens by kind, costs as strings and their sources", async () => {
    const run = await cli(["usage", "--json"], repo.dir, env);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      repository: repo.dir,
      since: "2026-01-01T00:00:00.000Z",
      sinceFrom: "the last commit",
      currency: "USD",
      agents: ["claude-code", "codex"],
      entries: 7,
      cost: "0.14484",
      costFromLogEntries: 1,
      costPricedEntries: 5,
      unpricedModels: ["house-model-x"],
      duplicateLines: 4,
      skippedLines: 3,
      trailers: EXPECTED.trimEnd(),
    });
    expect(json.directories).toContain(worktree);
    expect(json.models[0]).toMatchObject({
      model: "anthropic/claude-sonnet-4-5-20250929",
      agents: ["claude-code"],
      entries: 3,
      tokens: { input: 130, output: 1700, cacheRead: 130000, cacheWrite: 2500, cacheWrite1h: 500 },
      cost: "0.111965",
      costSource: "log+priced",
      costFromLogEntries: 1,
      costPricedEntries: 2,
      pricedAs: "anthropic/claude-sonnet-4-5",
    });
    expect(json.models[4]).toMatchObject({
      model: "house-model-x",
      cost: null,
      costSource: "unpriced",
    });
  });

  it("prints no trailers, says so on stderr and exits 0 when there was no agent work since the cut-off", async () => {
    for (const since of ["1m", "2026-01-01T02:00:00Z"]) {
      const run = await cli(["usage", "--since", since], repo.dir, env);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(
        /^note: no agent work found in .+ since \d{4}-\d\d-\d\dT.+Z \(--since\): nothing to record \(\d+ session log files? of claude-code and codex read; --since 2h to look further back\)$/m,
      );
    }
  });

  it("--since moves the cut-off", async () => {
    const run = await cli(["usage", "--since", "2026-01-01T00:12:30Z"], repo.dir, env);
    expect(run.stdout).toContain("Agent-Usage: anthropic/claude-haiku-4-5-20251001 input=3000");
    expect(run.stdout).toContain("openai/gpt-5 input=5000");
    expect(run.stdout).not.toContain("gpt-5-codex");
    const bad = await cli(["usage", "--since", "last tuesday"], repo.dir, env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("neither an ISO time");
  });

  it("a missing log directory is not an error", async () => {
    const empty = { HOME: mkdtempSync(join(tmpdir(), "cost-value-home-")) };
    const run = await cli(["usage"], repo.dir, empty);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^note: no agent work found in .+ \(the last commit\): nothing to record \(no session logs of claude-code or codex found: `cost-value usage --help` says where they are read\)\n$/,
    );
  });

  it("prices unknown models from --config pricing.overrides", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-value-config-"));
    writeFileSync(
      join(dir, "config.yml"),
      "pricing:\n  overrides:\n    house-model-x: { input: 1, output: 10 }\n",
    );
    const run = await cli(["usage", "--config", join(dir, "config.yml")], repo.dir, env);
    expect(run.stdout).toContain("Agent-Usage: house-model-x input=700 output=70 cost=0.0014\n");
    expect(run.stdout).toContain("Agent-Cost: 0.15 USD\n");
    expect(run.stderr).not.toContain("unpriced");
  });

  it("counts all time in a repository without commits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-value-fresh-"));
    execFileSync("git", ["init", "-q", "-b", "main", dir], { env: isolatedGitEnv(dir) });
    const freshEnv = logEnv(buildLogs({ __REPO__: dir, __WORKTREE__: "/nowhere" }));
    const run = await cli(["usage", "--agent", "claude-code"], dir, freshEnv);
    expect(run.code).toBe(0);
    // msg_old (999 input, 999 output) from before 2026 counts now; the worktree session does not
    expect(run.stdout).toContain(
      "Agent-Usage: anthropic/claude-sonnet-4-5-20250929 input=1029 output=1699 ",
    );
    expect(run.stderr).toContain("all time (no commits yet)");
  });

  it("fails with exit code 2 outside a git repository", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-value-nogit-"));
    const run = await cli(["usage"], dir, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("not in a git repository");
  });

  it("colours stderr notes only on a terminal without NO_COLOR; the trailers stay plain", async () => {
    const tty = await cli(["usage"], repo.dir, env, true);
    expect(tty.stderr).toContain("\u001b[33mwarning:\u001b[0m");
    expect(tty.stdout).toBe(EXPECTED);
    const noColor = await cli(["usage"], repo.dir, { ...env, NO_COLOR: "1" }, true);
    expect(noColor.stderr).not.toContain("\u001b[");
  });

  it("--help shows examples", async () => {
    const run = await cli(["usage", "--help"], repo.dir, env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Examples:");
    expect(run.stdout).toContain("npx cost-value usage --since 2h --agent claude-code");
  });
});
