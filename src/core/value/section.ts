/**
 * The value section of one body (a PR's or an issue's): find the section, collect its field
 * lines, read each field's value.
 */

import { MarkdownLines } from "../markdown/lines.js";
import { type Problem, quoteInput } from "../problem.js";
import {
  isListItemStart,
  isPlaceholder,
  MAX_KEY_CHARS,
  nearMissKey,
  parseFieldLine,
} from "./field-line.js";
import {
  type FieldContext,
  type ParsedValueFields,
  type RawField,
  readFieldValue,
  VALUE_FIELD_LABELS,
  VALUE_FIELD_NAMES,
  type ValueConfig,
  type ValueFieldName,
} from "./fields.js";
import { headingAt, normalizeHeading } from "./headings.js";
import { plainList } from "./text.js";

export interface ValueSection {
  found: boolean;
  /** 1-based line of the section's heading. */
  headingLine?: number;
  /** 1–6 for `#` headings (and setext), 7 for a bold line `**Value**`. */
  headingLevel?: number;
  /** The line used for each field: the first one filled in. */
  fields: Partial<Record<ValueFieldName, RawField>>;
  /** Fields present only as a template placeholder (`<amount>`, `TBD`, empty): treated as missing. */
  placeholders: Partial<Record<ValueFieldName, RawField>>;
  /** The fields that could be read. */
  parsed: ParsedValueFields;
  /** What is wrong with what is written (missing fields are judged by `resolveValueStatement`). */
  problems: Problem[];
}

export interface Analysis {
  section: ValueSection;
  /** Problems with one field's value (dropped when another source overrides the field). */
  fieldProblems: Partial<Record<ValueFieldName, Problem[]>>;
  /** Problems with the section as a whole (warnings). */
  otherProblems: Problem[];
  /** For the "no section" message: a heading that almost matched, a field outside the section. */
  hints: string[];
  /** The body's lines, for reading closing keywords without a second pass. */
  doc: MarkdownLines;
}

const MAX_UNKNOWN_FIELD_WARNINGS = 5;

/** Lines of a value section read at most: a real one has a handful. */
export const MAX_SECTION_LINES = 1_000;

/** Could line `i` be `Key: value`? First character and a colon early on, without slicing it all. */
function mayBeField(doc: MarkdownLines, i: number): boolean {
  // ASCII letter or digit, `-`, `*`, `+` or `_` (char codes: no string per line)
  const first = doc.first(i);
  const letter = first | 0x20;
  if (
    !(
      (letter >= 97 && letter <= 122) ||
      (first >= 48 && first <= 57) ||
      first === 45 ||
      first === 42 ||
      first === 43 ||
      first === 95
    )
  )
    return false;
  return doc.head(i, doc.indent(i) + MAX_KEY_CHARS + 16).includes(":");
}

function addFieldProblem(analysis: Analysis, name: ValueFieldName, problem: Problem): void {
  const list = analysis.fieldProblems[name] ?? [];
  list.push(problem);
  analysis.fieldProblems[name] = list;
}

/** What scanning a body for its section found (step 1 of `analyzeBody`). */
interface SectionScan {
  found: boolean;
  headingLine?: number;
  headingLevel?: number;
  /** The section's lines (0-based), at most `MAX_SECTION_LINES`. */
  lines: number[];
  tooLong: boolean;
  /** 1-based line of a second section with the same heading. */
  secondLine?: number;
  /** For the "no section" message: a heading that almost matched, a field outside the section. */
  hints: string[];
}

