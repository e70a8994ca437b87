/**
 * `cost-value init`: sets a repository up without overwriting anything. Writes a pull request
 * template with the value section (or appends the section to the template there, when it lacks
 * one) and a commented `.github/cost-value.yml` with every default. Prints what it did per file.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { renderDefaultConfigYaml } from "../config/describe-config.js";
import { parseConfigText } from "../config/parse-config.js";
import { type Config, DEFAULT_CONFIG } from "../config/schema.js";
import { VALUE_FIELD_LABELS, VALUE_FIELD_NAMES } from "../core/value/fields.js";
import { parseValueSection } from "../core/value/section.js";
import { valueSectionTemplate } from "../core/value/template.js";
import { type CliIo, EXIT } from "./io.js";

const run = promisify(execFile);

export const PR_TEMPLATE_PATH = ".github/pull_request_template.md";
export const CONFIG_FILE_PATH = ".github/cost-value.yml";

/** Where GitHub looks for a pull request template, in the order init prefers them. */
const TEMPLATE_DIRS = [".github", ".", "docs"] as const;
const TEMPLATE_NAME = /^pull_request_template\.md$/i;

export interface InitOptions {
  /** The repository's directory (default: the top-level of the current directory's repo). */
  repo?: string;
  /** Print what would be done; write nothing. */
  dryRun?: boolean;
}

export type InitFileResult = "created" | "appended" | "unchanged";

export interface InitFileReport {
  /** Relative to the repository, with `/`. */
  path: string;
  result: InitFileResult;
  /** Why, for the person reading. */
  note: string;
}

class InitError extends Error {
  override name = "InitError";
}

/** The value section as init writes it: a comment for the author, then the fields. */
export function valueSectionForTemplate(config: Config): string {
  const [heading, ...fields] = valueSectionTemplate({ config }).split("\n");
  const required = new Set<string>(["type", "worth", ...config.value.required]);
  const names = (want: boolean): string =>
    VALUE_FIELD_NAMES.filter((n) => required.has(n === "whyNow" ? "why-now" : n) === want)
      .map((n) => VALUE_FIELD_LABELS[n])
      .join(", ");
  const optional = names(false);
  return [
    heading,
    `<!-- What this work is worth, read by cost-value. Replace each <placeholder>. Required:`,
    `     ${names(true)}${optional !== "" ? `; optional: ${optional}` : ""}. Fields left out here are taken from`,
    `     the linked issue's own "## ${config.value.heading}" section. -->`,
    ...fields,
  ].join("\n");
}

/** A new pull request template: a place for the description, then the value section. */
export function pullRequestTemplate(config: Config): string {
  return [
    "## What and why",
    "",
    "<!-- What this PR changes, for the reviewer. -->",
    "",
    valueSectionForTemplate(config),
    "",
  ].join("\n");
}

/** `text` with the value section added at its end, in its own line endings. */
export function appendValueSection(text: string, config: Config): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const section = valueSectionForTemplate(config).replaceAll("\n", eol);
  const trimmed = text.replace(/(\r?\n)+$/, "");
  return trimmed === "" ? `${section}${eol}` : `${trimmed}${eol}${eol}${section}${eol}`;
}

/** The pull request template GitHub would use, relative to the repo, if there is one. */
export function findPullRequestTemplate(repo: string): string | undefined {
  for (const dir of TEMPLATE_DIRS) {
    let names: string[];
    try {
      names = readdirSync(join(repo, dir));
    } catch {
      continue;
    }
    const name = names.sort().find((n) => TEMPLATE_NAME.test(n));
    if (name !== undefined && statSync(join(repo, dir, name)).isFile()) {
      return dir === "." ? name : `${dir}/${name}`;
    }
  }
  return undefined;
}

async function defaultRepo(cwd: string, env: CliIo["env"]): Promise<string> {
  try {
    const { stdout } = await run("git", ["-C", cwd, "rev-parse", "--show-toplevel"], {
      encoding: "utf8",
      env: { ...env, PATH: env.PATH ?? process.env.PATH, LC_ALL: "C" },
    });
    const top = stdout.trim();
    if (top !== "") return top;
  } catch {
    // reported below
  }
  throw new InitError(`${cwd} is not in a git work tree; pass --repo DIR`);
}

