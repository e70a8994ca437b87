/**
 * The fields of a value statement (Issue, Type, Worth, Budget, Why now, Effort) and how each
 * one's value is read: a value or a problem that quotes it and says how to fix it.
 */

import type { Config } from "../../config/schema.js";
import { DEFAULT_DAY_HOURS, readDuration } from "../investment/duration.js";
import { type IssueRef, readIssueRef } from "../issue-ref.js";
import { isDigit, isLetter } from "../markdown/chars.js";
import { formatMoney, type Money, parseMoney } from "../money.js";
import { type Problem, quoteInput } from "../problem.js";
import { collapse, editDistance, unwrap } from "./text.js";

/**
 * The settings a value section is read with. `investment.day-hours` reads `Effort: 2d`; a config
 * without it (a test's, an older caller's) counts 8 h a day.
 */
export type ValueConfig = Pick<Config, "value" | "currency"> & {
  investment?: Pick<Config["investment"], "day-hours">;
};

/** Hours in a day for `Effort:` values read with `config`. */
export function dayHoursOf(config: ValueConfig): number {
  return config.investment?.["day-hours"] ?? DEFAULT_DAY_HOURS;
}

/** The fields of a value statement (`whyNow` is `why-now` in `value.required`). */
export type ValueFieldName = "issue" | "type" | "worth" | "budget" | "whyNow" | "effort";

export const VALUE_FIELD_NAMES: readonly ValueFieldName[] = [
  "issue",
  "type",
  "worth",
  "budget",
  "whyNow",
  "effort",
];

/** How each field is written in a PR description. */
export const VALUE_FIELD_LABELS: Readonly<Record<ValueFieldName, string>> = {
  issue: "Issue",
  type: "Type",
  worth: "Worth",
  budget: "Budget",
  whyNow: "Why now",
  effort: "Effort",
};

/** `Why now` is kept to this many characters; longer text is cut with a warning. */
export const WHY_NOW_MAX_CHARS = 1_000;

/** One field line as written. */
export interface RawField {
  /** The key as written (`Why-now`, `worth`). */
  key: string;
  /** The value as written, trimmed, HTML comments removed. */
  value: string;
  /** 1-based line in the body. */
  line: number;
}

export interface ParsedValueFields {
  issue?: IssueRef;
  type?: string;
  worth?: Money;
  budget?: Money;
  whyNow?: string;
  /** Declared engineering time on the PR, in whole minutes (`Effort: 6h` → 360). */
  effort?: number;
}

export type Read<T> = { ok: true; value: T; warning?: Problem } | { ok: false; problem: Problem };

export interface FieldContext {
  where: string;
  config: ValueConfig;
}

function at(context: FieldContext, line: number): string {
  return `${context.where} line ${line}`;
}

export function exampleAmount(currency: string, units: bigint): string {
  return formatMoney({ micros: units * 1_000_000n, currency }, { whole: true });
}

function readIssueField(field: RawField, context: FieldContext): Read<IssueRef> {
  const value = unwrap(field.value);
  let result = readIssueRef(value);
  if (!result.ok && result.reason === "invalid") {
    // `#123 (checkout bug)`, `#123.`, or a bare `123`
    let token = value;
    const space = value.search(/\s/);
    if (space > 0) token = value.slice(0, space);
    while (token.length > 1 && ".,;:)".includes(token[token.length - 1] as string)) {
      token = token.slice(0, -1);
    }
    const first = readIssueRef(token);
    if (first.ok || first.reason !== "invalid") result = first;
    else {
      let digits = token.length > 0 && token.length <= 9;
      for (const c of token) if (!isDigit(c)) digits = false;
      if (digits && token !== "" && Number(token) > 0) {
        result = { ok: true, ref: { number: Number(token) } };
      }
    }
  }
  if (result.ok) return { ok: true, value: result.ref };
  const quote = quoteInput(field.value);
  if (result.reason === "pull-request") {
    return {
      ok: false,
      problem: {
        code: "value.issue-is-pull-request",
        severity: "error",
        message: `Issue points to ${result.detail}, not to an issue`,
        fix: "Name the issue the work is for, e.g. `Issue: #123` (the value belongs to the work item, which every PR for it shares)",
        where: at(context, field.line),
        quote,
      },
    };
  }
  return {
    ok: false,
    problem: {
      code: "value.invalid-issue",
      severity: "error",
      message:
        result.reason === "not-an-issue"
          ? `Issue is ${result.detail}`
          : "Issue is not an issue reference",
      fix: "Write `Issue: #123`, `Issue: owner/repo#123` or `Issue: https://github.com/owner/repo/issues/123`",
      where: at(context, field.line),
      quote,
    },
  };
}

