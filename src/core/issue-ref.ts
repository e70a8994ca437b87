/**
 * Issue references (`#123`, `owner/repo#123`, issue URLs) and GitHub's closing keywords
 * (`Fixes #123`), read from untrusted markdown.
 *
 * Everything here is a linear scan: no regular expression runs over untrusted text, so a 1 MB
 * body of `#`, `<!--` or backticks costs one pass. `MarkdownLines` is the shared first step:
 * it splits a body into lines, drops HTML comments and marks fenced code, which GitHub renders
 * as neither headings, fields nor links.
 */

import { decodeUnits } from "./markdown.js";

/** A reference to an issue. `owner`/`repo` absent means the pull request's own repository. */
export interface IssueRef {
  owner?: string;
  repo?: string;
  number: number;
}

export interface RepositoryContext {
  owner: string;
  repo: string;
}

/** Why a text is not an issue reference: `pull-request` gets its own, clearer message. */
export type IssueRefReadResult =
  | { ok: true; ref: IssueRef }
  | { ok: false; reason: "pull-request" | "not-an-issue" | "invalid"; detail: string };

const MAX_ISSUE_NUMBER = 999_999_999;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
}

function isWordChar(c: string | undefined): boolean {
  return isLetter(c) || isDigit(c) || c === "_";
}

