import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { readCommitCost } from "../../src/core/cost.js";
import { parseTrailers } from "../../src/core/trailers.js";
import {
  type CodexEvent,
  codexEntries,
  dedupeEntries,
  isInsideAny,
  MAX_JSON_DEPTH,
  parseClaudeLine,
  parseCodexLine,
  parseSince,
  renderUsageTrailers,
  summarizeUsage,
  trailerModelId,
  type UsageEntry,
  usageCostText,
  usageSummaryToJson,
} from "../../src/core/usage.js";

const FIXTURES = new URL("../fixtures/agent-logs/", import.meta.url);
const REPO = "/home/dev/shop";
const WORKTREE = "/home/dev/shop-wt";
const CUTOFF = Date.parse("2026-01-01T00:00:00Z");

function fixtureLines(path: string): string[] {
  return readFileSync(new URL(path, FIXTURES), "utf8")
    .replaceAll("__REPO__", REPO)
    .replaceAll("__WORKTREE__", WORKTREE)
    .split("\n");
}

const CLAUDE_FILES = [
  "claude-1/projects/-REPO/session-a.jsonl",
  "claude-2/projects/-REPO-wt/session-b.jsonl",
  "claude-2/projects/-REPO-other/session-c.jsonl",
];
const CODEX_FILES = [
  "codex/sessions/2026/01/01/rollout-2025-12-31T23-50-00-sess-x1.jsonl",
  "codex/sessions/2026/01/01/rollout-2026-01-01T00-30-00-sess-x2.jsonl",
];

function readClaude(): { entries: UsageEntry[]; skipped: number; ignored: number } {
  const entries: UsageEntry[] = [];
  let skipped = 0;
  let ignored = 0;
  for (const file of CLAUDE_FILES) {
    for (const line of fixtureLines(file)) {
      const r = parseClaudeLine(line);
      if (r.kind === "entry") entries.push(r.value);
      else if (r.kind === "skipped") skipped++;
      else ignored++;
    }
  }
  return { entries, skipped, ignored };
}

function readCodex(): { events: CodexEvent[][]; skipped: number } {
  let skipped = 0;
  const events = CODEX_FILES.map((file) =>
    fixtureLines(file).flatMap((line) => {
      const r = parseCodexLine(line);
      if (r.kind === "skipped") skipped++;
      return r.kind === "entry" ? [r.value] : [];
    }),
  );
  return { events, skipped };
}

const assistant = (usage: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: "assistant",
    timestamp: "2026-01-01T00:10:00Z",
    cwd: REPO,
    sessionId: "s",
    requestId: "r",
    message: { id: "m", model: "claude-sonnet-4-5-20250929", usage },
    ...extra,
  });

