import { describe, expect, it } from "vitest";
import { type CodexEvent, codexEntries } from "../../../src/core/agent-logs/codex.js";
import { CUTOFF, REPO, readCodex } from "./fixture-logs.js";

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