const TYPE_SYNONYMS: Readonly<Record<string, string>> = {
  bug: "defect",
  bugfix: "defect",
  "bug-fix": "defect",
  fix: "defect",
  hotfix: "defect",
  incident: "defect",
  outage: "defect",
  vulnerability: "security",
  vuln: "security",
  cve: "security",
  "tech-debt": "risk",
  reliability: "risk",
  feature: "customer",
  performance: "cost",
  savings: "cost",
  tests: "review-load",
  tooling: "review-load",
  legal: "compliance",
  audit: "compliance",
  sales: "revenue",
};

function typeToken(text: string): string {
  return collapse(text).split(" ").join("-");
}

/** Words of a type value: letters, digits and `-` runs (`defect | customer` → two). */
function typeWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  for (const c of text.slice(0, 500).toLowerCase()) {
    if (isLetter(c) || isDigit(c) || c === "-" || c === "_") word += c === "_" ? "-" : c;
    else {
      if (word !== "") words.push(word);
      word = "";
    }
  }
  if (word !== "") words.push(word);
  return words;
}

function closestType(value: string, allowed: readonly string[]): string | undefined {
  const synonym = TYPE_SYNONYMS[value];
  if (synonym !== undefined && allowed.includes(synonym)) return synonym;
  if (value.length > 40) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const type of allowed) {
    if (type.length > 40) continue;
    const d = editDistance(value, type);
    const limit = Math.min(type.length, value.length) <= 4 ? 1 : 2;
    if (d <= limit && d < bestDistance) {
      best = type;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  // `defects-fixed`, `security-fix`: a type the value starts with
  return allowed.find((type) => value.startsWith(`${type}-`));
}

function describeTypes(types: Readonly<Record<string, string>>): string {
  return Object.entries(types)
    .map(([type, meaning]) => (meaning !== "" ? `${type} (${meaning})` : type))
    .join(", ");
}

/** A type is a word or two; longer text is not read (and cannot be one). */
const MAX_TYPE_CHARS = 200;

function readTypeField(field: RawField, context: FieldContext): Read<string> {
  const types = context.config.value.types;
  const allowed = Object.keys(types);
  const raw = unwrap(field.value);
  const where = at(context, field.line);
  const quote = quoteInput(field.value);
  const configHint =
    "; to allow another type, list it under `value.types` in `.github/cost-value.yml`";
  if (raw.length > MAX_TYPE_CHARS) {
    return {
      ok: false,
      problem: {
        code: "value.unknown-type",
        severity: "error",
        message: "Type is not one of the allowed types",
        fix: `Write one of the allowed types, e.g. \`Type: ${allowed[0] ?? "defect"}\`: ${describeTypes(types)}${configHint}`,
        where,
        quote,
      },
    };
  }
  if (allowed.length === 0) {
    // no types configured: any text is a type
    return { ok: true, value: raw.slice(0, 100) };
  }
  const whole = typeToken(raw.endsWith(".") ? raw.slice(0, -1) : raw);
  if (allowed.includes(whole)) return { ok: true, value: whole };
  const words = typeWords(raw);
  const mentioned = [...new Set(words.filter((w) => allowed.includes(w)))];
  if (mentioned.length > 1) {
    return {
      ok: false,
      problem: {
        code: "value.several-types",
        severity: "error",
        message: `Type names several types (${mentioned.join(", ")}); a statement has one`,
        fix: `Keep the one that fits best, e.g. \`Type: ${mentioned[0]}\``,
        where,
        quote,
      },
    };
  }
  const first = words[0];
  if (first !== undefined && allowed.includes(first)) return { ok: true, value: first };
  const suggestion = closestType(
    first !== undefined && words.length === 1 ? first : whole,
    allowed,
  );
  return {
    ok: false,
    problem: {
      code: "value.unknown-type",
      severity: "error",
      message: "Type is not one of the allowed types",
      fix:
        suggestion !== undefined
          ? `Write \`Type: ${suggestion}\` if that is what you meant; the allowed types are ${describeTypes(types)}${configHint}`
          : `Write one of the allowed types, e.g. \`Type: ${allowed[0]}\`: ${describeTypes(types)}${configHint}`,
      where,
      quote,
    },
  };
}

function parseAmount(text: string, currency: string) {
  let s = unwrap(text);
  if (s.startsWith("~") || s.startsWith("≈")) s = s.slice(1).trim();
  const whole = parseMoney(s, currency);
  if (whole.ok) return whole;
  // `$8,000 (40 tickets × $200)`, `$8,000 — estimate`: an aside after the amount
  for (const separator of [" (", " — ", " – ", " - "]) {
    const cut = s.indexOf(separator);
    if (cut > 0) {
      const prefix = parseMoney(s.slice(0, cut), currency);
      if (prefix.ok) return prefix;
    }
  }
  return whole;
}

function readMoneyField(
  name: "worth" | "budget",
  field: RawField,
  context: FieldContext,
): Read<Money> {
  const { currency } = context.config;
  const label = VALUE_FIELD_LABELS[name];
  const example = `\`${label}: ${exampleAmount(currency, name === "worth" ? 5_000n : 500n)}\``;
  const result = parseAmount(field.value, currency);
  const where = at(context, field.line);
  const quote = quoteInput(field.value);
  if (!result.ok) {
    return {
      ok: false,
      problem: {
        code: "value.invalid-amount",
        severity: "error",
        message: `${label} is not an amount of money: ${result.reason}`,
        fix: `Write an amount in ${currency}, e.g. ${example} (\`5000\`, \`5,000 ${currency}\` and \`5k\` work too)`,
        where,
        quote,
      },
    };
  }
  if (result.money.currency !== currency) {
    return {
      ok: false,
      problem: {
        code: "value.foreign-currency",
        severity: "error",
        message: `${label} is in ${result.money.currency}, but this repository counts in ${currency} (no exchange rates are applied)`,
        fix: `Write the amount in ${currency}, e.g. ${example}, or set \`currency: ${result.money.currency}\` in \`.github/cost-value.yml\``,
        where,
        quote,
      },
    };
  }
  return { ok: true, value: result.money };
}

function readWhyNowField(field: RawField, context: FieldContext): Read<string> {
  const text = field.value.trim();
  if (text.length <= WHY_NOW_MAX_CHARS) return { ok: true, value: text };
  let cut = text.slice(0, WHY_NOW_MAX_CHARS);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1); // half a surrogate pair
  return {
    ok: true,
    value: `${cut}…`,
    warning: {
      code: "value.why-now-truncated",
      severity: "warning",
      message: `Why now is ${text.length.toLocaleString("en-US")} characters long; only the first ${WHY_NOW_MAX_CHARS.toLocaleString("en-US")} are kept`,
      fix: "Shorten it to a sentence or two; details belong in the rest of the description",
      where: at(context, field.line),
      quote: quoteInput(text),
    },
  };
}

