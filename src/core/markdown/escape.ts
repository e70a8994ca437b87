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

const ZWSP = 0x200b;

/**
 * Output built as UTF-16 code units in a growing buffer, turned into a string once. `out += c`
 * per character builds a rope of a million nodes on a 1 MB input, and flattening it took
 * 150–500 ms (the adversarial bench); this takes a few.
 */
class CodeUnits {
  private units: Uint16Array;
  length = 0;

  constructor(capacity: number) {
    this.units = new Uint16Array(Math.max(16, capacity));
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.units.length) return;
    const bigger = new Uint16Array(Math.max(2 * this.units.length, this.length + extra));
    bigger.set(this.units.subarray(0, this.length));
    this.units = bigger;
  }

  push(unit: number): void {
    if (this.length === this.units.length) this.reserve(1);
    this.units[this.length++] = unit;
  }

  push2(first: number, second: number): void {
    this.reserve(2);
    this.units[this.length++] = first;
    this.units[this.length++] = second;
  }

  append(text: string, start = 0, end = text.length): void {
    this.reserve(end - start);
    for (let i = start; i < end; i++) this.units[this.length++] = text.charCodeAt(i);
  }

  /** Whether the output since `from` is `^ {0,3}$` (`digits`: `^ {0,3}[0-9]{1,9}$`). */
  isLineStart(from: number, digits: boolean): boolean {
    if (this.length - from > (digits ? 12 : 3)) return false;
    let i = from;
    while (i < this.length && i < from + 3 && this.units[i] === 32) i++;
    if (!digits) return i === this.length;
    const first = i;
    while (i < this.length && (this.units[i] as number) >= 48 && (this.units[i] as number) <= 57)
      i++;
    return i === this.length && i > first && i - first <= 9;
  }

  /** `text` put at `at`, the units after it moved along. */
  insert(at: number, text: string): void {
    this.reserve(text.length);
    this.units.copyWithin(at + text.length, at, this.length);
    for (let i = 0; i < text.length; i++) this.units[at + i] = text.charCodeAt(i);
    this.length += text.length;
  }

  unitAt(i: number): number {
    return this.units[i] as number;
  }

  toString(): string {
    return decodeUnits(this.units.subarray(0, this.length));
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The string of these UTF-16 code units, exactly (lone surrogates included). */
export function decodeUnits(units: Uint16Array): string {
  // a Buffer costs more than the copy for short output (code spans of `escapeWithCode`)
  if (units.length <= 256) return String.fromCharCode.apply(null, units as unknown as number[]);
  if (LITTLE_ENDIAN)
    return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString("utf16le");
  const parts: string[] = [];
  for (let i = 0; i < units.length; i += 8192)
    parts.push(String.fromCharCode(...units.subarray(i, i + 8192)));
  return parts.join("");
}

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
function writeEscaped(
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

/** The longest backtick run kept inside a code span (its fence is one longer). */
const MAX_CODE_RUN = 63;

/**
 * Untrusted text as inline code: a span whose backtick fence is longer than any run inside.
 * `|` cannot be escaped inside code spans except as `\|` in tables, so it is replaced by `¦`.
 */
export function inlineCode(text: string, options: { inTable?: boolean } = {}): string {
  const inTable = options.inTable === true;
  // text that needs no change goes in as it is (the same tests as `writeInlineCode`)
  let longestRun = 0;
  let run = 0;
  let blank = true;
  let unchanged = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || code === 13 || code === 9 || isInvisibleControl(code)) {
      unchanged = false;
      break;
    }
    if (isHigh(code) && isLow(text.charCodeAt(i + 1))) {
      i++;
      run = 0;
      blank = false;
      continue;
    }
    if (isHigh(code) || isLow(code) || (inTable && code === 124)) {
      unchanged = false;
      break;
    }
    if (code === 96) {
      if (run === MAX_CODE_RUN) {
        unchanged = false;
        break;
      }
      run++;
      if (run > longestRun) longestRun = run;
    } else {
      run = 0;
    }
    if (blank && !isWhitespace(code)) blank = false;
  }
  if (unchanged) {
    if (blank) return "` `";
    const fence = "`".repeat(longestRun + 1);
    const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
    return `${fence}${pad}${text}${pad}${fence}`;
  }
  const out = new CodeUnits(text.length + 16);
  writeInlineCode(out, text, 0, text.length, inTable);
  return out.toString();
}

