import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseClaudeLine } from "../../../src/core/agent-logs/claude.js";
import { parseCodexLine } from "../../../src/core/agent-logs/codex.js";
import { MAX_JSON_DEPTH, trailerModelId } from "../../../src/core/agent-logs/log-line.js";

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

describe("the JSON line reader", () => {
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
});
