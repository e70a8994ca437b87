/**
 * The usage of the counted entries per model, priced (the log's own cost when it has one), and
 * its `--json` form.
 */
import { microsToDecimal } from "../money.js";
import { type Overrides, priceTokens, unpricedHint } from "../pricing.js";
import { addTokens, emptyTokens, hasTokens, type TokenCounts } from "../tokens.js";
import { isInsideAny } from "./entry-filters.js";
import { USAGE_AGENTS, type UsageAgent, type UsageEntry } from "./log-line.js";

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
