/**
 * Headings of a markdown body as the value section sees them: ATX (`## Value`), setext (a line
 * underlined with `===` or `---`) and a bold line alone (`**Value**`).
 */

import { isSpaceOrTab, leadingSpaces, runLength } from "../markdown/chars.js";
import type { MarkdownLines } from "../markdown/lines.js";
import { fieldKey, isListItemStart, parseFieldLine } from "./field-line.js";
import { collapse, stripColon, unwrap } from "./text.js";

/** How a heading's text is compared: case, emphasis, a trailing colon and spacing don't count. */
export function normalizeHeading(text: string): string {
  if (text.length > 300) return text;
  return collapse(stripColon(unwrap(stripColon(text))));
}

export interface Heading {
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
export function headingAt(doc: MarkdownLines, i: number): Heading | undefined {
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
