/**
 * `cost-value usage`, the pure part: reading the session logs that coding agents already write
 * (Claude Code, OpenAI Codex CLI), one line at a time, into usage entries; de-duplicating,
 * filtering by time and working directory, pricing, and rendering the commit trailers.
 * No I/O here: src/cli/usage-command.ts finds and reads the files and runs git.
 *
 * Formats (no official schema exists; these follow what the tools write and what ccusage reads):
 * - Claude Code, `<config dir>/projects/<dir>/*.jsonl`: lines with `type: "assistant"`,
 *   `timestamp`, `cwd`, `sessionId`, `requestId` and `message: { id, model, usage }`. Claude's
 *   `input_tokens` already exclude cache reads and writes. One API response can be written as
 *   several lines (one per content block) and a resumed session copies earlier lines into a new
 *   file, so lines are de-duplicated by (message.id, requestId).
 * - Codex, `<CODEX_HOME>/sessions/YYYY/MM/DD/rollout-*.jsonl`: `{timestamp, type, payload}` lines.
 *   `event_msg` / `token_count` carries `info.total_token_usage`, a running total for the session
 *   that is repeated, so usage is the increase of that total, attributed to the model of the
 *   latest `turn_context`. Codex's `input_tokens` include the cached ones; `output_tokens`
 *   include reasoning.
 *
 * Every line gives an entry, is ignored (valid but not usage) or is skipped (corrupt); nothing
 * here throws on input.
 */
import { type Money, microsToDecimal } from "./money.js";
import { modelIdProblem, type Overrides, priceTokens, unpricedHint } from "./pricing.js";
import { addTokens, emptyTokens, hasTokens, type TokenCounts } from "./tokens.js";

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

const IGNORED = { kind: "ignored" } as const;
const skipped = (reason: string): { kind: "skipped"; reason: string } => ({
  kind: "skipped",
  reason,
});

/** The longest line we parse: larger ones are not usage lines worth the memory (base64 images). */
export const MAX_LINE_LENGTH = 50 * 1024 * 1024;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
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

function parseJsonObject(line: string): Json | { skipped: string } | undefined {
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
function count(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) return undefined;
  return value;
}

