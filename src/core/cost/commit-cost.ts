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
import type { Config } from "../../config/schema.js";
import { type AgentSignal, detectAgentSignals } from "../agents.js";
import type { CommitInput } from "../commit.js";
import type { Money } from "../money.js";
import { type Problem, quoteInput } from "../problem.js";
import { emptyTokens, type TokenCounts } from "../tokens.js";
import type { Trailer } from "../trailers.js";
import { keyIndex } from "./keys.js";
import { type CostLines, type CostSource, costSourceOf, readCostLines } from "./lines.js";
import {
  addTokenLines,
  addUsages,
  ModelTable,
  type ModelUsage,
  sumForeign,
  toModelUsage,
} from "./models.js";
import { CommitProblems } from "./problems.js";

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
