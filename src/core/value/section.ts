/**
 * The value section of one body (a PR's or an issue's): find the section, collect its field
 * lines, read each field's value.
 */

import type { IssueRef } from "../issue-ref.js";
import { MarkdownLines } from "../markdown/lines.js";
import type { Money } from "../money.js";
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
  type Read,
  readIssueField,
  readMoneyField,
  readTypeField,
  readWhyNowField,
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

export function analyzeBody(body: string, where: string, config: ValueConfig): Analysis {
  const analysis: Analysis = {
    section: { found: false, fields: {}, placeholders: {}, parsed: {}, problems: [] },
    fieldProblems: {},
    otherProblems: [],
    hints: [],
    doc: new MarkdownLines(typeof body === "string" ? body : ""),
  };
  const doc = analysis.doc;
  const target = normalizeHeading(config.value.heading);
  const headingMark = `## ${config.value.heading}`;

  // 1. find the section: from its heading to the next heading of the same or a higher level
  const sectionLines: number[] = [];
  let sectionLevel = 0;
  let inSection = false;
  let secondSectionLine: number | undefined;
  let nearHeading: string | undefined;
  let strayField: { line: number; key: string } | undefined;
  let sectionTooLong = false;
  for (let i = 0; i < doc.count; i++) {
    if (doc.isCode(i)) continue;
    const heading = headingAt(doc, i);
    if (heading !== undefined) {
      if (inSection && heading.level <= sectionLevel) inSection = false;
      // the section has ended and a second one was seen: nothing more to learn
      if (analysis.section.found && !inSection && secondSectionLine !== undefined) break;
      // normalizing only shortens a heading: a shorter one can neither match nor contain the target
      const normalized = heading.text.length >= target.length ? normalizeHeading(heading.text) : "";
      if (normalized === target) {
        if (!analysis.section.found) {
          analysis.section.found = true;
          analysis.section.headingLine = i + 1;
          analysis.section.headingLevel = heading.level;
          sectionLevel = heading.level;
          inSection = true;
        } else if (secondSectionLine === undefined) {
          secondSectionLine = i + 1;
        }
      } else if (
        !analysis.section.found &&
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
      if (sectionLines.length < MAX_SECTION_LINES) sectionLines.push(i);
      else sectionTooLong = true;
    } else if (!analysis.section.found && strayField === undefined && mayBeField(doc, i)) {
      const field = parseFieldLine(doc.text(i));
      if (field?.key !== undefined && !isPlaceholder(field.value)) {
        strayField = { line: i + 1, key: field.keyText };
      }
    }
  }
  if (nearHeading !== undefined) analysis.hints.push(nearHeading);
  if (strayField !== undefined) {
    analysis.hints.push(
      `found \`${quoteInput(strayField.key, 40)}:\` at line ${strayField.line}, but not under a \`${headingMark}\` heading`,
    );
  }
  if (!analysis.section.found) return analysis;
  if (sectionTooLong) {
    analysis.otherProblems.push({
      code: "value.section-too-long",
      severity: "warning",
      message: `The \`${headingMark}\` section is longer than ${MAX_SECTION_LINES.toLocaleString("en-US")} lines; only the first ${MAX_SECTION_LINES.toLocaleString("en-US")} are read`,
      fix: `Keep the section to its fields and start other text under a new heading`,
      where: `${where} line ${analysis.section.headingLine}`,
    });
  }
  if (secondSectionLine !== undefined) {
    analysis.otherProblems.push({
      code: "value.duplicate-section",
      severity: "warning",
      message: `There is a second \`${headingMark}\` section (line ${secondSectionLine}); only the first (line ${analysis.section.headingLine}) is read`,
      fix: "Merge the two sections into one",
      where: `${where} line ${secondSectionLine}`,
    });
  }

  // 2. the field lines of the section
  const duplicates: Partial<Record<ValueFieldName, number[]>> = {};
  let unknownWarnings = 0;
  for (let k = 0; k < sectionLines.length; k++) {
    const index = sectionLines[k] as number;
    const parsed = mayBeField(doc, index) ? parseFieldLine(doc.text(index)) : undefined;
    if (parsed === undefined) continue;
    if (parsed.key === undefined) {
      const near =
        unknownWarnings < MAX_UNKNOWN_FIELD_WARNINGS ? nearMissKey(parsed.keyText) : undefined;
      if (near !== undefined) {
        unknownWarnings++;
        const label = VALUE_FIELD_LABELS[near];
        analysis.otherProblems.push({
          code: "value.unknown-field",
          severity: "warning",
          message: `\`${quoteInput(parsed.keyText, 40)}:\` is not a value field, so it is ignored; did you mean \`${label}:\`?`,
          fix: `Rename it to \`${label}:\``,
          where: `${where} line ${index + 1}`,
          quote: quoteInput(doc.text(index)),
        });
      }
      continue;
    }
    let value = parsed.value;
    if (parsed.key === "whyNow") {
      // a paragraph: following lines up to a blank line, a field, a list item or a heading
      const parts = value === "" ? [] : [value];
      while (k + 1 < sectionLines.length) {
        const nextIndex = sectionLines[k + 1] as number;
        if (nextIndex !== (sectionLines[k] as number) + 1) break;
        const next = doc.text(nextIndex).trim();
        if (next === "" || isListItemStart(next) || parseFieldLine(next)?.key !== undefined) break;
        k++;
        parts.push(next);
      }
      value = parts.join(" ");
    }
    const raw: RawField = { key: parsed.keyText, value, line: index + 1 };
    if (isPlaceholder(value)) {
      analysis.section.placeholders[parsed.key] ??= raw;
      continue;
    }
    const first = analysis.section.fields[parsed.key];
    if (first === undefined) analysis.section.fields[parsed.key] = raw;
    else if (first.value.toLowerCase() !== value.toLowerCase()) {
      const list = duplicates[parsed.key] ?? [];
      list.push(index + 1);
      duplicates[parsed.key] = list;
    }
  }

  // 3. read each field's value
  const context: FieldContext = { where, config };
  const parsedFields = analysis.section.parsed;
  for (const name of VALUE_FIELD_NAMES) {
    const field = analysis.section.fields[name];
    if (field === undefined) continue;
    const others = duplicates[name];
    if (others !== undefined) {
      const label = VALUE_FIELD_LABELS[name];
      addFieldProblem(analysis, name, {
        code: "value.duplicate-field",
        severity: "warning",
        message: `${label} is given more than once (lines ${plainList([field.line, ...others.slice(0, 5)].map(String))}${others.length > 5 ? ", …" : ""}) with different values; the first is used`,
        fix: `Keep one \`${label}:\` line`,
        where: `${where} line ${others[0]}`,
        quote: quoteInput(field.value),
      });
    }
    let result: Read<unknown>;
    switch (name) {
      case "issue":
        result = readIssueField(field, context);
        if (result.ok) parsedFields.issue = result.value as IssueRef;
        break;
      case "type":
        result = readTypeField(field, context);
        if (result.ok) parsedFields.type = result.value as string;
        break;
      case "worth":
      case "budget":
        result = readMoneyField(name, field, context);
        if (result.ok) parsedFields[name] = result.value as Money;
        break;
      case "whyNow":
        result = readWhyNowField(field, context);
        if (result.ok) parsedFields.whyNow = result.value as string;
        break;
    }
    if (!result.ok) addFieldProblem(analysis, name, result.problem);
    else if (result.warning !== undefined) addFieldProblem(analysis, name, result.warning);
  }
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
