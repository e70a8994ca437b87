import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/config/schema.js";
import { findClosingReferences, parseIssueRef } from "../../../src/core/issue-ref.js";
import { formatMoney, type Money } from "../../../src/core/money.js";
import type { Problem } from "../../../src/core/problem.js";
import {
  type LinkedIssue,
  resolveValueStatement,
  type ValueResult,
} from "../../../src/core/value/resolve.js";
import { parseValueSection } from "../../../src/core/value/section.js";

const here = { owner: "acme", repo: "shop" };
const TYPES = Object.keys(DEFAULT_CONFIG.value.types);

function resolve(prBody: string, linkedIssues: LinkedIssue[] = []): ValueResult {
  return resolveValueStatement({ prBody, linkedIssues, repository: here, config: DEFAULT_CONFIG });
}

function wellFormed(problem: Problem): boolean {
  return (
    problem.code.startsWith("value.") &&
    (problem.severity === "error" || problem.severity === "warning") &&
    problem.message.length > 0 &&
    problem.fix.length > 0 &&
    (problem.quote === undefined || problem.quote.length <= 81)
  );
}

function allProblems(result: ValueResult): Problem[] {
  return result.ok ? result.warnings : result.problems;
}

/** Fragments that mean something to the parsers, mixed with noise. */
const fragment = fc.oneof(
  fc.constantFrom(
    "## Value",
    "# Value",
    "###### value",
    "####### Value",
    "**Value**",
    "Value",
    "=====",
    "---",
    "Issue: #1",
    "Issue: o/r#2",
    "Issue: https://github.com/o/r/issues/3",
    "Issue: https://github.com/o/r/pull/4",
    "Type: defect",
    "Type: bug",
    "Worth: $8,000",
    "Worth: €5",
    "Worth: lots",
    "Budget: $300",
    "Budget: <amount>",
    "Why now: soon",
    "Why now:",
    "- **Worth:** 5",
    "* Type: risk",
    "<!--",
    "-->",
    "<!-- x -->",
    "```",
    "~~~",
    "`",
    "Fixes #9",
    "closes: o/r#8",
    "\r",
    "\r\n",
    "\n",
    "\uFEFF",
    "😀",
    "\u202E",
    "",
  ),
  fc.string({ maxLength: 20 }),
);
const markdownish = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join("\n"));

