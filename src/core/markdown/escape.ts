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
 * - code spans and code blocks: see code.ts.
 */

import { CodeUnits, isHigh, isInvisibleControl, isLow } from "./code-units.js";

const ZWSP = 0x200b;

/**
 * Punctuation that has meaning anywhere in a line: `\` `` ` `` `*` `_` `[` `]` `|` `~` `$`. (`(`,
 * `)` and `!` only matter next to `[` and `]`, which are escaped; `-`, `+`, `=` and `.` only at the
 * start of a line: see `isLineStartMarker`.)
 */
function isBackslashEscaped(code: number): boolean {
  return (
    code === 92 ||
    code === 96 ||
    code === 42 ||
    code === 95 ||
    code === 91 ||
    code === 93 ||
    code === 124 ||
    code === 126 ||
    code === 36
  );
}

/** `-`, `+`, `=`: they start a block (list, heading underline, thematic break) at a line's start. */
const isLineStartMarker = (code: number): boolean => code === 45 || code === 43 || code === 61;

/**
 * The code unit at `i` of the piece `text.slice(start, end)`, NaN outside it (as `charCodeAt` is
 * outside a string): the escaping of a piece must not depend on the text around it.
 */
function unitIn(text: string, i: number, start: number, end: number): number {
  return i >= start && i < end ? text.charCodeAt(i) : NaN;
}

/** Half of a surrogate pair at `i` (invalid UTF-16: GitHub's API rejects it). */
function isLoneSurrogate(text: string, i: number, start: number, end: number): boolean {
  const code = text.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff) return !isLow(unitIn(text, i + 1, start, end));
  if (code >= 0xdc00 && code <= 0xdfff) return !isHigh(unitIn(text, i - 1, start, end));
  return false;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isAsciiLetter = (code: number): boolean => (code | 0x20) >= 97 && (code | 0x20) <= 122;

/** The `-` of `GH-<digit>` (any case), `GH` not after an ASCII word character. */
function isGhRefDash(text: string, i: number, start: number, end: number): boolean {
  // (only `G`/`g` and `H`/`h` lower-case to `g` and `h`, so `| 0x20` is `toLowerCase` here)
  const d = unitIn(text, i + 1, start, end); // NaN at the end of the text: then `GH-` counts too
  if (i - start < 2 || d < 48 || d > 57) return false;
  if ((text.charCodeAt(i - 2) | 0x20) !== 103 || (text.charCodeAt(i - 1) | 0x20) !== 104)
    return false;
  if (i - start === 2) return true;
  const before = text.charCodeAt(i - 3);
  return !(isAsciiLetter(before) || isDigit(before) || before === 95);
}

/** `www` (any case) at `i`, not after an ASCII letter or digit: where `www.` autolinks start. */
function isWwwAt(text: string, i: number, start: number): boolean {
  if (i > start) {
    const before = text.charCodeAt(i - 1);
    if (isAsciiLetter(before) || isDigit(before)) return false;
  }
  return (
    (text.charCodeAt(i) | 0x20) === 119 &&
    (text.charCodeAt(i + 1) | 0x20) === 119 &&
    (text.charCodeAt(i + 2) | 0x20) === 119
  );
}

/**
 * Escape untrusted text for use inline (a table cell, a sentence, a title). Line breaks become
 * spaces. The result renders as the literal input.
 */
export function escapeInline(text: string): string {
  // most text needs few changes: up to the first one it is copied as it is (or returned)
  const change = firstChange(text);
  if (change < 0) return text;
  const out = new CodeUnits(text.length + 16);
  out.append(text, 0, change);
  writeEscaped(out, text, 0, text.length, change);
  return out.toString();
}