/** Find the section: from its heading to the next heading of the same or a higher level. */
function findSection(doc: MarkdownLines, config: ValueConfig): SectionScan {
  const scan: SectionScan = { found: false, lines: [], tooLong: false, hints: [] };
  const target = normalizeHeading(config.value.heading);
  let sectionLevel = 0;
  let inSection = false;
  let nearHeading: string | undefined;
  let strayField: { line: number; key: string } | undefined;
  for (let i = 0; i < doc.count; i++) {
    if (doc.isCode(i)) continue;
    const heading = headingAt(doc, i);
    if (heading !== undefined) {
      if (inSection && heading.level <= sectionLevel) inSection = false;
      // the section has ended and a second one was seen: nothing more to learn
      if (scan.found && !inSection && scan.secondLine !== undefined) break;
      // normalizing only shortens a heading: a shorter one can neither match nor contain the target
      const normalized = heading.text.length >= target.length ? normalizeHeading(heading.text) : "";
      if (normalized === target) {
        if (!scan.found) {
          scan.found = true;
          scan.headingLine = i + 1;
          scan.headingLevel = heading.level;
          sectionLevel = heading.level;
          inSection = true;
        } else if (scan.secondLine === undefined) {
          scan.secondLine = i + 1;
        }
      } else if (
        !scan.found &&
        nearHeading === undefined &&
        normalized.length <= 100 &&
        normalized.includes(target)
      ) {
        nearHeading = `found the heading \`${quoteInput(heading.text, 60)}\` at line ${i + 1}, but the section's heading must be exactly \`${config.value.heading}\``;
      }
      if (heading.setext) i++;
      continue;
    }
    if (inSection) {
      if (scan.lines.length < MAX_SECTION_LINES) scan.lines.push(i);
      else scan.tooLong = true;
    } else if (!scan.found && strayField === undefined && mayBeField(doc, i)) {
      const field = parseFieldLine(doc.text(i));
      if (field?.key !== undefined && !isPlaceholder(field.value)) {
        strayField = { line: i + 1, key: field.keyText };
      }
    }
  }
  if (nearHeading !== undefined) scan.hints.push(nearHeading);
  if (strayField !== undefined) {
    scan.hints.push(
      `found \`${quoteInput(strayField.key, 40)}:\` at line ${strayField.line}, but not under a \`## ${config.value.heading}\` heading`,
    );
  }
  return scan;
}

/** Warnings about the section as a whole: cut at `MAX_SECTION_LINES`, given twice. */
function sectionWarnings(scan: SectionScan, where: string, headingMark: string): Problem[] {
  const warnings: Problem[] = [];
  if (scan.tooLong) {
    warnings.push({
      code: "value.section-too-long",
      severity: "warning",
      message: `The \`${headingMark}\` section is longer than ${MAX_SECTION_LINES.toLocaleString("en-US")} lines; only the first ${MAX_SECTION_LINES.toLocaleString("en-US")} are read`,
      fix: `Keep the section to its fields and start other text under a new heading`,
      where: `${where} line ${scan.headingLine}`,
    });
  }
  if (scan.secondLine !== undefined) {
    warnings.push({
      code: "value.duplicate-section",
      severity: "warning",
      message: `There is a second \`${headingMark}\` section (line ${scan.secondLine}); only the first (line ${scan.headingLine}) is read`,
      fix: "Merge the two sections into one",
      where: `${where} line ${scan.secondLine}`,
    });
  }
  return warnings;
}

/**
 * `Why now` is a paragraph: its first line's value and the lines that directly follow it, up to a
 * blank line, a field, a list item or a heading. Returns the text and the last line used (an
 * index into `lines`).
 */
function whyNowParagraph(
  doc: MarkdownLines,
  lines: readonly number[],
  k: number,
  first: string,
): { value: string; last: number } {
  const parts = first === "" ? [] : [first];
  let last = k;
  while (last + 1 < lines.length) {
    const nextIndex = lines[last + 1] as number;
    if (nextIndex !== (lines[last] as number) + 1) break;
    const next = doc.text(nextIndex).trim();
    if (next === "" || isListItemStart(next) || parseFieldLine(next)?.key !== undefined) break;
    last++;
    parts.push(next);
  }
  return { value: parts.join(" "), last };
}

/** A key that is no field's but close to one (`Wroth:`): a warning naming the field it resembles. */
function unknownFieldWarning(
  doc: MarkdownLines,
  index: number,
  keyText: string,
  where: string,
): Problem | undefined {
  const near = nearMissKey(keyText);
  if (near === undefined) return undefined;
  const label = VALUE_FIELD_LABELS[near];
  return {
    code: "value.unknown-field",
    severity: "warning",
    message: `\`${quoteInput(keyText, 40)}:\` is not a value field, so it is ignored; did you mean \`${label}:\`?`,
    fix: `Rename it to \`${label}:\``,
    where: `${where} line ${index + 1}`,
    quote: quoteInput(doc.text(index)),
  };
}

/**
 * The field lines of the section into `analysis.section.fields` (the first filled-in line of each
 * field) and `placeholders`; returns, per field, the lines that give it a different value again.
 */
