/**
 * Pricing tokens: `pricing.overrides` from the config first, then the price data bundled with
 * `@pydantic/genai-prices` (offline: `updatePrices` is never called, nothing is fetched).
 *
 * Money is exact. A rate of R per million tokens is R micro-units per token, so a rate is kept as
 * `microsPerMillion = R × 1e6` (a bigint) and `micros = tokens × microsPerMillion / 1e6`, rounded
 * half up, per token kind. The library's float `total_price` is never used.
 *
 * Rules (also in docs/trailers.md):
 * - Tiered rates (a higher price above a context size per request) are priced at their `base`
 *   rate: trailers carry totals over many requests, so the size of each request is unknown.
 * - Time-of-day discounts (off-peak) are ignored for the same reason; date-dependent prices use
 *   the entry in force at `at` when given, otherwise the newest one in the data.
 * - A kind with no rate of its own: cache reads and cache writes fall back to the input rate,
 *   1-hour cache writes to the cache-write rate. Each applied rate says where it came from.
 * - Bundled prices are USD. With another `currency` they do not apply (no exchange rates): the
 *   model is unpriced unless `pricing.overrides` has it.
 */
import { type ConditionalPrice, calcPrice, type ModelPrice } from "@pydantic/genai-prices";
import type { Config, ModelPriceOverride } from "../config/schema.js";
import { MICROS_PER_UNIT, parseDecimalMicros } from "./money.js";
import { PRICED_TOKEN_KINDS, type PricedTokenKind, type TokenCounts } from "./tokens.js";

export type Overrides = Config["pricing"]["overrides"];
export type RateSource = "override" | "genai-prices";

export interface AppliedRate {
  /** Micro-units of the currency per million tokens ($3 per million → 3_000_000n). */
  microsPerMillion: bigint;
  /** Where it came from: `input_mtok`, `cache_read_mtok`, `override input`, `override cache-read`… */
  from: string;
  /** The kind had no rate of its own; another kind's rate (`from`) was used. */
  fallback: boolean;
  /** The data has context-size tiers for this rate; the base (smallest context) rate is used. */
  tiered: boolean;
}

/** The rate of each kind; undefined when the data has none (tokens of that kind are unpriced). */
export type TokenRates = Record<PricedTokenKind, AppliedRate | undefined>;

export interface ModelRates {
  source: RateSource;
  /** What matched: the override key, or `provider/model` of the price data. */
  matched: string;
  rates: TokenRates;
}

export type RatesResult = ({ ok: true } & ModelRates) | { ok: false; reason: string };

export type PriceResult =
  | ({
      ok: true;
      /** Total, in `currency`. */
      micros: bigint;
      currency: string;
      /** Cost of each kind (rounded half up per kind); they add up to `micros`. */
      perKind: Record<PricedTokenKind, bigint>;
    } & ModelRates)
  | { ok: false; reason: string };

/** The currency of the bundled price data. */
export const BUNDLED_CURRENCY = "USD";

/** Longest model id we look up. */
export const MAX_MODEL_ID_LENGTH = 200;

function isModelIdChar(c: string): boolean {
  return (
    (c >= "a" && c <= "z") ||
    (c >= "A" && c <= "Z") ||
    (c >= "0" && c <= "9") ||
    "._:@/+~-[]".includes(c)
  );
}

/**
 * Why `id` cannot be a model id, or undefined when it can. Model ids are short ASCII words such as
 * `anthropic/claude-sonnet-4-5`, `claude-sonnet-4-5@20250929` or `gpt-5.1-codex`.
 */
export function modelIdProblem(id: string): string | undefined {
  if (id === "") return "no model id";
  if (id.length > MAX_MODEL_ID_LENGTH) return "too long to be a model id";
  for (const c of id) {
    if (!isModelIdChar(c)) {
      return `a model id has only letters, digits and . _ : @ / + ~ - [ ] (found "${c}")`;
    }
  }
  if (id.startsWith("/") || id.endsWith("/")) return "a model id cannot start or end with /";
  return undefined;
}

/** `anthropic/claude-sonnet-4-5` → provider `anthropic`, model `claude-sonnet-4-5`. */
export function splitModelId(id: string): { provider?: string; model: string } {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) return { model: id };
  return { provider: id.slice(0, slash), model: id.slice(slash + 1) };
}

/** Micro-units of a rate written as a number (`3`, `0.3`, `3.75`), or undefined if unusable. */
export function rateToMicrosPerMillion(rate: number): bigint | undefined {
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0) return undefined;
  let text = String(rate);
  if (text.includes("e")) text = rate.toFixed(12);
  const parsed = parseDecimalMicros(text, { allowSuffix: false });
  return parsed.ok ? parsed.micros : undefined;
}

/** `tokens × microsPerMillion / 1e6`, rounded half up. */
export function tokenCostMicros(tokens: number, microsPerMillion: bigint): bigint {
  return (BigInt(tokens) * microsPerMillion + MICROS_PER_UNIT / 2n) / MICROS_PER_UNIT;
}

