/**
 * `.github/cost-value.yml` with Probot's semantics (what `context.config()` would return): the
 * repository's file, else the one in the owner's `.github` repository; then `_extends` (`repo`,
 * `owner/repo` or `owner/repo:path.yml`) followed hop by hop; the files merged like Probot does
 * (deepmerge: objects merge, lists concatenate; the extending file wins). Problems name the file
 * and the line. The pure part (`combineConfigFiles`) is separate from the fetching.
 */
import deepmerge from "deepmerge";
import { parseDocument } from "yaml";
import {
  formatConfigProblems,
  MAX_CONFIG_BYTES,
  parseConfigObject,
  parseConfigText,
} from "../config/parse-config.js";
import { DEFAULT_CONFIG } from "../config/schema.js";
import { CONFIG_FILE_QUERY } from "./graphql-documents.js";
import { queryAllowingMissing } from "./graphql-errors.js";
import type { ConfigFileRead, ConfigResolution, GraphqlFn } from "./snapshot.js";

export const CONFIG_PATH = ".github/cost-value.yml";
const MAX_EXTENDS_HOPS = 5;

/** The same pattern as @probot/octokit-plugin-config (`[owner/]repo[:path.yml]`). */
const EXTENDS_PATTERN =
  /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w\d]+)(?::([-_./\w\d]+\.ya?ml))?$/i;

export interface FileLocation {
  owner: string;
  repo: string;
  path: string;
}

/** A file as read: its text, or nothing when it does not exist; `truncated` when GitHub cut it. */
export interface FetchedFile extends FileLocation {
  text?: string;
  truncated?: boolean;
}

export const describeLocation = (f: FileLocation): string => `${f.owner}/${f.repo}:${f.path}`;

/**
 * Where `_extends` points. Like the Probot plugin, an omitted owner or path means the owner and
 * path of the file first asked for (`origin`), not of the file that has the `_extends` line.
 */
export function parseExtends(
  value: unknown,
  from: FileLocation,
  origin: { owner: string; path: string } = from,
): FileLocation | { problem: string } {
  if (typeof value !== "string" || value.length > 200) {
    return {
      problem: `${describeLocation(from)}: \`_extends\` must be a text like \`other-repo\`, \`owner/repo\` or \`owner/repo:path/file.yml\``,
    };
  }
  const match = EXTENDS_PATTERN.exec(value);
  if (match === null) {
    return {
      problem: `${describeLocation(from)}: \`_extends: ${value.slice(0, 80)}\` is not \`repo\`, \`owner/repo\` or \`owner/repo:path/file.yml\``,
    };
  }
  return { owner: match[1] ?? origin.owner, repo: match[2] ?? "", path: match[3] ?? origin.path };
}

type ParsedFile =
  | { ok: true; data: Record<string, unknown> | undefined }
  | { ok: false; problems: string[] };

/** One file's YAML as an object (without validating settings), or problems with lines. */
function parseFile(file: FetchedFile): ParsedFile {
  const where = describeLocation(file);
  if (file.text === undefined) return { ok: true, data: undefined };
  if (file.truncated === true || file.text.length > MAX_CONFIG_BYTES) {
    return {
      ok: false,
      problems: [
        `${where}: the file is larger than ${MAX_CONFIG_BYTES / 1024} KiB; a cost-value config is a few lines`,
      ],
    };
  }
  const doc = parseDocument(file.text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // parseConfigText gives the line-numbered messages
    const result = parseConfigText(file.text);
    return {
      ok: false,
      problems: result.ok
        ? [`${where}: not valid YAML`]
        : formatConfigProblems(result.problems, where),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, problems: [`${where}: not usable YAML (${String(error).slice(0, 200)})`] };
  }
  if (data === null || data === undefined) return { ok: true, data: {} };
  if (typeof data !== "object" || Array.isArray(data)) {
    return {
      ok: false,
      problems: [
        `${where}: the file must be a mapping of settings (key: value), not a list or a scalar`,
      ],
    };
  }
  return { ok: true, data: data as Record<string, unknown> };
}

/**
 * Merge and validate files read in order (the repository's or the owner's file first, then each
 * `_extends` target). Pure.
 */
