/** Step 1 of `readCommitCost`: the commit's cost trailers, read into typed lines. */
import { canonicalAgentName } from "../agents.js";
import type { Money } from "../money.js";
import type { TokenCounts } from "../tokens.js";
import type { Trailer } from "../trailers.js";
import type { CostTrailerKey } from "./keys.js";
import type { CommitProblems } from "./problems.js";
import { parseCostValue, parseModelValue, parseTokensValue, parseUsageValue } from "./values.js";

export type CostSource = "agent-cost" | "agent-usage" | "tokens" | "none";

const MAX_AGENT_NAME = 100;

/** The cost trailers of a commit, read (step 1 of `readCommitCost`). */
export interface CostLines {
  hasCostRecord: boolean;
  agentNames: { name: string; trailer: Trailer }[];
  costs: Money[];
  usages: { model: string; tokens: TokenCounts; cost?: Money }[];
  tokenLines: { tokens: TokenCounts; order: number; trailer: Trailer }[];
  modelLines: { model: string; order: number }[];
}

export function readCostLines(
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

export function costSourceOf(lines: CostLines): CostSource {
  if (lines.costs.length > 0) return "agent-cost";
  if (lines.usages.length > 0) return "agent-usage";
  if (lines.tokenLines.length > 0) return "tokens";
  return "none";
}