function parseNumber(text: string): number | undefined {
  if (text === "" || text.length > 9) return undefined;
  for (const c of text) if (!isDigit(c)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= MAX_ISSUE_NUMBER ? n : undefined;
}

/** GitHub owner names: letters, digits, `-` (and `_` on some Enterprise servers), ≤ 39. */
function isOwnerName(text: string): boolean {
  if (text === "" || text.length > 39) return false;
  for (const c of text) if (!(isLetter(c) || isDigit(c) || c === "-" || c === "_")) return false;
  return true;
}

/** Repository names: letters, digits, `-`, `_`, `.`, ≤ 100, not `.` or `..`. */
function isRepoName(text: string): boolean {
  if (text === "" || text.length > 100 || text === "." || text === "..") return false;
  for (const c of text) {
    if (!(isLetter(c) || isDigit(c) || c === "-" || c === "_" || c === ".")) return false;
  }
  return true;
}

function isHostName(text: string): boolean {
  if (text === "" || text.length > 253) return false;
  for (const c of text) {
    if (!(isLetter(c) || isDigit(c) || c === "-" || c === "." || c === ":")) return false;
  }
  return true;
}

const INVALID = (detail: string): IssueRefReadResult => ({ ok: false, reason: "invalid", detail });

/** `https://HOST/owner/repo/issues/N` (any host: GitHub Enterprise too), with `#…`/`?…` tails. */
function readIssueUrl(text: string): IssueRefReadResult {
  const scheme = text.startsWith("https://") ? 8 : text.startsWith("http://") ? 7 : -1;
  if (scheme < 0) return INVALID("not a URL");
  // cut the query and fragment: `…/issues/5#issuecomment-1`, `…/issues/5?x=1`
  let end = text.length;
  const hash = text.indexOf("#", scheme);
  if (hash >= 0) end = hash;
  const query = text.indexOf("?", scheme);
  if (query >= 0 && query < end) end = query;
  const parts = text.slice(scheme, end).split("/");
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop(); // trailing slash
  const [host, owner, repo, kind, number] = parts;
  if (
    host === undefined ||
    !isHostName(host) ||
    owner === undefined ||
    !isOwnerName(owner) ||
    repo === undefined ||
    !isRepoName(repo)
  ) {
    return INVALID("not a link to an issue");
  }
  if (kind === undefined) {
    return { ok: false, reason: "not-an-issue", detail: "a link to a repository, not to an issue" };
  }
  const n = number === undefined ? undefined : parseNumber(number);
  if (n !== undefined && (kind === "pull" || kind === "pulls")) {
    return {
      ok: false,
      reason: "pull-request",
      detail: `pull request ${owner}/${repo}#${n}`,
    };
  }
  if (kind !== "issues") {
    const what = kind === "discussions" ? "a discussion" : `a /${kind.slice(0, 30)}/ page`;
    return { ok: false, reason: "not-an-issue", detail: `a link to ${what}, not to an issue` };
  }
  if (n === undefined || parts.length !== 5) {
    return INVALID("the link does not end in an issue number");
  }
  return { ok: true, ref: { owner, repo, number: n } };
}

/**
 * Read an issue reference, saying why when it is not one. Accepts `#123`, `GH-123`,
 * `owner/repo#123`, `https://HOST/owner/repo/issues/123`, `<URL>` and `[text](URL)`.
 */
export function readIssueRef(input: string): IssueRefReadResult {
  let text = input.trim();
  if (text.length > 500) return INVALID("too long to be an issue reference");
  if (text.startsWith("<") && text.endsWith(">")) text = text.slice(1, -1).trim();
  // a markdown link: [#123](https://github.com/o/r/issues/123) — the URL is what GitHub links
  if (text.startsWith("[") && text.endsWith(")")) {
    const mid = text.indexOf("](");
    if (mid > 0) {
      const target = readIssueRef(text.slice(mid + 2, -1));
      if (target.ok || target.reason !== "invalid") return target;
      return readIssueRef(text.slice(1, mid));
    }
  }
  if (text === "") return INVALID("empty");
  if (text.startsWith("http://") || text.startsWith("https://")) return readIssueUrl(text);
  if (text[0] === "#") {
    const n = parseNumber(text.slice(1));
    return n !== undefined ? { ok: true, ref: { number: n } } : INVALID("no issue number after #");
  }
  if (
    (text[0] === "G" || text[0] === "g") &&
    (text[1] === "H" || text[1] === "h") &&
    text[2] === "-"
  ) {
    const n = parseNumber(text.slice(3));
    if (n !== undefined) return { ok: true, ref: { number: n } };
  }
  const hash = text.indexOf("#");
  const slash = text.indexOf("/");
  if (hash > 0 && slash > 0 && slash < hash) {
    const owner = text.slice(0, slash);
    const repo = text.slice(slash + 1, hash);
    const n = parseNumber(text.slice(hash + 1));
    if (isOwnerName(owner) && isRepoName(repo) && n !== undefined) {
      return { ok: true, ref: { owner, repo, number: n } };
    }
  }
  return INVALID("not an issue reference");
}

/** `#123`, `owner/repo#123` or an issue URL → the reference; anything else → undefined. */
export function parseIssueRef(text: string): IssueRef | undefined {
  const result = readIssueRef(text);
  return result.ok ? result.ref : undefined;
}

function isSameRepository(ref: IssueRef, context: RepositoryContext): boolean {
  return (
    ref.owner === undefined ||
    ref.repo === undefined ||
    (ref.owner.toLowerCase() === context.owner.toLowerCase() &&
      ref.repo.toLowerCase() === context.repo.toLowerCase())
  );
}

/** `#123` for the context repository (or when the ref has no owner), else `owner/repo#123`. */
export function formatIssueRef(ref: IssueRef, context?: RepositoryContext): string {
  if (ref.owner === undefined || ref.repo === undefined) return `#${ref.number}`;
  if (context !== undefined && isSameRepository(ref, context)) return `#${ref.number}`;
  return `${ref.owner}/${ref.repo}#${ref.number}`;
}

/** Whether two references name the same issue; a ref without owner is in `context`'s repo. */
export function sameIssue(a: IssueRef, b: IssueRef, context: RepositoryContext): boolean {
  if (a.number !== b.number) return false;
  const ao = (a.owner ?? context.owner).toLowerCase();
  const ar = (a.repo ?? context.repo).toLowerCase();
  const bo = (b.owner ?? context.owner).toLowerCase();
  const br = (b.repo ?? context.repo).toLowerCase();
  return ao === bo && ar === br;
}

// ---------------------------------------------------------------------------------------------
// Markdown lines

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

function leadingSpaces(text: string): number {
  let i = 0;
  while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
  return i;
}

function runLength(text: string, start: number, char: string): number {
  let i = start;
  while (i < text.length && text[i] === char) i++;
  return i - start;
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
 * The lines of a markdown body (`\n`, `\r\n` or `\r`) with HTML comments removed (also across
 * lines; an unterminated one runs to the end) and fenced code marked. Built in one linear pass
 * with no per-line allocation (a 1 MB body of line breaks is a million lines): a line's text is
 * only sliced out when asked for.
 */
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

/** Backtick runs shorter than this find their partner through an array, longer ones a Map. */
const SHORT_RUN = 64;

/**
 * Remove inline code spans (`` `Fixes #1` ``) from one line. A backtick run opens a span closed by
 * the next run of the same length; an unmatched run is literal. Linear: each run's partner is
 * found by one backwards pass.
 */
export function stripInlineCode(text: string): string {
  if (text.indexOf("`") < 0) return text;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === BACKTICK && text.charCodeAt(i - 1) !== BACKTICK) count++;
  }
  const starts = new Int32Array(count);
  const lengths = new Int32Array(count);
  let r = 0;
  for (let i = 0; i < text.length; ) {
    if (text.charCodeAt(i) === BACKTICK) {
      const start = i;
      while (i < text.length && text.charCodeAt(i) === BACKTICK) i++;
      starts[r] = start;
      lengths[r] = i - start;
      r++;
    } else {
      i++;
    }
  }
  // each run's partner: the next run of the same length
  // (short runs, the usual ones, by an array: a Map look-up per run cost more than the scan)
  const next = new Int32Array(count).fill(-1);
  const lastByShortLength = new Int32Array(SHORT_RUN).fill(-1);
  const lastByLength = new Map<number, number>();
  for (let k = count - 1; k >= 0; k--) {
    const length = lengths[k] as number;
    if (length < SHORT_RUN) {
      next[k] = lastByShortLength[length] as number;
      lastByShortLength[length] = k;
      continue;
    }
    const partner = lastByLength.get(length);
    if (partner !== undefined) next[k] = partner;
    lastByLength.set(length, k);
  }
  let spans = 0;
  for (let k = 0; k < count; ) {
    const partner = next[k] as number;
    if (partner < 0) k++;
    else {
      spans++;
      k = partner + 1;
    }
  }
  if (spans > 64) return withoutSpansByUnits(text, count, next, starts, lengths);
  const parts: string[] = [];
  let pos = 0;
  for (let k = 0; k < count; ) {
    const partner = next[k] as number;
    if (partner < 0) {
      k++;
      continue;
    }
    parts.push(text.slice(pos, starts[k]), " ");
    pos = (starts[partner] as number) + (lengths[partner] as number);
    k = partner + 1;
  }
  parts.push(text.slice(pos));
  return parts.join("");
}

