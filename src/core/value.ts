/**
 * The value statement: what a pull request's work is worth, read from a `## Value` section of the
 * PR description or inherited from its linked issue's description.
 *
 * ```
 * ## Value
 * Issue: #123
 * Type: defect
 * Worth: $8,000
 * Budget: $300
 * Why now: Checkout fails for 2% of EU card payments; ~40 support tickets a week.
 * ```
 *
 * Bodies are untrusted: everything is a line-by-line scan (see `markdown/lines.ts`), any string gives a
 * result and never an exception, and every problem names its field, its line and its fix.
 * The format is documented for users in `docs/value-statement.md`.
 */
import type { Config } from "../config/schema.js";
import {
  findClosingReferences,
  formatIssueRef,
  type IssueRef,
  type RepositoryContext,
  readIssueRef,
  sameIssue,
} from "./issue-ref.js";
import { isDigit, isLetter, isSpaceOrTab, leadingSpaces, runLength } from "./markdown/chars.js";
import { MarkdownLines } from "./markdown/lines.js";
import { formatMoney, type Money, parseMoney } from "./money.js";
import { type Problem, quoteInput } from "./problem.js";

export {
  findClosingReferences,
  formatIssueRef,
  type IssueRef,
  parseIssueRef,
  type RepositoryContext,
  readIssueRef,
  sameIssue,
} from "./issue-ref.js";

export type ValueConfig = Pick<Config, "value" | "currency">;

/** The fields of a value statement (`whyNow` is `why-now` in `value.required`). */
export type ValueFieldName = "issue" | "type" | "worth" | "budget" | "whyNow";

export const VALUE_FIELD_NAMES: readonly ValueFieldName[] = [
  "issue",
  "type",
  "worth",
  "budget",
  "whyNow",
];

/** How each field is written in a PR description. */
export const VALUE_FIELD_LABELS: Readonly<Record<ValueFieldName, string>> = {
  issue: "Issue",
  type: "Type",
  worth: "Worth",
  budget: "Budget",
  whyNow: "Why now",
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
}

export interface ValueSection {
  found: boolean;
  /** 1-based line of the section's heading. */
  headingLine?: number;
  /** 1–6 for `#` headings (and setext), 7 for a bold line `**Value**`. */
  headingLevel?: number;
  /** The line used for each field: the first one filled in. */
  fields: Partial<Record<ValueFieldName, RawField>>;
  /** Fields present only as a template placeholder (`<amount>`, `TBD`, empty): treated as missing. */
  placeholders: Partial<Record<ValueFieldName, RawField>>;
  /** The fields that could be read. */
  parsed: ParsedValueFields;
  /** What is wrong with what is written (missing fields are judged by `resolveValueStatement`). */
  problems: Problem[];
}

/** Where a field of the statement came from: the PR description or an issue's description. */
export type ValueOrigin = "pr" | IssueRef;

/** A complete statement: Type and Worth are always there (the point is value beside cost). */
export interface ValueStatement {
  issue?: IssueRef;
  type: string;
  worth: Money;
  budget?: Money;
  whyNow?: string;
  /** Where each field came from; `issue` is always `pr` (the PR names or links it). */
  origin: Partial<Record<ValueFieldName, ValueOrigin>>;
}

export type ValueResult =
  | { ok: true; statement: ValueStatement; warnings: Problem[] }
  | { ok: false; problems: Problem[]; partial: Partial<ValueStatement> };

export interface LinkedIssueBody {
  ref: IssueRef;
  body: string;
  state?: "open" | "closed";
}

// ---------------------------------------------------------------------------------------------
// Small text helpers (all linear, no regular expressions over untrusted text)

/** The characters `collapse` turns into spaces (and drops at the start). */
function isSeparator(code: number): boolean {
  return code === 32 || code === 9 || code === 45 || code === 95 || code === 0xa0;
}

/** Lower case, `-`/`_`/whitespace runs → one space, trimmed. */
function collapse(text: string): string {
  let out = "";
  let pendingSpace = false;
  for (const c of text.toLowerCase()) {
    if (c === " " || c === "\t" || c === "-" || c === "_" || c === "\u00A0") {
      pendingSpace = out !== "";
    } else {
      if (pendingSpace) out += " ";
      out += c;
      pendingSpace = false;
    }
  }
  return out;
}