function timestampOf(value: unknown): number | undefined {
  if (typeof value !== "string" || value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function optionalString(value: unknown): string | undefined {
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

// ---------------------------------------------------------------------------------------------
// Claude Code

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

// ---------------------------------------------------------------------------------------------
// Codex

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

// ---------------------------------------------------------------------------------------------
// Cut-off and working directory

function normalizePath(path: string): string {
  let p = path.replaceAll("\\", "/");
  while (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

/** `path` is one of `roots` or inside one (plain path comparison, no file system access). */
export function isInsideAny(path: string, roots: readonly string[]): boolean {
  const p = normalizePath(path);
  return roots.some((root) => {
    const r = normalizePath(root);
    if (r === "") return false;
    return p === r || p.startsWith(r === "/" ? "/" : `${r}/`);
  });
}

export type SinceResult = { ok: true; ms: number } | { ok: false; reason: string };

const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** `--since`: an ISO time (`2026-01-31T09:00:00Z`, `2026-01-31`) or a duration before `nowMs`. */
export function parseSince(text: string, nowMs: number): SinceResult {
  const s = text.trim();
  const duration = /^(\d{1,6})\s*([smhdw])$/i.exec(s);
  if (duration !== null) {
    const unit = DURATION_UNITS[(duration[2] as string).toLowerCase()] as number;
    return { ok: true, ms: nowMs - Number(duration[1]) * unit };
  }
  if (/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return { ok: true, ms };
  }
  return {
    ok: false,
    reason: `--since "${s.slice(0, 40)}" is neither an ISO time (2026-01-31T09:00:00Z) nor a duration (30m, 2h, 3d, 1w)`,
  };
}

// ---------------------------------------------------------------------------------------------
// Summary and pricing

export type ModelCostSource = "log" | "priced" | "log+priced" | "unpriced";

export interface ModelUsageSummary {
  model: string;
  agents: UsageAgent[];
  entries: number;
  tokens: TokenCounts;
  /** Cost in `currency`; undefined when any of the model's entries could not be priced. */
  micros?: bigint;
  costSource: ModelCostSource;
  /** Entries whose cost came from the log (`costUSD`), and entries priced from their tokens. */
  fromLog: number;
  priced: number;
  /** What the price data matched (`anthropic/claude-sonnet-4-5`), when priced. */
  pricedAs?: string;
  /** Why there is no price, and how to add one. */
  unpricedReason?: string;
}

export interface UsageSummary {
  currency: string;
  agents: UsageAgent[];
  models: ModelUsageSummary[];
  /** Entries counted (after de-duplication, cut-off and directory filter). */
  entries: number;
  /** Sum of the priced models, exact; undefined when no model could be priced. */
  pricedMicros?: bigint;
  unpricedModels: string[];
  fromLog: number;
  priced: number;
}

/**
 * The usage of the entries after `cutoffMs` (all when undefined) whose working directory is in
 * `roots`, per model, priced. The log's own cost is used when it has one (it is what the tool
 * reported at the time), but only for USD: no exchange rates are applied.
 */
export function summarizeUsage(params: {
  entries: readonly UsageEntry[];
  cutoffMs?: number;
  roots: readonly string[];
  currency: string;
  overrides: Overrides;
}): UsageSummary {
  const currency = params.currency.toUpperCase();
  const useLogCost = currency === "USD";
  const kept = params.entries.filter(
    (e) =>
      (params.cutoffMs === undefined || e.timestampMs > params.cutoffMs) &&
      e.cwd !== undefined &&
      isInsideAny(e.cwd, params.roots),
  );

  interface Acc {
    model: string;
    agents: Set<UsageAgent>;
    entries: number;
    tokens: TokenCounts;
    logMicros: bigint;
    fromLog: number;
    /** Tokens of the entries without a log cost: priced together (rounding once per kind). */
    toPrice: TokenCounts;
    toPriceEntries: number;
  }
  const byModel = new Map<string, Acc>();
  for (const entry of kept) {
    let acc = byModel.get(entry.model);
    if (acc === undefined) {
      acc = {
        model: entry.model,
        agents: new Set(),
        entries: 0,
        tokens: emptyTokens(),
        logMicros: 0n,
        fromLog: 0,
        toPrice: emptyTokens(),
        toPriceEntries: 0,
      };
      byModel.set(entry.model, acc);
    }
    acc.agents.add(entry.agent);
    acc.entries++;
    acc.tokens = addTokens(acc.tokens, entry.tokens);
    if (useLogCost && entry.logCostMicros !== undefined) {
      acc.logMicros += entry.logCostMicros;
      acc.fromLog++;
    } else {
      acc.toPrice = addTokens(acc.toPrice, entry.tokens);
      acc.toPriceEntries++;
    }
  }

  const models: ModelUsageSummary[] = [];
  for (const acc of byModel.values()) {
    const base = {
      model: acc.model,
      agents: USAGE_AGENTS.filter((a) => acc.agents.has(a)),
      entries: acc.entries,
      tokens: acc.tokens,
      fromLog: acc.fromLog,
    };
    if (acc.toPriceEntries === 0 || !hasTokens(acc.toPrice)) {
      models.push({
        ...base,
        micros: acc.logMicros,
        costSource: acc.fromLog > 0 ? "log" : "priced",
        priced: acc.toPriceEntries,
      });
      continue;
    }
    const price = priceTokens({
      model: acc.model,
      tokens: acc.toPrice,
      currency,
      overrides: params.overrides,
    });
    if (price.ok) {
      models.push({
        ...base,
        micros: acc.logMicros + price.micros,
        costSource: acc.fromLog > 0 ? "log+priced" : "priced",
        priced: acc.toPriceEntries,
        pricedAs: price.matched,
      });
    } else {
      // never $0: a partly priced model is listed without a cost
      models.push({
        ...base,
        costSource: "unpriced",
        priced: 0,
        unpricedReason: `${price.reason}: ${unpricedHint(acc.model, currency)}`,
      });
    }
  }
  models.sort((a, b) => {
    if (a.micros !== undefined && b.micros !== undefined && a.micros !== b.micros) {
      return a.micros > b.micros ? -1 : 1;
    }
    if ((a.micros === undefined) !== (b.micros === undefined)) {
      return a.micros === undefined ? 1 : -1;
    }
    return a.model < b.model ? -1 : a.model > b.model ? 1 : 0;
  });

  const pricedModels = models.filter((m) => m.micros !== undefined);
  const agents = USAGE_AGENTS.filter((a) => kept.some((e) => e.agent === a));
  return {
    currency,
    agents,
    models,
    entries: kept.length,
    ...(pricedModels.length > 0
      ? { pricedMicros: pricedModels.reduce((sum, m) => sum + (m.micros ?? 0n), 0n) }
      : {}),
    unpricedModels: models.filter((m) => m.micros === undefined).map((m) => m.model),
    fromLog: models.reduce((n, m) => n + m.fromLog, 0),
    priced: models.reduce((n, m) => n + m.priced, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Trailers

/**
 * A model's `cost=`: to a hundredth of a cent, so that small models do not read as 0.00; a cost
 * under that shows as the smallest step rather than zero.
 */
export function usageCostText(micros: bigint): string {
  const step = 100n;
  let rounded = ((micros + step / 2n) / step) * step;
  if (rounded === 0n && micros > 0n) rounded = step;
  return microsToDecimal(rounded);
}

/** `Agent-Cost`: rounded to cents; a real cost under half a cent is written 0.01, never 0. */
export function agentCostText(money: Money): string {
  const cent = 10_000n;
  let cents = ((money.micros + cent / 2n) / cent) * cent;
  if (cents === 0n && money.micros > 0n) cents = cent;
  return `${microsToDecimal(cents)} ${money.currency}`;
}

function usageLine(m: ModelUsageSummary): string {
  const t = m.tokens;
  const parts = [m.model, `input=${t.input}`, `output=${t.output}`];
  if (t.cacheRead > 0) parts.push(`cache-read=${t.cacheRead}`);
  if (t.cacheWrite > 0) parts.push(`cache-write=${t.cacheWrite}`);
  if (t.cacheWrite1h > 0) parts.push(`cache-write-1h=${t.cacheWrite1h}`);
  if (m.micros !== undefined) parts.push(`cost=${usageCostText(m.micros)}`);
  return `Agent-Usage: ${parts.join(" ")}`;
}

/**
 * The trailer block (without a trailing newline), or "" when there was no agent work. Plain
 * text: git and cost-value read it back, so no colour and no alignment.
 */
export function renderUsageTrailers(summary: UsageSummary): string {
  if (summary.models.length === 0) return "";
  const lines = [`Agent: ${summary.agents.join(", ")}`, ...summary.models.map(usageLine)];
  // With an unpriced model the total is unknown: leave Agent-Cost out, so the core adds up the
  // Agent-Usage costs and flags the unpriced model on the check instead of taking a partial sum.
  if (summary.pricedMicros !== undefined && summary.unpricedModels.length === 0) {
    lines.push(
      `Agent-Cost: ${agentCostText({ micros: summary.pricedMicros, currency: summary.currency })}`,
    );
  }
  return lines.join("\n");
}

/** `--json`: money as decimal strings, tokens by kind. */
export function usageSummaryToJson(summary: UsageSummary): Record<string, unknown> {
  return {
    currency: summary.currency,
    agents: summary.agents,
    entries: summary.entries,
    cost: summary.pricedMicros === undefined ? null : microsToDecimal(summary.pricedMicros),
    costFromLogEntries: summary.fromLog,
    costPricedEntries: summary.priced,
    unpricedModels: summary.unpricedModels,
    models: summary.models.map((m) => ({
      model: m.model,
      agents: m.agents,
      entries: m.entries,
      tokens: {
        input: m.tokens.input,
        output: m.tokens.output,
        cacheRead: m.tokens.cacheRead,
        cacheWrite: m.tokens.cacheWrite,
        cacheWrite1h: m.tokens.cacheWrite1h,
      },
      cost: m.micros === undefined ? null : microsToDecimal(m.micros),
      costSource: m.costSource,
      costFromLogEntries: m.fromLog,
      costPricedEntries: m.priced,
      ...(m.pricedAs !== undefined ? { pricedAs: m.pricedAs } : {}),
      ...(m.unpricedReason !== undefined ? { unpricedReason: m.unpricedReason } : {}),
    })),
  };
}
