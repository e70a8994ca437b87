/**
 * `MarkdownLines`: the shared first step of every reader of untrusted markdown (value statements,
 * closing keywords). It splits a body into lines, drops HTML comments and marks fenced code,
 * which GitHub renders as neither headings, fields nor links. One linear pass, no regular
 * expression over untrusted text, so a 1 MB body of `#`, `<!--` or backticks costs one pass.
 */

import { leadingSpaces, runLength } from "./chars.js";

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BACKTICK = 96;
const TILDE = 126;

function isBlankCode(code: number): boolean {
  return code === SPACE || code === TAB || code === 0xa0;
}

interface Fence {
  char: string;
  length: number;
}

/** A line that opens a fenced code block: ``` or ~~~ (3 or more), at any indentation. */
function fenceOpener(text: string): Fence | undefined {
  const start = leadingSpaces(text);
  const char = text[start];
  if (char !== "`" && char !== "~") return undefined;
  const length = runLength(text, start, char);
  if (length < 3) return undefined;
  // an info string after ``` cannot contain a backtick (that would be inline code)
  if (char === "`" && text.indexOf("`", start + length) >= 0) return undefined;
  return { char, length };
}

function closesFence(text: string, fence: Fence): boolean {
  const start = leadingSpaces(text);
  const length = runLength(text, start, fence.char);
  return length >= fence.length && text.slice(start + length).trim() === "";
}

const UNKNOWN = -2;
const NONE = -1;

/**
 * Where each line starts (a BOM skipped; LF, CR and CRLF end lines). A plain function: the same
 * loops inside the constructor, writing to private fields, ran several times slower.
 */
function lineStarts(body: string): Int32Array {
  const n = body.length;
  const offset = body.charCodeAt(0) === 0xfeff ? 1 : 0;
  let count = 1;
  for (let i = offset; i < n; i++) {
    const c = body.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR) {
      count++;
      if (body.charCodeAt(i + 1) === LF) i++;
    }
  }
  const start = new Int32Array(count);
  let line = 1;
  for (let i = offset; i < n; i++) {
    const c = body.charCodeAt(i);
    if (c !== LF && c !== CR) continue;
    if (c === CR && body.charCodeAt(i + 1) === LF) i++;
    start[line++] = i + 1;
  }
  start[0] = offset;
  return start;
}

/** Bits of `MarkdownLines`' per-line flags. */
const CODE_LINE = 1;
const BLANK_LINE = 2;
const STRIPPED_LINE = 4;

/**
 * The lines of a markdown body (`\n`, `\r\n` or `\r`) with HTML comments removed (also across
 * lines; an unterminated one runs to the end) and fenced code marked. Built in one linear pass
 * with no per-line allocation (a 1 MB body of line breaks is a million lines): a line's text is
 * only sliced out when asked for.
 */
export class MarkdownLines {
  /** Number of lines (a body without line breaks has one). */
  readonly count: number;
  readonly #body: string;
  // 6 bytes a line, no more: a million lines of fresh typed arrays cost more in page faults than
  // the scan itself (a line's end and first character are derived when asked for)
  readonly #start: Int32Array;
  /**
   * CODE_LINE: inside a fenced code block or one of its fences; BLANK_LINE: nothing left after
   * removing comments (a line inside a long comment); STRIPPED_LINE: changed by removing comments.
   */
  readonly #flags: Uint8Array;
  /** number of leading spaces and tabs. */
  readonly #indent: Uint8Array;
  /** Indents of 255 and more (`#indent` holds 255 for them). */
  readonly #wideIndent = new Map<number, number>();
  /** Lines changed by removing comments. */
  readonly #stripped = new Map<number, string>();

  constructor(input: string) {
    const body = typeof input === "string" ? input : "";
    this.#body = body;
    this.#start = lineStarts(body);
    this.count = this.#start.length;
    this.#flags = new Uint8Array(this.count);
    this.#indent = new Uint8Array(this.count);
    this.#markCommentsAndFences();
  }

