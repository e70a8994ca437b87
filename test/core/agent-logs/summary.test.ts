import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/config/schema.js";
import { summarizeUsage, usageSummaryToJson } from "../../../src/core/agent-logs/summary.js";
import { renderUsageTrailers, usageCostText } from "../../../src/core/agent-logs/trailer-lines.js";
import { readCommitCost } from "../../../src/core/cost/commit-cost.js";
import { parseTrailers } from "../../../src/core/trailers.js";
import { fixtureSummary, REPO, readClaude } from "./fixture-logs.js";

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
