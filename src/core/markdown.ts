/**
 * Escaping untrusted text for GitHub-flavoured markdown (check-run output, issue comments).
 *
 * Library choice: `markdown-escape` and mdast's serializer escape markdown syntax but know nothing of
 * GitHub's own extensions: `@mentions` that ping people, `#123` / `owner/repo#123` / issue URLs
 * that create back-links in other repositories, and HTML comments that can hide text or forge our
 * markers. So this small module does all of it in one linear pass, character by character.
 *
 * Rules (https://github.github.com/gfm/#backslash-escapes and GitHub's autolink behaviour):
 * - punctuation that markdown gives meaning to is backslash-escaped: emphasis, code, links, math,
 *   strikethrough and table pipes everywhere; list, heading and rule markers at the start;
 * - `<`, `>` and `&` become entities, so no HTML (and no `<!-- -->` marker) can be formed;
 * - `|` is escaped so a table cell cannot be broken; line breaks become spaces in inline text;
 * - `@`, `#`, `GH-<n>`, `://` and `www.` get a zero-width space inserted, which breaks mentions,
 *   issue references and autolinks (GitHub's `www.` autolinks too) while reading the same to a
 *   person;
 * - code spans get a fence longer than any backtick run inside (runs are capped, so no input can
 *   close the span early), and code blocks likewise.
 */

const ZWSP = "\u200B";

/**
 * Punctuation that has meaning anywhere in a line. (`(`, `)` and `!` only matter next to `[` and
 * `]`, which are escaped; `-`, `+`, `=` and `.` only at the start of a line: see `LINE_START`.)
 */
const BACKSLASH_ESCAPED = new Set(["\\", "`", "*", "_", "[", "]", "|", "~", "$"]);

/** Characters that start a block (list, heading underline, thematic break) at a line's start. */
const LINE_START = new Set(["-", "+", "="]);

/** Half of a surrogate pair at `i` (invalid UTF-16: GitHub's API rejects it). */
function isLoneSurrogate(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff) return !isLow(text.charCodeAt(i + 1));
  if (code >= 0xdc00 && code <= 0xdfff) return !isHigh(text.charCodeAt(i - 1));
  return false;
}
const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Characters that are never useful in rendered output and can hide or reorder text. */
function isInvisibleControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    code === 0x7f ||
    (code >= 0x202a && code <= 0x202e) || // bidi embeddings/overrides
    (code >= 0x2066 && code <= 0x2069) // bidi isolates
  );
}

/** The `-` of `GH-<digit>` (any case), `GH` not after an ASCII word character. */
function isGhRefDash(text: string, i: number): boolean {
  const d = text.charCodeAt(i + 1);
  if (i < 2 || d < 48 || d > 57 || text.slice(i - 2, i).toLowerCase() !== "gh") return false;
  const before = text[i - 3];
  return before === undefined || !/[A-Za-z0-9_]/.test(before);
}

/** `www` (any case) at `i`, not after an ASCII letter or digit: where `www.` autolinks start. */
function isWwwAt(text: string, i: number): boolean {
  const before = text[i - 1];
  if (before !== undefined && /[A-Za-z0-9]/.test(before)) return false;
  return text.slice(i, i + 3).toLowerCase() === "www";
}

/**
 * Escape untrusted text for use inline (a table cell, a sentence, a title). Line breaks become
 * spaces. The result renders as the literal input.
 */
export function escapeInline(text: string): string {
  let out = "";
  // where `out` ends with a space: `out.endsWith(" ")` would flatten the string every line (quadratic)
  let spaceEnd = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const code = c.charCodeAt(0);
    if (c === "\n" || c === "\r" || c === "\t") {
      if (spaceEnd !== out.length || c === "\t") out += " ";
      spaceEnd = out.length;
    } else if (isInvisibleControl(code)) {
      // dropped: invisible, or reorders text (Trojan Source)
    } else if ((isHigh(code) || isLow(code)) && isLoneSurrogate(text, i)) {
      out += "\uFFFD";
    } else if (c === "<") {
      out += "&lt;";
    } else if (c === ">") {
      out += "&gt;";
    } else if (c === "&") {
      out += "&amp;";
    } else if (c === "@" || c === "#") {
      out += `${c}${ZWSP}`;
    } else if (c === ":" && text[i + 1] === "/" && text[i + 2] === "/") {
      out += `:${ZWSP}`;
    } else if (c === "-" && isGhRefDash(text, i)) {
      // `GH-123` links an issue like `#123`
      out += `-${ZWSP}`;
    } else if ((c === "w" || c === "W") && text[i + 3] === "." && isWwwAt(text, i)) {
      // GitHub autolinks `www.host/…` without a scheme: `www​.` is plain text
      out += `${text.slice(i, i + 3)}${ZWSP}`;
      i += 2;
    } else if (BACKSLASH_ESCAPED.has(c)) {
      out += `\\${c}`;
    } else if (LINE_START.has(c) && out.length <= 3 && /^ {0,3}$/.test(out)) {
      // (the length test first: a regex over the whole output so far is quadratic)
      out += `\\${c}`;
    } else if ((c === "." || c === ")") && out.length <= 12 && /^ {0,3}[0-9]{1,9}$/.test(out)) {
      // "1." or "1)" at the start of a line would open an ordered list
      out += `\\${c}`;
    } else {
      out += c;
      if (c === " ") spaceEnd = out.length;
    }
  }
  return out;
}