export function combineConfigFiles(
  files: readonly FetchedFile[],
  problems: readonly string[] = [],
): ConfigResolution {
  const reads: ConfigFileRead[] = files.map((f) => ({
    owner: f.owner,
    repo: f.repo,
    path: f.path,
    ...(f.text !== undefined ? { text: f.text } : {}),
  }));
  const allProblems = [...problems];
  const parsed: { file: FetchedFile; data: Record<string, unknown> }[] = [];
  for (const file of files) {
    const result = parseFile(file);
    if (!result.ok) allProblems.push(...result.problems);
    else if (result.data !== undefined) parsed.push({ file, data: result.data });
  }
  if (allProblems.length > 0) return { ok: false, problems: allProblems, files: reads };
  if (parsed.length === 0) return { ok: true, config: DEFAULT_CONFIG, files: reads };

  const only = parsed.length === 1 ? parsed[0] : undefined;
  if (only !== undefined) {
    // one file: validate its text, so problems carry line numbers
    const result = parseConfigText(only.file.text ?? "");
    return result.ok
      ? { ok: true, config: result.config, files: reads }
      : {
          ok: false,
          problems: formatConfigProblems(result.problems, describeLocation(only.file)),
          files: reads,
        };
  }
  const withoutExtends = parsed.map(({ data }) => {
    const { _extends: _ignored, ...rest } = data;
    return rest;
  });
  const merged = deepmerge.all([...withoutExtends].reverse());
  const result = parseConfigObject(merged);
  return result.ok
    ? { ok: true, config: result.config, files: reads }
    : {
        ok: false,
        problems: formatConfigProblems(
          result.problems,
          parsed.map((p) => describeLocation(p.file)).join(" + "),
        ),
        files: reads,
      };
}

function extendsOf(file: FetchedFile): unknown {
  if (file.text === undefined) return undefined;
  const parsed = parseFile(file);
  return parsed.ok ? parsed.data?._extends : undefined;
}

interface ConfigFileData {
  repository?: { config?: { text?: string | null; isTruncated?: boolean } | null } | null;
}

/**
 * Read one file by GraphQL (the `_extends` hops). A repository that does not exist or that the
 * app may not read is a missing file (the caller says so, naming the `_extends` line); any other
 * GraphQL error throws; transport errors pass unchanged.
 */
export async function fetchConfigFile(graphql: GraphqlFn, at: FileLocation): Promise<FetchedFile> {
  const result = await queryAllowingMissing<ConfigFileData>(
    graphql,
    CONFIG_FILE_QUERY,
    { owner: at.owner, repo: at.repo, expression: `HEAD:${at.path}` },
    describeLocation(at),
    { optional: () => true },
  );
  const blob = result.found ? result.data?.repository?.config : undefined;
  return {
    ...at,
    ...(typeof blob?.text === "string" ? { text: blob.text } : {}),
    ...(blob?.isTruncated === true ? { truncated: true } : {}),
  };
}

/**
 * Resolve the config from what the first read returned (`primary`: the repository's file;
 * `ownerFile`: the owner's `.github` file, undefined when that repository does not exist),
 * fetching `_extends` targets. Returns the resolution and the requests made.
 */
export async function resolveConfig(
  graphql: GraphqlFn,
  primary: FetchedFile,
  ownerFile: FetchedFile | undefined,
): Promise<{ resolution: ConfigResolution; requests: number }> {
  const files: FetchedFile[] = [primary];
  if (primary.text === undefined && primary.repo !== ".github" && ownerFile !== undefined) {
    files.push(ownerFile);
  }
  const problems: string[] = [];
  let requests = 0;
  let current = files[files.length - 1] as FetchedFile;
  for (let hop = 0; ; hop++) {
    const value = extendsOf(current);
    if (value === undefined) break;
    const target = parseExtends(value, current, primary);
    if ("problem" in target) {
      problems.push(target.problem);
      break;
    }
    const seen = files.some(
      (f) =>
        f.text !== undefined &&
        f.owner.toLowerCase() === target.owner.toLowerCase() &&
        f.repo.toLowerCase() === target.repo.toLowerCase() &&
        f.path === target.path,
    );
    if (seen) {
      problems.push(
        `${describeLocation(current)}: \`_extends\` loops back to ${describeLocation(target)}; remove one of the \`_extends\` lines`,
      );
      break;
    }
    if (hop >= MAX_EXTENDS_HOPS) {
      problems.push(
        `${describeLocation(current)}: more than ${MAX_EXTENDS_HOPS} \`_extends\` hops; point to the base file directly`,
      );
      break;
    }
    const next = await fetchConfigFile(graphql, target);
    requests++;
    if (next.text === undefined) {
      problems.push(
        `${describeLocation(current)}: \`_extends\` points to ${describeLocation(target)}, which does not exist (or the app is not installed on ${target.owner}/${target.repo}); fix the name or install the app there`,
      );
      break;
    }
    files.push(next);
    current = next;
  }
  return { resolution: combineConfigFiles(files, problems), requests };
}
