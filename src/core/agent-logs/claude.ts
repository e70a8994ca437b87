/**
 * Claude Code session logs, `<config dir>/projects/<dir>/*.jsonl` (no official schema; this
 * follows what the tool writes and what ccusage reads): lines with `type: "assistant"`,
 * `timestamp`, `cwd`, `sessionId`, `requestId` and `message: { id, model, usage }`. Claude's
 * `input_tokens` already exclude cache reads and writes. One API response can be written as
 * several lines (one per content block) and a resumed session copies earlier lines into a new
 * file, so lines are de-duplicated by (message.id, requestId).
 */
import { modelIdProblem } from "../pricing.js";
import { emptyTokens, hasTokens, type TokenCounts } from "../tokens.js";
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

/** Read one line of a Claude Code session log. */
export function parseClaudeLine(line: string): LineResult<UsageEntry> {
  const json = parseJsonObject(line);
  if (json === undefined) return IGNORED;
  if ("skipped" in json) return skipped(json.skipped as string);
  if (json.type !== "assistant") return IGNORED;
  const message = json.message;
  if (!isObject(message) || !isObject(message.usage)) return IGNORED;
  const usage = message.usage;

  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheCreation = count(usage.cache_creation_input_tokens);
  if (
    input === undefined ||
    output === undefined ||
    cacheRead === undefined ||
    cacheCreation === undefined
  ) {
    return skipped("a token count is not a whole number");
  }
  // Newer logs split cache writes by lifetime; the 1-hour ones cost more. Without the split
  // (older logs) every cache write is the 5-minute kind, which was then the only one.
  let cacheWrite = cacheCreation;
  let cacheWrite1h = 0;
  if (isObject(usage.cache_creation)) {
    const fiveMinutes = count(usage.cache_creation.ephemeral_5m_input_tokens);
    const oneHour = count(usage.cache_creation.ephemeral_1h_input_tokens);
    if (fiveMinutes === undefined || oneHour === undefined) {
      return skipped("a cache-write count is not a whole number");
    }
    cacheWrite1h = oneHour;
    // whatever the split does not account for is kept as 5-minute writes rather than lost
    cacheWrite = Math.max(fiveMinutes, cacheCreation - oneHour);
  }
  const tokens: TokenCounts = {
    ...emptyTokens(),
    input,
    output,
    cacheRead,
    cacheWrite,
    cacheWrite1h,
  };

  let logCostMicros: bigint | undefined;
  if (json.costUSD !== undefined && json.costUSD !== null) {
    const cost = json.costUSD;
    if (typeof cost !== "number" || !Number.isFinite(cost) || cost < 0 || cost > 1e9) {
      return skipped("costUSD is not an amount");
    }
    // the log stores a float; micro-units are as exact as it gets
    logCostMicros = BigInt(Math.round(cost * 1e6));
  }

  const rawModel = typeof message.model === "string" ? message.model.trim() : "";
  // `<synthetic>` marks messages Claude Code made up itself (errors, interruptions): no API call
  if (rawModel === "<synthetic>" && !hasTokens(tokens) && (logCostMicros ?? 0n) === 0n) {
    return IGNORED;
  }
  if (rawModel === "") return skipped("no model");
  const model = trailerModelId("claude-code", rawModel);
  const problem = modelIdProblem(model);
  if (problem !== undefined) return skipped(`the model: ${problem}`);

  const timestampMs = timestampOf(json.timestamp);
  if (timestampMs === undefined) return skipped("no valid timestamp");

  const cwd = optionalString(json.cwd);
  const sessionId = optionalString(json.sessionId);
  const messageId = optionalString(message.id);
  const requestId = optionalString(json.requestId);
  // (message.id, requestId) names one API response; without a requestId (some gateways) the
  // message id is only trusted within its session, as ccusage does.
  let dedupeKey: string | undefined;
  if (messageId !== undefined && requestId !== undefined) dedupeKey = `${messageId}\0${requestId}`;
  else if (messageId !== undefined && sessionId !== undefined) {
    dedupeKey = `${messageId}\0\0${sessionId}`;
  }
  return {
    kind: "entry",
    value: {
      agent: "claude-code",
      model,
      timestampMs,
      ...(cwd !== undefined ? { cwd } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
      ...(dedupeKey !== undefined ? { dedupeKey } : {}),
      tokens,
      ...(logCostMicros !== undefined ? { logCostMicros } : {}),
    },
  };
}

/**
 * One entry per API response. Of the copies of a response, the one with the most output tokens
 * is kept (streamed copies grow, the last is complete) with the earliest timestamp and its
 * working directory (a copy made by resuming a session is not new work).
 */
export function dedupeEntries(entries: readonly UsageEntry[]): {
  entries: UsageEntry[];
  duplicates: number;
} {
  const byKey = new Map<string, UsageEntry>();
  const out: UsageEntry[] = [];
  let duplicates = 0;
  for (const entry of entries) {
    if (entry.dedupeKey === undefined) {
      out.push(entry);
      continue;
    }
    const seen = byKey.get(entry.dedupeKey);
    if (seen === undefined) {
      byKey.set(entry.dedupeKey, entry);
      continue;
    }
    duplicates++;
    const earliest = entry.timestampMs < seen.timestampMs ? entry : seen;
    const fullest = entry.tokens.output > seen.tokens.output ? entry : seen;
    byKey.set(entry.dedupeKey, {
      ...fullest,
      timestampMs: earliest.timestampMs,
      ...(earliest.cwd !== undefined ? { cwd: earliest.cwd } : {}),
    });
  }
  return { entries: [...out, ...byKey.values()], duplicates };
}
