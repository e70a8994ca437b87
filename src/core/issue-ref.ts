/**
 * Issue references (`#123`, `owner/repo#123`, issue URLs) and GitHub's closing keywords
 * (`Fixes #123`), read from untrusted markdown.
 *
 * Everything here is a linear scan: no regular expression runs over untrusted text, so a 1 MB
 * body of `#`, `<!--` or backticks costs one pass. Lines, comments and code come from
 * `MarkdownLines` (`markdown/lines.ts`).
 */

import { isDigit, isLetter } from "./markdown/chars.js";
import { stripInlineCode } from "./markdown/inline-code.js";
import { MarkdownLines } from "./markdown/lines.js";

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

/** `ref` made absolute in the repository `owner/repo` (where a bare `#123` points). */
export function absoluteIssue(ref: IssueRef, owner: string, repo: string): Required<IssueRef> {
  return { owner: ref.owner ?? owner, repo: ref.repo ?? repo, number: ref.number };
}

/** Why a text is not an issue reference: `pull-request` gets its own, clearer message. */
export type IssueRefReadResult =
  | { ok: true; ref: IssueRef }
  | { ok: false; reason: "pull-request" | "not-an-issue" | "invalid"; detail: string };

const MAX_ISSUE_NUMBER = 999_999_999;

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
