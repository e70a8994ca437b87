/**
 * The value statement: what a pull request's work is worth, read from a `## Value` section of the
 * PR description or inherited from its linked issue's description.
 *
 * ```
 * ## Value
 * Issue: #123
 * Type: defect
 * Worth: $8,000
 * Budget: $300
 * Why now: Checkout fails for 2% of EU card payments; ~40 support tickets a week.
 * ```
 *
 * Bodies are untrusted: everything is a line-by-line scan (see `markdown/lines.ts`), any string
 * gives a result and never an exception, and every problem names its field, its line and its fix.
 * The format is documented for users in `docs/value-statement.md`. This file completes the PR's
 * section from its issue's; `section.ts` reads one body's section, `fields.ts` each field's value.
 */

import {
  findClosingReferences,
  formatIssueRef,
  type IssueRef,
  type RepositoryContext,
  sameIssue,
} from "../issue-ref.js";
import { formatMoney, type Money } from "../money.js";
import { type Problem, quoteInput } from "../problem.js";
import {
  dayHoursOf,
  type ParsedValueFields,
  VALUE_FIELD_LABELS,
  VALUE_FIELD_NAMES,
  type ValueConfig,
  type ValueFieldName,
} from "./fields.js";
import { type Analysis, analyzeBody } from "./section.js";
import { exampleLine, valueSectionTemplate } from "./template.js";
import { plainList } from "./text.js";

/** Where a field of the statement came from: the PR description or an issue's description. */
export type ValueOrigin = "pr" | IssueRef;

/** A complete statement: Type and Worth are always there (the point is value beside cost). */
export interface ValueStatement {
  issue?: IssueRef;
  type: string;
  worth: Money;
  budget?: Money;
  whyNow?: string;
  /**
   * Declared engineering time on this PR, in whole minutes (`Effort: 6h`). Read from the PR only:
   * an issue's `Effort:` would count the same hours again on every PR of the issue.
   */
  effort?: number;
  /** Where each field came from; `issue` is always `pr` (the PR names or links it). */
  origin: Partial<Record<ValueFieldName, ValueOrigin>>;
}

export type ValueResult =
  | { ok: true; statement: ValueStatement; warnings: Problem[] }
  | { ok: false; problems: Problem[]; partial: Partial<ValueStatement> };

/** An issue linked to the PR, with its description (what the GitHub side or the CLI read). */
export interface LinkedIssue {
  ref: IssueRef;
  body: string;
  state?: "open" | "closed";
}

/** `value.required`, plus Type and Worth, which a statement always needs. */
function requiredFields(config: ValueConfig): ValueFieldName[] {
  const listed = config.value.required.map((f): ValueFieldName => (f === "why-now" ? "whyNow" : f));
  return VALUE_FIELD_NAMES.filter(
    (name) => name === "type" || name === "worth" || listed.includes(name),
  );
}

function copyField<K extends keyof ParsedValueFields>(
  target: ParsedValueFields,
  source: ParsedValueFields,
  key: K,
): boolean {
  const value = source[key];
  if (value === undefined) return false;
  target[key] = value;
  return true;
}

/** Linked issues read at most (a PR closing more than this is not a work item). */
export const MAX_LINKED_ISSUES = 50;

interface Source {
  ref: IssueRef;
  label: string;
  analysis: Analysis;
}

/** What the steps of `resolveValueStatement` share. */
interface Resolution {
  config: ValueConfig;
  /** `## Value`, as problems quote it. */
  headingMark: string;
  label: (ref: IssueRef) => string;
  pr: Analysis;
  /** The linked issues, each once. */
  linked: readonly LinkedIssue[];
  /** The issue the PR's `Issue:` field names. */
  named: IssueRef | undefined;
  /** The issue whose section completes the PR's. */
  source: Source | undefined;
  /** The statement's issue. */
  issue: IssueRef | undefined;
}

type PartialStatement = ParsedValueFields & Pick<ValueStatement, "origin">;

/** The linked issues, each once, at most `MAX_LINKED_ISSUES`. */
function distinctIssues(
  issues: readonly LinkedIssue[],
  repository: RepositoryContext,
): LinkedIssue[] {
  const linked: LinkedIssue[] = [];
  for (const issue of issues.slice(0, MAX_LINKED_ISSUES)) {
    if (!linked.some((other) => sameIssue(other.ref, issue.ref, repository))) linked.push(issue);
  }
  return linked;
}

