import { describe, expect, it, vi } from "vitest";
import type { Config } from "../../src/config/schema.js";
import {
  findOverride,
  findRates,
  modelIdProblem,
  priceTokens,
  rateToMicrosPerMillion,
  splitModelId,
  tokenCostMicros,
} from "../../src/core/pricing.js";
import { emptyTokens, type TokenCounts } from "../../src/core/tokens.js";

type Overrides = Config["pricing"]["overrides"];

function tokens(partial: Partial<TokenCounts>): TokenCounts {
  return { ...emptyTokens(), ...partial };
}

function price(
  model: string,
  counts: Partial<TokenCounts>,
  options: { currency?: string; overrides?: Overrides; at?: Date } = {},
) {
  return priceTokens({
    model,
    tokens: tokens(counts),
    currency: options.currency ?? "USD",
    overrides: options.overrides ?? {},
    ...(options.at !== undefined ? { at: options.at } : {}),
  });
}

function micros(result: ReturnType<typeof price>): bigint | string {
  return result.ok ? result.micros : result.reason;
}

describe("exact arithmetic", () => {
  it("converts rates to micro-units per million tokens exactly", () => {
    expect(rateToMicrosPerMillion(3)).toBe(3_000_000n);
    expect(rateToMicrosPerMillion(0.3)).toBe(300_000n);
    expect(rateToMicrosPerMillion(3.75)).toBe(3_750_000n);
    expect(rateToMicrosPerMillion(0.035)).toBe(35_000n);
    expect(rateToMicrosPerMillion(0.1 + 0.2)).toBe(300_000n);
    expect(rateToMicrosPerMillion(1e-7)).toBe(0n);
    expect(rateToMicrosPerMillion(0)).toBe(0n);
    expect(rateToMicrosPerMillion(-1)).toBeUndefined();
    expect(rateToMicrosPerMillion(Number.NaN)).toBeUndefined();
    expect(rateToMicrosPerMillion(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(rateToMicrosPerMillion(1e30)).toBeUndefined();
  });

  it("rounds each kind half up", () => {
    expect(tokenCostMicros(1, 300_000n)).toBe(0n); // 0.3 micro-units
    expect(tokenCostMicros(2, 250_000n)).toBe(1n); // 0.5 → 1
    expect(tokenCostMicros(1, 1_500_000n)).toBe(2n); // 1.5 → 2
    expect(tokenCostMicros(12_000, 3_000_000n)).toBe(36_000n);
    expect(tokenCostMicros(1_000_000_000_000, 75_000_000n)).toBe(75_000_000_000_000n);
  });
});

describe("bundled prices (@pydantic/genai-prices, offline)", () => {
  it("prices claude-sonnet-4-5 at $3/$15/$0.30 per million: 0.036+0.051+0.054 = $0.141", () => {
    const result = price("anthropic/claude-sonnet-4-5", {
      input: 12_000,
      output: 3_400,
      cacheRead: 180_000,
    });
    expect(result).toMatchObject({
      ok: true,
      micros: 141_000n,
      currency: "USD",
      source: "genai-prices",
      matched: "anthropic/claude-sonnet-4-5",
      perKind: { input: 36_000n, output: 51_000n, cacheRead: 54_000n, cacheWrite: 0n },
    });
  });

  it("uses the base rate of tiered prices and says so", () => {
    // 300k input tokens is above the 200k tier; the base rate ($3) is used regardless
    const result = price("claude-sonnet-4-5", { input: 300_000 });
    expect(micros(result)).toBe(900_000n);
    expect(result.ok && result.rates.input).toEqual({
      microsPerMillion: 3_000_000n,
      from: "input_mtok",
      fallback: false,
      tiered: true,
    });
  });

  it("prices cache writes, and 1-hour cache writes at cache_write_1h_mtok", () => {
    // claude-opus-4-1: cache write $18.75, 1h cache write $30 per million
    const result = price("anthropic/claude-opus-4-1", {
      cacheWrite: 100_000,
      cacheWrite1h: 100_000,
    });
    expect(result).toMatchObject({
      ok: true,
      micros: 4_875_000n,
      perKind: { cacheWrite: 1_875_000n, cacheWrite1h: 3_000_000n },
    });
    expect(result.ok && result.rates.cacheWrite1h?.from).toBe("cache_write_1h_mtok");
  });

  it("falls back to the input rate for a missing cache-write rate, and says so", () => {
    // gpt-5 has input $1.25, cache read $0.125 and no cache-write rate
    const result = price("openai/gpt-5", { cacheWrite: 1_000_000, cacheRead: 1_000_000 });
    expect(result).toMatchObject({ ok: true, micros: 1_375_000n });
    expect(result.ok && result.rates.cacheWrite).toEqual({
      microsPerMillion: 1_250_000n,
      from: "input_mtok",
      fallback: true,
      tiered: false,
    });
    expect(result.ok && result.rates.cacheRead?.fallback).toBe(false);
    expect(result.ok && result.rates.cacheWrite1h?.fallback).toBe(true);
  });

  it("tries the provider first, then the model without a provider", () => {
    expect(micros(price("anthropic/claude-sonnet-4-5", { output: 1_000_000 }))).toBe(15_000_000n);
    expect(micros(price("claude-sonnet-4-5", { output: 1_000_000 }))).toBe(15_000_000n);
    // a provider the data does not know: the bare model id still prices
    const viaUnknown = price("some-gateway/claude-sonnet-4-5", { output: 1_000_000 });
    expect(viaUnknown).toMatchObject({ ok: true, matched: "anthropic/claude-sonnet-4-5" });
    // models.dev provider names the data knows under another id
    expect(price("xai/grok-4", { input: 1 }).ok).toBe(true);
  });

  it("matches case-insensitively and with dated ids", () => {
    expect(micros(price("Anthropic/Claude-Sonnet-4-5", { input: 1_000_000 }))).toBe(3_000_000n);
    expect(micros(price("claude-sonnet-4-5-20250929", { input: 1_000_000 }))).toBe(3_000_000n);
  });

  it("uses the prices in force at a date, and the newest without one", () => {
    // o3 dropped from $10/$40 to $2/$8 per million on 2025-06-10
    expect(micros(price("openai/o3", { input: 1_000_000 }, { at: new Date("2025-05-01") }))).toBe(
      10_000_000n,
    );
    expect(micros(price("openai/o3", { input: 1_000_000 }, { at: new Date("2025-07-01") }))).toBe(
      2_000_000n,
    );
    expect(micros(price("openai/o3", { input: 1_000_000 }))).toBe(2_000_000n);
  });

  it("ignores time-of-day discounts: deepseek-chat has one price at any hour", () => {
    const morning = price(
      "deepseek/deepseek-chat",
      { input: 1_000_000 },
      { at: new Date("2025-09-01T02:00:00Z") },
    );
    const evening = price(
      "deepseek/deepseek-chat",
      { input: 1_000_000 },
      { at: new Date("2025-09-01T20:00:00Z") },
    );
    expect(micros(morning)).toBe(micros(evening));
  });

  it("reports an unknown model as unpriced, never as 0", () => {
    const result = price("acme/unknown-model-9000", { input: 1_000, output: 1_000 });
    expect(result).toEqual({
      ok: false,
      reason: "no price for `acme/unknown-model-9000` in the bundled price data",
    });
  });

  it("refuses a total without kinds", () => {
    expect(micros(price("claude-sonnet-4-5", { unspecified: 128_000 }))).toBe(
      "128000 tokens were recorded without kinds (input, output, …) and cannot be priced",
    );
  });

  it("refuses a kind with tokens and no rate", () => {
    // text-embedding-3-small has an input price only
    const result = price("openai/text-embedding-3-small", { output: 10 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain("has no output rate");
  });

  it("refuses malformed model ids", () => {
    expect(micros(price("", { input: 1 }))).toBe("no model id");
    expect(micros(price("a b", { input: 1 }))).toContain("a model id has only");
    expect(micros(price("x".repeat(201), { input: 1 }))).toBe("too long to be a model id");
  });

  it("does not apply USD prices to another currency", () => {
    const result = price("anthropic/claude-sonnet-4-5", { input: 1_000 }, { currency: "EUR" });
    expect(result).toEqual({
      ok: false,
      reason:
        "no price for `anthropic/claude-sonnet-4-5` in EUR: the bundled prices are in USD and no exchange rates are applied",
    });
  });

  it("never logs (the library warns on unknown keys; we pass none)", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    price("anthropic/claude-sonnet-4-5", { input: 1 });
    price("google/gemini-2.5-pro", { input: 1 });
    price("nothing/at-all", { input: 1 });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("is fast for the same model priced many times (cached)", () => {
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) price("anthropic/claude-sonnet-4-5", { input: i, output: 1 });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("pricing.overrides", () => {
  const overrides: Overrides = {
    "anthropic/claude-sonnet-4-5": { input: 2, output: 10 },
    "acme/house-model": { input: 1, output: 4, "cache-read": 0.1, "cache-write": 1.25 },
    "bare-model": { input: 0.5, output: 1.5 },
  };

  it("wins over the bundled data", () => {
    const result = price(
      "anthropic/claude-sonnet-4-5",
      { input: 1_000_000, output: 1_000_000 },
      { overrides },
    );
    expect(result).toMatchObject({
      ok: true,
      micros: 12_000_000n,
      source: "override",
      matched: "anthropic/claude-sonnet-4-5",
    });
  });

  it("prices each kind, cache rates defaulting to the input rate", () => {
    const result = price(
      "acme/house-model",
      {
        input: 1_000_000,
        output: 1_000_000,
        cacheRead: 1_000_000,
        cacheWrite: 1_000_000,
        cacheWrite1h: 1_000_000,
      },
      { overrides },
    );
    // 1 + 4 + 0.1 + 1.25 + 1.25 (1h writes at the cache-write rate)
    expect(micros(result)).toBe(7_600_000n);
    const defaults = price("anthropic/claude-sonnet-4-5", { cacheRead: 1_000_000 }, { overrides });
    expect(micros(defaults)).toBe(2_000_000n);
    expect(defaults.ok && defaults.rates.cacheRead).toEqual({
      microsPerMillion: 2_000_000n,
      from: "override input",
      fallback: true,
      tiered: false,
    });
  });

  it("matches provider/model, then the bare id; a bare id finds a provider/model key", () => {
    expect(findOverride("ANTHROPIC/claude-sonnet-4-5", overrides)?.key).toBe(
      "anthropic/claude-sonnet-4-5",
    );
    expect(findOverride("openrouter/bare-model", overrides)?.key).toBe("bare-model");
    expect(findOverride("house-model", overrides)?.key).toBe("acme/house-model");
    expect(findOverride("other/house-model", overrides)).toBeUndefined();
    expect(findOverride("claude-sonnet-4-5", overrides)?.key).toBe("anthropic/claude-sonnet-4-5");
  });

  it("are in the configured currency, so they price in EUR", () => {
    const result = price("acme/house-model", { output: 1_000_000 }, { currency: "EUR", overrides });
    expect(result).toMatchObject({
      ok: true,
      micros: 4_000_000n,
      currency: "EUR",
      source: "override",
    });
  });

  it("price a model the data does not know", () => {
    expect(micros(price("acme/house-model", { input: 500_000 }, { overrides }))).toBe(500_000n);
  });
});

describe("model ids", () => {
  it("splits provider/model", () => {
    expect(splitModelId("anthropic/claude-sonnet-4-5")).toEqual({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
    });
    expect(splitModelId("openrouter/anthropic/claude")).toEqual({
      provider: "openrouter",
      model: "anthropic/claude",
    });
    expect(splitModelId("gpt-5")).toEqual({ model: "gpt-5" });
  });

  it("accepts real ids and rejects others", () => {
    for (const id of [
      "anthropic/claude-sonnet-4-5",
      "claude-sonnet-4-5@20250929",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "~anthropic/claude-opus-latest",
      "gpt-5.1-codex",
    ]) {
      expect(modelIdProblem(id)).toBeUndefined();
    }
    const allowed = "a model id has only letters, digits and . _ : @ / + ~ - [ ]";
    expect(modelIdProblem("claude sonnet")).toBe(`${allowed} (found " ")`);
    expect(modelIdProblem("<script>")).toBe(`${allowed} (found "<")`);
    expect(modelIdProblem("/x")).toBe("a model id cannot start or end with /");
    expect(modelIdProblem("")).toBe("no model id");
  });

  it("findRates reports the rate of each kind", () => {
    const found = findRates({ model: "claude-haiku-4-5", currency: "USD", overrides: {} });
    expect(found.ok && found.rates.output?.microsPerMillion).toBe(5_000_000n);
    expect(found.ok && found.rates.cacheRead?.microsPerMillion).toBe(100_000n);
  });
});