describe("parseClaudeLine", () => {
  it("skips a line nested deeper than MAX_JSON_DEPTH without parsing it (JSON.parse took 400 ms)", () => {
    const deep = (levels: number) => `{"a":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
    const reason = `nested more than ${MAX_JSON_DEPTH} levels deep`;
    expect(parseClaudeLine(deep(MAX_JSON_DEPTH + 1))).toEqual({ kind: "skipped", reason });
    expect(parseCodexLine(deep(MAX_JSON_DEPTH + 1))).toEqual({ kind: "skipped", reason });
    expect(parseClaudeLine("[".repeat(1_000_000))).toEqual({ kind: "skipped", reason });
    // brackets inside strings do not count, escaped quotes included
    const inString = `{"type":"user","text":"\\"${"[".repeat(2_000)}"}`;
    expect(parseClaudeLine(inString).kind).not.toBe("skipped");
    expect(parseClaudeLine(deep(MAX_JSON_DEPTH)).kind).not.toBe("skipped");
  });

  it("maps Claude's usage to token kinds, splitting 5-minute and 1-hour cache writes", () => {
    const r = parseClaudeLine(
      assistant({
        input_tokens: 10,
        output_tokens: 400,
        cache_read_input_tokens: 50_000,
        cache_creation_input_tokens: 2_000,
        cache_creation: { ephemeral_5m_input_tokens: 1_500, ephemeral_1h_input_tokens: 500 },
      }),
    );
    expect(r).toEqual({
      kind: "entry",
      value: {
        agent: "claude-code",
        model: "anthropic/claude-sonnet-4-5-20250929",
        timestampMs: Date.parse("2026-01-01T00:10:00Z"),
        cwd: REPO,
        sessionId: "s",
        dedupeKey: "m\0r",
        tokens: {
          input: 10,
          output: 400,
          cacheRead: 50_000,
          cacheWrite: 1_500,
          cacheWrite1h: 500,
          unspecified: 0,
        },
      },
    });
  });

  it("reads every cache write as 5-minute when the split is absent (older logs)", () => {
    const r = parseClaudeLine(
      assistant({ input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 900 }),
    );
    expect(r.kind === "entry" && r.value.tokens).toMatchObject({
      cacheWrite: 900,
      cacheWrite1h: 0,
    });
  });

  it("keeps the log's costUSD in micro-units", () => {
    const r = parseClaudeLine(
      assistant({ input_tokens: 1, output_tokens: 2 }, { costUSD: 0.0123456 }),
    );
    expect(r.kind === "entry" && r.value.logCostMicros).toBe(12_346n);
  });

  it("ignores other line types and <synthetic> messages without usage", () => {
    expect(parseClaudeLine(JSON.stringify({ type: "user", message: { content: "hi" } }))).toEqual({
      kind: "ignored",
    });
    expect(parseClaudeLine("")).toEqual({ kind: "ignored" });
    const synthetic = JSON.stringify({
      type: "assistant",
      timestamp: "2026-01-01T00:10:00Z",
      message: { id: "x", model: "<synthetic>", usage: { input_tokens: 0, output_tokens: 0 } },
    });
    expect(parseClaudeLine(synthetic)).toEqual({ kind: "ignored" });
  });

  it("skips corrupt lines and impossible counts with a reason", () => {
    expect(parseClaudeLine('{"type":"assistant","message":{"id":"msg_tr').kind).toBe("skipped");
    expect(parseClaudeLine("[1,2]").kind).toBe("skipped");
    expect(parseClaudeLine(assistant({ input_tokens: -1, output_tokens: 2 })).kind).toBe("skipped");
    expect(parseClaudeLine(assistant({ input_tokens: 1.5, output_tokens: 2 })).kind).toBe(
      "skipped",
    );
    expect(
      parseClaudeLine(assistant({ input_tokens: 1, output_tokens: 2 }, { timestamp: "soon" })).kind,
    ).toBe("skipped");
  });

  it("scopes the dedupe key to the session when there is no requestId", () => {
    const r = parseClaudeLine(assistant({ input_tokens: 1 }, { requestId: undefined }));
    expect(r.kind === "entry" && r.value.dedupeKey).toBe("m\0\0s");
  });
});

describe("trailerModelId", () => {
  it("adds the provider the agents leave out, keeps others bare", () => {
    expect(trailerModelId("claude-code", "claude-opus-4-1-20250805")).toBe(
      "anthropic/claude-opus-4-1-20250805",
    );
    expect(trailerModelId("codex", "gpt-5-codex")).toBe("openai/gpt-5-codex");
    expect(trailerModelId("codex", "o4-mini")).toBe("openai/o4-mini");
    expect(trailerModelId("codex", "llama3.1:8b")).toBe("llama3.1:8b");
    expect(trailerModelId("claude-code", "openrouter/x")).toBe("openrouter/x");
  });
});

describe("dedupeEntries", () => {
  it("counts a response once across streamed copies and resumed sessions", () => {
    const { entries } = readClaude();
    const { entries: unique, duplicates } = dedupeEntries(entries);
    // 10 assistant entries read; msg_old ×2, msg_a1 ×3, msg_a2 ×2 collapse
    expect(entries).toHaveLength(11);
    expect(duplicates).toBe(4);
    expect(unique).toHaveLength(7);
    const a1 = unique.find((e) => e.dedupeKey === "msg_a1\0req_a1");
    // the most complete copy, at the time of the original
    expect(a1?.tokens.output).toBe(400);
    expect(a1?.timestampMs).toBe(Date.parse("2026-01-01T00:10:00Z"));
    expect(a1?.cwd).toBe(REPO);
    // a response from before the cut-off copied into a resumed session is still old
    const old = unique.find((e) => e.dedupeKey === "msg_old\0req_old");
    expect(old?.timestampMs).toBeLessThan(CUTOFF);
  });
});

describe("Codex", () => {
  it("reads rollout lines; info: null is ignored, a truncated line skipped", () => {
    const { events, skipped } = readCodex();
    expect(skipped).toBe(1);
    expect(events[0]?.map((e) => e.type)).toEqual([
      "meta",
      "context",
      "tokens",
      "tokens",
      "tokens",
      "tokens",
      "context",
      "tokens",
    ]);
  });

  it("turns cumulative totals into increases, cached input out of input, reasoning not added", () => {
    const { events } = readCodex();
    const entries = codexEntries(events.map((e) => ({ events: e })));
    const after = entries.filter((e) => e.timestampMs > CUTOFF && e.cwd === REPO);
    expect(
      after.map((e) => [e.model, e.tokens.input, e.tokens.cacheRead, e.tokens.output]),
    ).toEqual([
      // 30000-10000 input of which 20000-4000 cached; 1500-500 output (reasoning inside)
      ["openai/gpt-5-codex", 4_000, 16_000, 1_000],
      // after the model switch
      ["openai/gpt-5", 5_000, 5_000, 500],
    ]);
    // the repeated totals add nothing: 4 increases in all (one before the cut-off, one elsewhere)
    expect(entries).toHaveLength(4);
  });

  it("merges a resumed session's files and restarts after a counter reset", () => {
    const meta: CodexEvent = { type: "meta", sessionId: "s1", cwd: REPO };
    const ctx: CodexEvent = { type: "context", model: "gpt-5" };
    const tokens = (iso: string, input: number, output: number): CodexEvent => ({
      type: "tokens",
      timestampMs: Date.parse(iso),
      totals: { input, cachedInput: 0, output, total: input + output },
    });
    const first = [meta, ctx, tokens("2026-01-01T00:01:00Z", 100, 10)];
    // the resumed file repeats the old total, then continues it; a third restarts from zero
    const second = [
      meta,
      ctx,
      tokens("2026-01-01T00:01:00Z", 100, 10),
      tokens("2026-01-01T00:02:00Z", 150, 20),
    ];
    const third = [meta, ctx, tokens("2026-01-01T00:03:00Z", 30, 3)];
    const entries = codexEntries([{ events: first }, { events: second }, { events: third }]);
    expect(entries.map((e) => [e.tokens.input, e.tokens.output])).toEqual([
      [100, 10],
      [50, 10],
      [30, 3],
    ]);
  });
});

describe("isInsideAny and parseSince", () => {
  it("matches the directory and its subdirectories, not a sibling with the same prefix", () => {
    expect(isInsideAny(REPO, [REPO])).toBe(true);
    expect(isInsideAny(`${REPO}/src/app`, [`${REPO}/`])).toBe(true);
    expect(isInsideAny(`${REPO}-other`, [REPO])).toBe(false);
    expect(isInsideAny("/elsewhere", [REPO, WORKTREE])).toBe(false);
    expect(isInsideAny("C:\\work\\shop\\src", ["C:/work/shop"])).toBe(true);
  });

  it("reads ISO times and durations", () => {
    const now = Date.parse("2026-01-02T00:00:00Z");
    expect(parseSince("2h", now)).toEqual({ ok: true, ms: now - 7_200_000 });
    expect(parseSince("30m", now)).toEqual({ ok: true, ms: now - 1_800_000 });
    expect(parseSince("3d", now)).toEqual({ ok: true, ms: now - 3 * 86_400_000 });
    expect(parseSince("2026-01-01T09:00:00Z", now)).toEqual({
      ok: true,
      ms: Date.parse("2026-01-01T09:00:00Z"),
    });
    expect(parseSince("2026-01-01", now).ok).toBe(true);
    expect(parseSince("yesterday", now).ok).toBe(false);
    expect(parseSince("2h ago", now).ok).toBe(false);
  });
});

function fixtureSummary(agents: "all" | "claude-code" = "all") {
  const claude = dedupeEntries(readClaude().entries).entries;
  const codex = codexEntries(readCodex().events.map((e) => ({ events: e })));
  return summarizeUsage({
    entries: agents === "all" ? [...claude, ...codex] : claude,
    cutoffMs: CUTOFF,
    roots: [REPO, WORKTREE],
    currency: "USD",
    overrides: {},
  });
}

describe("summarizeUsage and renderUsageTrailers", () => {
  it("prices each model, uses the log's costUSD where present, lists unknown models unpriced", () => {
    const summary = fixtureSummary();
    expect(summary.agents).toEqual(["claude-code", "codex"]);
    // a1, a2, b1 (sonnet), a3 (haiku), a4 (unknown); two Codex increases
    expect(summary.entries).toBe(7);
    expect(summary.fromLog).toBe(1);
    expect(summary.priced).toBe(5);
    expect(summary.unpricedModels).toEqual(["house-model-x"]);
    // sonnet, tokens of a1+a2 priced: 30×3 + 700×15 + 130000×0.3 + 2500×3.75 + 500×6 = 61,965
    // micro-dollars, plus b1's costUSD 0.05; haiku 3000×1 + 200×5 = 4,000;
    // gpt-5-codex 4000×1.25 + 16000×0.125 + 1000×10 = 17,000; gpt-5 6,250 + 625 + 5,000 = 11,875
    expect(summary.pricedMicros).toBe(111_965n + 4_000n + 17_000n + 11_875n);
    expect(renderUsageTrailers(summary)).toBe(
      [
        "Agent: claude-code, codex",
        "Agent-Usage: anthropic/claude-sonnet-4-5-20250929 input=130 output=1700 cache-read=130000 cache-write=2500 cache-write-1h=500 cost=0.112",
        "Agent-Usage: openai/gpt-5-codex input=4000 output=1000 cache-read=16000 cost=0.017",
        "Agent-Usage: openai/gpt-5 input=5000 output=500 cache-read=5000 cost=0.0119",
        "Agent-Usage: anthropic/claude-haiku-4-5-20251001 input=3000 output=200 cost=0.004",
        "Agent-Usage: house-model-x input=700 output=70",
      ].join("\n"),
    );
    const json = usageSummaryToJson(summary);
    expect(json.cost).toBe("0.14484");
    expect((json.models as { model: string; costSource: string }[])[0]?.costSource).toBe(
      "log+priced",
    );
  });

  it("is read back by the core with the same total", () => {
    const summary = fixtureSummary();
    const message = `Fix rounding\n\nThe rounding happened too early.\n\n${renderUsageTrailers(summary)}\n`;
    const cost = readCommitCost({
      commit: { sha: "a".repeat(40), author: { name: "A", email: "a@example.com" }, message },
      trailers: parseTrailers(message),
      config: DEFAULT_CONFIG,
    });
    expect(cost.problems).toEqual([]);
    // no Agent-Cost with an unpriced model: the Agent-Usage costs add up, the model is flagged
    expect(cost.costSource).toBe("agent-usage");
    expect(cost.micros).toBe(144_900n);
    expect(cost.unpricedModels).toEqual(["house-model-x"]);
    expect(cost.agent).toBe("claude-code, codex");
    expect(cost.models.map((m) => m.model)).toContain("house-model-x");
    // the Agent-Usage lines alone add up to the exact sum of the model costs
    const usageOnly = message.replace(/\nAgent-Cost: .*\n/, "\n");
    const fromUsage = readCommitCost({
      commit: {
        sha: "b".repeat(40),
        author: { name: "A", email: "a@example.com" },
        message: usageOnly,
      },
      trailers: parseTrailers(usageOnly),
      config: DEFAULT_CONFIG,
    });
    expect(fromUsage.micros).toBe(112_000n + 17_000n + 11_900n + 4_000n);
    expect(fromUsage.unpricedModels).toEqual(["house-model-x"]);
  });

  it("writes one agent's name alone, and nothing when there was no work", () => {
    const claudeOnly = fixtureSummary("claude-code");
    expect(renderUsageTrailers(claudeOnly).split("\n")[0]).toBe("Agent: claude-code");
    const none = summarizeUsage({
      entries: readClaude().entries,
      cutoffMs: Date.parse("2027-01-01T00:00:00Z"),
      roots: [REPO],
      currency: "USD",
      overrides: {},
    });
    expect(renderUsageTrailers(none)).toBe("");
  });

  it("omits Agent-Cost when nothing could be priced; prices with overrides", () => {
    const entries = readClaude().entries.filter((e) => e.model === "house-model-x");
    const unpriced = summarizeUsage({
      entries,
      roots: [REPO],
      currency: "USD",
      overrides: {},
    });
    expect(renderUsageTrailers(unpriced)).toBe(
      "Agent: claude-code\nAgent-Usage: house-model-x input=700 output=70",
    );
    const priced = summarizeUsage({
      entries,
      roots: [REPO],
      currency: "USD",
      overrides: { "house-model-x": { input: 1, output: 10 } },
    });
    expect(renderUsageTrailers(priced)).toContain("cost=0.0014\nAgent-Cost: 0.01 USD");
  });

  it("keeps small costs visible", () => {
    expect(usageCostText(1n)).toBe("0.0001");
    expect(usageCostText(0n)).toBe("0.00");
    expect(usageCostText(710_000n)).toBe("0.71");
  });
});

describe("any line", () => {
  const lines = fc.oneof(
    fc.string(),
    fc.json(),
    fc
      .record({
        type: fc.constantFrom("assistant", "event_msg", "session_meta", "turn_context", "user"),
        timestamp: fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        cwd: fc.anything(),
        requestId: fc.anything(),
        costUSD: fc.anything(),
        message: fc.record({ id: fc.anything(), model: fc.anything(), usage: fc.anything() }),
        payload: fc.record({
          type: fc.constantFrom("token_count", "agent_message"),
          info: fc.oneof(
            fc.constant(null),
            fc.record({ total_token_usage: fc.dictionary(fc.string(), fc.anything()) }),
          ),
          model: fc.anything(),
          cwd: fc.anything(),
          id: fc.anything(),
        }),
      })
      .map((o) => JSON.stringify(o)),
  );

  it("gives an entry, is ignored, or is counted as skipped; never throws", () => {
    fc.assert(
      fc.property(lines, (line) => {
        for (const r of [parseClaudeLine(line), parseCodexLine(line)]) {
          expect(["entry", "ignored", "skipped"]).toContain(r.kind);
          if (r.kind === "skipped") expect(r.reason).not.toBe("");
        }
        const claude = parseClaudeLine(line);
        if (claude.kind === "entry") {
          for (const v of Object.values(claude.value.tokens)) {
            expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
