/**
 * Step 2 of `readCommitCost`: tokens by model, priced (`Agent-Usage` lines, else `Agent-Tokens`
 * lines with the nearest `Agent-Model`).
 */
import type { Money } from "../money.js";
import { priceTokens, unpricedHint } from "../pricing.js";
import { quoteInput } from "../problem.js";
import { addTokens, emptyTokens, hasTokens, type TokenCounts } from "../tokens.js";
import type { Trailer } from "../trailers.js";
import type { CostConfig } from "./commit-cost.js";
import type { CostLines } from "./lines.js";
import type { CommitProblems } from "./problems.js";
import { tokensExample } from "./values.js";

export type PriceSource = "trailer" | "override" | "genai-prices" | "unpriced";

export interface ModelUsage {
  /** The model id as written, lower-cased (`anthropic/claude-sonnet-4-5`). */
  model: string;
  tokens: TokenCounts;
  /** Cost in the configured currency (of the priced part); undefined when nothing was priced. */
  micros?: bigint;
  /** `trailer`: a `cost=` on the `Agent-Usage` line. `unpriced`: (part of) it has no price. */
  priceSource: PriceSource;
  /** `cost=` amounts in another currency (not in `micros`). */
  foreign?: Money[];
  /** What was priced: the override key or the price data's `provider/model`. */
  pricedAs?: string;
  /** Why it has no price, and how to add one. */
  unpricedReason?: string;
}

interface ModelAccumulator {
  model: string;
  tokens: TokenCounts;
  micros?: bigint;
  sources: Set<PriceSource>;
  foreign: Money[];
  pricedAs?: string;
  unpricedReason?: string;
  /** The model's price was missing (not just an unsplit total). */
  missingPrice: boolean;
}

function kindsOnly(tokens: TokenCounts): TokenCounts {
  return { ...tokens, unspecified: 0 };
}

export function sumForeign(amounts: readonly Money[]): Money[] {
  const byCurrency = new Map<string, bigint>();
  for (const m of amounts)
    byCurrency.set(m.currency, (byCurrency.get(m.currency) ?? 0n) + m.micros);
  return [...byCurrency]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, micros]) => ({ currency, micros }));
}

export function toModelUsage(acc: ModelAccumulator): ModelUsage {
  let priceSource: PriceSource;
  if (acc.sources.has("unpriced")) priceSource = "unpriced";
  else if (acc.sources.has("trailer")) priceSource = "trailer";
  else priceSource = [...acc.sources][0] ?? "unpriced";
  return {
    model: acc.model,
    tokens: acc.tokens,
    ...(acc.micros !== undefined ? { micros: acc.micros } : {}),
    priceSource,
    ...(acc.foreign.length > 0 ? { foreign: sumForeign(acc.foreign) } : {}),
    ...(acc.pricedAs !== undefined ? { pricedAs: acc.pricedAs } : {}),
    ...(acc.unpricedReason !== undefined ? { unpricedReason: acc.unpricedReason } : {}),
  };
}

/** The models of a commit, each with its tokens and price so far. */
export class ModelTable {
  readonly models = new Map<string, ModelAccumulator>();

  constructor(
    readonly currency: string,
    readonly overrides: CostConfig["pricing"]["overrides"],
    readonly pricedAt: Date | undefined,
  ) {}

  get(model: string): ModelAccumulator {
    let acc = this.models.get(model);
    if (acc === undefined) {
      acc = { model, tokens: emptyTokens(), sources: new Set(), foreign: [], missingPrice: false };
      this.models.set(model, acc);
    }
    return acc;
  }

  /** Add the price of `tokens` at the model's price, or note why there is none. */
  price(acc: ModelAccumulator, tokens: TokenCounts): void {
    const result = priceTokens({
      model: acc.model,
      tokens: kindsOnly(tokens),
      currency: this.currency,
      overrides: this.overrides,
      ...(this.pricedAt !== undefined ? { at: this.pricedAt } : {}),
    });
    if (result.ok) {
      acc.micros = (acc.micros ?? 0n) + result.micros;
      acc.sources.add(result.source);
      acc.pricedAs = result.matched;
    } else {
      acc.sources.add("unpriced");
      acc.missingPrice = true;
      acc.unpricedReason = `${result.reason}: ${unpricedHint(acc.model, this.currency)}`;
    }
  }
}

