import { emptyTokens } from "../tokens.js";
import {
  count,
  IGNORED,
  isObject,
  type LineResult,
  optionalString,
  parseJsonObject,
  skipped,
  timestampOf,
  trailerModelId,
  type UsageEntry,
} from "./log-line.js";

export interface CodexTotals {
  input: number;
  cachedInput: number;
  output: number;
  total: number;
}

export type CodexEvent =
  | { type: "meta"; sessionId?: string; cwd?: string; model?: string }
  | { type: "context"; model?: string; cwd?: string }
  | { type: "tokens"; timestampMs: number; totals: CodexTotals };

/** Read one line of a Codex rollout file. */
export function parseCodexLine(line: string): LineResult<CodexEvent> {
  const json = parseJsonObject(line);
  if (json === undefined) return IGNORED;
  if ("skipped" in json) return skipped(json.skipped as string);
  const payload = json.payload;
  if (!isObject(payload)) return IGNORED;
  switch (json.type) {
    case "session_meta": {
      const sessionId = optionalString(payload.id);
      const cwd = optionalString(payload.cwd);
      const model = optionalString(payload.model);
      return {
        kind: "entry",
        value: {
          type: "meta",
          ...(sessionId !== undefined ? { sessionId } : {}),
          ...(cwd !== undefined ? { cwd } : {}),
          ...(model !== undefined ? { model } : {}),
        },
      };
    }
    case "turn_context": {
      const cwd = optionalString(payload.cwd);
      const model = optionalString(payload.model);
      return {
        kind: "entry",
        value: {
          type: "context",
          ...(cwd !== undefined ? { cwd } : {}),
          ...(model !== undefined ? { model } : {}),
        },
      };
    }
    case "event_msg": {
      if (payload.type !== "token_count") return IGNORED;
      // `info` is null before the first response of a session
      if (payload.info === null || payload.info === undefined) return IGNORED;
      if (!isObject(payload.info)) return skipped("token_count info is not an object");
      const total = payload.info.total_token_usage;
      if (total === undefined || total === null) return IGNORED;
      if (!isObject(total)) return skipped("total_token_usage is not an object");
      const input = count(total.input_tokens);
      const cachedInput = count(total.cached_input_tokens);
      const output = count(total.output_tokens);
      const sum = count(total.total_tokens);
      if (
        input === undefined ||
        cachedInput === undefined ||
        output === undefined ||
        sum === undefined
      ) {
        return skipped("a token count is not a whole number");
      }
      const timestampMs = timestampOf(json.timestamp);
      if (timestampMs === undefined) return skipped("no valid timestamp");
      return {
        kind: "entry",
        value: {
          type: "tokens",
          timestampMs,
          totals: { input, cachedInput, output, total: sum === 0 ? input + output : sum },
        },
      };
    }
    default:
      return IGNORED;
  }
}

/** The events of one rollout file, in file order. */
export interface CodexFile {
  events: readonly CodexEvent[];
}

const ZERO_TOTALS: CodexTotals = { input: 0, cachedInput: 0, output: 0, total: 0 };

/**
 * Usage entries from Codex rollout files: one per increase of a session's running total, dated
 * at the `token_count` that shows it and attributed to the model and directory of the latest
 * `turn_context` before it. Filtering these by time makes the last total before the cut-off the
 * baseline. Files of the same session (a resumed session) are merged in time order; a repeated
 * total adds nothing, and a total that goes down means the counter restarted from zero.
 */
export function codexEntries(files: readonly CodexFile[]): UsageEntry[] {
  interface Snapshot {
    timestampMs: number;
    totals: CodexTotals;
    model?: string;
    cwd?: string;
    sessionId?: string;
    order: number;
  }
  const sessions = new Map<string, Snapshot[]>();
  let order = 0;
  files.forEach((file, fileIndex) => {
    let sessionId: string | undefined;
    let model: string | undefined;
    let cwd: string | undefined;
    for (const event of file.events) {
      if (event.type === "meta") {
        sessionId ??= event.sessionId;
        model = event.model ?? model;
        cwd = event.cwd ?? cwd;
      } else if (event.type === "context") {
        model = event.model ?? model;
        cwd = event.cwd ?? cwd;
      } else {
        const key = sessionId ?? `\0file ${fileIndex}`;
        let list = sessions.get(key);
        if (list === undefined) {
          list = [];
          sessions.set(key, list);
        }
        list.push({
          timestampMs: event.timestampMs,
          totals: event.totals,
          ...(model !== undefined ? { model } : {}),
          ...(cwd !== undefined ? { cwd } : {}),
          ...(sessionId !== undefined ? { sessionId } : {}),
          order: order++,
        });
      }
    }
  });

  const entries: UsageEntry[] = [];
  for (const snapshots of sessions.values()) {
    snapshots.sort((a, b) => a.timestampMs - b.timestampMs || a.order - b.order);
    let previous = ZERO_TOTALS;
    for (const snapshot of snapshots) {
      const now = snapshot.totals;
      const base = now.total < previous.total ? ZERO_TOTALS : previous;
      previous = now;
      const input = Math.max(0, now.input - base.input);
      const cachedInput = Math.max(0, now.cachedInput - base.cachedInput);
      const output = Math.max(0, now.output - base.output);
      if (input === 0 && cachedInput === 0 && output === 0) continue;
      entries.push({
        agent: "codex",
        model: trailerModelId("codex", snapshot.model ?? "unknown-codex-model"),
        timestampMs: snapshot.timestampMs,
        ...(snapshot.cwd !== undefined ? { cwd: snapshot.cwd } : {}),
        ...(snapshot.sessionId !== undefined ? { sessionId: snapshot.sessionId } : {}),
        // Codex counts cached input inside input_tokens; our `input` excludes the cache
        tokens: {
          ...emptyTokens(),
          input: Math.max(0, input - cachedInput),
          cacheRead: cachedInput,
          output,
        },
      });
    }
  }
  return entries;
}
