/**
 * What the agent-log readers (claude.ts, codex.ts) share: the usage entry they produce, the
 * outcome of reading one line, and the careful reading of a JSON line (length and nesting
 * capped, fields checked). Every line gives an entry, is ignored (valid but not usage) or is
 * skipped (corrupt); nothing here throws on input. No I/O: src/cli/usage-command.ts finds and
 * reads the files.
 */
import type { TokenCounts } from "../tokens.js";

export const USAGE_AGENTS = ["claude-code", "codex"] as const;
export type UsageAgent = (typeof USAGE_AGENTS)[number];

/** One unit of usage read from a log: a Claude API response, or a Codex running-total increase. */
export interface UsageEntry {
  agent: UsageAgent;
  /** As written in a trailer: `anthropic/claude-sonnet-4-5-20250929`, `openai/gpt-5-codex`. */
  model: string;
  /** Milliseconds since the epoch. */
  timestampMs: number;
  /** The agent's working directory, when the log says. */
  cwd?: string;
  sessionId?: string;
  /** Lines with the same key are the same API response (Claude only). */
  dedupeKey?: string;
  tokens: TokenCounts;
  /** The cost the log itself recorded (Claude's older `costUSD`), in USD micro-units. */
  logCostMicros?: bigint;
}

export type LineResult<T> =
  | { kind: "entry"; value: T }
  | { kind: "ignored" }
  | { kind: "skipped"; reason: string };

export const IGNORED = { kind: "ignored" } as const;
export const skipped = (reason: string): { kind: "skipped"; reason: string } => ({
  kind: "skipped",
  reason,
});

/** The longest line we parse: larger ones are not usage lines worth the memory (base64 images). */
export const MAX_LINE_LENGTH = 50 * 1024 * 1024;

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * How deep a log line's JSON may nest. Claude Code and Codex lines nest about 10 levels (tool
 * inputs a few more); a line of a million `[` made JSON.parse build a million arrays before it
 * failed (400 ms per parse).
 */
export const MAX_JSON_DEPTH = 1_000;

/** Whether `text` opens more than `limit` arrays or objects at once (strings skipped). Linear. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

export function parseJsonObject(line: string): Json | { skipped: string } | undefined {
  const text = line.trim();
  if (text === "") return undefined;
  if (text.length > MAX_LINE_LENGTH) return { skipped: "the line is too long" };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    return { skipped: `nested more than ${MAX_JSON_DEPTH} levels deep` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { skipped: "not JSON (corrupt or truncated)" };
  }
  if (!isObject(value)) return { skipped: "not a JSON object" };
  return value;
}

/** A token count field: absent or null is 0; anything but a whole number ≥ 0 is invalid. */
export function count(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) return undefined;
  return value;
}

export function timestampOf(value: unknown): number | undefined {
  if (typeof value !== "string" || value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The model id for a trailer. Claude Code and Codex write bare ids; the provider prefix makes the
 * trailer unambiguous and the pricing looks the provider up first (then the bare id, so dated ids
 * such as `claude-sonnet-4-5-20250929` still price). Ids of other providers stay bare.
 */
export function trailerModelId(agent: UsageAgent, model: string): string {
  const id = model.trim().toLowerCase();
  if (id.includes("/")) return id;
  if (id.startsWith("claude")) return `anthropic/${id}`;
  if (agent === "codex" && /^(gpt-|o\d|codex-)/.test(id)) return `openai/${id}`;
  return id;
}