/**
 * Which issue's section completes the PR's: the one `Issue:` names (when its body is known), else
 * the first linked issue with a section, open before closed (a warning when there are several).
 */
function chooseSource(params: {
  named: IssueRef | undefined;
  linked: readonly LinkedIssue[];
  repository: RepositoryContext;
  analyze: (issue: LinkedIssue) => Source;
  headingMark: string;
}): { source: Source | undefined; namedUnavailable: boolean; warning?: Problem } {
  const { named, linked, repository, analyze, headingMark } = params;
  if (named !== undefined) {
    const issue = linked.find((other) => sameIssue(other.ref, named, repository));
    if (issue === undefined) return { source: undefined, namedUnavailable: true };
    const candidate = analyze(issue);
    return {
      source: candidate.analysis.section.found ? candidate : undefined,
      namedUnavailable: false,
    };
  }
  const ordered = [
    ...linked.filter((issue) => issue.state !== "closed"),
    ...linked.filter((issue) => issue.state === "closed"),
  ];
  const withSection = ordered.map(analyze).filter((s) => s.analysis.section.found);
  const source = withSection[0];
  if (withSection.length <= 1) return { source, namedUnavailable: false };
  const labels = withSection.map((s) => s.label);
  return {
    source,
    namedUnavailable: false,
    warning: {
      code: "value.several-issue-sections",
      severity: "warning",
      message: `Linked issues ${plainList(labels)} each have a \`${headingMark}\` section; only ${labels[0]}'s is used`,
      fix: `Name the issue this PR is for with an \`Issue:\` line under \`${headingMark}\` in the PR description`,
      where: "PR body",
    },
  };
}

/**
 * The statement field by field: the PR's field if written, else the source issue's. A field's
 * problems come with it; a field with an error is `invalid` (not also reported missing).
 */
function mergeFields(r: Resolution): {
  statement: PartialStatement;
  fieldProblems: Problem[];
  invalid: Set<ValueFieldName>;
} {
  const { pr, source, issue } = r;
  const statement: PartialStatement = { origin: {} };
  const fieldProblems: Problem[] = [];
  const invalid = new Set<ValueFieldName>();
  if (issue !== undefined) {
    statement.issue = issue;
    statement.origin.issue = "pr";
  }
  if (pr.fieldProblems.issue !== undefined) {
    fieldProblems.push(...pr.fieldProblems.issue);
    if (pr.fieldProblems.issue.some((p) => p.severity === "error")) invalid.add("issue");
  }
  for (const name of ["type", "worth", "budget", "whyNow", "effort"] as const) {
    let from: { origin: ValueOrigin; analysis: Analysis } | undefined;
    if (pr.section.fields[name] !== undefined) from = { origin: "pr", analysis: pr };
    else if (name !== "effort" && source?.analysis.section.fields[name] !== undefined) {
      from = { origin: source.ref, analysis: source.analysis };
    }
    if (from === undefined) continue;
    if (copyField(statement, from.analysis.section.parsed, name)) {
      statement.origin[name] = from.origin;
    }
    const problems = from.analysis.fieldProblems[name] ?? [];
    fieldProblems.push(...problems);
    if (problems.some((p) => p.severity === "error")) invalid.add(name);
  }
  return { statement, fieldProblems, invalid };
}

/** A budget above the work's worth: a warning at the line Budget came from. */
function budgetWarning(r: Resolution, statement: PartialStatement): Problem | undefined {
  const { pr, source } = r;
  const { worth, budget } = statement;
  if (worth === undefined || budget === undefined || budget.micros <= worth.micros) {
    return undefined;
  }
  const origin = statement.origin.budget;
  const raw = origin === "pr" ? pr.section.fields.budget : source?.analysis.section.fields.budget;
  const body = origin === "pr" || source === undefined ? "PR body" : `issue ${source.label}`;
  return {
    code: "value.budget-exceeds-worth",
    severity: "warning",
    message: `Budget (${formatMoney(budget, { whole: true })}) is more than Worth (${formatMoney(worth, { whole: true })}): spending it all would cost more than the work is worth`,
    fix: "Lower the budget, or raise Worth if the work is worth more",
    where: raw !== undefined ? `${body} line ${raw.line}` : body,
  };
}

