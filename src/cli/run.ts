/**
 * The `cost-value` command line: parses arguments (commander) and hands each command its options.
 * Commands live in their own files and return an exit code; this file only wires them.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { runCheckCommand } from "./check-command.js";
import { withDotEnv } from "./dot-env.js";
import { runHookInstallCommand, runHookUninstallCommand } from "./hook-command.js";
import { runInitCommand } from "./init-command.js";
import { type CliIo, EXIT } from "./io.js";
import { runMigrateCommand } from "./migrate-command.js";
import { type ReconcileOptions, runReconcileCommand } from "./reconcile-command.js";
import { type RedeliverOptions, runRedeliverCommand } from "./redeliver-command.js";
import { runRollupCommand } from "./rollup-command.js";
import { runTrailersCommand } from "./trailers-command.js";
import { runUsageCommand, type UsageOptions } from "./usage-command.js";

// src/cli/run.ts and dist/cli/run.js both sit two levels below package.json
const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/** Commands that act as the app or on its database see its `.env` too (see dot-env.ts). */
async function asTheApp(io: CliIo, command: (io: CliIo) => Promise<number>): Promise<number> {
  const app = withDotEnv(io);
  if (!app.ok) {
    io.stderr(`cost-value: ${app.problem}\n`);
    return EXIT.usage;
  }
  return command(app.io);
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command("cost-value")
    .description("Agent cost and declared value, side by side on every pull request.")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Exit codes: 0 ok (check: success, neutral or skipped), 1 check failed, 2 bad usage or input.
Docs: README.md, docs/trailers.md, docs/value-statement.md, docs/configuration.md`,
    );

  program
    .command("trailers")
    .description(
      "Print the trailers of a commit message (read on stdin) as JSON, as git reads them.",
    )
    .option(
      "-z, --null",
      "read many messages separated by NUL bytes; print one JSON array per line",
    )
    .addHelpText(
      "after",
      `
Examples:
  git log -1 --format=%B | npx cost-value trailers
  git log -z --format=%B | npx cost-value trailers --null`,
    )
    .action(async (options: { null?: boolean }) => {
      const input = await io.readStdin();
      io.stdout(runTrailersCommand(input, { null: options.null === true }));
      setExit(EXIT.ok);
    });

  program
    .command("check")
    .description(
      "Evaluate the commits of a local branch (base..head) like the GitHub check does, before you push.",
    )
    .option("--repo <dir>", "the git repository", ".")
    .option("--base <ref>", "where the branch starts (default: origin/HEAD, main or master)")
    .option("--head <ref>", "the branch tip", "HEAD")
    .option(
      "--body-file <file>",
      "the PR description (markdown) with the value section; - for stdin",
    )
    .option(
      "--issue-file <ref=file...>",
      "a linked issue's body, e.g. --issue-file 123=issue.md (repeatable)",
    )
    .option("--config <file>", "config file (default: <repo>/.github/cost-value.yml if present)")
    .option("--author <login>", "the PR author (for skip rules)")
    .option("--label <name...>", "PR labels (for skip rules)")
    .option("--draft", "treat the PR as a draft")
    .option("--json", "print the verdict as JSON (money as decimal strings)")
    .option(
      "--format <format>",
      "text (plain text for a terminal; colour on a TTY unless NO_COLOR is set) or markdown (what GitHub shows)",
      "text",
    )
    .addHelpText(
      "after",
      `
Examples:
  npx cost-value check --body-file pr.md
  npx cost-value check --body-file pr.md --format markdown > check.md
  npx cost-value check --base origin/main --head my-branch --body-file pr.md --json
  npx cost-value check --body-file pr.md --issue-file 123=issue-123.md`,
    )
    .action(async (options) => {
      setExit(await runCheckCommand(options, io));
    });

  program
    .command("migrate")
    .description(
      "Apply the database migrations: PostgreSQL at DATABASE_URL, else PGlite in COST_VALUE_DATA_DIR (default ./.data).",
    )
    .addHelpText(
      "after",
      `
Examples:
  DATABASE_URL=postgres://user@db.example/cost_value npx cost-value migrate
  COST_VALUE_DATA_DIR=/var/lib/cost-value npx cost-value migrate`,
    )
    .action(async () => {
      setExit(await asTheApp(io, (appIo) => runMigrateCommand(appIo)));
    });

  program
    .command("rollup")
    .description("Print a milestone's cost & value rollup (markdown) from the app's database.")
    .requiredOption("--repo <owner/name>", "the repository")
    .requiredOption("--milestone <title>", "the milestone's title")
    .option(
      "--currency <code>",
      "the currency to total (default: the one its PRs were recorded in)",
    )
    .addHelpText(
      "after",
      `
Reads DATABASE_URL (else the PGlite directory COST_VALUE_DATA_DIR, default ./.data).
Examples:
  DATABASE_URL=postgres://user@db/cost_value npx cost-value rollup --repo acme/shop --milestone "Checkout v2"`,
    )
    .action(async (options: { repo: string; milestone: string; currency?: string }) => {
      setExit(await asTheApp(io, (appIo) => runRollupCommand(options, appIo)));
    });

  program
    .command("redeliver")
    .description(
      "Ask GitHub to redeliver the app's failed webhook deliveries (once per event; GitHub keeps them 3 days).",
    )
    .option(
      "--since <time>",
      "deliveries after this ISO time or this long ago (30m, 24h, 3d)",
      "24h",
    )
    .option("--dry-run", "list the failed deliveries; redeliver nothing")
    .option("--json", "print the deliveries and what was done as JSON")
    .option(
      "--max-attempts <n>",
      "leave an event alone once it has failed this many times within --since",
      "5",
    )
    .addHelpText(
      "after",
      `
Reads APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH), and GHE_HOST for GitHub Enterprise Server, like
the app: from the environment, else from .env in the current directory. An event already delivered
successfully after its failure is skipped, so running it again (e.g. every 15 minutes from cron)
redelivers nothing twice. Exit 1 when a redelivery request failed.
Docs: docs/operations.md
Examples:
  npx cost-value redeliver --dry-run
  npx cost-value redeliver --since 3d
  npx cost-value redeliver --since 2026-01-31T09:00:00Z --json`,
    )
    .action(async (options: RedeliverOptions) => {
      setExit(await asTheApp(io, (appIo) => runRedeliverCommand(options, appIo)));
    });

  program
    .command("reconcile")
    .description(
      "Re-evaluate every open pull request of the app's installations and refresh the milestone rollups, from GitHub (after missed webhooks).",
    )
    .option("--installation <id>", "only this installation")
    .option("--repo <owner/name>", "only this repository")
    .option("--dry-run", "list the pull requests it would evaluate; write nothing")
    .option("--json", "print the report as JSON")
    .addHelpText(
      "after",
      `
Reads APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) like the app (the environment, else .env in the
current directory), and its database (DATABASE_URL, else the PGlite directory COST_VALUE_DATA_DIR,
which the running app holds: use PostgreSQL to reconcile while it runs). Check runs are updated in place, never duplicated; running it again
creates nothing new. Exit 1 when a pull request, repository or installation failed.
Docs: docs/operations.md
Examples:
  npx cost-value reconcile --dry-run
  npx cost-value reconcile --repo acme/shop
  DATABASE_URL=postgres://user@db/cost_value npx cost-value reconcile --installation 123456`,
    )
    .action(async (options: ReconcileOptions) => {
      setExit(await asTheApp(io, (appIo) => runReconcileCommand(options, appIo)));
    });

  const hook = program
    .command("hook")
    .description(
      "Install or remove the git hook that adds the trailers of `cost-value usage` to each commit.",
    )
    .addHelpText(
      "after",
      `
The prepare-commit-msg hook appends what \`cost-value usage\` prints (Agent-Usage, Agent-Cost, …)
to the commit message's trailers, only when there was agent work; never on merges, squashes,
rebases, or a message that has them already (--amend). It never blocks a commit: when cost-value
fails or takes more than 5 seconds it warns and the commit goes on. A prepare-commit-msg hook
already there keeps running, first. COST_VALUE_HOOK=off skips it for one commit.

Examples:
  npx cost-value hook install
  npx cost-value hook install --dry-run
  npx cost-value hook uninstall`,
    );

  hook
    .command("install")
    .description(
      "Install the prepare-commit-msg hook (respects core.hooksPath and worktrees); installing again changes nothing.",
    )
    .option("--repo <dir>", "a directory in the git repository", ".")
    .option("--dry-run", "print what would be written or moved, and the hook; change nothing")
    .addHelpText(
      "after",
      `
An existing prepare-commit-msg hook is moved to prepare-commit-msg.cost-value-chained and run
first, with the same arguments; \`cost-value hook uninstall\` puts it back.
Examples:
  npx cost-value hook install
  npx cost-value hook install --repo ../other-repo --dry-run`,
    )
    .action(async (options: { repo: string; dryRun?: boolean }) => {
      setExit(await runHookInstallCommand(options, io));
    });

  hook
    .command("uninstall")
    .description(
      "Remove the cost-value hook and put back the hook that was there before it, as it was.",
    )
    .option("--repo <dir>", "a directory in the git repository", ".")
    .option("--dry-run", "print what would be removed or moved; change nothing")
    .addHelpText(
      "after",
      `
Examples:
  npx cost-value hook uninstall
  npx cost-value hook uninstall --dry-run`,
    )
    .action(async (options: { repo: string; dryRun?: boolean }) => {
      setExit(await runHookUninstallCommand(options, io));
    });

  program
    .command("init")
    .description(
      "Add a pull request template with the value section and a commented .github/cost-value.yml; overwrites nothing.",
    )
    .option("--repo <dir>", "the repository (default: the top-level of the current one)")
    .option("--dry-run", "print what would be created or appended; write nothing")
    .addHelpText(
      "after",
      `
Creates .github/pull_request_template.md with the "## Value" section, or appends the section to
the template the repository has when it lacks one; creates .github/cost-value.yml with every
setting and its default. Files that exist are left as they were.
Examples:
  npx cost-value init
  npx cost-value init --dry-run
  npx cost-value init --repo ../other-repo`,
    )
    .action(async (options: { repo?: string; dryRun?: boolean }) => {
      setExit(await runInitCommand(options, io));
    });

  program
    .command("usage")
    .description(
      "Print the cost trailers (Agent, Agent-Usage, Agent-Cost) of the agent work done in this repository since the last commit, from Claude Code's and Codex's local session logs.",
    )
    .option("--repo <dir>", "a directory in the git repository", ".")
    .option(
      "--since <time>",
      "count work after this ISO time or this long ago (30m, 2h, 3d); default: the last commit",
    )
    .option("--agent <name>", "claude-code, codex or all", "all")
    .option("--config <file>", "config file (default: <repo>/.github/cost-value.yml if present)")
    .option("--json", "print models, tokens by kind, costs (decimal strings) and sources as JSON")
    .addHelpText(
      "after",
      `
Reads Claude Code's ~/.claude/projects and ~/.config/claude/projects (or the projects of each
dir in CLAUDE_CONFIG_DIR, comma-separated) and Codex's ~/.codex/sessions (or
$CODEX_HOME/sessions); only sessions run in this repository or its worktrees. No agent work:
no trailers on stdout, a note saying so on stderr, exit 0. Notes and warnings go to stderr.
Examples:
  npx cost-value usage
  npx cost-value usage --since 2h --agent claude-code
  git commit -m "Fix rounding" -m "$(npx cost-value usage)"
  npx cost-value usage --json`,
    )
    .action(async (options: UsageOptions) => {
      setExit(await runUsageCommand(options, io));
    });

  return program;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr(`cost-value: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
}