/** `inlineCode` of `text.slice(start, end)`, written to `out`. */
function writeInlineCode(
  out: CodeUnits,
  text: string,
  start: number,
  end: number,
  inTable: boolean,
): void {
  const from = out.length;
  let longestRun = 0;
  let run = 0;
  let blank = true; // the span's text is all whitespace so far (`trim()` would leave nothing)
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || code === 13 || code === 9) {
      out.push(32);
      run = 0;
      continue;
    }
    if (isInvisibleControl(code)) continue;
    if (isHigh(code) && i + 1 < end && isLow(text.charCodeAt(i + 1))) {
      out.push2(code, text.charCodeAt(i + 1)); // a pair: one character
      i++;
      run = 0;
      blank = false;
      continue;
    }
    if (isHigh(code) || isLow(code)) {
      out.push(0xfffd); // half of a surrogate pair
      run = 0;
      blank = false;
      continue;
    }
    if (code === 96) {
      // a run as long as the fence would close the span early: longer runs are cut to the cap
      if (run === MAX_CODE_RUN) continue;
      run++;
      if (run > longestRun) longestRun = run;
    } else {
      run = 0;
    }
    out.push(inTable && code === 124 ? 0xa6 : code);
    if (blank && !isWhitespace(code)) blank = false;
  }
  if (blank) {
    out.length = from;
    out.append("` `");
    return;
  }
  const fence = "`".repeat(longestRun + 1);
  const pad = out.unitAt(from) === 96 || out.unitAt(out.length - 1) === 96 ? " " : "";
  out.insert(from, `${fence}${pad}`);
  out.append(pad);
  out.append(fence);
}

/** What `String.prototype.trim` removes (WhiteSpace and LineTerminator of ECMAScript). */
function isWhitespace(code: number): boolean {
  return code <= 0xff
    ? code === 32 || (code >= 9 && code <= 13) || code === 0xa0
    : code === 0x1680 ||
        (code >= 0x2000 && code <= 0x200a) ||
        code === 0x2028 ||
        code === 0x2029 ||
        code === 0x202f ||
        code === 0x205f ||
        code === 0x3000 ||
        code === 0xfeff;
}

/**
 * A message that quotes untrusted text but marks code with backticks (`` `Budget:` ``): each
 * backtick span becomes a safe code span (`inlineCode`), everything else is escaped like
 * `escapeInline`, an unpaired backtick included. Linear: a run's partner (the next run of the same
 * length, as in CommonMark) is found in one backwards pass.
 */
export function escapeWithCode(text: string): string {
  const starts: number[] = [];
  const lengths: number[] = [];
  for (let i = text.indexOf("`"); i >= 0; i = text.indexOf("`", i)) {
    const start = i;
    while (i < text.length && text.charCodeAt(i) === 96) i++;
    starts.push(start);
    lengths.push(i - start);
  }
  const partner = new Int32Array(starts.length).fill(-1);
  const nextByLength = new Map<number, number>();
  for (let k = starts.length - 1; k >= 0; k--) {
    const length = lengths[k] as number;
    partner[k] = nextByLength.get(length) ?? -1;
    nextByLength.set(length, k);
  }
  // no code span at all: the whole text is escaped as one piece
  if (!partner.some((p) => p >= 0)) return escapeInline(text);
  const out = new CodeUnits(text.length + 16);
  let pos = 0;
  for (let k = 0; k < starts.length; k++) {
    const p = partner[k] as number;
    if (p < 0) continue;
    const openStart = starts[k] as number;
    const closeStart = starts[p] as number;
    // each piece as if it were the whole text (`escapeInline(text.slice(…))`)
    writeEscaped(out, text, pos, openStart);
    writeInlineCode(out, text, openStart + (lengths[k] as number), closeStart, false);
    pos = closeStart + (lengths[p] as number);
    k = p;
  }
  writeEscaped(out, text, pos, text.length);
  return out.toString();
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
  // undefined while nothing was changed: the text so far is its own clean copy
  let clean: CodeUnits | undefined;
  const changeAt = (i: number): CodeUnits => {
    if (clean === undefined) {
      clean = new CodeUnits(text.length + 16);
      clean.append(text, 0, i);
    }
    return clean;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 13 || (code !== 10 && code !== 9 && isInvisibleControl(code))) {
      changeAt(i);
      continue;
    }
    if (isHigh(code) && isLow(text.charCodeAt(i + 1))) {
      clean?.push2(code, text.charCodeAt(i + 1)); // a pair: one character
      i++;
      run = 0;
      continue;
    }
    if (isHigh(code) || isLow(code)) {
      changeAt(i).push(0xfffd); // half of a surrogate pair
      run = 0;
      continue;
    }
    if (code === 96) {
      if (run === MAX_CODE_RUN) {
        changeAt(i);
        continue;
      }
      run++;
      if (run > longestRun) longestRun = run;
    } else {
      run = 0;
    }
    clean?.push(code);
  }
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  // trailing newlines dropped by a loop: `/\n+$/` backtracks quadratically on newline runs
  const all = clean === undefined ? text : (clean as CodeUnits).toString();
  let end = all.length;
  while (end > 0 && all.charCodeAt(end - 1) === 10) end--;
  let body = all.slice(0, end);
  if (indent !== "") {
    // every line that is not empty gets the indent (one pass: no array of a million lines)
    const indented = new CodeUnits(end + 16);
    for (let i = 0; i < end; i++) {
      const code = all.charCodeAt(i);
      if (code !== 10 && (i === 0 || all.charCodeAt(i - 1) === 10)) indented.append(indent);
      indented.push(code);
    }
    body = indented.toString();
  }
  return `${indent}${fence}${options.lang ?? ""}\n${body}\n${indent}${fence}`;
}
