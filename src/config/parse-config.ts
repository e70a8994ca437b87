/**
 * Turn the text of `.github/cost-value.yml` into a Config, or into problems that quote the bad
 * key and value with its line, so a broken file is fixed in one go. Pure: the caller reads the file.
 */
import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { nearestSetting, settingsAt } from "./nearest-setting.js";
import { type Config, configSchema, DEFAULT_CONFIG } from "./schema.js";

export interface ConfigProblem {
  /** Dotted path of the setting, e.g. `policy.missing-value`; empty for the whole file. */
  path: string;
  message: string;
  /** The value found there, quoted for the reader (shortened). */
  found?: string;
  line?: number;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

/** Config files are tiny; anything larger is a mistake or an attack. */
export const MAX_CONFIG_BYTES = 64 * 1024;

function shorten(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  try {
    return shorten(JSON.stringify(value) ?? String(value));
  } catch {
    return shorten(String(value));
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function toProblems(
  error: z.ZodError,
  input: unknown,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const near = nearestSetting(key, settingsAt(issue.path));
        problems.push({
          path: path.join("."),
          message:
            near === undefined
              ? `unknown setting "${key}"; check the spelling against docs/configuration.md`
              : `unknown setting "${key}"; did you mean \`${near}\`? (see docs/configuration.md)`,
          found: describeFound(valueAt(input, path)),
          line: lineOf(path),
        });
      }
      continue;
    }
    problems.push({
      path: issue.path.join("."),
      message: issue.message,
      found: describeFound(valueAt(input, issue.path)),
      line: lineOf(issue.path),
    });
  }
  return problems;
}

/** Validate an already-parsed object (e.g. what Probot's `context.config` returns). */
export function parseConfigObject(
  input: unknown,
  lineOf: (path: readonly PropertyKey[]) => number | undefined = () => undefined,
): ConfigResult {
  if (input === null || input === undefined) return { ok: true, config: DEFAULT_CONFIG };
  if (typeof input !== "object" || Array.isArray(input)) {
    return {
      ok: false,
      problems: [
        {
          path: "",
          message: "the file must be a mapping of settings (key: value), not a list or a scalar",
          found: describeFound(input),
        },
      ],
    };
  }
  // `_extends` is resolved by the loader (Probot semantics); it is not a setting.
  const { _extends: _ignored, ...settings } = input as Record<string, unknown>;
  const result = configSchema.safeParse(settings);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: toProblems(result.error, settings, lineOf) };
}

/** Nesting a config never needs (it has 4 levels); deeper YAML is refused before it is parsed. */
export const MAX_CONFIG_DEPTH = 32;

/**
 * An upper bound on the YAML nesting depth of `text`, in one linear pass and without parsing:
 * a line's block depth is one more than that of the nearest line above it with less indentation,
 * plus its compact indicators (`- - x`, `? x`); flow brackets add their depth (brackets inside
 * quotes count too: the bound only over-estimates). The YAML library recurses per level, and a
 * stack overflow inside it is not a safe thing to catch, so deep input never reaches it.
 */
export function yamlDepthBound(text: string): number {
  const indents: number[] = [];
  const depths: number[] = [];
  let flow = 0;
  let worst = 0;
  let i = 0;
  while (i < text.length) {
    let indent = 0;
    while (i < text.length && text.charCodeAt(i) === 32) {
      indent++;
      i++;
    }
    let lineEnd = text.indexOf("\n", i);
    if (lineEnd === -1) lineEnd = text.length;
    const first = text[i];
    if (i < lineEnd && first !== "#" && first !== "\r") {
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) {
        indents.pop();
        depths.pop();
      }
      let depth = (depths[depths.length - 1] ?? 0) + 1;
      // compact nesting on one line: `- - - x`, `? ? x`, `- ? x`
      let j = i;
      while (
        j + 1 < lineEnd &&
        (text[j] === "-" || text[j] === "?" || text[j] === ":") &&
        (text[j + 1] === " " || text[j + 1] === "\t")
      ) {
        depth++;
        j += 2;
        while (j < lineEnd && (text[j] === " " || text[j] === "\t")) j++;
      }
      indents.push(indent);
      depths.push(depth);
      let lineFlow = flow;
      for (let k = i; k < lineEnd; k++) {
        const c = text.charCodeAt(k);
        if (c === 91 || c === 123) {
          flow++;
          if (flow > lineFlow) lineFlow = flow;
        } else if ((c === 93 || c === 125) && flow > 0) {
          flow--;
        }
      }
      if (depth + lineFlow > worst) worst = depth + lineFlow;
    }
    i = lineEnd + 1;
  }
  return worst;
}

