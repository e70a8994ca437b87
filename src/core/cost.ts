/**
 * Reading our cost trailers from one commit: `Agent-Cost`, `Agent-Usage`, `Agent-Tokens`,
 * `Agent-Model` and `Agent` (or `AI-…`, or the config's aliases), from the commit's trailer block.
 *
 * Rules (docs/trailers.md is the user documentation):
 * - `Agent-Cost` lines are the commit's total; several add up (squash merges concatenate messages).
 * - Otherwise the `Agent-Usage` lines add up: `cost=` when given, else the line's tokens priced.
 * - Otherwise `Agent-Tokens` priced at the `Agent-Model` price. Each `Agent-Tokens` line goes with
 *   the nearest `Agent-Model` line above it (the first one when none is above).
 * - When `Agent-Usage` lines exist, `Agent-Tokens`/`Agent-Model` are read as their summary and not
 *   counted again.
 * - Amounts in another currency than `config.currency` are kept in `foreign`, never added.
 * - A value that cannot be read is a Problem (`cost.malformed`) naming the commit and line; it
 *   never throws and never adds to a total.
 */
import type { Config } from "../config/schema.js";
import { type AgentSignal, canonicalAgentName, detectAgentSignals } from "./agents.js";
import type { CommitInput } from "./commit.js";
import {
  type Failure,
  parseCostValue,
  parseModelValue,
  parseTokensValue,
  parseUsageValue,
  tokensExample,
} from "./cost-values.js";
import type { Money } from "./money.js";
import { priceTokens, unpricedHint } from "./pricing.js";
import { type Problem, quoteInput } from "./problem.js";
import { addTokens, emptyTokens, hasTokens, type TokenCounts } from "./tokens.js";
import type { Trailer } from "./trailers.js";

export const COST_TRAILER_KEYS = [
  "Agent",
  "Agent-Cost",
  "Agent-Tokens",
  "Agent-Model",
  "Agent-Usage",
] as const;
export type CostTrailerKey = (typeof COST_TRAILER_KEYS)[number];

export type CostSource = "agent-cost" | "agent-usage" | "tokens" | "none";
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

export interface CommitCost {
  sha: string;
  /** The tool, from `Agent:` (known tools get their display name: `claude-code` → `Claude Code`). */
  agent?: string;
  costSource: CostSource;
  /** Total in the configured currency; 0n when none. */
  micros: bigint;
  /** Amounts in other currencies, per currency: shown, not added. */
  foreign: Money[];
  tokens: TokenCounts;
  models: ModelUsage[];
  /** Models whose price is unknown while the total needed it (sorted). */
  unpricedModels: string[];
  problems: Problem[];
  /** Any `Agent-Cost`/`Agent-Usage`/`Agent-Tokens` trailer, even one that could not be read. */
  hasCostRecord: boolean;
  agentSignals: AgentSignal[];
  /** Signs of agent work (including `Agent:`) and no cost record. */
  agentWithoutCost: boolean;
}

export type CostConfig = Pick<Config, "currency" | "pricing" | "trailers" | "agents">;

/** Problems kept per commit; the rest are counted in one last problem. */
export const MAX_PROBLEMS_PER_COMMIT = 50;
const MAX_AGENT_NAME = 100;

// ---------------------------------------------------------------------------------------------
// Keys

const keyIndexes = new WeakMap<object, Map<string, CostTrailerKey>>();

function builtInKeys(): Map<string, CostTrailerKey> {
  const map = new Map<string, CostTrailerKey>();
  for (const key of COST_TRAILER_KEYS) {
    map.set(key.toLowerCase(), key);
    map.set(`ai${key.slice("agent".length)}`.toLowerCase(), key);
  }
  return map;
}
const BUILT_IN_KEYS = builtInKeys();

function keyIndex(aliases: Config["trailers"]["aliases"]): Map<string, CostTrailerKey> {
  const cached = keyIndexes.get(aliases);
  if (cached !== undefined) return cached;
  const map = new Map(BUILT_IN_KEYS);
  for (const key of COST_TRAILER_KEYS) {
    for (const alias of aliases[key] ?? []) {
      const lower = alias.trim().toLowerCase();
      if (!map.has(lower)) map.set(lower, key);
    }
  }
  keyIndexes.set(aliases, map);
  return map;
}