/**
 * `stripInlineCode`'s result for many spans, written as code units: 180,000 slices and their
 * join took 50 ms on a line of `` fixes `#1` `` repeated. A span has two backticks at least and
 * becomes one space, so the result is never longer than the text.
 */
function withoutSpansByUnits(
  text: string,
  count: number,
  next: Int32Array,
  starts: Int32Array,
  lengths: Int32Array,
): string {
  const out = new Uint16Array(text.length);
  let n = 0;
  let pos = 0;
  for (let k = 0; k < count; ) {
    const partner = next[k] as number;
    if (partner < 0) {
      k++;
      continue;
    }
    const open = starts[k] as number;
    for (let i = pos; i < open; i++) out[n++] = text.charCodeAt(i);
    out[n++] = SPACE;
    pos = (starts[partner] as number) + (lengths[partner] as number);
    k = partner + 1;
  }
  for (let i = pos; i < text.length; i++) out[n++] = text.charCodeAt(i);
  return decodeUnits(out.subarray(0, n));
}

// ---------------------------------------------------------------------------------------------
// Closing keywords

/** GitHub's closing keywords (https://docs.github.com/en/issues/tracking-your-work-with-issues). */
export const CLOSING_KEYWORDS: ReadonlySet<string> = new Set([
  "close",
  "closes",
  "closed",
  "fix",
  "fixes",
  "fixed",
  "resolve",
  "resolves",
  "resolved",
]);