/**
 * Lines of settings a config never needs (the documented config with every setting has ~60);
 * more are refused before parsing: the YAML library's time grows with the lines (and with
 * distinct keys faster than linearly: it compares each new key with the others), 64 KiB of
 * one-character lines took 200 ms. Blank and comment lines do not count.
 */
export const MAX_CONFIG_LINES = 1000;

/** Lines that are neither blank nor a comment, counted in one pass, stopping past `limit`. */
export function contentLines(text: string, limit = Number.POSITIVE_INFINITY): number {
  let count = 0;
  let i = 0;
  while (i < text.length && count <= limit) {
    let lineEnd = text.indexOf("\n", i);
    if (lineEnd === -1) lineEnd = text.length;
    let j = i;
    while (j < lineEnd) {
      const c = text.charCodeAt(j);
      if (c !== 32 && c !== 9 && c !== 13) break;
      j++;
    }
    if (j < lineEnd && text.charCodeAt(j) !== 35) count++; // 35: '#'
    i = lineEnd + 1;
  }
  return count;
}

/** Parse YAML text; an empty file means all defaults. */
export function parseConfigText(text: string): ConfigResult {
  if (text.length > MAX_CONFIG_BYTES) {
    return {
      ok: false,
      problems: [
        {
          path: "",
          message: `the file is larger than ${MAX_CONFIG_BYTES / 1024} KiB; a cost-value config is a few lines`,
        },
      ],
    };
  }
  if (contentLines(text, MAX_CONFIG_LINES) > MAX_CONFIG_LINES) {
    return {
      ok: false,
      problems: [
        {
          path: "",
          message: `the file has more than ${MAX_CONFIG_LINES.toLocaleString("en-US")} lines of settings; a cost-value config is a few dozen (blank and comment lines do not count)`,
        },
      ],
    };
  }
  if (yamlDepthBound(text) > MAX_CONFIG_DEPTH) {
    return {
      ok: false,
      problems: [
        {
          path: "",
          message: `the file nests more than ${MAX_CONFIG_DEPTH} levels deep; a cost-value config has 4`,
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  // The YAML library makes an Error for every problem it meets (32,000 for 64 KiB of `]` lines)
  // and each captured a stack trace nobody reads: 600 ms. We use their code, message and position.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      // only JSON-like values: `!!binary`, `!!set`, `!!timestamp`… stay unresolved (refused below)
      resolveKnownTags: false,
      logLevel: "error",
    });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  // an unknown tag (`!!js/function`, `!foo`) is a warning for the YAML library: an error here
  const tagProblems = doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED");
  const errors = [...doc.errors, ...tagProblems];
  if (errors.length > 0) {
    return {
      ok: false,
      problems: errors.slice(0, 10).map((e) => ({
        path: "",
        message:
          e.code === "TAG_RESOLVE_FAILED"
            ? `YAML tags are not supported (${shorten(e.message.split("\n")[0] ?? e.code, 120)}); write plain values`
            : `not valid YAML: ${shorten(e.message.split("\n")[0] ?? e.code, 200)}`,
        line: lineCounter.linePos(e.pos[0]).line,
      })),
    };
  }
  let data: unknown;
  try {
    // maxAliasCount guards against alias bombs ("billion laughs").
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: "", message: `not usable YAML: ${shorten(String(error), 200)}` }],
    };
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    // the deepest node that exists on the path
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return parseConfigObject(data, lineOf);
}

/** One line per problem: `.github/cost-value.yml line 3, currency: "dollars" — a three-letter…` */
export function formatConfigProblems(problems: readonly ConfigProblem[], source: string): string[] {
  return problems.map((p) => {
    const where = `${source}${p.line !== undefined ? ` line ${p.line}` : ""}`;
    const what = p.path === "" ? "" : ` \`${p.path}\``;
    const found = p.found !== undefined ? ` (found ${p.found})` : "";
    return `${where}${what}: ${p.message}${found}`;
  });
}
