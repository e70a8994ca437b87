/**
 * The values of cost trailers (`Agent-Cost`, `Agent-Tokens`, `Agent-Model`, `Agent-Usage`), read
 * into money, token counts and model ids, or a failure that says what is wrong and how to write
 * it. Pure; `cost.ts` decides what the lines add up to.
 */
import { type Money, parseMoney } from "../money.js";
import { modelIdProblem } from "../pricing.js";
import { quoteInput } from "../problem.js";
import {
  emptyTokens,
  parseTokenCount,
  TOKEN_FIELDS,
  type TokenCounts,
  tokenFieldByName,
} from "../tokens.js";

/** A token or usage value longer than this is not read. */
const MAX_FIELDS_VALUE = 2_000;

export type Failure = { ok: false; reason: string; fix: string };

const KIND_NAMES = TOKEN_FIELDS.map((f) => f.name).join(", ");

export function tokensExample(key: string): string {
  return `\`${key}: input=120000 output=8000 cache-read=1.1M cache-write=20k\``;
}

function usageExample(key: string): string {
  return `\`${key}: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000 cost=0.71\``;
}

/** Whitespace-separated words; a comma or semicolon right after a word is dropped. */
function words(value: string): string[] {
  return value
    .trim()
    .split(/\s+/)
    .map((w) => (w.endsWith(",") || w.endsWith(";") ? w.slice(0, -1) : w))
    .filter((w) => w !== "");
}

type Fields = { ok: true; tokens: TokenCounts; cost?: Money; any: boolean };

function parseFields(
  list: readonly string[],
  options: { key: string; allowCost: boolean; currency: string },
): Fields | Failure {
  const { key } = options;
  const example = options.allowCost ? usageExample(key) : tokensExample(key);
  const tokens = emptyTokens();
  const seen = new Set<string>();
  let cost: Money | undefined;
  for (const word of list) {
    const eq = word.indexOf("=");
    const name = eq < 0 ? "" : word.slice(0, eq).trim().toLowerCase();
    const text = eq < 0 ? "" : word.slice(eq + 1);
    if (eq <= 0 || text === "") {
      return {
        ok: false,
        reason: `\`${quoteInput(word, 30)}\` is not kind=count`,
        fix: `Write each count as kind=count with no spaces around \`=\`, e.g. ${example}.`,
      };
    }
    if (options.allowCost && name === "cost") {
      if (seen.has(name)) {
        return {
          ok: false,
          reason: "`cost=` is given twice",
          fix: `Give one cost, e.g. ${example}.`,
        };
      }
      seen.add(name);
      const money = parseMoney(text, options.currency);
      if (!money.ok) {
        return {
          ok: false,
          reason: `\`cost=${quoteInput(text, 30)}\` is not an amount of money: ${money.reason}`,
          fix: `Write the cost as a plain number in ${options.currency} or with a symbol, e.g. \`cost=0.71\` or \`cost=$0.71\`.`,
        };
      }
      cost = money.money;
      continue;
    }
    const kind = tokenFieldByName(name);
    if (kind === undefined) {
      return {
        ok: false,
        reason: `unknown token kind \`${quoteInput(name, 30)}\``,
        fix: `Use the kinds ${KIND_NAMES}${options.allowCost ? " (and cost)" : ""}, e.g. ${example}.`,
      };
    }
    const fieldName = TOKEN_FIELDS.find((f) => f.kind === kind)?.name ?? name;
    if (seen.has(fieldName)) {
      return {
        ok: false,
        reason: `\`${fieldName}\` is given twice`,
        fix: `Give each kind once, e.g. ${example}.`,
      };
    }
    seen.add(fieldName);
    const count = parseTokenCount(text);
    if (!count.ok) {
      return {
        ok: false,
        reason: `\`${fieldName}=${quoteInput(text, 30)}\`: ${count.reason}`,
        fix: `Write a whole number of tokens (k or M allowed: \`${fieldName}=1500\`, \`${fieldName}=1.5k\`, \`${fieldName}=1.1M\`), e.g. ${example}.`,
      };
    }
    tokens[kind] = count.count;
  }
  return { ok: true, tokens, ...(cost !== undefined ? { cost } : {}), any: seen.size > 0 };
}

export type Parsed<T> = ({ ok: true } & T) | Failure;

export function parseCostValue(
  value: string,
  key: string,
  currency: string,
): Parsed<{ money: Money }> {
  const money = parseMoney(value, currency);
  if (money.ok) return { ok: true, money: money.money };
  return {
    ok: false,
    reason: `not an amount of money: ${money.reason}`,
    fix: `Write \`${key}: 4.20 ${currency}\` (or \`$4.20\`, \`1,204.50 ${currency}\`): digits with an optional decimal point, no sign, no exponent.`,
  };
}

export function parseTokensValue(value: string, key: string): Parsed<{ tokens: TokenCounts }> {
  const fix = `Write ${tokensExample(key)} (kinds: ${KIND_NAMES}; whole numbers, k or M allowed) or one total \`${key}: 128000\`.`;
  const trimmed = value.trim();
  if (trimmed === "") return { ok: false, reason: "no tokens", fix };
  if (trimmed.length > MAX_FIELDS_VALUE) return { ok: false, reason: "the value is too long", fix };
  if (!trimmed.includes("=")) {
    const count = parseTokenCount(trimmed);
    if (!count.ok) return { ok: false, reason: `not a token count: ${count.reason}`, fix };
    return { ok: true, tokens: { ...emptyTokens(), unspecified: count.count } };
  }
  const fields = parseFields(words(trimmed), { key, allowCost: false, currency: "" });
  if (!fields.ok) return fields;
  return { ok: true, tokens: fields.tokens };
}

export function parseModelValue(value: string, key: string): Parsed<{ model: string }> {
  const model = value.trim();
  const problem = modelIdProblem(model);
  if (problem === undefined) return { ok: true, model: model.toLowerCase() };
  return {
    ok: false,
    reason: problem,
    fix: `Write \`${key}: anthropic/claude-sonnet-4-5\` (provider/model as on models.dev, or a bare model id).`,
  };
}

export function parseUsageValue(
  value: string,
  key: string,
  currency: string,
): Parsed<{ model: string; tokens: TokenCounts; cost?: Money }> {
  const fix = `Write ${usageExample(key)}: the model first, then kind=count pairs (${KIND_NAMES}), \`cost=\` optional.`;
  const trimmed = value.trim();
  if (trimmed === "") return { ok: false, reason: "no model and no tokens", fix };
  if (trimmed.length > MAX_FIELDS_VALUE) return { ok: false, reason: "the value is too long", fix };
  const list = words(trimmed);
  const first = list[0] ?? "";
  if (first.includes("=")) return { ok: false, reason: "it does not start with the model", fix };
  const model = parseModelValue(first, key);
  if (!model.ok) return { ok: false, reason: `the model: ${model.reason}`, fix };
  const fields = parseFields(list.slice(1), { key, allowCost: true, currency });
  if (!fields.ok) return fields;
  if (!fields.any) return { ok: false, reason: "no tokens and no cost", fix };
  return {
    ok: true,
    model: model.model,
    tokens: fields.tokens,
    ...(fields.cost !== undefined ? { cost: fields.cost } : {}),
  };
}
