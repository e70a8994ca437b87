/**
 * The first `Key: value` line of a markdown text (a review body, a milestone description, an
 * issue body) for one key: `Review-Time: 30m`, `- **Coordination:** 12h`, in any case, outside
 * code blocks and HTML comments. Linear: a text without the key's word is ruled out by one scan
 * of char codes before any line is split, and the line scan reads each line's head once.
 */

import { MarkdownLines } from "../markdown/lines.js";
import { parseFieldLine } from "../value/field-line.js";
import { collapse } from "../value/text.js";

/** Characters of a line looked at for the key (a key and its colon come early). */
const KEY_WINDOW = 60;

export interface KeyLine {
  /** The key as written (`Review time`). */
  keyText: string;
  /** The value, trimmed. */
  value: string;
  /** 1-based line. */
  line: number;
}

/** Where `word` (lower-case ASCII letters) first occurs in `text` in any case, or -1. */
export function indexOfIgnoringCase(text: string, word: string, from = 0): number {
  const first = word.charCodeAt(0);
  const last = text.length - word.length;
  for (let i = from; i <= last; i++) {
    if ((text.charCodeAt(i) | 0x20) !== first) continue;
    let j = 1;
    while (j < word.length && (text.charCodeAt(i + j) | 0x20) === word.charCodeAt(j)) j++;
    if (j === word.length) return i;
  }
  return -1;
}

/**
 * The first line whose key collapses to `key` (`review time`: `Review-Time`, `review_time`,
 * `REVIEW TIME`). `word` is a lower-case word every such key contains (`review`).
 */
export function findKeyLine(text: string, key: string, word: string): KeyLine | undefined {
  if (indexOfIgnoringCase(text, word) < 0) return undefined;
  const doc = new MarkdownLines(text);
  for (let i = 0; i < doc.count; i++) {
    if (doc.isCode(i)) continue;
    const head = doc.head(i, doc.indent(i) + KEY_WINDOW);
    if (!head.includes(":") || indexOfIgnoringCase(head, word) < 0) continue;
    const field = parseFieldLine(doc.text(i));
    if (field !== undefined && collapse(field.keyText) === key) {
      return { keyText: field.keyText, value: field.value, line: i + 1 };
    }
  }
  return undefined;
}