/** Remove emphasis or code wrapping a whole text: `**x**`, `__x__`, `*x*`, `_x_`, `` `x` ``. */
function unwrap(text: string): string {
  let s = text.trim();
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (const mark of ["**", "__", "`", "*", "_"]) {
      if (s.length > 2 * mark.length && s.startsWith(mark) && s.endsWith(mark)) {
        s = s.slice(mark.length, -mark.length).trim();
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  return s;
}

function stripColon(text: string): string {
  const s = text.trimEnd();
  return s.endsWith(":") ? s.slice(0, -1).trimEnd() : s;
}

/** How a heading's text is compared: case, emphasis, a trailing colon and spacing don't count. */
function normalizeHeading(text: string): string {
  if (text.length > 300) return text;
  return collapse(stripColon(unwrap(stripColon(text))));
}

/**
 * Edit distance counting a swap of neighbours as one edit (`tpye` → `type`), for short strings
 * (the caller bounds the lengths).
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

function plainList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Headings

interface Heading {
  level: number;
  text: string;
  /** Setext heading: the next line is its underline. */
  setext: boolean;
}

function atxHeading(text: string): Heading | undefined {
  let i = 0;
  while (i < 3 && text[i] === " ") i++;
  if (text[i] !== "#") return undefined;
  const level = runLength(text, i, "#");
  if (level > 6) return undefined;
  const after = text[i + level];
  if (after !== undefined && !isSpaceOrTab(after)) return undefined;
  let content = text.slice(i + level).trim();
  let end = content.length;
  while (end > 0 && content[end - 1] === "#") end--;
  if (end === 0) content = "";
  else if (end < content.length && isSpaceOrTab(content[end - 1]))
    content = content.slice(0, end).trimEnd();
  return { level, text: content, setext: false };
}

/** `**Value**` (or `__Value__`, with an optional colon) alone on a line. */
function boldHeading(trimmed: string): string | undefined {
  const s = trimmed.endsWith(":") ? trimmed.slice(0, -1) : trimmed;
  for (const mark of ["**", "__"]) {
    if (s.length > 4 && s.startsWith(mark) && s.endsWith(mark)) {
      const inner = s.slice(2, -2);
      const head = inner.trim()[0];
      if (inner.includes(mark) || head === undefined || head === "*" || head === "_") {
        return undefined;
      }
      return inner;
    }
  }
  return undefined;
}

function setextUnderline(text: string): number | undefined {
  if (leadingSpaces(text) > 3) return undefined;
  const t = text.trim();
  const c = t[0];
  if (c !== "=" && c !== "-") return undefined;
  if (runLength(t, 0, c) !== t.length) return undefined;
  if (c === "-" && t.length < 2) return undefined;
  return c === "=" ? 1 : 2;
}

function isListItemStart(trimmed: string): boolean {
  const c = trimmed[0];
  if ((c === "-" || c === "*" || c === "+") && isSpaceOrTab(trimmed[1])) return true;
  let i = 0;
  while (i < 9 && isDigit(trimmed[i])) i++;
  return i > 0 && (trimmed[i] === "." || trimmed[i] === ")") && isSpaceOrTab(trimmed[i + 1]);
}

const HASH = 35;
const STAR = 42;
const UNDERSCORE = 95;
const COLON = 58;
const EQUALS = 61;
const DASH = 45;

function isAtxHeadingLine(doc: MarkdownLines, i: number): boolean {
  return (
    !doc.isCode(i) &&
    doc.first(i) === HASH &&
    doc.indent(i) <= 3 &&
    atxHeading(doc.text(i)) !== undefined
  );
}

/** The heading on line `i`, looking only at first and last characters before slicing text. */
function headingAt(doc: MarkdownLines, i: number): Heading | undefined {
  if (doc.isCode(i)) return undefined;
  const first = doc.first(i);
  if (first < 0 || doc.indent(i) > 3) return undefined;
  if (first === HASH) {
    const atx = atxHeading(doc.text(i));
    if (atx !== undefined) return atx;
  }
  if (first === STAR || first === UNDERSCORE) {
    const last = doc.last(i);
    if (last === STAR || last === UNDERSCORE || last === COLON) {
      const bold = boldHeading(doc.text(i).trim());
      // `**Worth:**` alone is a field with its value missing, not a heading
      if (bold !== undefined && fieldKey(stripColon(bold)) === undefined) {
        return { level: 7, text: bold, setext: false };
      }
    }
  }
  const next = i + 1;
  if (next >= doc.count || doc.isCode(next) || doc.indent(next) > 3) return undefined;
  const underline = doc.first(next);
  if (underline !== EQUALS && underline !== DASH) return undefined;
  const level = setextUnderline(doc.text(next));
  if (level === undefined) return undefined;
  const previous = i - 1;
  const startsParagraph =
    previous < 0 ||
    doc.isCode(previous) ||
    doc.first(previous) < 0 ||
    isAtxHeadingLine(doc, previous);
  if (!startsParagraph) return undefined;
  const trimmed = doc.text(i).trim();
  if (isListItemStart(trimmed) || parseFieldLine(trimmed)?.key !== undefined) return undefined;
  return { level, text: trimmed, setext: true };
}

// ---------------------------------------------------------------------------------------------
// Field lines

interface FieldLine {
  key?: ValueFieldName;
  keyText: string;
  value: string;
}

const MAX_KEY_CHARS = 40;

function fieldKey(keyText: string): ValueFieldName | undefined {
  // every key starts with i, t, w or b: its first character decides most texts without
  // collapsing them (a body of a million `a:` lines collapsed each one). `collapse` drops leading
  // separators and lower-cases; a non-ASCII first character can lower-case to no key's start
  // (`İ` gives `i` plus a combining dot, which no key has next)
  let first = 0;
  while (first < keyText.length && isSeparator(keyText.charCodeAt(first))) first++;
  const c = keyText.charCodeAt(first) | 0x20;
  if (c !== 105 && c !== 116 && c !== 119 && c !== 98) return undefined;
  let s = keyText;
  const paren = s.indexOf("(");
  if (paren > 0) s = s.slice(0, paren); // `Worth (USD):`
  switch (collapse(s)) {
    case "issue":
      return "issue";
    case "type":
      return "type";
    case "worth":
      return "worth";
    case "budget":
      return "budget";
    case "why now":
    case "whynow":
      return "whyNow";
    default:
      return undefined;
  }
}

function isKeyText(text: string): boolean {
  if (text === "" || text.length > MAX_KEY_CHARS || !isLetter(text[0])) return false;
  for (const c of text) {
    if (
      !(isLetter(c) || isDigit(c) || c === " " || c === "-" || c === "_" || c === "(" || c === ")")
    ) {
      return false;
    }
  }
  return true;
}

function stripListMarker(trimmed: string): string {
  let s = trimmed;
  if (isListItemStart(s)) {
    const space = s.indexOf(" ") >= 0 && s.indexOf(" ") < 12 ? s.indexOf(" ") : s.indexOf("\t");
    s = s.slice(space + 1).trimStart();
    // a task-list box: `- [ ] Worth: …`
    if (s[0] === "[" && s[2] === "]" && (s[1] === " " || s[1] === "x" || s[1] === "X")) {
      s = s.slice(3).trimStart();
    }
  }
  return s;
}

/**
 * `Key: value`, `- Key: value`, `* Key: value`, `**Key:** value`, `**Key**: value` → the key and
 * value; undefined when the line is not of that shape. `key` is set for the value fields.
 */
function parseFieldLine(text: string): FieldLine | undefined {
  const s = stripListMarker(text.trim());
  let keyText: string;
  let value: string;
  if (s.startsWith("**") || s.startsWith("__")) {
    const mark = s.slice(0, 2);
    const close = s.indexOf(mark, 2);
    if (close < 0 || close > MAX_KEY_CHARS + 3) return undefined;
    const inner = s.slice(2, close).trim();
    const after = s.slice(close + 2);
    if (inner.endsWith(":")) {
      keyText = inner.slice(0, -1).trim();
      value = after;
    } else if (after.trimStart().startsWith(":")) {
      keyText = inner;
      value = after.trimStart().slice(1);
    } else {
      return undefined;
    }
  } else {
    let colon = -1;
    for (let i = 0; i < s.length && i <= MAX_KEY_CHARS; i++) {
      if (s[i] === ":") {
        colon = i;
        break;
      }
    }
    if (colon < 1) return undefined;
    keyText = s.slice(0, colon).trim();
    value = s.slice(colon + 1);
  }
  if (!isKeyText(keyText)) return undefined;
  const key = fieldKey(keyText);
  return key !== undefined
    ? { key, keyText, value: value.trim() }
    : { keyText, value: value.trim() };
}

/** A key one or two typing mistakes away from a field's (`Wroth`, `Budgets`, `Issues`). */
function nearMissKey(keyText: string): ValueFieldName | undefined {
  const k = collapse(keyText);
  if (k.length < 4 || k.length > 12) return undefined;
  for (const name of VALUE_FIELD_NAMES) {
    const label = collapse(VALUE_FIELD_LABELS[name]);
    if (editDistance(k, label) <= (label.length <= 4 ? 1 : 2)) return name;
  }
  return undefined;
}

const PLACEHOLDER_WORDS = new Set([
  "tbd",
  "tba",
  "tbc",
  "todo",
  "fixme",
  "n/a",
  "na",
  "none",
  "nil",
  "null",
  "unknown",
  "number",
  "amount",
  "n",
  "nnn",
  "num",
  "id",
]);

const PLACEHOLDER_CHARS = "_.…-–—?xX,*#";

/**
 * Text left from a template: empty, `<…>`, `[…]`, `TBD`, `TODO`, `N/A`, `_`, `…`, `...`, `?`,
 * a bare `$` or `#`, `$X,XXX`, `e.g. …`.
 */
export function isPlaceholder(value: string): boolean {
  let s = unwrap(value);
  if (s === "") return true;
  const lower = s.toLowerCase();
  if (lower.startsWith("e.g.") || lower.startsWith("eg:") || lower.startsWith("example:"))
    return true;
  if (s.startsWith("[") && s.endsWith("]")) return true;
  if ("$€£¥₹#".includes(s[0] as string)) s = s.slice(1).trim();
  if (s === "") return true;
  // `<amount>`, `$<amount> USD`, `#<number>`, `<one of …>`; but `<https://…>` is a link
  if (s[0] === "<" && s.indexOf(">") > 0) {
    return !(s.startsWith("<http://") || s.startsWith("<https://"));
  }
  if (PLACEHOLDER_WORDS.has(s.toLowerCase())) return true;
  if (s.length > 12) return false;
  for (const c of s) if (!PLACEHOLDER_CHARS.includes(c) && c !== " ") return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Reading field values

type Read<T> = { ok: true; value: T; warning?: Problem } | { ok: false; problem: Problem };

interface FieldContext {
  where: string;
  config: ValueConfig;
}

function at(context: FieldContext, line: number): string {
  return `${context.where} line ${line}`;
}

function exampleAmount(currency: string, units: bigint): string {
  return formatMoney({ micros: units * 1_000_000n, currency }, { whole: true });
}

function placeholderAmount(currency: string): string {
  return formatMoney({ micros: 0n, currency }, { whole: true }).replace("0", "<amount>");
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

// ---------------------------------------------------------------------------------------------
// One body

interface Analysis {
  section: ValueSection;
  /** Problems with one field's value (dropped when another source overrides the field). */
  fieldProblems: Partial<Record<ValueFieldName, Problem[]>>;
  /** Problems with the section as a whole (warnings). */
  otherProblems: Problem[];
  /** For the "no section" message: a heading that almost matched, a field outside the section. */
  hints: string[];
  /** The body's lines, for reading closing keywords without a second pass. */
  doc: MarkdownLines;
}

const MAX_UNKNOWN_FIELD_WARNINGS = 5;

/** Lines of a value section read at most: a real one has a handful. */
export const MAX_SECTION_LINES = 1_000;

/** Could line `i` be `Key: value`? First character and a colon early on, without slicing it all. */
function mayBeField(doc: MarkdownLines, i: number): boolean {
  // ASCII letter or digit, `-`, `*`, `+` or `_` (char codes: no string per line)
  const first = doc.first(i);
  const letter = first | 0x20;
  if (
    !(
      (letter >= 97 && letter <= 122) ||
      (first >= 48 && first <= 57) ||
      first === 45 ||
      first === 42 ||
      first === 43 ||
      first === 95
    )
  )
    return false;
  return doc.head(i, doc.indent(i) + MAX_KEY_CHARS + 16).includes(":");
}

function addFieldProblem(analysis: Analysis, name: ValueFieldName, problem: Problem): void {
  const list = analysis.fieldProblems[name] ?? [];
  list.push(problem);
  analysis.fieldProblems[name] = list;
}

function analyzeBody(body: string, where: string, config: ValueConfig): Analysis {
  const analysis: Analysis = {
    section: { found: false, fields: {}, placeholders: {}, parsed: {}, problems: [] },
    fieldProblems: {},
    otherProblems: [],
    hints: [],
    doc: new MarkdownLines(typeof body === "string" ? body : ""),
  };
  const doc = analysis.doc;
  const target = normalizeHeading(config.value.heading);
  const headingMark = `## ${config.value.heading}`;

  // 1. find the section: from its heading to the next heading of the same or a higher level
  const sectionLines: number[] = [];
  let sectionLevel = 0;
  let inSection = false;
  let secondSectionLine: number | undefined;
  let nearHeading: string | undefined;
  let strayField: { line: number; key: string } | undefined;
  let sectionTooLong = false;
  for (let i = 0; i < doc.count; i++) {
    if (doc.isCode(i)) continue;
    const heading = headingAt(doc, i);
    if (heading !== undefined) {
      if (inSection && heading.level <= sectionLevel) inSection = false;
      // the section has ended and a second one was seen: nothing more to learn
      if (analysis.section.found && !inSection && secondSectionLine !== undefined) break;
      // normalizing only shortens a heading: a shorter one can neither match nor contain the target
      const normalized = heading.text.length >= target.length ? normalizeHeading(heading.text) : "";
      if (normalized === target) {
        if (!analysis.section.found) {
          analysis.section.found = true;
          analysis.section.headingLine = i + 1;
          analysis.section.headingLevel = heading.level;
          sectionLevel = heading.level;
          inSection = true;
        } else if (secondSectionLine === undefined) {
          secondSectionLine = i + 1;
        }
      } else if (
        !analysis.section.found &&
        nearHeading === undefined &&
        normalized.length <= 100 &&
        normalized.includes(target)
      ) {
        nearHeading = `found the heading \`${quoteInput(heading.text, 60)}\` at line ${i + 1}, but the section's heading must be exactly \`${config.value.heading}\``;
      }
      if (heading.setext) i++;
      continue;
    }
    if (inSection) {
      if (sectionLines.length < MAX_SECTION_LINES) sectionLines.push(i);
      else sectionTooLong = true;
    } else if (!analysis.section.found && strayField === undefined && mayBeField(doc, i)) {
      const field = parseFieldLine(doc.text(i));
      if (field?.key !== undefined && !isPlaceholder(field.value)) {
        strayField = { line: i + 1, key: field.keyText };
      }
    }
  }
  if (nearHeading !== undefined) analysis.hints.push(nearHeading);
  if (strayField !== undefined) {
    analysis.hints.push(
      `found \`${quoteInput(strayField.key, 40)}:\` at line ${strayField.line}, but not under a \`${headingMark}\` heading`,
    );
  }
  if (!analysis.section.found) return analysis;
  if (sectionTooLong) {
    analysis.otherProblems.push({
      code: "value.section-too-long",
      severity: "warning",
      message: `The \`${headingMark}\` section is longer than ${MAX_SECTION_LINES.toLocaleString("en-US")} lines; only the first ${MAX_SECTION_LINES.toLocaleString("en-US")} are read`,
      fix: `Keep the section to its fields and start other text under a new heading`,
      where: `${where} line ${analysis.section.headingLine}`,
    });
  }
  if (secondSectionLine !== undefined) {
    analysis.otherProblems.push({
      code: "value.duplicate-section",
      severity: "warning",
      message: `There is a second \`${headingMark}\` section (line ${secondSectionLine}); only the first (line ${analysis.section.headingLine}) is read`,
      fix: "Merge the two sections into one",
      where: `${where} line ${secondSectionLine}`,
    });
  }

  // 2. the field lines of the section
  const duplicates: Partial<Record<ValueFieldName, number[]>> = {};
  let unknownWarnings = 0;
  for (let k = 0; k < sectionLines.length; k++) {
    const index = sectionLines[k] as number;
    const parsed = mayBeField(doc, index) ? parseFieldLine(doc.text(index)) : undefined;
    if (parsed === undefined) continue;
    if (parsed.key === undefined) {
      const near =
        unknownWarnings < MAX_UNKNOWN_FIELD_WARNINGS ? nearMissKey(parsed.keyText) : undefined;
      if (near !== undefined) {
        unknownWarnings++;
        const label = VALUE_FIELD_LABELS[near];
        analysis.otherProblems.push({
          code: "value.unknown-field",
          severity: "warning",
          message: `\`${quoteInput(parsed.keyText, 40)}:\` is not a value field, so it is ignored; did you mean \`${label}:\`?`,
          fix: `Rename it to \`${label}:\``,
          where: `${where} line ${index + 1}`,
          quote: quoteInput(doc.text(index)),
        });
      }
      continue;
    }
    let value = parsed.value;
    if (parsed.key === "whyNow") {
      // a paragraph: following lines up to a blank line, a field, a list item or a heading
      const parts = value === "" ? [] : [value];
      while (k + 1 < sectionLines.length) {
        const nextIndex = sectionLines[k + 1] as number;
        if (nextIndex !== (sectionLines[k] as number) + 1) break;
        const next = doc.text(nextIndex).trim();
        if (next === "" || isListItemStart(next) || parseFieldLine(next)?.key !== undefined) break;
        k++;
        parts.push(next);
      }
      value = parts.join(" ");
    }
    const raw: RawField = { key: parsed.keyText, value, line: index + 1 };
    if (isPlaceholder(value)) {
      analysis.section.placeholders[parsed.key] ??= raw;
      continue;
    }
    const first = analysis.section.fields[parsed.key];
    if (first === undefined) analysis.section.fields[parsed.key] = raw;
    else if (first.value.toLowerCase() !== value.toLowerCase()) {
      const list = duplicates[parsed.key] ?? [];
      list.push(index + 1);
      duplicates[parsed.key] = list;
    }
  }

  // 3. read each field's value
  const context: FieldContext = { where, config };
  const parsedFields = analysis.section.parsed;
  for (const name of VALUE_FIELD_NAMES) {
    const field = analysis.section.fields[name];
    if (field === undefined) continue;
    const others = duplicates[name];
    if (others !== undefined) {
      const label = VALUE_FIELD_LABELS[name];
      addFieldProblem(analysis, name, {
        code: "value.duplicate-field",
        severity: "warning",
        message: `${label} is given more than once (lines ${plainList([field.line, ...others.slice(0, 5)].map(String))}${others.length > 5 ? ", …" : ""}) with different values; the first is used`,
        fix: `Keep one \`${label}:\` line`,
        where: `${where} line ${others[0]}`,
        quote: quoteInput(field.value),
      });
    }
    let result: Read<unknown>;
    switch (name) {
      case "issue":
        result = readIssueField(field, context);
        if (result.ok) parsedFields.issue = result.value as IssueRef;
        break;
      case "type":
        result = readTypeField(field, context);
        if (result.ok) parsedFields.type = result.value as string;
        break;
      case "worth":
      case "budget":
        result = readMoneyField(name, field, context);
        if (result.ok) parsedFields[name] = result.value as Money;
        break;
      case "whyNow":
        result = readWhyNowField(field, context);
        if (result.ok) parsedFields.whyNow = result.value as string;
        break;
    }
    if (!result.ok) addFieldProblem(analysis, name, result.problem);
    else if (result.warning !== undefined) addFieldProblem(analysis, name, result.warning);
  }
  analysis.section.problems = [
    ...VALUE_FIELD_NAMES.flatMap((name) => analysis.fieldProblems[name] ?? []),
    ...analysis.otherProblems,
  ];
  return analysis;
}

/**
 * Read the value section of one body (a PR's or an issue's). `where` names the body in problems:
 * `PR body`, `issue #123`. Reports what is wrong with what is written; whether fields are missing
 * is for `resolveValueStatement`, which knows what the issue supplies and what is required.
 */
export function parseValueSection(params: {
  body: string;
  where: string;
  config: ValueConfig;
}): ValueSection {
  return analyzeBody(params.body, params.where, params.config).section;
}

// ---------------------------------------------------------------------------------------------
// The template

/** A ready-to-paste section with placeholders (they count as missing until filled in). */
export function valueSectionTemplate(params: { config: ValueConfig; issue?: string }): string {
  const { config } = params;
  const types = Object.keys(config.value.types);
  const typeHint =
    types.length === 0
      ? "<type>"
      : `<${types.slice(0, 12).join(" | ")}${types.length > 12 ? " | …" : ""}>`;
  const amount = placeholderAmount(config.currency);
  return [
    `## ${config.value.heading}`,
    `Issue: ${params.issue ?? "#<number>"}`,
    `Type: ${typeHint}`,
    `Worth: ${amount}`,
    `Budget: ${amount}`,
    "Why now: <what it costs to wait>",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// The statement: the PR's section, completed from its issue's

/** `value.required`, plus Type and Worth, which a statement always needs. */
function requiredFields(config: ValueConfig): ValueFieldName[] {
  const listed = config.value.required.map((f): ValueFieldName => (f === "why-now" ? "whyNow" : f));
  return VALUE_FIELD_NAMES.filter(
    (name) => name === "type" || name === "worth" || listed.includes(name),
  );
}

function exampleLine(name: ValueFieldName, config: ValueConfig, issue?: string): string {
  switch (name) {
    case "issue":
      return `Issue: ${issue ?? "#123"}`;
    case "type":
      return `Type: ${Object.keys(config.value.types)[0] ?? "defect"}`;
    case "worth":
      return `Worth: ${exampleAmount(config.currency, 5_000n)}`;
    case "budget":
      return `Budget: ${exampleAmount(config.currency, 500n)}`;
    case "whyNow":
      return "Why now: <what it costs to wait, in a sentence>";
  }
}

function copyField<K extends keyof ParsedValueFields>(
  target: ParsedValueFields,
  source: ParsedValueFields,
  key: K,
): boolean {
  const value = source[key];
  if (value === undefined) return false;
  target[key] = value;
  return true;
}

/** Linked issues read at most (a PR closing more than this is not a work item). */
export const MAX_LINKED_ISSUES = 50;

interface Source {
  ref: IssueRef;
  label: string;
  analysis: Analysis;
}

/**
 * The value statement of a pull request. The PR's `## Value` section wins field by field; what it
 * lacks comes from its issue's section: the issue named by `Issue:` (if its body is among
 * `linkedIssues`), else the first linked issue with a section (open before closed).
 * `linkedIssues` are what the GitHub side knows (closing keywords, the sidebar, the `Issue:`
 * field); closing keywords in the PR body also name the statement's issue.
 */
export function resolveValueStatement(params: {
  prBody: string;
  linkedIssues: readonly LinkedIssueBody[];
  repository: RepositoryContext;
  config: ValueConfig;
}): ValueResult {
  const { repository, config } = params;
  const prBody = typeof params.prBody === "string" ? params.prBody : "";
  const headingMark = `## ${config.value.heading}`;
  const label = (ref: IssueRef) => formatIssueRef(ref, repository);
  const pr = analyzeBody(prBody, "PR body", config);
  const general: Problem[] = [...pr.otherProblems];

  const linked: LinkedIssueBody[] = [];
  for (const issue of params.linkedIssues.slice(0, MAX_LINKED_ISSUES)) {
    if (!linked.some((other) => sameIssue(other.ref, issue.ref, repository))) linked.push(issue);
  }
  const analyze = (issue: LinkedIssueBody): Source => ({
    ref: issue.ref,
    label: label(issue.ref),
    analysis: analyzeBody(issue.body, `issue ${label(issue.ref)}`, config),
  });

  // which issue's section completes the PR's
  const named = pr.section.parsed.issue;
  let source: Source | undefined;
  let namedUnavailable = false;
  if (named !== undefined) {
    const issue = linked.find((other) => sameIssue(other.ref, named, repository));
    if (issue === undefined) namedUnavailable = true;
    else {
      const candidate = analyze(issue);
      if (candidate.analysis.section.found) source = candidate;
    }
  } else {
    const ordered = [
      ...linked.filter((issue) => issue.state !== "closed"),
      ...linked.filter((issue) => issue.state === "closed"),
    ];
    const withSection = ordered.map(analyze).filter((s) => s.analysis.section.found);
    source = withSection[0];
    if (withSection.length > 1) {
      const labels = withSection.map((s) => s.label);
      general.push({
        code: "value.several-issue-sections",
        severity: "warning",
        message: `Linked issues ${plainList(labels)} each have a \`${headingMark}\` section; only ${labels[0]}'s is used`,
        fix: `Name the issue this PR is for with an \`Issue:\` line under \`${headingMark}\` in the PR description`,
        where: "PR body",
      });
    }
  }
  if (source !== undefined) general.push(...source.analysis.otherProblems);

  const statement: ParsedValueFields & Pick<ValueStatement, "origin"> = { origin: {} };
  const fieldProblems: Problem[] = [];
  const invalid = new Set<ValueFieldName>();

  // Issue: the PR's field, else the issue it inherits from, else any linked or closed issue
  const issue = named ?? source?.ref ?? linked[0]?.ref ?? findClosingReferences(prBody, pr.doc)[0];
  if (issue !== undefined) {
    statement.issue = issue;
    statement.origin.issue = "pr";
  }
  if (pr.fieldProblems.issue !== undefined) {
    fieldProblems.push(...pr.fieldProblems.issue);
    if (pr.fieldProblems.issue.some((p) => p.severity === "error")) invalid.add("issue");
  }

  for (const name of ["type", "worth", "budget", "whyNow"] as const) {
    let from: { origin: ValueOrigin; analysis: Analysis } | undefined;
    if (pr.section.fields[name] !== undefined) from = { origin: "pr", analysis: pr };
    else if (source?.analysis.section.fields[name] !== undefined) {
      from = { origin: source.ref, analysis: source.analysis };
    }
    if (from === undefined) continue;
    if (copyField(statement, from.analysis.section.parsed, name)) {
      statement.origin[name] = from.origin;
    }
    const problems = from.analysis.fieldProblems[name] ?? [];
    fieldProblems.push(...problems);
    if (problems.some((p) => p.severity === "error")) invalid.add(name);
  }

  const fieldWhere = (name: ValueFieldName): string => {
    const origin = statement.origin[name];
    const raw = origin === "pr" ? pr.section.fields[name] : source?.analysis.section.fields[name];
    const body = origin === "pr" || source === undefined ? "PR body" : `issue ${source.label}`;
    return raw !== undefined ? `${body} line ${raw.line}` : body;
  };
  if (
    statement.worth !== undefined &&
    statement.budget !== undefined &&
    statement.budget.micros > statement.worth.micros
  ) {
    general.push({
      code: "value.budget-exceeds-worth",
      severity: "warning",
      message: `Budget (${formatMoney(statement.budget, { whole: true })}) is more than Worth (${formatMoney(statement.worth, { whole: true })}): spending it all would cost more than the work is worth`,
      fix: "Lower the budget, or raise Worth if the work is worth more",
      where: fieldWhere("budget"),
    });
  }

  // Why now alone is not worth a note: it is rarely inherited
  const prFieldsMissing = (["type", "worth", "budget"] as const).some(
    (name) => pr.section.fields[name] === undefined,
  );
  if (named !== undefined && namedUnavailable && prFieldsMissing) {
    general.push({
      code: "value.issue-unavailable",
      severity: "warning",
      message: `The description of issue ${label(named)} (named by \`Issue:\`) could not be read, so nothing was inherited from it`,
      fix: `Give every field under \`${headingMark}\` in the PR description, or make issue ${label(named)} readable (the app must be installed on its repository; locally: \`--issue-file ${named.owner !== undefined ? formatIssueRef(named) : named.number}=issue.md\`)`,
      where:
        pr.section.headingLine !== undefined ? `PR body line ${pr.section.headingLine}` : "PR body",
    });
  }

  // what is still missing
  const missing = requiredFields(config).filter(
    (name) => statement[name] === undefined && !invalid.has(name),
  );
  const errors: Problem[] = [];
  if (missing.length > 0 && !pr.section.found && source === undefined) {
    const issueText = issue !== undefined ? label(issue) : undefined;
    const consulted =
      linked.length > 0
        ? ` (nor does ${linked.length === 1 ? "linked issue" : "any linked issue:"} ${plainList(linked.map((l) => label(l.ref)))})`
        : "";
    const hints = pr.hints.length > 0 ? `; ${pr.hints.join("; ")}` : "";
    const required = requiredFields(config);
    const optional = VALUE_FIELD_NAMES.filter((name) => !required.includes(name)).map(
      (name) => VALUE_FIELD_LABELS[name],
    );
    const optionalText =
      optional.length > 0
        ? `; ${plainList(optional)} ${optional.length === 1 ? "is" : "are"} optional`
        : "";
    errors.push({
      code: "value.no-section",
      severity: "error",
      message: `The PR description has no \`${headingMark}\` section${consulted}${hints}`,
      fix: `Add this section to the PR description (or to the issue's description, for every PR of that issue) and fill it in${optionalText}:\n\n${valueSectionTemplate({ config, ...(issueText !== undefined ? { issue: issueText } : {}) })}`,
      where: "PR body",
    });
  } else {
    for (const name of missing) {
      const fieldLabel = VALUE_FIELD_LABELS[name];
      const placeholder =
        pr.section.placeholders[name] ?? source?.analysis.section.placeholders[name];
      const placeholderWhere =
        pr.section.placeholders[name] !== undefined
          ? "PR body"
          : source !== undefined
            ? `issue ${source.label}`
            : "PR body";
      const places: string[] = [
        pr.section.found
          ? `under \`${headingMark}\` in the PR description`
          : `in a \`${headingMark}\` section in the PR description`,
      ];
      if (name === "issue") {
        places.push("or link the issue in the PR description with `Fixes #123`");
      } else if (source !== undefined) {
        places.push(`or under \`${headingMark}\` in issue ${source.label}'s description`);
      } else if (named !== undefined) {
        places.push(`or in a \`${headingMark}\` section in issue ${label(named)}'s description`);
      }
      const issueText = issue !== undefined ? label(issue) : undefined;
      errors.push({
        code: "value.missing-field",
        severity: "error",
        message:
          placeholder !== undefined
            ? `${fieldLabel} is missing: the template's placeholder is still there`
            : `${fieldLabel} is missing`,
        fix: `Add a line \`${exampleLine(name, config, issueText)}\` ${places.join(", ")}`,
        ...(placeholder !== undefined
          ? {
              where: `${placeholderWhere} line ${placeholder.line}`,
              quote: quoteInput(`${placeholder.key}: ${placeholder.value}`),
            }
          : {
              where:
                pr.section.headingLine !== undefined
                  ? `PR body line ${pr.section.headingLine}`
                  : source?.analysis.section.headingLine !== undefined
                    ? `issue ${source.label} line ${source.analysis.section.headingLine}`
                    : "PR body",
            }),
      });
    }
  }

  const all = [...errors, ...fieldProblems, ...general];
  const errorsFirst = [
    ...all.filter((p) => p.severity === "error"),
    ...all.filter((p) => p.severity !== "error"),
  ];
  const { type, worth } = statement;
  if (
    errorsFirst.some((p) => p.severity === "error") ||
    type === undefined ||
    worth === undefined
  ) {
    return { ok: false, problems: errorsFirst, partial: statement };
  }
  return { ok: true, statement: { ...statement, type, worth }, warnings: errorsFirst };
}
