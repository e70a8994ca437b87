import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "../helpers/cli.js";
import { createTempRepo, type TempRepo } from "../helpers/temp-repo.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string, stdin = ""): Promise<Run> {
  return runCliCaptured(args, { cwd, stdin });
}

const BODY = `Fixes the EU rounding bug.

## Value
Issue: #123
Type: defect
Worth: $8,000
Budget: $300
Why now: Checkout fails for 2% of EU card payments.
`;

describe("cost-value check", () => {
  let repo: TempRepo;
  let files: string;

  beforeAll(() => {
    repo = createTempRepo();
    repo.commit("Initial commit\n");
    repo.git("checkout", "-q", "-b", "feature");
    repo.commit("Fix rounding\n\nAgent: claude-code\nAgent-Cost: 4.20 USD\n");
    repo.commit(
      "Add tests\n\nAgent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000\n",
    );
    repo.commit("Tidy up\n\nCo-authored-by: Claude <noreply@anthropic.com>\n");
    repo.commit("Prose mentions Agent-Cost: 99 USD in the middle\n\nof the message.\n");
    files = mkdtempSync(join(tmpdir(), "cost-value-files-"));
    writeFileSync(join(files, "pr.md"), BODY);
    writeFileSync(join(files, "empty.md"), "Nothing here\n");
    writeFileSync(join(files, "bad.yml"), "currency: dollars\n");
    writeFileSync(join(files, "enforce.yml"), "budgets:\n  enforce: true\n");
    writeFileSync(
      join(files, "issue.md"),
      "## Value\nType: customer\nWorth: $20,000\nBudget: $1\n",
    );
  });

  it("prints the title, summary and per-commit details, and exits 0 on neutral", async () => {
    const run = await cli(
      ["check", "--repo", repo.dir, "--base", "main", "--body-file", join(files, "pr.md")],
      files,
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // 4.20 + (12000×3 + 3400×15 + 180000×0.30)/1e6 = 4.20 + 0.141 = 4.341
    expect(run.stdout).toContain(
      "cost/value: neutral — $4.34 invested + 30 min not priced · worth $8,000 (1,843×) · 1.4% of budget",
    );
    expect(run.stdout).toContain("4 commits in main..HEAD");
    expect(run.stdout).toContain("1 agent-assisted commit recorded no cost");
    expect(run.stdout).toContain("not recorded");
  });

  it("prints plain text for a terminal: no markdown escapes, no zero-width spaces, aligned tables", async () => {
    const args = [
      "check",
      "--repo",
      repo.dir,
      "--base",
      "main",
      "--body-file",
      join(files, "pr.md"),
    ];
    const text = await cli(args, files);
    expect(text.stdout).toContain("$8,000");
    expect(text.stdout).not.toContain("\\$");
    expect(text.stdout).not.toContain("\u200b");
    expect(text.stdout).not.toContain("**");
    expect(text.stdout).not.toContain("###");
    expect(text.stdout).not.toContain("| --- |");
    expect(text.stdout).toMatch(/\nValue\n─────\n/);
    expect(text.stdout).toMatch(
      /\nWhy now {2,}Checkout fails for 2% of EU card payments\. {2,}PR\n/,
    );
    expect(text.stdout).not.toContain("\u001b[");

    const markdown = await cli([...args, "--format", "markdown"], files);
    expect(markdown.stdout).toContain("| Worth | \\$8,000 | PR |");
    expect(markdown.stdout).toContain("### Value");
    expect(markdown.stdout).toContain("**not recorded**");
  });

  it("colours the text only when stdout is a terminal and NO_COLOR is unset", async () => {
    const args = [
      "check",
      "--repo",
      repo.dir,
      "--base",
      "main",
      "--body-file",
      join(files, "pr.md"),
    ];
    const tty = await runCliCaptured(args, { cwd: files, stdoutIsTTY: true });
    expect(tty.stdout).toContain("\u001b[33mneutral\u001b[39m");
    expect(tty.stdout).toContain("\u001b[1m");
    const noColor = await runCliCaptured(args, {
      cwd: files,
      stdoutIsTTY: true,
      env: { NO_COLOR: "1" },
    });
    expect(noColor.stdout).not.toContain("\u001b[");
    const markdown = await runCliCaptured([...args, "--format", "markdown"], {
      cwd: files,
      stdoutIsTTY: true,
    });
    expect(markdown.stdout).not.toContain("\u001b[");
    const bad = await cli([...args, "--format", "html"], files);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format "html" is not a format');
  });

  it("prints the verdict as JSON with money as decimal strings", async () => {
    const run = await cli(
      [
        "check",
        "--repo",
        repo.dir,
        "--base",
        "main",
        "--body-file",
        join(files, "pr.md"),
        "--json",
      ],
      files,
    );
    expect(run.code).toBe(0);
    const verdict = JSON.parse(run.stdout);
    expect(verdict.conclusion).toBe("neutral");
    expect(verdict.totals.amount).toBe("4.341");
    expect(verdict.totals.commitCount).toBe(4);
    expect(verdict.value.ok).toBe(true);
    expect(verdict.value.statement.worth).toEqual({ amount: "8000.00", currency: "USD" });
  });

  it("fails (exit 1) without a value statement", async () => {
    const run = await cli(
      ["check", "--repo", repo.dir, "--base", "main", "--body-file", join(files, "empty.md")],
      files,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^cost\/value: failure — Value statement missing or incomplete/);
  });

  it("inherits the value from an issue file and enforces budgets from a config file", async () => {
    const run = await cli(
      [
        "check",
        "--repo",
        repo.dir,
        "--base",
        "main",
        "--body-file",
        join(files, "empty.md"),
        "--issue-file",
        `5=${join(files, "issue.md")}`,
        "--config",
        join(files, "enforce.yml"),
        "--json",
      ],
      files,
    );
    const verdict = JSON.parse(run.stdout);
    expect(verdict.value.ok).toBe(true);
    expect(verdict.value.statement.type).toBe("customer");
    expect(verdict.budget.over).toBe(true);
    expect(verdict.conclusion).toBe("failure");
    expect(run.code).toBe(1);
  });

  it("skips by label, and downgrades a failing draft to neutral", async () => {
    const skipped = await cli(
      ["check", "--repo", repo.dir, "--base", "main", "--label", "skip-cost-value"],
      files,
    );
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain("cost/value: skipped — Skipped: the PR has the label");
    const draft = await cli(["check", "--repo", repo.dir, "--base", "main", "--draft"], files);
    expect(draft.code).toBe(0);
    expect(draft.stdout).toContain("cost/value: neutral");
  });

  it("names the bad input and exits 2", async () => {
    const badConfig = await cli(
      ["check", "--repo", repo.dir, "--base", "main", "--config", join(files, "bad.yml")],
      files,
    );
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain("line 1 `currency`: a three-letter currency code");
    const badRef = await cli(["check", "--repo", repo.dir, "--base", "nope"], files);
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toContain('"nope" is not a commit');
    const missingBody = await cli(
      ["check", "--repo", repo.dir, "--base", "main", "--body-file", join(files, "none.md")],
      files,
    );
    expect(missingBody.code).toBe(2);
    expect(missingBody.stderr).toContain("cannot read the PR body file");
    const badIssue = await cli(
      ["check", "--repo", repo.dir, "--base", "main", "--issue-file", "nonsense"],
      files,
    );
    expect(badIssue.code).toBe(2);
    expect(badIssue.stderr).toContain("is not REF=FILE");
  });

  it("finds the default base branch", async () => {
    const run = await cli(["check", "--repo", repo.dir, "--json"], files);
    expect(JSON.parse(run.stdout).totals.commitCount).toBe(4);
  });

  it("prints help with examples and rejects unknown options", async () => {
    const help = await cli(["check", "--help"], files);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Examples:");
    const unknown = await cli(["check", "--nope"], files);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option");
    const none = await cli([], files);
    expect(none.code).toBe(2);
  });
});
