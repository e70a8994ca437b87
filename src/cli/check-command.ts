/**
 * `cost-value check`: the same core as the GitHub check, on a local branch. Gathers the inputs
 * (git, files), evaluates, prints the rendered output or the verdict as JSON.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { formatConfigProblems, parseConfigText } from "../config/parse-config.js";
import { type Config, DEFAULT_CONFIG } from "../config/schema.js";
import { parseIssueRef } from "../core/issue-ref.js";
import { markdownToText } from "../core/markdown/to-text.js";
import { renderCheckOutput } from "../core/render.js";
import type { LinkedIssue } from "../core/value/resolve.js";
import { evaluatePullRequest } from "../core/verdict.js";
import { verdictToJson } from "../core/verdict-json.js";
import { type CliIo, EXIT } from "./io.js";
import { findDefaultBase, GitError, readCommits, readOriginRepository } from "./local-git.js";

export interface CheckOptions {
  repo: string;
  base?: string;
  head: string;
  bodyFile?: string;
  issueFile?: string[];
  config?: string;
  author?: string;
  label?: string[];
  draft?: boolean;
  json?: boolean;
  /** `text` (default: for a terminal) or `markdown` (what GitHub shows). */
  format?: string;
}

class InputError extends Error {
  override name = "InputError";
}

function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

function loadConfig(repo: string, option: string | undefined, cwd: string): Config {
  const path =
    option !== undefined ? resolve(cwd, option) : resolve(repo, ".github/cost-value.yml");
  if (option === undefined && !existsSync(path)) return DEFAULT_CONFIG;
  const result = parseConfigText(readTextFile(path, "the config file"));
  if (!result.ok) {
    throw new InputError(
      `the config file is not valid; nothing was evaluated:\n${formatConfigProblems(result.problems, path).join("\n")}`,
    );
  }
  return result.config;
}

function readLinkedIssues(items: readonly string[], cwd: string): LinkedIssue[] {
  return items.map((item) => {
    const at = item.indexOf("=");
    const ref =
      at > 0
        ? (parseIssueRef(item.slice(0, at)) ?? parseIssueRef(`#${item.slice(0, at)}`))
        : undefined;
    if (ref === undefined) {
      throw new InputError(
        `--issue-file "${item}" is not REF=FILE; write e.g. --issue-file 123=issue.md or --issue-file owner/repo#123=issue.md`,
      );
    }
    return { ref, body: readTextFile(resolve(cwd, item.slice(at + 1)), "the issue file") };
  });
}

const CONCLUSION_COLOR: Record<string, string> = {
  failure: "\u001b[31m",
  neutral: "\u001b[33m",
  success: "\u001b[32m",
};

export async function runCheckCommand(options: CheckOptions, io: CliIo): Promise<number> {
  try {
    const format = options.format ?? "text";
    if (format !== "text" && format !== "markdown") {
      throw new InputError(
        `--format "${format}" is not a format; write --format text (for a terminal, the default) or --format markdown (as GitHub shows it)`,
      );
    }
    // colour only on a terminal, and never with NO_COLOR (https://no-color.org)
    const color = format === "text" && io.stdoutIsTTY === true && (io.env.NO_COLOR ?? "") === "";
    const repo = resolve(io.cwd, options.repo);
    const config = loadConfig(repo, options.config, io.cwd);
    const base = options.base ?? (await findDefaultBase(repo));
    const commits = await readCommits(repo, base, options.head);
    let body = "";
    if (options.bodyFile === "-") body = (await io.readStdin()).toString("utf8");
    else if (options.bodyFile !== undefined) {
      body = readTextFile(resolve(io.cwd, options.bodyFile), "the PR body file");
    }
    const repository = (await readOriginRepository(repo)) ?? {
      owner: "local",
      repo: basename(repo),
    };
    const verdict = evaluatePullRequest({
      pr: {
        repository,
        body,
        author: options.author ?? "",
        labels: options.label ?? [],
        draft: options.draft === true,
        commits,
        linkedIssues: readLinkedIssues(options.issueFile ?? [], io.cwd),
      },
      config,
      now: new Date(),
    });
    if (options.json === true) {
      io.stdout(`${JSON.stringify(verdictToJson(verdict), null, 2)}\n`);
    } else {
      const output = renderCheckOutput(verdict, {
        repository,
        currency: config.currency,
        valueHeading: config.value.heading,
      });
      const shown =
        format === "markdown"
          ? output
          : {
              summary: markdownToText(output.summary, { color }),
              text: markdownToText(output.text, { color }),
            };
      const conclusion = color
        ? `${CONCLUSION_COLOR[verdict.conclusion] ?? ""}${verdict.conclusion}\u001b[39m`
        : verdict.conclusion;
      io.stdout(
        `${config["check-name"]}: ${conclusion} — ${output.title}\n` +
          `(${commits.length} commits in ${base}..${options.head})\n\n${shown.summary}\n\n${shown.text}\n`,
      );
    }
    return verdict.conclusion === "failure" ? EXIT.failure : EXIT.ok;
  } catch (error) {
    if (error instanceof InputError || error instanceof GitError) {
      io.stderr(`cost-value check: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