/** Whether `text.slice(0, end)` is `^ {0,3}$` (`digits`: `^ {0,3}[0-9]{1,9}$`). */
function isLineStartIn(text: string, end: number, digits: boolean): boolean {
  if (end > (digits ? 12 : 3)) return false;
  let i = 0;
  while (i < end && i < 3 && text.charCodeAt(i) === 32) i++;
  if (!digits) return i === end;
  const first = i;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  return i === end && i > first && i - first <= 9;
}

/** Where `escapeInline` first changes `text` (the same tests as `writeEscaped`), -1 if nowhere. */
function firstChange(text: string): number {
  const end = text.length;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 97 && code <= 122 && code !== 119) continue; // most letters: never changed
    if (
      code === 10 ||
      code === 13 ||
      code === 9 ||
      isInvisibleControl(code) ||
      ((isHigh(code) || isLow(code)) && isLoneSurrogate(text, i, 0, end)) ||
      code === 60 ||
      code === 62 ||
      code === 38 ||
      code === 64 ||
      code === 35 ||
      (code === 58 &&
        i + 2 < end &&
        text.charCodeAt(i + 1) === 47 &&
        text.charCodeAt(i + 2) === 47) ||
      (code === 45 && isGhRefDash(text, i, 0, end)) ||
      ((code | 0x20) === 119 &&
        i + 3 < end &&
        text.charCodeAt(i + 3) === 46 &&
        isWwwAt(text, i, 0)) ||
      isBackslashEscaped(code) ||
      (isLineStartMarker(code) && isLineStartIn(text, i, false)) ||
      ((code === 46 || code === 41) && isLineStartIn(text, i, true))
    )
      return i;
  }
  return -1;
}

/**
 * `escapeInline` of `text.slice(start, end)`, written to `out`; `resume`: where to go on when
 * `text.slice(start, resume)` is already in `out` unchanged.
 */
export function writeEscaped(
  out: CodeUnits,
  text: string,
  start: number,
  end: number,
  resume = start,
): void {
  const from = out.length - (resume - start);
  // where `out` ends with a space (a run of line breaks becomes one space)
  let spaceEnd = resume > start && text.charCodeAt(resume - 1) === 32 ? out.length : -1;
  for (let i = resume; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || code === 13 || code === 9) {
      if (spaceEnd !== out.length || code === 9) out.push(32);
      spaceEnd = out.length;
    } else if (isInvisibleControl(code)) {
      // dropped: invisible, or reorders text (Trojan Source)
    } else if ((isHigh(code) || isLow(code)) && isLoneSurrogate(text, i, start, end)) {
      out.push(0xfffd);
    } else if (code === 60) {
      out.append("&lt;");
    } else if (code === 62) {
      out.append("&gt;");
    } else if (code === 38) {
      out.append("&amp;");
    } else if (code === 64 || code === 35) {
      out.push2(code, ZWSP);
    } else if (
      code === 58 &&
      i + 2 < end &&
      text.charCodeAt(i + 1) === 47 &&
      text.charCodeAt(i + 2) === 47
    ) {
      out.push2(code, ZWSP);
    } else if (code === 45 && isGhRefDash(text, i, start, end)) {
      // `GH-123` links an issue like `#123`
      out.push2(code, ZWSP);
    } else if (
      (code | 0x20) === 119 &&
      i + 3 < end &&
      text.charCodeAt(i + 3) === 46 &&
      isWwwAt(text, i, start)
    ) {
      // GitHub autolinks `www.host/…` without a scheme: `www​.` is plain text
      out.append(text, i, i + 3);
      out.push(ZWSP);
      i += 2;
    } else if (isBackslashEscaped(code)) {
      out.push2(92, code);
    } else if (isLineStartMarker(code) && out.isLineStart(from, false)) {
      out.push2(92, code);
    } else if ((code === 46 || code === 41) && out.isLineStart(from, true)) {
      // "1." or "1)" at the start of a line would open an ordered list
      out.push2(92, code);
    } else {
      out.push(code);
      if (code === 32) spaceEnd = out.length;
    }
  }
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
