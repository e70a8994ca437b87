/**
 * The trailers `cost-value usage` writes (trailer-lines.ts), from summaries built by hand: the
 * rounding of `cost=` and `Agent-Cost` (never 0 for a real cost), which token kinds are written,
 * `Agent-Cost` left out when a model is unpriced, and the block read back by the core's trailer
 * parser line for line. (test/core/agent-logs/summary.test.ts goes from session logs to these lines.)
 */
import { describe, expect, it } from "vitest";
import type { ModelUsageSummary, UsageSummary } from "../../../src/core/agent-logs/summary.js";
import {
  agentCostText,
  renderUsageTrailers,
  usageCostText,
} from "../../../src/core/agent-logs/trailer-lines.js";
import { parseTrailers } from "../../../src/core/trailers.js";

const tokens = (extra: Partial<ModelUsageSummary["tokens"]> = {}): ModelUsageSummary["tokens"] => ({
  input: 1200,
  output: 340,
  cacheRead: 0,
  cacheWrite: 0,
  cacheWrite1h: 0,
  unspecified: 0,
  ...extra,
});

function model(name: string, micros: bigint | undefined, extra: Partial<ModelUsageSummary> = {}) {
  return {
    model: name,
    agents: ["claude-code"],
    entries: 1,
    tokens: tokens(),
    ...(micros !== undefined ? { micros } : {}),
    costSource: "priced",
    fromLog: 0,
    priced: 1,
    ...extra,
  } as ModelUsageSummary;
}

function summary(models: ModelUsageSummary[], extra: Partial<UsageSummary> = {}): UsageSummary {
  const priced = models.filter((m) => m.micros !== undefined);
  return {
    currency: "USD",
    agents: ["claude-code"],
    models,
    entries: models.length,
    ...(priced.length > 0
      ? { pricedMicros: priced.reduce((sum, m) => sum + (m.micros ?? 0n), 0n) }
      : {}),
    unpricedModels: models.filter((m) => m.micros === undefined).map((m) => m.model),
    fromLog: 0,
    priced: priced.length,
    ...extra,
  };
}

describe("usageCostText", () => {
  it("rounds to a hundredth of a cent, half up, and writes a real cost under it as the smallest step", () => {
    expect(usageCostText(712_345n)).toBe("0.7123");
    expect(usageCostText(712_350n)).toBe("0.7124");
    expect(usageCostText(49n)).toBe("0.0001");
    expect(usageCostText(0n)).toBe("0.00");
    expect(usageCostText(12_000_000n)).toBe("12.00");
  });
});

describe("agentCostText", () => {
  it("rounds to cents with the currency, a real cost under half a cent written 0.01", () => {
    expect(agentCostText({ micros: 14_615_000n, currency: "USD" })).toBe("14.62 USD");
    expect(agentCostText({ micros: 14_614_999n, currency: "EUR" })).toBe("14.61 EUR");
    expect(agentCostText({ micros: 1n, currency: "USD" })).toBe("0.01 USD");
    expect(agentCostText({ micros: 0n, currency: "USD" })).toBe("0.00 USD");
  });
});

describe("renderUsageTrailers", () => {
  it("writes nothing without agent work", () => {
    expect(renderUsageTrailers(summary([]))).toBe("");
  });

  it("writes the agents, one Agent-Usage line per model, and the total", () => {
    const text = renderUsageTrailers(
      summary(
        [
          model("anthropic/claude-sonnet-4-5", 712_345n),
          model("anthropic/claude-haiku-4-5", 10_000n, { tokens: tokens({ input: 5, output: 6 }) }),
        ],
        { agents: ["claude-code", "codex"] },
      ),
    );
    expect(text).toBe(
      [
        "Agent: claude-code, codex",
        "Agent-Usage: anthropic/claude-sonnet-4-5 input=1200 output=340 cost=0.7123",
        "Agent-Usage: anthropic/claude-haiku-4-5 input=5 output=6 cost=0.01",
        "Agent-Cost: 0.72 USD",
      ].join("\n"),
    );
  });

  it("writes only the cache kinds that were used", () => {
    const text = renderUsageTrailers(
      summary([model("m", 1_000_000n, { tokens: tokens({ cacheRead: 9, cacheWrite1h: 7 }) })]),
    );
    expect(text.split("\n")[1]).toBe(
      "Agent-Usage: m input=1200 output=340 cache-read=9 cache-write-1h=7 cost=1.00",
    );
    const all = renderUsageTrailers(
      summary([
        model("m", 1n, { tokens: tokens({ cacheRead: 1, cacheWrite: 2, cacheWrite1h: 3 }) }),
      ]),
    );
    expect(all).toContain("cache-read=1 cache-write=2 cache-write-1h=3 cost=");
  });

  it("leaves Agent-Cost and the unpriced model's cost= out, so the check flags the model", () => {
    const text = renderUsageTrailers(
      summary([model("anthropic/claude-sonnet-4-5", 500_000n), model("acme/local-llm", undefined)]),
    );
    expect(text).toBe(
      [
        "Agent: claude-code",
        "Agent-Usage: anthropic/claude-sonnet-4-5 input=1200 output=340 cost=0.50",
        "Agent-Usage: acme/local-llm input=1200 output=340",
      ].join("\n"),
    );
  });

  it("is a trailer block git and cost-value read back line for line", () => {
    const block = renderUsageTrailers(
      summary([
        model("anthropic/claude-sonnet-4-5", 712_345n, { tokens: tokens({ cacheRead: 3 }) }),
      ]),
    );
    const parsed = parseTrailers(`Fix rounding\n\nBody.\n\n${block}\n`);
    expect(parsed.map((t) => [t.key, t.value])).toEqual([
      ["Agent", "claude-code"],
      ["Agent-Usage", "anthropic/claude-sonnet-4-5 input=1200 output=340 cache-read=3 cost=0.7123"],
      ["Agent-Cost", "0.71 USD"],
    ]);
  });
});