/** Escape and shorten: at most `max` characters of input, with `…` when cut. */
export function escapeShort(text: string, max = 80): string {
  return escapeInline(cutText(text, max));
}

/** At most `max` code points of `text`, with `…` when cut (never half of a surrogate pair). */
export function cutText(text: string, max: number): string {
  // walk the first `max` code points only: the text may be megabytes
  let end = 0;
  let count = 0;
  while (end < text.length && count < max) {
    const code = text.charCodeAt(end);
    const pair = code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(end + 1) & 0xfc00) === 0xdc00;
    end += pair ? 2 : 1;
    count++;
  }
  return end < text.length ? `${text.slice(0, end)}…` : text;
}

/** The longest backtick run kept inside a code span (its fence is one longer). */
const MAX_CODE_RUN = 63;

/**
 * Untrusted text as inline code: a span whose backtick fence is longer than any run inside.
 * `|` cannot be escaped inside code spans except as `\|` in tables, so it is replaced by `¦`.
 */
export function inlineCode(text: string, options: { inTable?: boolean } = {}): string {
  let clean = "";
  let longestRun = 0;
  let run = 0;
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (c === "\n" || c === "\r" || c === "\t") {
      clean += " ";
      run = 0;
      continue;
    }
    if (isInvisibleControl(code)) continue;
    if (c.length === 1 && (isHigh(code) || isLow(code))) {
      clean += "\uFFFD"; // half of a surrogate pair
      run = 0;
      continue;
    }
    if (c === "`") {
      // a run as long as the fence would close the span early: longer runs are cut to the cap
      if (run === MAX_CODE_RUN) continue;
      run++;
      if (run > longestRun) longestRun = run;
    } else {
      run = 0;
    }
    clean += options.inTable === true && c === "|" ? "¦" : c;
  }
  if (clean.trim() === "") return "` `";
  const fence = "`".repeat(longestRun + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/**
 * A message that quotes untrusted text but marks code with backticks (`` `Budget:` ``): each
 * backtick span becomes a safe code span (`inlineCode`), everything else is escaped like
 * `escapeInline`, an unpaired backtick included. Linear: a run's partner (the next run of the same
 * length, as in CommonMark) is found in one backwards pass.
 */
export function escapeWithCode(text: string): string {
  const runs: { start: number; length: number }[] = [];
  for (let i = 0; i < text.length; ) {
    if (text.charCodeAt(i) !== 96) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && text.charCodeAt(i) === 96) i++;
    runs.push({ start, length: i - start });
  }
  const partner = new Int32Array(runs.length).fill(-1);
  const nextByLength = new Map<number, number>();
  for (let k = runs.length - 1; k >= 0; k--) {
    const length = (runs[k] as { length: number }).length;
    partner[k] = nextByLength.get(length) ?? -1;
    nextByLength.set(length, k);
  }
  let out = "";
  let pos = 0;
  for (let k = 0; k < runs.length; k++) {
    const p = partner[k] as number;
    if (p < 0) continue;
    const open = runs[k] as { start: number; length: number };
    const close = runs[p] as { start: number; length: number };
    out += escapeInline(text.slice(pos, open.start));
    out += inlineCode(text.slice(open.start + open.length, close.start));
    pos = close.start + close.length;
    k = p;
  }
  return out + escapeInline(text.slice(pos));
}

/** A markdown table. Cells must already be escaped (they are pasted as they are). */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  /** Per column; default: the first column left, the others right (numbers). */
  alignment?: readonly ("left" | "right")[],
): string {
  const align = headers.map((_, i) =>
    (alignment?.[i] ?? (i === 0 ? "left" : "right")) === "left" ? "---" : "--:",
  );
  const lines = [`| ${headers.join(" | ")} |`, `| ${align.join(" | ")} |`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

/**
 * Untrusted text as a fenced code block: the fence is longer than any backtick run inside, so the
 * text cannot close it; nothing inside is rendered (no mentions, links or HTML).
 */
export function codeBlock(text: string, options: { lang?: string; indent?: string } = {}): string {
  const indent = options.indent ?? "";
  let longestRun = 0;
  let run = 0;
  let clean = "";
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (c === "\r" || (c !== "\n" && c !== "\t" && isInvisibleControl(code))) continue;
    if (c.length === 1 && (isHigh(code) || isLow(code))) {
      clean += "\uFFFD"; // half of a surrogate pair
      run = 0;
      continue;
    }
    if (c === "`") {
      if (run === MAX_CODE_RUN) continue;
      run++;
      if (run > longestRun) longestRun = run;
    } else {
      run = 0;
    }
    clean += c;
  }
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  // trailing newlines dropped by a loop: `/\n+$/` backtracks quadratically on newline runs
  let end = clean.length;
  while (end > 0 && clean.charCodeAt(end - 1) === 10) end--;
  const body = clean
    .slice(0, end)
    .split("\n")
    .map((line) => (line === "" ? "" : `${indent}${line}`))
    .join("\n");
  return `${indent}${fence}${options.lang ?? ""}\n${body}\n${indent}${fence}`;
}
