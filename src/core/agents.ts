/**
 * Spotting agent-assisted commits: the marks coding agents leave (co-author lines, session
 * trailers, bot authors, a "Generated with" line), from the built-in list in `agent-patterns.ts`
 * plus `agents.patterns` from the config. Matching is plain case-insensitive string comparison:
 * no regular expressions, so neither a commit nor a config file can cause backtracking.
 */
import type { Config } from "../config/schema.js";
import { AGENT_NAMES, type AgentPattern, BUILT_IN_AGENT_PATTERNS } from "./agent-patterns.js";
import type { CommitAuthor } from "./commit.js";
import { quoteInput } from "./problem.js";
import type { Trailer } from "./trailers.js";

export interface AgentSignal {
  /** Display name, e.g. `Claude Code`, `Copilot`, or the name a config pattern gives. */
  agent: string;
  /** What gave it away, e.g. `Co-authored-by: Claude <noreply@anthropic.com>`. */
  evidence: string;
}

export type { AgentPattern } from "./agent-patterns.js";

const EVIDENCE_MAX = 120;
/** Longest agent name taken from a trailer value (`Assisted-by: NAME:MODEL`). */
const AGENT_NAME_MAX = 50;

function compact(name: string): string {
  let out = "";
  for (const c of name.toLowerCase()) if (c !== " " && c !== "-" && c !== "_") out += c;
  return out;
}

const KNOWN_NAMES = new Map<string, string>();
for (const entry of AGENT_NAMES) {
  KNOWN_NAMES.set(compact(entry.name), entry.name);
  for (const id of entry.ids) KNOWN_NAMES.set(compact(id), entry.name);
}

/**
 * The display name of a tool as people write it: `claude-code` → `Claude Code`, `codex` → `Codex`.
 * Unknown names come back trimmed, as written.
 */
export function canonicalAgentName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length > 100) return trimmed;
  return KNOWN_NAMES.get(compact(trimmed)) ?? trimmed;
}

/** Lower-cased condition strings of a pattern, computed once per pattern. */
interface CompiledPattern {
  pattern: AgentPattern;
  trailerKeys: Set<string> | undefined;
  contains?: string;
  equals?: string;
  startsWith?: string;
  endsWith?: string;
}

function compile(pattern: AgentPattern): CompiledPattern {
  return {
    pattern,
    trailerKeys:
      pattern.trailer === undefined
        ? undefined
        : new Set(pattern.trailer.map((k) => k.toLowerCase())),
    ...(pattern.contains !== undefined ? { contains: pattern.contains.toLowerCase() } : {}),
    ...(pattern.equals !== undefined ? { equals: pattern.equals.toLowerCase() } : {}),
    ...(pattern.startsWith !== undefined ? { startsWith: pattern.startsWith.toLowerCase() } : {}),
    ...(pattern.endsWith !== undefined ? { endsWith: pattern.endsWith.toLowerCase() } : {}),
  };
}

const COMPILED_BUILT_INS = BUILT_IN_AGENT_PATTERNS.map(compile);

/** `value` is lower-cased and trimmed. */
function textMatches(p: CompiledPattern, value: string): boolean {
  if (value === "") return false;
  if (p.equals !== undefined && value !== p.equals) return false;
  if (p.contains !== undefined && !value.includes(p.contains)) return false;
  if (p.startsWith !== undefined && !value.startsWith(p.startsWith)) return false;
  if (p.endsWith !== undefined && !value.endsWith(p.endsWith)) return false;
  return true;
}

/**
 * The first line of `message` (trimmed) that `p` matches. A line too short to hold the
 * pattern's text is skipped before it is trimmed and lower-cased: a message of a million short
 * lines made a million pairs of strings here.
 */
function firstMatchingLine(
  p: CompiledPattern,
  message: string,
  lower: (text: string) => string,
): string | undefined {
  // lower-casing lengthens a text only by `İ` → `i̇` (toLowerCase ignores the locale), trimming
  // only shortens it
  const needed = Math.max(
    1,
    p.equals?.length ?? 0,
    p.contains?.length ?? 0,
    p.startsWith?.length ?? 0,
    p.endsWith?.length ?? 0,
  );
  // a char-code loop, not `indexOf` per line: a million empty lines cost 15 ms that way
  let start = 0;
  let growth = 0; // how much lower-casing lengthens the line: one unit per `İ` (U+0130)
  for (let end = 0; end <= message.length; end++) {
    if (end < message.length) {
      const c = message.charCodeAt(end);
      if (c === 0x130) growth++;
      if (c !== 10) continue;
    }
    const long = end - start + growth >= needed;
    growth = 0;
    if (long) {
      const text = message.slice(start, end).trim();
      if (textMatches(p, lower(text))) return text;
    }
    start = end + 1;
  }
  return undefined;
}

