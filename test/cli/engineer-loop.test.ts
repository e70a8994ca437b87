/**
 * The engineer's loop end to end, as docs/engineers.md walks it: an agent session log → the
 * installed prepare-commit-msg hook runs the real `cost-value usage` → the commit carries the
 * trailers → `cost-value check` (what the GitHub check shows) counts that cost.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCliCaptured } from "../helpers/cli.js";
import { createTempRepo, isolatedGitEnv } from "../helpers/temp-repo.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

function cli(args: string[], cwd: string) {
  return runCliCaptured(args, { cwd });
}

describe("from the agent's log to the check", () => {
  it("records the session's cost in the commit, and the check counts it", async () => {
    const repo = createTempRepo();
    repo.commit("Initial commit\n");
    repo.git("checkout", "-q", "-b", "feature");

    // a Claude Code session that worked in this repository after the last commit
    const claude = mkdtempSync(join(tmpdir(), "cv-claude-"));
    mkdirSync(join(claude, "projects", "session"), { recursive: true });
    const entry = {
      type: "assistant",
      timestamp: "2026-11-28T10:00:00.000Z",
      cwd: repo.dir,
      sessionId: "s-1",
      requestId: "req-1",
      message: {
        id: "msg-1",
        model: "claude-sonnet-4-5",
        usage: {
          input_tokens: 12000,
          output_tokens: 3400,
          cache_read_input_tokens: 180000,
          cache_creation_input_tokens: 0,
        },
      },
    };
    writeFileSync(join(claude, "projects", "session", "s-1.jsonl"), `${JSON.stringify(entry)}\n`);

    expect((await cli(["hook", "install", "--repo", repo.dir], repo.dir)).code).toBe(0);

    // the hook runs this checkout's CLI (the installed one would run dist/, which tests do not build)
    const usage = `"${process.execPath}" --import "${import.meta.resolve("tsx")}" "${join(root, "src/cli/bin.ts")}" usage`;
    writeFileSync(join(repo.dir, "file.txt"), "agent work\n");
    const env = {
      ...isolatedGitEnv(mkdtempSync(join(tmpdir(), "cv-home-"))),
      CLAUDE_CONFIG_DIR: claude,
      CODEX_HOME: mkdtempSync(join(tmpdir(), "cv-codex-")),
      COST_VALUE_USAGE_COMMAND: usage,
      COST_VALUE_HOOK_TIMEOUT: "30",
    };
    execFileSync("git", ["-C", repo.dir, "commit", "-q", "-am", "Round after conversion"], { env });
    const trailers = repo.git("log", "-1", "--format=%(trailers:only,unfold)");
    expect(trailers).toContain("Agent: claude-code");
    expect(trailers).toContain("Agent-Cost: 0.14 USD");

    const body = join(mkdtempSync(join(tmpdir(), "cv-pr-")), "pr.md");
    writeFileSync(body, "## Value\nIssue: #1\nType: defect\nWorth: $8,000\nBudget: $300\n");
    const check = await cli(
      ["check", "--repo", repo.dir, "--base", "main", "--body-file", body],
      repo.dir,
    );
    expect(check.stderr).toBe("");
    expect(check.stdout.split("\n")[0]).toBe(
      "cost/value: success — $0.14 invested + 30 min not priced · worth $8,000 (57,143×) · <0.1% of budget",
    );
  }, 60_000);
});