/** `Agent-Usage` lines: each line's model, tokens and `cost=` (else its tokens priced). */
export function addUsages(
  usages: CostLines["usages"],
  table: ModelTable,
): { tokens: TokenCounts; foreign: Money[] } {
  let tokens = emptyTokens();
  const foreign: Money[] = [];
  for (const usage of usages) {
    const acc = table.get(usage.model);
    acc.tokens = addTokens(acc.tokens, usage.tokens);
    tokens = addTokens(tokens, usage.tokens);
    if (usage.cost !== undefined) {
      if (usage.cost.currency === table.currency) {
        acc.micros = (acc.micros ?? 0n) + usage.cost.micros;
      } else {
        acc.foreign.push(usage.cost);
        foreign.push(usage.cost);
      }
      acc.sources.add("trailer");
    } else {
      table.price(acc, usage.tokens);
    }
  }
  return { tokens, foreign };
}

/**
 * `Agent-Tokens` lines, each with the nearest `Agent-Model` above it (else the first), priced by
 * model. `needsPrices`: the total is made of these prices (no `Agent-Cost`), so lines that cannot
 * be priced are reported.
 */
export function addTokenLines(
  lines: CostLines,
  table: ModelTable,
  needsPrices: boolean,
  problems: CommitProblems,
): TokenCounts {
  const { tokenLines, modelLines } = lines;
  const currency = table.currency;
  let tokens = emptyTokens();
  const firstModel = modelLines[0];
  let withoutModel: Trailer | undefined;
  // both lists are in trailer order: the nearest Agent-Model above a line only moves forward
  // (looking through all of them for each line was quadratic: 2–3 s on 1 MB of such lines)
  let above = -1;
  for (const line of tokenLines) {
    tokens = addTokens(tokens, line.tokens);
    while (above + 1 < modelLines.length && (modelLines[above + 1]?.order ?? 0) < line.order)
      above++;
    // the nearest Agent-Model above this line, else the first one
    const model = above >= 0 ? modelLines[above]?.model : firstModel?.model;
    if (model === undefined) {
      withoutModel ??= line.trailer;
      continue;
    }
    const acc = table.get(model);
    acc.tokens = addTokens(acc.tokens, line.tokens);
    if (line.tokens.unspecified > 0 && needsPrices && !problems.full()) {
      problems.report({
        code: "cost.unsplit-tokens",
        severity: "warning",
        message: `\`${quoteInput(line.trailer.key, 40)}\` gives a total without kinds, which cannot be priced (input, output and cache tokens have different prices).`,
        fix: `Split it by kind: ${tokensExample(line.trailer.key.trim())}, or record \`Agent-Cost: 4.20 ${currency}\`.`,
        where: problems.where(line.trailer),
        quote: problems.quote(line.trailer),
      });
    }
  }
  for (const acc of table.models.values()) {
    if (hasTokens(kindsOnly(acc.tokens))) table.price(acc, acc.tokens);
    if (acc.tokens.unspecified > 0) {
      acc.sources.add("unpriced");
      acc.unpricedReason ??= `${acc.tokens.unspecified} tokens were recorded without kinds: split them (input=… output=…) to price them`;
    }
  }
  if (withoutModel !== undefined && needsPrices) {
    problems.report({
      code: "cost.no-model",
      severity: "warning",
      message: `\`${quoteInput(withoutModel.key, 40)}\` has no \`Agent-Model\`, so its tokens cannot be priced.`,
      fix: `Add \`Agent-Model: anthropic/claude-sonnet-4-5\` (the model that used them), or record \`Agent-Cost: 4.20 ${currency}\`.`,
      where: problems.where(withoutModel),
      quote: problems.quote(withoutModel),
    });
  }
  return tokens;
}