/** What to tell a person whose model has no price. */
export function unpricedHint(model: string, currency: string): string {
  return `add a price under \`pricing.overrides\` in \`.github/cost-value.yml\`, e.g. \`${model}: { input: 3, output: 15 }\` (${currency} per million tokens), or record \`Agent-Cost\` directly`;
}

// ---------------------------------------------------------------------------------------------
// Overrides

type OverrideIndex = {
  exact: Map<string, { key: string; price: ModelPriceOverride }>;
  /** `claude-sonnet-4-5` → the first `provider/claude-sonnet-4-5` key (sorted), for bare ids. */
  byBareModel: Map<string, { key: string; price: ModelPriceOverride }>;
};

const overrideIndexes = new WeakMap<object, OverrideIndex>();

function indexOverrides(overrides: Overrides): OverrideIndex {
  const cached = overrideIndexes.get(overrides);
  if (cached !== undefined) return cached;
  const exact = new Map<string, { key: string; price: ModelPriceOverride }>();
  const byBareModel = new Map<string, { key: string; price: ModelPriceOverride }>();
  for (const key of Object.keys(overrides).sort()) {
    const price = overrides[key];
    if (price === undefined) continue;
    const lower = key.trim().toLowerCase();
    if (!exact.has(lower)) exact.set(lower, { key, price });
    const { provider, model } = splitModelId(lower);
    if (provider !== undefined && !byBareModel.has(model)) byBareModel.set(model, { key, price });
  }
  const index = { exact, byBareModel };
  overrideIndexes.set(overrides, index);
  return index;
}

/**
 * The override for a model id: the exact key (case-insensitive); for `provider/model`, then a
 * bare `model` key; for a bare id, then a `provider/model` key with that model (first in order).
 */
export function findOverride(
  modelId: string,
  overrides: Overrides,
): { key: string; price: ModelPriceOverride } | undefined {
  const index = indexOverrides(overrides);
  const id = modelId.trim().toLowerCase();
  const exact = index.exact.get(id);
  if (exact !== undefined) return exact;
  const { provider, model } = splitModelId(id);
  if (provider !== undefined) return index.exact.get(model);
  return index.byBareModel.get(model);
}