/** `Claude:claude-3-opus coccinelle` → `Claude`; undefined when the value is not NAME:MODEL. */
function nameBeforeColon(value: string): string | undefined {
  const colon = value.indexOf(":");
  if (colon <= 0 || colon > AGENT_NAME_MAX) return undefined;
  const name = value.slice(0, colon).trim();
  const after = value.slice(colon + 1).trim();
  if (name === "" || after === "" || after.startsWith("//")) return undefined;
  for (const c of name) if (c === "<" || c === ">" || c === "@" || c === "/") return undefined;
  return name;
}

function configPatterns(patterns: Config["agents"]["patterns"]): CompiledPattern[] {
  return patterns.map((p) =>
    compile({
      agent: p.agent,
      ...(p.trailer !== undefined ? { trailer: [p.trailer] } : { author: true }),
      ...(p.contains !== undefined ? { contains: p.contains } : {}),
      ...(p.equals !== undefined ? { equals: p.equals } : {}),
    }),
  );
}

const configCache = new WeakMap<object, CompiledPattern[]>();

function compiledConfigPatterns(patterns: Config["agents"]["patterns"]): CompiledPattern[] {
  const cached = configCache.get(patterns);
  if (cached !== undefined) return cached;
  const compiled = configPatterns(patterns);
  configCache.set(patterns, compiled);
  return compiled;
}

function authorEvidence(author: CommitAuthor): string {
  const parts: string[] = [];
  if (author.name !== undefined) parts.push(author.name);
  if (author.email !== undefined) parts.push(`<${author.email}>`);
  if (author.login !== undefined && author.login !== author.name) parts.push(`(@${author.login})`);
  return `author: ${parts.join(" ")}`;
}

/**
 * The agents a commit shows signs of, one signal per agent (the first evidence found), built-in
 * patterns first, then the config's. Never throws.
 */
export function detectAgentSignals(params: {
  trailers: readonly Trailer[];
  author: CommitAuthor;
  message: string;
  patterns: Config["agents"]["patterns"];
}): AgentSignal[] {
  const patterns = [...COMPILED_BUILT_INS, ...compiledConfigPatterns(params.patterns)];
  const signals: AgentSignal[] = [];
  const seen = new Set<string>();
  const add = (agent: string, evidence: string): void => {
    const key = agent.toLowerCase();
    if (agent === "" || seen.has(key)) return;
    seen.add(key);
    signals.push({
      agent,
      evidence: quoteInput(evidence.slice(0, EVIDENCE_MAX * 2), EVIDENCE_MAX),
    });
  };

  // each (key, value) once, in the order first seen, compared as the patterns compare them: a
  // later equal trailer can match no pattern the first did not (and would add the same agent)
  const trailers: { trailer: Trailer; key: string; value: string }[] = [];
  const valuesByKey = new Map<string, Set<string>>();
  for (const t of params.trailers) {
    const key = t.key.trim().toLowerCase();
    const value = t.value.trim().toLowerCase();
    let values = valuesByKey.get(key);
    if (values === undefined) {
      values = new Set();
      valuesByKey.set(key, values);
    }
    if (values.has(value)) continue;
    values.add(value);
    trailers.push({ trailer: t, key, value });
  }
  // long texts are lower-cased once per call (name, email, login and a one-line message are
  // often the same text; non-ASCII lower-casing costs ~15 ms per MB)
  const lowered = new Map<string, string>();
  const lower = (text: string): string => {
    if (text.length < 1_000) return text.toLowerCase();
    let cached = lowered.get(text);
    if (cached === undefined) {
      cached = text.toLowerCase();
      lowered.set(text, cached);
    }
    return cached;
  };
  const authorTexts = [params.author.name, params.author.email, params.author.login]
    .filter((s): s is string => s !== undefined)
    .map((s) => lower(s.trim()));

  for (const p of patterns) {
    // a pattern of an agent already found can add nothing (`add` keeps the first evidence)
    if (p.pattern.agentFromValue === undefined && seen.has(p.pattern.agent.toLowerCase())) continue;
    if (p.trailerKeys !== undefined) {
      for (const t of trailers) {
        if (!p.trailerKeys.has(t.key)) continue;
        if (p.pattern.agentFromValue === "before-colon") {
          const name = nameBeforeColon(t.trailer.value.trim());
          if (name !== undefined)
            add(canonicalAgentName(name), `${t.trailer.key}: ${t.trailer.value}`);
          continue;
        }
        if (textMatches(p, t.value)) {
          add(p.pattern.agent, `${t.trailer.key}: ${t.trailer.value.trim()}`);
          break;
        }
      }
    }
    if (p.pattern.author === true && authorTexts.some((text) => textMatches(p, text))) {
      add(p.pattern.agent, authorEvidence(params.author));
    }
    if (p.pattern.bodyLine === true) {
      const line = firstMatchingLine(p, params.message, lower);
      if (line !== undefined) add(p.pattern.agent, line);
    }
  }
  return signals;
}