/** The issue `Issue:` names could not be read while the PR lacks fields it could have given. */
function issueUnavailableWarning(r: Resolution): Problem | undefined {
  const { pr, named, headingMark, label } = r;
  // Why now alone is not worth a note: it is rarely inherited
  const prFieldsMissing = (["type", "worth", "budget"] as const).some(
    (name) => pr.section.fields[name] === undefined,
  );
  if (named === undefined || !prFieldsMissing) return undefined;
  return {
    code: "value.issue-unavailable",
    severity: "warning",
    message: `The description of issue ${label(named)} (named by \`Issue:\`) could not be read, so nothing was inherited from it`,
    fix: `Give every field under \`${headingMark}\` in the PR description, or make issue ${label(named)} readable (the app must be installed on its repository; locally: \`--issue-file ${named.owner !== undefined ? formatIssueRef(named) : named.number}=issue.md\`)`,
    where:
      pr.section.headingLine !== undefined ? `PR body line ${pr.section.headingLine}` : "PR body",
  };
}

/** No section in the PR nor in any issue: one error with the template to paste. */
function noSectionProblem(r: Resolution): Problem {
  const { config, headingMark, label, pr, linked, issue } = r;
  const issueText = issue !== undefined ? label(issue) : undefined;
  const consulted =
    linked.length > 0
      ? ` (nor does ${linked.length === 1 ? "linked issue" : "any linked issue:"} ${plainList(linked.map((l) => label(l.ref)))})`
      : "";
  const hints = pr.hints.length > 0 ? `; ${pr.hints.join("; ")}` : "";
  const required = requiredFields(config);
  const optional = VALUE_FIELD_NAMES.filter((name) => !required.includes(name)).map(
    (name) => VALUE_FIELD_LABELS[name],
  );
  const optionalText =
    optional.length > 0
      ? `; ${plainList(optional)} ${optional.length === 1 ? "is" : "are"} optional`
      : "";
  return {
    code: "value.no-section",
    severity: "error",
    message: `The PR description has no \`${headingMark}\` section${consulted}${hints}`,
    fix: `Add this section to the PR description (or to the issue's description, for every PR of that issue) and fill it in${optionalText}:\n\n${valueSectionTemplate({ config, ...(issueText !== undefined ? { issue: issueText } : {}) })}`,
    where: "PR body",
  };
}

/** A required field nobody gave: where to add it, at its placeholder when there is one. */
function missingFieldProblem(r: Resolution, name: ValueFieldName): Problem {
  const { config, headingMark, label, pr, source, named, issue } = r;
  const fieldLabel = VALUE_FIELD_LABELS[name];
  const placeholder =
    pr.section.placeholders[name] ??
    (name === "effort" ? undefined : source?.analysis.section.placeholders[name]);
  const placeholderWhere =
    pr.section.placeholders[name] !== undefined
      ? "PR body"
      : source !== undefined
        ? `issue ${source.label}`
        : "PR body";
  const places: string[] = [
    pr.section.found
      ? `under \`${headingMark}\` in the PR description`
      : `in a \`${headingMark}\` section in the PR description`,
  ];
  if (name === "issue") {
    places.push("or link the issue in the PR description with `Fixes #123`");
  } else if (name === "effort") {
    // the PR's own: an issue's Effort is not inherited
  } else if (source !== undefined) {
    places.push(`or under \`${headingMark}\` in issue ${source.label}'s description`);
  } else if (named !== undefined) {
    places.push(`or in a \`${headingMark}\` section in issue ${label(named)}'s description`);
  }
  const issueText = issue !== undefined ? label(issue) : undefined;
  return {
    code: "value.missing-field",
    severity: "error",
    message:
      placeholder !== undefined
        ? `${fieldLabel} is missing: the template's placeholder is still there`
        : `${fieldLabel} is missing`,
    fix: `Add a line \`${exampleLine(name, config, issueText)}\` ${places.join(", ")}`,
    ...(placeholder !== undefined
      ? {
          where: `${placeholderWhere} line ${placeholder.line}`,
          quote: quoteInput(`${placeholder.key}: ${placeholder.value}`),
        }
      : {
          where:
            pr.section.headingLine !== undefined
              ? `PR body line ${pr.section.headingLine}`
              : source?.analysis.section.headingLine !== undefined
                ? `issue ${source.label} line ${source.analysis.section.headingLine}`
                : "PR body",
        }),
  };
}