  #markCommentsAndFences(): void {
    const body = this.#body;
    let nextOpen = UNKNOWN;
    let nextClose = UNKNOWN;
    // cached searches: each one scans forward from where the last one was used up, so all
    // searches together read the body once
    const findOpen = (from: number): number => {
      if (nextOpen === UNKNOWN || (nextOpen >= 0 && nextOpen < from)) {
        nextOpen = body.indexOf("<!--", from);
      }
      return nextOpen;
    };
    const findClose = (from: number): number => {
      if (nextClose === UNKNOWN || (nextClose >= 0 && nextClose < from)) {
        nextClose = body.indexOf("-->", from);
      }
      return nextClose;
    };
    let inComment = false;
    let fence: Fence | undefined;
    for (let i = 0; i < this.count; i++) {
      const s = this.#start[i] as number;
      const e = this.#endOf(i);
      if (fence !== undefined) {
        this.#flags[i] = (this.#flags[i] as number) | CODE_LINE;
        const first = this.#measure(i, undefined, e);
        if (first === fence.char.charCodeAt(0) && closesFence(body.slice(s, e), fence)) {
          fence = undefined;
        }
        continue;
      }
      const startedInComment = inComment;
      const open = inComment ? NONE : findOpen(s);
      let first: number;
      if (!inComment && (open === NONE || open + 4 > e)) {
        first = this.#measure(i, undefined, e);
      } else {
        let text = "";
        let p = s;
        while (p < e) {
          if (inComment) {
            const close = findClose(p);
            if (close === NONE || close + 3 > e) {
              p = e;
              break;
            }
            inComment = false;
            p = close + 3;
          } else {
            const o = findOpen(p);
            if (o === NONE || o + 4 > e) break;
            text += body.slice(p, o);
            p = o + 4;
            // `<!-->` and `<!--->` are complete (empty) comments
            if (p < e && body.charCodeAt(p) === 62) p += 1;
            else if (p + 1 < e && body.startsWith("->", p)) p += 2;
            else inComment = true;
          }
        }
        if (!inComment && p < e) text += body.slice(p, e);
        if (text === "") this.#flags[i] = (this.#flags[i] as number) | BLANK_LINE;
        else {
          this.#stripped.set(i, text);
          this.#flags[i] = (this.#flags[i] as number) | STRIPPED_LINE;
        }
        first = this.#measure(i, text === "" ? undefined : text, e);
      }
      if (!startedInComment && (first === BACKTICK || first === TILDE)) {
        const opener = fenceOpener(this.text(i));
        if (opener !== undefined) {
          fence = opener;
          this.#flags[i] = (this.#flags[i] as number) | CODE_LINE;
        }
      }
    }
  }

  /**
   * Record line `i`'s indent; its first non-blank character comes back. `stripped`: the line's
   * text without comments when that differs from the body's (no Map look-up per line); `end`:
   * where the line ends.
   */
  #measure(i: number, stripped: string | undefined, end: number): number {
    if (((this.#flags[i] as number) & BLANK_LINE) !== 0) {
      this.#indent[i] = 0;
      return -1;
    }
    let indent = 0;
    let first = -1;
    if (stripped !== undefined) {
      while (indent < stripped.length && isBlankCode(stripped.charCodeAt(indent))) indent++;
      if (indent < stripped.length) first = stripped.charCodeAt(indent);
    } else {
      const s = this.#start[i] as number;
      while (s + indent < end && isBlankCode(this.#body.charCodeAt(s + indent))) indent++;
      if (s + indent < end) first = this.#body.charCodeAt(s + indent);
    }
    this.#indent[i] = Math.min(indent, 255);
    if (indent >= 255) this.#wideIndent.set(i, indent);
    return first;
  }

  /** The line's text, HTML comments removed. */
  text(i: number): string {
    if (((this.#flags[i] as number) & BLANK_LINE) !== 0) return "";
    const stripped = this.#strippedText(i);
    if (stripped !== undefined) return stripped;
    return this.#body.slice(this.#start[i] ?? 0, this.#endOf(i));
  }

  /** Inside a fenced code block (or one of its fences): neither a heading, a field nor a link. */
  isCode(i: number): boolean {
    return ((this.#flags[i] as number) & CODE_LINE) !== 0;
  }

  /** Char code of the first non-blank character; -1 for a blank line (or one only of comments). */
  first(i: number): number {
    if (i < 0 || i >= this.count || ((this.#flags[i] as number) & BLANK_LINE) !== 0) return -1;
    const indent = this.indent(i);
    const stripped = this.#strippedText(i);
    if (stripped !== undefined) return indent < stripped.length ? stripped.charCodeAt(indent) : -1;
    // the indent stops at the line's end at the latest, where a CR, an LF or the body's end is
    const c = this.#body.charCodeAt((this.#start[i] as number) + indent);
    return c === LF || c === CR || Number.isNaN(c) ? -1 : c;
  }

  /** Where line `i`'s text ends: before its line break (CR, LF or CRLF), or at the body's end. */
  #endOf(i: number): number {
    if (i < 0 || i >= this.count) return 0;
    if (i + 1 === this.count) return this.#body.length;
    let e = (this.#start[i + 1] as number) - 1;
    // a CR right before an LF is always their CRLF (a CR alone ends a line)
    if (this.#body.charCodeAt(e) === LF && e > 0 && this.#body.charCodeAt(e - 1) === CR) e--;
    return e;
  }

  #strippedText(i: number): string | undefined {
    return ((this.#flags[i] as number) & STRIPPED_LINE) !== 0 ? this.#stripped.get(i) : undefined;
  }

  /** Leading spaces and tabs. */
  indent(i: number): number {
    const indent = this.#indent[i] ?? 0;
    return indent === 255 ? (this.#wideIndent.get(i) ?? 255) : indent;
  }

  /** Char code of the last non-blank character; -1 for a blank line. */
  last(i: number): number {
    if (((this.#flags[i] as number) & BLANK_LINE) !== 0) return -1;
    const stripped = this.#strippedText(i);
    if (stripped !== undefined) {
      let k = stripped.length - 1;
      while (k >= 0 && isBlankCode(stripped.charCodeAt(k))) k--;
      return k >= 0 ? stripped.charCodeAt(k) : -1;
    }
    const s = this.#start[i] ?? 0;
    let k = this.#endOf(i) - 1;
    while (k >= s && isBlankCode(this.#body.charCodeAt(k))) k--;
    return k >= s ? this.#body.charCodeAt(k) : -1;
  }

  /** The first `max` characters of the line's text (cheap for long lines). */
  head(i: number, max: number): string {
    if (((this.#flags[i] as number) & BLANK_LINE) !== 0) return "";
    const stripped = this.#strippedText(i);
    if (stripped !== undefined) return stripped.slice(0, max);
    const s = this.#start[i] ?? 0;
    return this.#body.slice(s, Math.min(this.#endOf(i), s + max));
  }

  /** The line containing body offset `offset` (lines are searched from `from` onward). */
  lineAt(offset: number, from = 0): number {
    let i = from;
    while (i + 1 < this.count && (this.#start[i + 1] as number) <= offset) i++;
    return i;
  }
}