/**
 * `Effort: 6h`: the people's time on this PR, declared. Unreadable (`soon`, `-3h`, `10000h`) is an
 * error like an unreadable amount: never guessed.
 */
function readEffortField(field: RawField, context: FieldContext): Read<number> {
  const result = readDuration({
    text: unwrap(field.value),
    options: { dayHours: dayHoursOf(context.config) },
    code: "value.invalid-effort",
    label: "Effort",
    example: "Effort: 6h",
    where: at(context, field.line),
  });
  if (!result.ok)
    return { ok: false, problem: { ...result.problem, quote: quoteInput(field.value) } };
  return { ok: true, value: result.minutes };
}

/** Read one field's value; a value read is stored in `parsed`. */
export function readFieldValue(
  name: ValueFieldName,
  field: RawField,
  context: FieldContext,
  parsed: ParsedValueFields,
): Read<unknown> {
  switch (name) {
    case "issue": {
      const result = readIssueField(field, context);
      if (result.ok) parsed.issue = result.value;
      return result;
    }
    case "type": {
      const result = readTypeField(field, context);
      if (result.ok) parsed.type = result.value;
      return result;
    }
    case "worth":
    case "budget": {
      const result = readMoneyField(name, field, context);
      if (result.ok) parsed[name] = result.value;
      return result;
    }
    case "whyNow": {
      const result = readWhyNowField(field, context);
      if (result.ok) parsed.whyNow = result.value;
      return result;
    }
    case "effort": {
      const result = readEffortField(field, context);
      if (result.ok) parsed.effort = result.value;
      return result;
    }
  }
}