/**
 * The value statement of a pull request. The PR's `## Value` section wins field by field; what it
 * lacks comes from its issue's section: the issue named by `Issue:` (if its body is among
 * `linkedIssues`), else the first linked issue with a section (open before closed).
 * `linkedIssues` are what the GitHub side knows (closing keywords, the sidebar, the `Issue:`
 * field); closing keywords in the PR body also name the statement's issue.
 */
export function resolveValueStatement(params: {
  prBody: string;
  linkedIssues: readonly LinkedIssue[];
  repository: RepositoryContext;
  config: ValueConfig;
  /**
   * The PR body already analysed (`analyzeBody(prBody, "PR body", config)`), so an evaluation
   * reads the body once: used only when it is of this body with the same value settings.
   */
  prAnalysis?: BodyAnalysis;
}): ValueResult {
  const { repository, config } = params;
  const prBody = typeof params.prBody === "string" ? params.prBody : "";
  const headingMark = `## ${config.value.heading}`;
  const label = (ref: IssueRef) => formatIssueRef(ref, repository);
  const earlier = params.prAnalysis;
  const pr =
    earlier !== undefined && earlier.body === prBody && sameValueSettings(earlier.config, config)
      ? earlier.analysis
      : analyzeBody(prBody, "PR body", config);
  const general: Problem[] = [...pr.otherProblems];

  // 1. which issue's section completes the PR's
  const linked = distinctIssues(params.linkedIssues, repository);
  const analyze = (issue: LinkedIssue): Source => ({
    ref: issue.ref,
    label: label(issue.ref),
    analysis: analyzeBody(issue.body, `issue ${label(issue.ref)}`, config),
  });
  const named = pr.section.parsed.issue;
  const chosen = chooseSource({ named, linked, repository, analyze, headingMark });
  const source = chosen.source;
  if (chosen.warning !== undefined) general.push(chosen.warning);
  if (source !== undefined) general.push(...source.analysis.otherProblems);

  // 2. the fields; Issue: the PR's field, else the issue it inherits from, else any linked or
  // closed issue
  const issue = named ?? source?.ref ?? linked[0]?.ref ?? findClosingReferences(prBody, pr.doc)[0];
  const r: Resolution = { config, headingMark, label, pr, linked, named, source, issue };
  const { statement, fieldProblems, invalid } = mergeFields(r);
  const budget = budgetWarning(r, statement);
  if (budget !== undefined) general.push(budget);
  const unavailable = chosen.namedUnavailable ? issueUnavailableWarning(r) : undefined;
  if (unavailable !== undefined) general.push(unavailable);

  // 3. what is still missing
  const missing = requiredFields(config).filter(
    (name) => statement[name] === undefined && !invalid.has(name),
  );
  const errors: Problem[] =
    missing.length > 0 && !pr.section.found && source === undefined
      ? [noSectionProblem(r)]
      : missing.map((name) => missingFieldProblem(r, name));

  const all = [...errors, ...fieldProblems, ...general];
  const errorsFirst = [
    ...all.filter((p) => p.severity === "error"),
    ...all.filter((p) => p.severity !== "error"),
  ];
  const { type, worth } = statement;
  if (
    errorsFirst.some((p) => p.severity === "error") ||
    type === undefined ||
    worth === undefined
  ) {
    return { ok: false, problems: errorsFirst, partial: statement };
  }
  return { ok: true, statement: { ...statement, type, worth }, warnings: errorsFirst };
}

/** A body's analysis with what it was made from (see `resolveValueStatement`'s `prAnalysis`). */
export interface BodyAnalysis {
  body: string;
  config: ValueConfig;
  analysis: Analysis;
}

/** The PR body analysed as `resolveValueStatement` does, kept for it. */
export function analyzePrBody(body: string, config: ValueConfig): BodyAnalysis {
  return { body, config, analysis: analyzeBody(body, "PR body", config) };
}

/**
 * Whether two configs read a value section alike (the same `value` settings, currency and hours
 * in a day).
 */
export function sameValueSettings(a: ValueConfig, b: ValueConfig): boolean {
  return (
    a === b ||
    (a.currency === b.currency &&
      dayHoursOf(a) === dayHoursOf(b) &&
      JSON.stringify(a.value) === JSON.stringify(b.value))
  );
}
