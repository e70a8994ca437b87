/**
 * Untrusted text as code: inline code spans, code blocks, and messages that mark code with
 * backticks. A span's or block's fence is longer than any backtick run inside (runs are capped, so
 * no input can close it early); nothing inside is rendered (no mentions, links or HTML).
 */
import { CodeUnits, isHigh, isInvisibleControl, isLow, isWhitespace } from "./code-units.js";
import { escapeInline, writeEscaped } from "./escape.js";

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
