/**
 * The shape of a field line (`Key: value`, `- **Key:** value`), which key it names, and whether
 * its value is still a template placeholder.
 */

import { isDigit, isLetter, isSpaceOrTab } from "../markdown/chars.js";
import { VALUE_FIELD_LABELS, VALUE_FIELD_NAMES, type ValueFieldName } from "./fields.js";
import { collapse, editDistance, isSeparator, unwrap } from "./text.js";

export function isListItemStart(trimmed: string): boolean {
  const c = trimmed[0];
  if ((c === "-" || c === "*" || c === "+") && isSpaceOrTab(trimmed[1])) return true;
  let i = 0;
  while (i < 9 && isDigit(trimmed[i])) i++;
  return i > 0 && (trimmed[i] === "." || trimmed[i] === ")") && isSpaceOrTab(trimmed[i + 1]);
}

export interface FieldLine {
  key?: ValueFieldName;
  keyText: string;
  value: string;
}

export const MAX_KEY_CHARS = 40;

export function fieldKey(keyText: string): ValueFieldName | undefined {
  // every key starts with i, t, w, b or e: its first character decides most texts without
  // collapsing them (a body of a million `a:` lines collapsed each one). `collapse` drops leading
  // separators and lower-cases; a non-ASCII first character can lower-case to no key's start
  // (`İ` gives `i` plus a combining dot, which no key has next)
  let first = 0;
  while (first < keyText.length && isSeparator(keyText.charCodeAt(first))) first++;
  const c = keyText.charCodeAt(first) | 0x20;
  if (c !== 105 && c !== 116 && c !== 119 && c !== 98 && c !== 101) return undefined;
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
    case "effort":
      return "effort";
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
export function parseFieldLine(text: string): FieldLine | undefined {
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
export function nearMissKey(keyText: string): ValueFieldName | undefined {
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