describe("any input gives a result, never an exception", () => {
  it("arbitrary strings", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 500, unit: "binary" }),
        fc.string({ maxLength: 200 }),
        (pr, issue) => {
          const result = resolve(pr, [{ ref: { number: 1 }, body: issue }]);
          expect(allProblems(result).every(wellFormed)).toBe(true);
          parseValueSection({ body: pr, where: "PR body", config: DEFAULT_CONFIG });
          findClosingReferences(pr);
          parseIssueRef(pr);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("markdown-like bodies: results are consistent", () => {
    fc.assert(
      fc.property(markdownish, markdownish, (pr, issue) => {
        const result = resolve(pr, [{ ref: { number: 1 }, body: issue }]);
        const problems = allProblems(result);
        expect(problems.every(wellFormed)).toBe(true);
        // ok exactly when there is no error
        expect(result.ok).toBe(!problems.some((p) => p.severity === "error"));
        // errors first
        const firstWarning = problems.findIndex((p) => p.severity === "warning");
        if (firstWarning >= 0) {
          expect(problems.slice(firstWarning).every((p) => p.severity === "warning")).toBe(true);
        }
        const statement = result.ok ? result.statement : result.partial;
        for (const field of ["type", "worth", "budget", "whyNow"] as const) {
          // every value has an origin, and a money value is in the configured currency
          expect(statement[field] === undefined).toBe(statement.origin?.[field] === undefined);
        }
        for (const money of [statement.worth, statement.budget]) {
          if (money !== undefined) {
            expect(money.currency).toBe("USD");
            expect(money.micros >= 0n).toBe(true);
          }
        }
        for (const problem of problems) {
          if (problem.where !== undefined) {
            expect(problem.where).toMatch(/^(PR body|issue #1)( line \d+)?$/);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

/** A statement written in one of the accepted forms. */
const written = fc.record({
  issue: fc.integer({ min: 1, max: 999_999 }),
  type: fc.constantFrom(...TYPES),
  worth: fc.bigInt({ min: 0n, max: 10_000_000n }),
  budget: fc.option(fc.bigInt({ min: 0n, max: 10_000_000n }), { nil: undefined }),
  // (text made only of `x`, `.`, `?`, `_`… is a placeholder such as `X,XXX`)
  whyNow: fc.option(fc.stringMatching(/^[A-WYZa-wyz0-9][A-Za-z0-9 ,;.%]{0,60}[A-Za-z0-9.]$/), {
    nil: undefined,
  }),
  level: fc.integer({ min: 1, max: 6 }),
  headingCase: fc.constantFrom("Value", "value", "VALUE"),
  keyStyle: fc.constantFrom(
    (k: string, v: string) => `${k}: ${v}`,
    (k: string, v: string) => `- ${k}: ${v}`,
    (k: string, v: string) => `* ${k}: ${v}`,
    (k: string, v: string) => `**${k}:** ${v}`,
    (k: string, v: string) => `**${k}**: ${v}`,
    (k: string, v: string) => `${k.toLowerCase()}:${v}`,
  ),
  whyKey: fc.constantFrom("Why now", "Why-now", "why_now", "WHY NOW"),
  eol: fc.constantFrom("\n", "\r\n"),
  noise: fc.constantFrom(
    "",
    "<!-- a comment -->",
    "```\n## Value\nWorth: 1\n```",
    "~~~\nType: risk\n~~~",
    "Prose: with a colon",
    "<!--\nWorth: 2\n-->",
  ),
});

function usd(micros: bigint): Money {
  return { micros, currency: "USD" };
}

describe("what is written is what is read", () => {
  it("every accepted form round-trips, whatever the noise around it", () => {
    fc.assert(
      fc.property(written, (w) => {
        const lines = [
          "Some description.",
          w.noise,
          `${"#".repeat(w.level)} ${w.headingCase}`,
          w.noise,
          w.keyStyle("Issue", `#${w.issue}`),
          w.keyStyle("Type", w.type),
          w.noise,
          w.keyStyle("Worth", formatMoney(usd(w.worth * 10_000n))),
        ];
        if (w.budget !== undefined) lines.push(w.keyStyle("Budget", `${w.budget} USD`));
        if (w.whyNow !== undefined) lines.push(w.keyStyle(w.whyKey, w.whyNow));
        lines.push("", `${"#".repeat(w.level)} Next`, "Worth: 1");
        // the issue is readable and has no section: nothing to inherit, nothing to note
        const result = resolve(lines.join("\n").split("\n").join(w.eol), [
          { ref: { number: w.issue }, body: "" },
        ]);
        expect(result).toEqual({
          ok: true,
          statement: {
            issue: { number: w.issue },
            type: w.type,
            worth: usd(w.worth * 10_000n),
            ...(w.budget !== undefined ? { budget: usd(w.budget * 1_000_000n) } : {}),
            ...(w.whyNow !== undefined ? { whyNow: w.whyNow } : {}),
            origin: {
              issue: "pr",
              type: "pr",
              worth: "pr",
              ...(w.budget !== undefined ? { budget: "pr" } : {}),
              ...(w.whyNow !== undefined ? { whyNow: "pr" } : {}),
            },
          },
          warnings:
            w.budget !== undefined && w.budget * 1_000_000n > w.worth * 10_000n
              ? [expect.objectContaining({ code: "value.budget-exceeds-worth" })]
              : [],
        });
      }),
      { numRuns: 300 },
    );
  });

  it("a field in the PR always overrides the issue's", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.boolean(),
        (prWorth, issueWorth, prHasIt) => {
          const pr = `Fixes #7\n## Value\nType: risk\n${prHasIt ? `Worth: ${prWorth}` : ""}`;
          const issue = `## Value\nWorth: ${issueWorth}\nType: cost`;
          const result = resolve(pr, [{ ref: { number: 7 }, body: issue }]);
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(result.statement.type).toBe("risk");
          expect(result.statement.worth).toEqual(
            usd((prHasIt ? prWorth : issueWorth) * 1_000_000n),
          );
          expect(result.statement.origin.worth).toEqual(prHasIt ? "pr" : { number: 7 });
        },
      ),
    );
  });
});

describe("adversarial bodies of 1 MB", () => {
  const MB = 1_000_000;
  const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const cases: Record<string, string> = {
    "#": fill("#"),
    "# lines": fill("#\n"),
    "<!--": fill("<!--"),
    "<!-- lines": fill("<!--\n"),
    "<!-- -->": fill("<!-- -->"),
    "-->": fill("-->"),
    "**": fill("**"),
    "** lines": fill("**\n"),
    "__x__ lines": fill("__x__\n"),
    "Issue: lines": `## Value\n${fill("Issue: #1\n")}`,
    "Worth: varying": `## Value\n${Array.from({ length: 90_000 }, (_, i) => `Worth: $${i}`).join("\n")}`,
    "nested lists": fill("- * + 1. - [ ] "),
    "nested list lines": fill("  - * Worth: 1\n"),
    "`": fill("`"),
    "backtick runs": Array.from({ length: 1_400 }, (_, i) => `${"`".repeat(i + 1)} x `).join(""),
    "``` lines": fill("```\n"),
    "~~~ lines": fill("~~~\n"),
    "Fixes:": fill("Fixes:"),
    "fixes #1": fill("fixes #1 "),
    "fixes `": fill("fixes `"),
    "fixes [": fill("fixes [#1]("),
    "Value/--- setext": fill("Value\n---\n"),
    "**Value** lines": fill("**Value**\n"),
    "## Value lines": fill("## Value\n"),
    "one long line": `## Value\nWhy now: ${fill("a ")}`,
    "long why-now paragraph": `## Value\nWhy now: x\n${fill("word\n")}`,
    "long type": `## Value\nType: ${fill("defect ")}`,
    "long url": `## Value\nIssue: https://${fill("a/")}`,
    "<": `## Value\nWorth: ${fill("<")}`,
    colons: `## Value\n${fill("a:")}`,
    "typo keys": `## Value\n${fill("Wroth: 1\n")}`,
    CR: fill("\r"),
    CRLF: fill("\r\n"),
    "=": fill("=\n"),
    "mixed markdown": fill("## Value\n<!-- Worth: 1\n```\n-->\nIssue: #1\n**Type:** x\n> y\n"),
  };

  it.each(Object.entries(cases))("%s", (name, body) => {
    const started = performance.now();
    const result = resolveValueStatement({
      prBody: body,
      linkedIssues: [],
      repository: here,
      config: DEFAULT_CONFIG,
    });
    findClosingReferences(body);
    const elapsed = performance.now() - started;
    console.log(`1 MB "${name}": ${elapsed.toFixed(1)} ms`);
    expect(allProblems(result).every(wellFormed)).toBe(true);
    // the target is well under 100 ms; the bound is generous for slow, shared CI machines
    expect(elapsed).toBeLessThan(2_000);
  });

  it("caps what one section and one field can hold", () => {
    const many = `## Value\n${"Note: x\n".repeat(5_000)}Worth: 1`;
    const result = parseValueSection({ body: many, where: "PR body", config: DEFAULT_CONFIG });
    expect(result.parsed.worth).toBeUndefined();
    expect(result.problems.map((p) => p.code)).toEqual(["value.section-too-long"]);
    expect(result.problems[0]?.message).toBe(
      "The `## Value` section is longer than 1,000 lines; only the first 1,000 are read",
    );
    const why = parseValueSection({
      body: `## Value\nWhy now: ${"a".repeat(MB)}`,
      where: "PR body",
      config: DEFAULT_CONFIG,
    });
    expect(why.parsed.whyNow?.length).toBe(1_001);
  });
});