function overrideRates(key: string, price: ModelPriceOverride): RatesResult {
  const rate = (value: number | undefined, from: string): AppliedRate | undefined => {
    if (value === undefined) return undefined;
    const microsPerMillion = rateToMicrosPerMillion(value);
    if (microsPerMillion === undefined) return undefined;
    return { microsPerMillion, from, fallback: false, tiered: false };
  };
  const input = rate(price.input, "override input");
  const output = rate(price.output, "override output");
  if (input === undefined || output === undefined) {
    return { ok: false, reason: `the override \`${key}\` has no usable input and output prices` };
  }
  const fallbackTo = (r: AppliedRate): AppliedRate => ({ ...r, fallback: true });
  const cacheRead = rate(price["cache-read"], "override cache-read") ?? fallbackTo(input);
  const cacheWrite = rate(price["cache-write"], "override cache-write") ?? fallbackTo(input);
  return {
    ok: true,
    source: "override",
    matched: key,
    rates: {
      input,
      output,
      cacheRead,
      cacheWrite,
      cacheWrite1h: fallbackTo(cacheWrite),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Bundled data

/** Passed to the library so that it never reads the clock; we select dated prices ourselves. */
const LIBRARY_TIMESTAMP = new Date(0);

type BundledLookup =
  | { ok: true; matched: string; rates: TokenRates }
  | { ok: false; reason: string };

const MAX_CACHE_ENTRIES = 5_000;
const bundledCache = new Map<string, BundledLookup>();

/** The price entry in force at `at` (newest when undefined); time-of-day discounts ignored. */
function selectPrices(prices: ConditionalPrice[] | ModelPrice, at: Date | undefined): ModelPrice {
  if (!Array.isArray(prices)) return prices;
  const atMs = at?.getTime();
  for (let i = prices.length - 1; i >= 0; i--) {
    const entry = prices[i] as ConditionalPrice;
    const constraint = entry.constraint;
    if (constraint === undefined) return entry.prices;
    if (constraint.type === "start_date") {
      if (atMs === undefined || Number.isNaN(atMs) || atMs >= Date.parse(constraint.start_date)) {
        return entry.prices;
      }
    }
    // time_of_date: an off-peak discount; a total over many requests has no time of day
  }
  return (prices[0] as ConditionalPrice).prices;
}

function bundledRate(price: ModelPrice, key: string): AppliedRate | undefined {
  const value = price[key];
  if (value === undefined) return undefined;
  const tiered = typeof value === "object";
  const base = typeof value === "number" ? value : value.base;
  const microsPerMillion = rateToMicrosPerMillion(base);
  if (microsPerMillion === undefined) return undefined;
  return { microsPerMillion, from: key, fallback: false, tiered };
}

function ratesFromBundled(price: ModelPrice): TokenRates {
  const input = bundledRate(price, "input_mtok");
  const fallbackTo = (r: AppliedRate | undefined): AppliedRate | undefined =>
    r === undefined ? undefined : { ...r, fallback: true };
  const cacheWrite = bundledRate(price, "cache_write_mtok") ?? fallbackTo(input);
  return {
    input,
    output: bundledRate(price, "output_mtok"),
    cacheRead: bundledRate(price, "cache_read_mtok") ?? fallbackTo(input),
    cacheWrite,
    cacheWrite1h: bundledRate(price, "cache_write_1h_mtok") ?? fallbackTo(cacheWrite),
  };
}

function callLibrary(model: string, providerId: string | undefined, at: Date | undefined) {
  try {
    const result = calcPrice({}, model, {
      ...(providerId !== undefined ? { providerId } : {}),
      timestamp: LIBRARY_TIMESTAMP,
    });
    if (result === null) return undefined;
    return {
      matched: `${result.provider.id}/${result.model.id}`,
      price: selectPrices(result.model.prices, at),
    };
  } catch {
    return undefined;
  }
}

function lookUpBundled(modelId: string, at: Date | undefined): BundledLookup {
  const id = modelId.trim().toLowerCase();
  const day = at === undefined || Number.isNaN(at.getTime()) ? "" : at.toISOString().slice(0, 10);
  const cacheKey = `${id}\u0000${day}`;
  const cached = bundledCache.get(cacheKey);
  if (cached !== undefined) return cached;

  const { provider, model } = splitModelId(id);
  const found =
    (provider !== undefined ? callLibrary(model, provider, at) : undefined) ??
    callLibrary(model, undefined, at);
  const result: BundledLookup =
    found === undefined
      ? { ok: false, reason: `no price for \`${modelId}\` in the bundled price data` }
      : { ok: true, matched: found.matched, rates: ratesFromBundled(found.price) };

  if (bundledCache.size >= MAX_CACHE_ENTRIES) bundledCache.clear();
  bundledCache.set(cacheKey, result);
  return result;
}

// ---------------------------------------------------------------------------------------------

/**
 * The rates that apply to `model` in `currency`: an override when there is one, else the bundled
 * data (USD only). Lookups in the bundled data are cached per model id.
 */
export function findRates(params: {
  model: string;
  currency: string;
  overrides: Overrides;
  /** Date of the work, for prices that change on a date; default: the newest prices. */
  at?: Date;
}): RatesResult {
  const problem = modelIdProblem(params.model.trim());
  if (problem !== undefined) return { ok: false, reason: problem };
  const override = findOverride(params.model, params.overrides);
  if (override !== undefined) return overrideRates(override.key, override.price);
  const currency = params.currency.toUpperCase();
  if (currency !== BUNDLED_CURRENCY) {
    return {
      ok: false,
      reason: `no price for \`${params.model}\` in ${currency}: the bundled prices are in ${BUNDLED_CURRENCY} and no exchange rates are applied`,
    };
  }
  const bundled = lookUpBundled(params.model, params.at);
  if (!bundled.ok) return bundled;
  return { ok: true, source: "genai-prices", matched: bundled.matched, rates: bundled.rates };
}

const KIND_LABEL: Record<PricedTokenKind, string> = {
  input: "input",
  output: "output",
  cacheRead: "cache-read",
  cacheWrite: "cache-write",
  cacheWrite1h: "cache-write-1h",
};

/**
 * Price token counts of one model, exactly. Fails (never returns 0) when the model has no price,
 * a kind with tokens has no rate, or the counts include an `unspecified` total.
 */
export function priceTokens(params: {
  model: string;
  tokens: TokenCounts;
  currency: string;
  overrides: Overrides;
  at?: Date;
}): PriceResult {
  const { tokens } = params;
  if (tokens.unspecified > 0) {
    return {
      ok: false,
      reason: `${tokens.unspecified} tokens were recorded without kinds (input, output, …) and cannot be priced`,
    };
  }
  const found = findRates(params);
  if (!found.ok) return found;
  const perKind: Record<PricedTokenKind, bigint> = {
    input: 0n,
    output: 0n,
    cacheRead: 0n,
    cacheWrite: 0n,
    cacheWrite1h: 0n,
  };
  let micros = 0n;
  for (const kind of PRICED_TOKEN_KINDS) {
    const count = tokens[kind];
    if (count === 0) continue;
    if (!Number.isSafeInteger(count) || count < 0) {
      return { ok: false, reason: `${count} is not a whole number of ${KIND_LABEL[kind]} tokens` };
    }
    const rate = found.rates[kind];
    if (rate === undefined) {
      return {
        ok: false,
        reason: `the price of \`${found.matched}\` has no ${KIND_LABEL[kind]} rate`,
      };
    }
    perKind[kind] = tokenCostMicros(count, rate.microsPerMillion);
    micros += perKind[kind];
  }
  return {
    ok: true,
    micros,
    currency: params.currency.toUpperCase(),
    perKind,
    source: found.source,
    matched: found.matched,
    rates: found.rates,
  };
}