/** Lines with a closing keyword read at most: a real description has a handful. */
export const MAX_CLOSING_KEYWORD_LINES = 1_000;

const TRAILING_PUNCTUATION = ".,;:!?)]}'\"";

function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\u00A0";
}

function issueKey(ref: IssueRef): string {
  return `${(ref.owner ?? "").toLowerCase()}/${(ref.repo ?? "").toLowerCase()}#${ref.number}`;
}

/** Whether an ASCII letter run of the body at [start, end) is a closing keyword. */
function isKeywordAt(body: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 3 || length > 8) return false;
  return CLOSING_KEYWORDS.has(body.slice(start, end).toLowerCase());
}

function isAsciiLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The issue references after closing keywords in one (comment- and code-free) line. */
function closingReferencesInLine(line: string, found: IssueRef[], seen: Set<string>): void {
  const text = stripInlineCode(line);
  let i = 0;
  while (i < text.length) {
    if (!isLetter(text[i])) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isLetter(text[i])) i++;
    if (i - start > 8 || isWordChar(text[start - 1]) || isDigit(text[i]) || text[i] === "_") {
      continue;
    }
    if (!CLOSING_KEYWORDS.has(text.slice(start, i).toLowerCase())) continue;
    let k = i;
    if (text[k] === ":") k++;
    while (isSpace(text[k])) k++;
    if (k === i) continue; // `Fixes#1` is not a closing reference
    let end = k;
    while (end < text.length && !isSpace(text[end])) end++;
    let token = text.slice(k, end);
    let unbalanced = 0; // `)` without `(`: `(fixes [#1](url))`
    for (const c of token) unbalanced += c === ")" ? 1 : c === "(" ? -1 : 0;
    while (token.length > 0 && TRAILING_PUNCTUATION.includes(token[token.length - 1] as string)) {
      // keep the `)` of a markdown link `[#1](url)`
      if (token.endsWith(")") && token.startsWith("[") && unbalanced <= 0) break;
      if (token.endsWith(")")) unbalanced--;
      token = token.slice(0, -1);
    }
    i = end; // the token is used up: `Fixes:Fixes:Fixes:…` is read once
    const ref = parseIssueRef(token);
    if (ref !== undefined) {
      const key = issueKey(ref);
      if (!seen.has(key)) {
        seen.add(key);
        found.push(ref);
      }
    }
  }
}

/**
 * Issues a PR body closes with GitHub's keywords (`Fixes #123`, `closes owner/repo#5`,
 * `Resolves https://github.com/o/r/issues/9`; case-insensitive, optional colon). Text in code
 * blocks, inline code and HTML comments does not count. Each issue once, in order of appearance;
 * at most the first `MAX_CLOSING_KEYWORD_LINES` lines with a keyword are read.
 */
export function findClosingReferences(body: string, lines?: MarkdownLines): IssueRef[] {
  const text = typeof body === "string" ? body : "";
  const doc = lines ?? new MarkdownLines(text);
  const found: IssueRef[] = [];
  const seen = new Set<string>();
  let line = 0;
  let lastRead = -1;
  let linesRead = 0;
  // find keyword candidates in the raw body (letter runs of 3–8), then read their lines
  for (let i = 0; i < text.length; i++) {
    if (!isAsciiLetterCode(text.charCodeAt(i))) continue;
    const start = i;
    while (i < text.length && isAsciiLetterCode(text.charCodeAt(i))) i++;
    if (!isKeywordAt(text, start, i)) continue;
    line = doc.lineAt(start, line);
    if (line === lastRead) continue;
    lastRead = line;
    if (doc.isCode(line)) continue;
    if (++linesRead > MAX_CLOSING_KEYWORD_LINES) break;
    closingReferencesInLine(doc.text(line), found, seen);
  }
  return found;
}