/** Which of our trailers `key` is (case-insensitive; `AI-` and the config's aliases included). */
export function costTrailerKey(
  key: string,
  aliases: Config["trailers"]["aliases"] = {},
): CostTrailerKey | undefined {
  return keyIndex(aliases).get(key.trim().toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Grouping and pricing

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

function sumForeign(amounts: readonly Money[]): Money[] {
  const byCurrency = new Map<string, bigint>();
  for (const m of amounts)
    byCurrency.set(m.currency, (byCurrency.get(m.currency) ?? 0n) + m.micros);
  return [...byCurrency]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, micros]) => ({ currency, micros }));
}

function toModelUsage(acc: ModelAccumulator): ModelUsage {
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

// ---------------------------------------------------------------------------------------------
// Problems of one commit

/** A commit's problems, at most `MAX_PROBLEMS_PER_COMMIT`: past that they are only counted. */
class CommitProblems {
  readonly list: Problem[] = [];
  dropped = 0;

  constructor(readonly shortSha: string) {}

  where(t: Trailer): string {
    return `commit ${this.shortSha} line ${t.line}`;
  }

  quote(t: Trailer): string {
    return quoteInput(`${t.key}: ${t.value}`.slice(0, 200));
  }

  report(problem: Problem): void {
    if (this.list.length < MAX_PROBLEMS_PER_COMMIT) this.list.push(problem);
    else this.dropped++;
  }

  /**
   * Whether the list is full, counting the problem the caller will then not build (a problem
   * past the cap is only counted: a megabyte of bad lines built 30,000).
   */
  full(): boolean {
    if (this.list.length < MAX_PROBLEMS_PER_COMMIT) return false;
    this.dropped++;
    return true;
  }

  malformed(t: Trailer, what: string, failure: Failure): void {
    if (this.full()) return;
    this.report({
      code: "cost.malformed",
      severity: "warning",
      message: `\`${quoteInput(t.key, 40)}\` ${what}: ${failure.reason}.`,
      fix: failure.fix,
      where: this.where(t),
      quote: this.quote(t),
    });
  }

  /** The list, with one problem for those past the cap. */
  finish(): Problem[] {
    if (this.dropped > 0) {
      this.list.push({
        code: "cost.malformed",
        severity: "warning",
        message: `${this.dropped} more cost trailers in commit ${this.shortSha} could not be read.`,
        fix: "Fix the trailers listed above the same way.",
        where: `commit ${this.shortSha}`,
      });
    }
    return this.list;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the trailers

/** The cost trailers of a commit, read (step 1 of `readCommitCost`). */
interface CostLines {
  hasCostRecord: boolean;
  agentNames: { name: string; trailer: Trailer }[];
  costs: Money[];
  usages: { model: string; tokens: TokenCounts; cost?: Money }[];
  tokenLines: { tokens: TokenCounts; order: number; trailer: Trailer }[];
  modelLines: { model: string; order: number }[];
}

function readCostLines(
  trailers: readonly Trailer[],
  keys: Map<string, CostTrailerKey>,
  currency: string,
  problems: CommitProblems,
): CostLines {
  const lines: CostLines = {
    hasCostRecord: false,
    agentNames: [],
    costs: [],
    usages: [],
    tokenLines: [],
    modelLines: [],
  };
  trailers.forEach((t, order) => {
    const key = keys.get(t.key.trim().toLowerCase());
    if (key === undefined) return;
    const written = t.key.trim();
    switch (key) {
      case "Agent": {
        const name = t.value.trim();
        if (name === "" || name.length > MAX_AGENT_NAME) {
          problems.malformed(t, "does not name a tool", {
            ok: false,
            reason: name === "" ? "it is empty" : "the name is too long",
            fix: `Write \`${written}: claude-code\` (the tool's name, up to ${MAX_AGENT_NAME} characters).`,
          });
        } else {
          lines.agentNames.push({ name: canonicalAgentName(name), trailer: t });
        }
        return;
      }
      case "Agent-Cost": {
        lines.hasCostRecord = true;
        const parsed = parseCostValue(t.value, written, currency);
        if (parsed.ok) lines.costs.push(parsed.money);
        else problems.malformed(t, "could not be read", parsed);
        return;
      }
      case "Agent-Tokens": {
        lines.hasCostRecord = true;
        const parsed = parseTokensValue(t.value, written);
        if (parsed.ok) lines.tokenLines.push({ tokens: parsed.tokens, order, trailer: t });
        else problems.malformed(t, "could not be read", parsed);
        return;
      }
      case "Agent-Model": {
        const parsed = parseModelValue(t.value, written);
        if (parsed.ok) lines.modelLines.push({ model: parsed.model, order });
        else problems.malformed(t, "could not be read", parsed);
        return;
      }
      case "Agent-Usage": {
        lines.hasCostRecord = true;
        const parsed = parseUsageValue(t.value, written, currency);
        if (parsed.ok) {
          lines.usages.push({
            model: parsed.model,
            tokens: parsed.tokens,
            ...(parsed.cost !== undefined ? { cost: parsed.cost } : {}),
          });
        } else problems.malformed(t, "could not be read", parsed);
        return;
      }
    }
  });
  return lines;
}

function costSourceOf(lines: CostLines): CostSource {
  if (lines.costs.length > 0) return "agent-cost";
  if (lines.usages.length > 0) return "agent-usage";
  if (lines.tokenLines.length > 0) return "tokens";
  return "none";
}

// ---------------------------------------------------------------------------------------------
// Tokens by model

/** The models of a commit, each with its tokens and price so far. */
class ModelTable {
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
function addUsages(
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
function addTokenLines(
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

// ---------------------------------------------------------------------------------------------
// Agent signals

/**
 * Signs of agent work: `Agent:` trailers first, then what the patterns found. The first signal of
 * each agent is kept: evidence is quoted for those only (a commit of 30,000 `Agent:` lines quoted
 * all of them).
 */
function agentSignalsOf(
  commit: CommitInput,
  trailers: readonly Trailer[],
  agentNames: CostLines["agentNames"],
  config: CostConfig,
): AgentSignal[] {
  const signals: AgentSignal[] = [];
  const seen = new Set<string>();
  const detected = detectAgentSignals({
    trailers,
    author: commit.author,
    message: commit.message,
    patterns: config.agents.patterns,
  });
  const isNew = (agent: string): boolean => {
    const key = agent.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (const { name, trailer } of agentNames) {
    if (isNew(name))
      signals.push({
        agent: name,
        evidence: quoteInput(`${trailer.key.trim()}: ${trailer.value.trim()}`, 120),
      });
  }
  for (const signal of detected) if (isNew(signal.agent)) signals.push(signal);
  return signals;
}

// ---------------------------------------------------------------------------------------------

/** Read the cost of one commit from its trailers. Never throws. */
export function readCommitCost(params: {
  commit: CommitInput;
  trailers: readonly Trailer[];
  config: CostConfig;
  /** Date of the work, for prices that change on a date; default: the newest bundled prices. */
  pricedAt?: Date;
}): CommitCost {
  const { commit, trailers, config } = params;
  const currency = config.currency.toUpperCase();
  const problems = new CommitProblems(commit.sha.slice(0, 7));

  // 1. the cost trailers, read
  const lines = readCostLines(trailers, keyIndex(config.trailers.aliases), currency, problems);
  const costSource = costSourceOf(lines);
  const totalNeedsPrices = costSource === "agent-usage" || costSource === "tokens";

  // 2. tokens by model, priced (`Agent-Usage` lines, else `Agent-Tokens` with `Agent-Model`)
  const table = new ModelTable(currency, config.pricing.overrides, params.pricedAt);
  let tokens = emptyTokens();
  let usageForeign: Money[] = [];
  if (lines.usages.length > 0) {
    ({ tokens, foreign: usageForeign } = addUsages(lines.usages, table));
  } else if (lines.tokenLines.length > 0) {
    tokens = addTokenLines(lines, table, totalNeedsPrices, problems);
  }
  const modelUsages = [...table.models.values()].map(toModelUsage);

  // 3. the total: `Agent-Cost` lines, else the models' prices
  let micros = 0n;
  let foreign: Money[] = [];
  if (costSource === "agent-cost") {
    for (const money of lines.costs) if (money.currency === currency) micros += money.micros;
    foreign = sumForeign(lines.costs.filter((m) => m.currency !== currency));
  } else if (totalNeedsPrices) {
    for (const usage of modelUsages) micros += usage.micros ?? 0n;
    foreign = sumForeign(usageForeign);
  }
  const unpricedModels = totalNeedsPrices
    ? [...table.models.values()]
        .filter((acc) => acc.missingPrice)
        .map((acc) => acc.model)
        .sort()
    : [];

  // 4. agent signals
  const signals = agentSignalsOf(commit, trailers, lines.agentNames, config);
  const agent = lines.agentNames[0]?.name;
  return {
    sha: commit.sha,
    ...(agent !== undefined ? { agent } : {}),
    costSource,
    micros,
    foreign,
    tokens,
    models: modelUsages,
    unpricedModels: [...new Set(unpricedModels)],
    problems: problems.finish(),
    hasCostRecord: lines.hasCostRecord,
    agentSignals: signals,
    agentWithoutCost: signals.length > 0 && !lines.hasCostRecord,
  };
}