function collectFieldLines(
  analysis: Analysis,
  lines: readonly number[],
  where: string,
): Partial<Record<ValueFieldName, number[]>> {
  const { doc, section } = analysis;
  const duplicates: Partial<Record<ValueFieldName, number[]>> = {};
  let unknownWarnings = 0;
  for (let k = 0; k < lines.length; k++) {
    const index = lines[k] as number;
    const parsed = mayBeField(doc, index) ? parseFieldLine(doc.text(index)) : undefined;
    if (parsed === undefined) continue;
    if (parsed.key === undefined) {
      const warning =
        unknownWarnings < MAX_UNKNOWN_FIELD_WARNINGS
          ? unknownFieldWarning(doc, index, parsed.keyText, where)
          : undefined;
      if (warning !== undefined) {
        unknownWarnings++;
        analysis.otherProblems.push(warning);
      }
      continue;
    }
    let value = parsed.value;
    if (parsed.key === "whyNow") {
      const paragraph = whyNowParagraph(doc, lines, k, value);
      value = paragraph.value;
      k = paragraph.last;
    }
    const raw: RawField = { key: parsed.keyText, value, line: index + 1 };
    if (isPlaceholder(value)) {
      section.placeholders[parsed.key] ??= raw;
      continue;
    }
    const first = section.fields[parsed.key];
    if (first === undefined) section.fields[parsed.key] = raw;
    else if (first.value.toLowerCase() !== value.toLowerCase()) {
      const list = duplicates[parsed.key] ?? [];
      list.push(index + 1);
      duplicates[parsed.key] = list;
    }
  }
  return duplicates;
}

/** Read each field's value into `analysis.section.parsed`; problems go to `fieldProblems`. */
function readFieldValues(
  analysis: Analysis,
  duplicates: Partial<Record<ValueFieldName, number[]>>,
  context: FieldContext,
): void {
  const { section } = analysis;
  for (const name of VALUE_FIELD_NAMES) {
    const field = section.fields[name];
    if (field === undefined) continue;
    const others = duplicates[name];
    if (others !== undefined) {
      const label = VALUE_FIELD_LABELS[name];
      addFieldProblem(analysis, name, {
        code: "value.duplicate-field",
        severity: "warning",
        message: `${label} is given more than once (lines ${plainList([field.line, ...others.slice(0, 5)].map(String))}${others.length > 5 ? ", …" : ""}) with different values; the first is used`,
        fix: `Keep one \`${label}:\` line`,
        where: `${context.where} line ${others[0]}`,
        quote: quoteInput(field.value),
      });
    }
    const result = readFieldValue(name, field, context, section.parsed);
    if (!result.ok) addFieldProblem(analysis, name, result.problem);
    else if (result.warning !== undefined) addFieldProblem(analysis, name, result.warning);
  }
}

/** One body's section: 1. find it, 2. collect its field lines, 3. read their values. */
export function analyzeBody(body: string, where: string, config: ValueConfig): Analysis {
  const doc = new MarkdownLines(typeof body === "string" ? body : "");
  const scan = findSection(doc, config);
  const analysis: Analysis = {
    section: { found: false, fields: {}, placeholders: {}, parsed: {}, problems: [] },
    fieldProblems: {},
    otherProblems: [],
    hints: scan.hints,
    doc,
  };
  if (!scan.found) return analysis;
  analysis.section.found = true;
  analysis.section.headingLine = scan.headingLine;
  analysis.section.headingLevel = scan.headingLevel;
  analysis.otherProblems.push(...sectionWarnings(scan, where, `## ${config.value.heading}`));
  const duplicates = collectFieldLines(analysis, scan.lines, where);
  readFieldValues(analysis, duplicates, { where, config });
  analysis.section.problems = [
    ...VALUE_FIELD_NAMES.flatMap((name) => analysis.fieldProblems[name] ?? []),
    ...analysis.otherProblems,
  ];
  return analysis;
}

/**
 * Read the value section of one body (a PR's or an issue's). `where` names the body in problems:
 * `PR body`, `issue #123`. Reports what is wrong with what is written; whether fields are missing
 * is for `resolveValueStatement`, which knows what the issue supplies and what is required.
 */
export function parseValueSection(params: {
  body: string;
  where: string;
  config: ValueConfig;
}): ValueSection {
  return analyzeBody(params.body, params.where, params.config).section;
}
