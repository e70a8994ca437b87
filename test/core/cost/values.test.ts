import { describe, expect, it } from "vitest";
import {
  parseCostValue,
  parseModelValue,
  parseTokensValue,
  parseUsageValue,
} from "../../../src/core/cost/values.js";

describe("cost trailer values", () => {
  it("Agent-Cost: an amount, or a failure with the fix", () => {
    expect(parseCostValue("4.20 USD", "Agent-Cost", "USD")).toEqual({
      ok: true,
      money: { micros: 4_200_000n, currency: "USD" },
    });
    const bad = parseCostValue("abc", "Agent-Cost", "USD");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.fix).toContain("`Agent-Cost: 4.20 USD`");
  });

  it("Agent-Tokens: kinds with k and M, or one total without kinds", () => {
    const kinds = parseTokensValue("input=1.1M output=20k", "Agent-Tokens");
    expect(kinds.ok && kinds.tokens).toMatchObject({ input: 1_100_000, output: 20_000 });
    const total = parseTokensValue("128000", "Agent-Tokens");
    expect(total.ok && total.tokens).toMatchObject({ input: 0, unspecified: 128_000 });
  });

  it("Agent-Tokens: empty and over-long values are failures", () => {
    expect(parseTokensValue("", "Agent-Tokens")).toMatchObject({ ok: false, reason: "no tokens" });
    expect(parseTokensValue("x".repeat(2_001), "Agent-Tokens")).toMatchObject({
      ok: false,
      reason: "the value is too long",
    });
  });

  it("Agent-Model and Agent-Usage", () => {
    expect(parseModelValue("anthropic/claude-sonnet-4-5", "Agent-Model")).toEqual({
      ok: true,
      model: "anthropic/claude-sonnet-4-5",
    });
    expect(
      parseUsageValue("openai/gpt-4o input=100, output=10; cost=0.5", "Agent-Usage", "USD"),
    ).toMatchObject({
      ok: true,
      model: "openai/gpt-4o",
      tokens: { input: 100, output: 10 },
      cost: { micros: 500_000n, currency: "USD" },
    });
    expect(parseUsageValue("", "Agent-Usage", "USD")).toMatchObject({
      ok: false,
      reason: "no model and no tokens",
    });
  });
});