/** The repository's config when it has a valid one (for the value heading), else the defaults. */
function repositoryConfig(repo: string): { config: Config; note?: string } {
  const path = join(repo, CONFIG_FILE_PATH);
  if (!existsSync(path)) return { config: DEFAULT_CONFIG };
  const result = parseConfigText(readFileSync(path, "utf8"));
  return result.ok
    ? { config: result.config }
    : {
        config: DEFAULT_CONFIG,
        note: `${CONFIG_FILE_PATH} is not valid (run \`npx cost-value check\` to see why); the template uses the defaults`,
      };
}

function write(path: string, text: string): void {
  mkdirSync(resolve(path, ".."), { recursive: true });
  writeFileSync(path, text, { flag: "wx" }); // never overwrite
}

/** Decide (and unless dryRun, do) what init does to each file. */
export function initRepository(
  repo: string,
  options: { dryRun: boolean },
): { reports: InitFileReport[]; notes: string[] } {
  const { config, note } = repositoryConfig(repo);
  const notes = note !== undefined ? [note] : [];
  const reports: InitFileReport[] = [];
  const heading = `## ${config.value.heading}`;

  const existing = findPullRequestTemplate(repo);
  if (existing === undefined) {
    if (!options.dryRun) write(join(repo, PR_TEMPLATE_PATH), pullRequestTemplate(config));
    reports.push({
      path: PR_TEMPLATE_PATH,
      result: "created",
      note: `pull request template with the "${heading}" section`,
    });
  } else {
    const path = join(repo, existing);
    const text = readFileSync(path, "utf8");
    const section = parseValueSection({ body: text, where: existing, config });
    if (section.found) {
      reports.push({
        path: existing,
        result: "unchanged",
        note: `it has a "${heading}" section`,
      });
    } else {
      if (!options.dryRun) writeFileSync(path, appendValueSection(text, config));
      reports.push({
        path: existing,
        result: "appended",
        note: `the "${heading}" section, at its end`,
      });
    }
  }

  if (existsSync(join(repo, CONFIG_FILE_PATH))) {
    reports.push({ path: CONFIG_FILE_PATH, result: "unchanged", note: "it exists" });
  } else {
    if (!options.dryRun) write(join(repo, CONFIG_FILE_PATH), renderDefaultConfigYaml());
    reports.push({
      path: CONFIG_FILE_PATH,
      result: "created",
      note: "every setting with its default, commented",
    });
  }
  return { reports, notes };
}

const VERBS: Record<InitFileResult, { done: string; would: string }> = {
  created: { done: "created ", would: "would create " },
  appended: { done: "appended", would: "would append" },
  unchanged: { done: "left    ", would: "would leave " },
};

function reportLine(report: InitFileReport, dryRun: boolean): string {
  const verbs = VERBS[report.result];
  const verb = dryRun ? verbs.would : verbs.done;
  return report.result === "unchanged"
    ? `  ${verb} ${report.path} as it was: ${report.note}`
    : `  ${verb} ${report.path}: ${report.note}`;
}

export async function runInitCommand(options: InitOptions, io: CliIo): Promise<number> {
  try {
    let repo: string;
    if (options.repo !== undefined) {
      repo = resolve(io.cwd, options.repo);
      if (!existsSync(repo) || !statSync(repo).isDirectory()) {
        throw new InitError(`--repo ${options.repo}: no such directory`);
      }
    } else {
      repo = await defaultRepo(io.cwd, io.env);
    }
    const dryRun = options.dryRun === true;
    const { reports, notes } = initRepository(repo, { dryRun });
    const lines = [
      `cost-value init in ${repo}${dryRun ? " (dry run: nothing is written)" : ""}:`,
      ...reports.map((r) => reportLine(r, dryRun)),
      ...notes.map((n) => `Note: ${n}`),
    ];
    if (!dryRun && reports.some((r) => r.result !== "unchanged")) {
      lines.push(
        "Next: review and commit these files. Record agent cost in commit trailers (docs/trailers.md),",
        "or let `npx cost-value hook install` add them to each commit.",
      );
    }
    io.stdout(`${lines.join("\n")}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof InitError) {
      io.stderr(`cost-value init: ${error.message}\n`);
      return EXIT.usage;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === "string") {
      io.stderr(`cost-value init: ${(error as Error).message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}
