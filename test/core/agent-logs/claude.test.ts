import { describe, expect, it } from "vitest";
import { dedupeEntries, parseClaudeLine } from "../../../src/core/agent-logs/claude.js";
import { assistant, CUTOFF, REPO, readClaude } from "./fixture-logs.js";

describe("parseClaudeLine", () => {
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
