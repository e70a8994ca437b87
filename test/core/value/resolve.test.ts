import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/config/schema.js";
import { analyzePrBody, resolveValueStatement } from "../../../src/core/value/resolve.js";
import { valueSectionTemplate } from "../../../src/core/value/template.js";
import {
  codes,
  configWith,
  FULL,
  problemsOf,
  resolve,
  usd,
} from "../../helpers/value-statement.js";

describe("resolveValueStatement: the PR alone", () => {
  it("a complete section is a statement, every field from the PR", () => {
    expect(resolve(FULL)).toEqual({
      ok: true,
      statement: {
        issue: { number: 123 },
        type: "defect",
        worth: usd(8_000),
        budget: usd(300),
        whyNow: "Checkout fails for 2% of EU card payments; ~40 support tickets a week.",
        origin: { issue: "pr", type: "pr", worth: "pr", budget: "pr", whyNow: "pr" },
      },
      warnings: [],
    });
  });

  it("no section at all: one problem with a ready-to-paste section", () => {
    expect(resolve("Just a fix.")).toEqual({
      ok: false,
      problems: [
        {
          code: "value.no-section",
          severity: "error",
          message: "The PR description has no `## Value` section",
          fix: [
            "Add this section to the PR description (or to the issue's description, for every PR of that issue) and fill it in; Budget, Why now and Effort are optional:",
            "",
            "## Value",
            "Issue: #<number>",
            "Type: <defect | customer | security | migration | review-load | compliance | support | revenue | cost | risk>",
            "Worth: $<amount>",
            "Budget: $<amount>",
            "Why now: <what it costs to wait>",
            "Effort: <hours people spent, e.g. 6h>",
          ].join("\n"),
          where: "PR body",
        },
      ],
      partial: { origin: {} },
    });
  });

  it("the pasted template itself is still incomplete", () => {
    const template = valueSectionTemplate({ config: DEFAULT_CONFIG });
    const result = resolve(template);
    expect(codes(problemsOf(result))).toEqual([
      "value.missing-field",
      "value.missing-field",
      "value.missing-field",
    ]);
  });

  it("the no-section message says what it did find", () => {
    const result = resolve("## Value statement\n\nWorth: $5\n\n```\n## Value\n```");
    expect(problemsOf(result)[0]?.message).toBe(
      "The PR description has no `## Value` section; found the heading `Value statement` at line 1, but the section's heading must be exactly `Value`; found `Worth:` at line 3, but not under a `## Value` heading",
    );
  });

  it("missing fields: each named, with the line to add and where", () => {
    const result = resolve("## Value\nType: defect\nWorth: TBD\n");
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          code: "value.missing-field",
          severity: "error",
          message: "Issue is missing",
          fix: "Add a line `Issue: #123` under `## Value` in the PR description, or link the issue in the PR description with `Fixes #123`",
          where: "PR body line 1",
        },
        {
          code: "value.missing-field",
          severity: "error",
          message: "Worth is missing: the template's placeholder is still there",
          fix: "Add a line `Worth: $5,000` under `## Value` in the PR description",
          where: "PR body line 3",
          quote: "Worth: TBD",
        },
      ],
      partial: { type: "defect", origin: { type: "pr" } },
    });
  });

  it("a required Budget or Why now is missing like any field", () => {
    const config = configWith({ value: { required: ["worth", "budget", "why-now"] } });
    const result = resolve("## Value\nWorth: 5\nType: cost", [], config);
    expect(problemsOf(result).map((p) => [p.message, p.fix])).toEqual([
      ["Budget is missing", "Add a line `Budget: $500` under `## Value` in the PR description"],
      [
        "Why now is missing",
        "Add a line `Why now: <what it costs to wait, in a sentence>` under `## Value` in the PR description",
      ],
    ]);
  });

  it("Type and Worth are always required; `value.required` adds to them", () => {
    const config = configWith({ value: { required: [] } });
    expect(resolve("## Value\nType: risk\nWorth: 1", [], config)).toEqual({
      ok: true,
      statement: { type: "risk", worth: usd(1), origin: { type: "pr", worth: "pr" } },
      warnings: [],
    });
    const none = resolve("nothing", [], config);
    expect(codes(problemsOf(none))).toEqual(["value.no-section"]);
    expect(problemsOf(none)[0]?.fix).toContain("; Issue, Budget, Why now and Effort are optional:");
    expect(codes(problemsOf(resolve("## Value\nWorth: 1", [], config)))).toEqual([
      "value.missing-field",
    ]);
  });

  it("non-required fields may be missing; an invalid one is still an error", () => {
    const config = configWith({ value: { required: ["worth"] } });
    expect(resolve("## Value\nWorth: 1\nType: risk", [], config)).toMatchObject({ ok: true });
    const bad = resolve("## Value\nWorth: 1\nType: risk\nBudget: plenty", [], config);
    expect(bad.ok).toBe(false);
    expect(codes(problemsOf(bad))).toEqual(["value.invalid-amount"]);
    expect(bad.ok ? undefined : bad.partial).toEqual({
      worth: usd(1),
      type: "risk",
      origin: { worth: "pr", type: "pr" },
    });
  });

  it("an invalid required field is reported once, not also as missing", () => {
    const result = resolve("## Value\nIssue: soon\nType: defect\nWorth: lots");
    expect(codes(problemsOf(result))).toEqual(["value.invalid-issue", "value.invalid-amount"]);
  });

  it("errors come before warnings", () => {
    const result = resolve("## Value\nWroth: 1\nIssue: #1\nType: defect\n");
    expect(problemsOf(result).map((p) => [p.severity, p.code])).toEqual([
      ["error", "value.missing-field"],
      ["warning", "value.unknown-field"],
      ["warning", "value.issue-unavailable"],
    ]);
  });

  it("warns when the budget is more than the work is worth", () => {
    const result = resolve("## Value\nIssue: #1\nType: defect\nWorth: $1,000\nBudget: $2,000");
    expect(result).toMatchObject({
      ok: true,
      warnings: [
        {
          code: "value.budget-exceeds-worth",
          severity: "warning",
          message:
            "Budget ($2,000) is more than Worth ($1,000): spending it all would cost more than the work is worth",
          fix: "Lower the budget, or raise Worth if the work is worth more",
          where: "PR body line 5",
        },
      ],
    });
  });

  it("zero worth passes", () => {
    const result = resolve("## Value\nIssue: #1\nType: risk\nWorth: 0");
    expect(result.ok && result.statement.worth).toEqual(usd(0));
  });
});

describe("resolveValueStatement: the issue", () => {
  const issueBody =
    "Checkout is broken.\n\n## Value\nType: customer\nWorth: $20,000\nBudget: $1,000\n";

  it("a linked issue satisfies `issue` and supplies the rest", () => {
    const result = resolve("Fixes #5", [{ ref: { number: 5 }, body: issueBody }]);
    expect(result).toEqual({
      ok: true,
      statement: {
        issue: { number: 5 },
        type: "customer",
        worth: usd(20_000),
        budget: usd(1_000),
        origin: {
          issue: "pr",
          type: { number: 5 },
          worth: { number: 5 },
          budget: { number: 5 },
        },
      },
      warnings: [],
    });
  });

  it("Effort is the PR's own: an issue's is not inherited (it would count on every PR)", () => {
    const issue = `${issueBody}Effort: 3d\n`;
    const inherited = resolve("Fixes #5", [{ ref: { number: 5 }, body: issue }]);
    expect(inherited.ok && inherited.statement.effort).toBeUndefined();
    const own = resolve("Fixes #5\n\n## Value\nEffort: 6h", [{ ref: { number: 5 }, body: issue }]);
    expect(own).toMatchObject({ ok: true, statement: { effort: 360, origin: { effort: "pr" } } });
    // a required Effort is asked of the PR, not of the issue
    const config = configWith({ value: { required: ["issue", "type", "worth", "effort"] } });
    const missing = resolve("Fixes #5", [{ ref: { number: 5 }, body: issue }], config);
    expect(problemsOf(missing).map((p) => [p.message, p.fix])).toEqual([
      [
        "Effort is missing",
        "Add a line `Effort: 6h` in a `## Value` section in the PR description",
      ],
    ]);
  });

  it("an unreadable Effort makes the statement incomplete, like an unreadable Budget", () => {
    const result = resolve(
      "## Value\nIssue: #1\nType: defect\nWorth: $100\nBudget: $10\nEffort: soon",
    );
    expect(result.ok).toBe(false);
    expect(codes(problemsOf(result))).toEqual(["value.invalid-effort"]);
  });

  it("a closing keyword names the issue even without its body", () => {
    const result = resolve("Fixes acme/other#8\n\n## Value\nType: defect\nWorth: 1");
    expect(result.ok && result.statement.issue).toEqual({
      owner: "acme",
      repo: "other",
      number: 8,
    });
  });

  it("a closing keyword in a code block does not", () => {
    const result = resolve("```\nFixes #8\n```\n## Value\nType: defect\nWorth: 1");
    expect(codes(problemsOf(result))).toEqual(["value.missing-field"]);
  });

  it("the PR's fields override the issue's, each with its origin", () => {
    const result = resolve("## Value\nIssue: #5\nWorth: $30,000\nWhy now: launch", [
      { ref: { owner: "ACME", repo: "shop", number: 5 }, body: issueBody },
    ]);
    expect(result).toEqual({
      ok: true,
      statement: {
        issue: { number: 5 },
        type: "customer",
        worth: usd(30_000),
        budget: usd(1_000),
        whyNow: "launch",
        origin: {
          issue: "pr",
          type: { owner: "ACME", repo: "shop", number: 5 },
          worth: "pr",
          budget: { owner: "ACME", repo: "shop", number: 5 },
          whyNow: "pr",
        },
      },
      warnings: [],
    });
  });

  it("the issue named by `Issue:` is the one inherited from, not other linked issues", () => {
    const result = resolve("## Value\nIssue: #6\nType: defect", [
      { ref: { number: 5 }, body: issueBody },
      { ref: { number: 6 }, body: "## Value\nWorth: $7" },
    ]);
    expect(result.ok && result.statement.worth).toEqual(usd(7));
    expect(result.ok && result.statement.origin.worth).toEqual({ number: 6 });
  });

  it("the named issue's description not available: the PR's fields, and a note", () => {
    const result = resolve("## Value\nIssue: acme/other#6\nType: defect\nWorth: 1", [
      { ref: { number: 5 }, body: issueBody },
    ]);
    expect(result).toEqual({
      ok: true,
      statement: {
        issue: { owner: "acme", repo: "other", number: 6 },
        type: "defect",
        worth: usd(1),
        origin: { issue: "pr", type: "pr", worth: "pr" },
      },
      warnings: [
        {
          code: "value.issue-unavailable",
          severity: "warning",
          message:
            "The description of issue acme/other#6 (named by `Issue:`) could not be read, so nothing was inherited from it",
          fix: "Give every field under `## Value` in the PR description, or make issue acme/other#6 readable (the app must be installed on its repository; locally: `--issue-file acme/other#6=issue.md`)",
          where: "PR body line 1",
        },
      ],
    });
  });

  it("no note when the PR gives Type, Worth and Budget itself", () => {
    expect(resolve(FULL)).toMatchObject({ ok: true, warnings: [] });
    const noWhyNow = resolve("## Value\nIssue: #9\nType: risk\nWorth: 1\nBudget: 1");
    expect(noWhyNow).toMatchObject({ ok: true, warnings: [] });
  });

  it("missing fields point at both places", () => {
    const result = resolve("## Value\nIssue: #5\nType: defect", [
      { ref: { number: 5 }, body: "## Value\nBudget: 1\nWorth: <amount>" },
    ]);
    expect(problemsOf(result)).toEqual([
      {
        code: "value.missing-field",
        severity: "error",
        message: "Worth is missing: the template's placeholder is still there",
        fix: "Add a line `Worth: $5,000` under `## Value` in the PR description, or under `## Value` in issue #5's description",
        where: "issue #5 line 3",
        quote: "Worth: <amount>",
      },
    ]);
    const noSection = resolve("## Value\nIssue: #5\nType: defect", [
      { ref: { number: 5 }, body: "no section here" },
    ]);
    expect(problemsOf(noSection)[0]?.fix).toBe(
      "Add a line `Worth: $5,000` under `## Value` in the PR description, or in a `## Value` section in issue #5's description",
    );
    const onlyIssue = resolve("Fixes #5", [{ ref: { number: 5 }, body: "## Value\nType: defect" }]);
    expect(problemsOf(onlyIssue)).toEqual([
      {
        code: "value.missing-field",
        severity: "error",
        message: "Worth is missing",
        fix: "Add a line `Worth: $5,000` in a `## Value` section in the PR description, or under `## Value` in issue #5's description",
        where: "issue #5 line 1",
      },
    ]);
  });

  it("a bad field in the issue is reported where it is, unless the PR overrides it", () => {
    const linked = [{ ref: { number: 5 }, body: "## Value\nType: defect\nWorth: lots" }];
    const result = resolve("Fixes #5", linked);
    expect(problemsOf(result)).toEqual([
      {
        code: "value.invalid-amount",
        severity: "error",
        message: "Worth is not an amount of money: no digits",
        fix: "Write an amount in USD, e.g. `Worth: $5,000` (`5000`, `5,000 USD` and `5k` work too)",
        where: "issue #5 line 3",
        quote: "lots",
      },
    ]);
    expect(resolve("Fixes #5\n## Value\nWorth: 9", linked)).toMatchObject({ ok: true });
  });

  it("a bad field in the PR does not fall back to the issue's", () => {
    const result = resolve("## Value\nWorth: lots", [{ ref: { number: 5 }, body: issueBody }]);
    expect(result.ok).toBe(false);
    expect(codes(problemsOf(result))).toEqual(["value.invalid-amount"]);
    expect(result.ok ? undefined : result.partial.worth).toBeUndefined();
  });

  it("the issue's own `Issue:` line is not followed", () => {
    const result = resolve("Fixes #5", [
      { ref: { number: 5 }, body: "## Value\nIssue: #99\nType: defect\nWorth: 1" },
    ]);
    expect(result.ok && result.statement.issue).toEqual({ number: 5 });
  });

  it("several linked issues with sections: the first (open before closed), with a warning", () => {
    const result = resolve("Fixes #5, fixes #6", [
      { ref: { number: 4 }, body: "## Value\nWorth: 4\nType: risk", state: "closed" },
      { ref: { number: 5 }, body: "no value here" },
      { ref: { number: 6 }, body: "## Value\nWorth: 6\nType: risk", state: "open" },
      { ref: { number: 7 }, body: "## Value\nWorth: 7\nType: risk" },
      { ref: { owner: "acme", repo: "shop", number: 6 }, body: "duplicate of #6" },
    ]);
    expect(result).toMatchObject({
      ok: true,
      statement: { issue: { number: 6 }, worth: usd(6), origin: { worth: { number: 6 } } },
      warnings: [
        {
          code: "value.several-issue-sections",
          severity: "warning",
          message: "Linked issues #6, #7 and #4 each have a `## Value` section; only #6's is used",
          fix: "Name the issue this PR is for with an `Issue:` line under `## Value` in the PR description",
          where: "PR body",
        },
      ],
    });
  });

  it("no section anywhere: the problem names the linked issues it read", () => {
    const result = resolve("Fixes #5", [
      { ref: { number: 5 }, body: "nothing" },
      { ref: { owner: "o", repo: "r", number: 2 }, body: "nothing" },
    ]);
    const problem = problemsOf(result)[0];
    expect(problem?.message).toBe(
      "The PR description has no `## Value` section (nor does any linked issue: #5 and o/r#2)",
    );
    expect(problem?.fix).toContain("\nIssue: #5\n");
    const one = resolve("", [{ ref: { number: 5 }, body: "" }]);
    expect(problemsOf(one)[0]?.message).toBe(
      "The PR description has no `## Value` section (nor does linked issue #5)",
    );
  });

  it("the issue's section warnings come along when it is used", () => {
    const result = resolve("Fixes #5", [
      { ref: { number: 5 }, body: "## Value\nType: defect\nWorth: 1\nWroth: 2" },
    ]);
    expect(result).toMatchObject({
      ok: true,
      warnings: [{ code: "value.unknown-field", where: "issue #5 line 4" }],
    });
  });
});

describe("docs/value-statement.md", () => {
  const docs = readFileSync(new URL("../../../docs/value-statement.md", import.meta.url), "utf8");
  const sourceDir = new URL("../../../src/core/value/", import.meta.url);
  const source = readdirSync(sourceDir)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => readFileSync(new URL(name, sourceDir), "utf8"))
    .join("\n");

  it("documents every problem code", () => {
    const used = new Set([...source.matchAll(/code: "(value\.[a-z-]+)"/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(10);
    for (const code of used) expect(docs).toContain(`\`${code}\``);
  });

  it("its PR template section counts as missing until filled in, then passes", () => {
    const start = docs.indexOf("```markdown\n## Value\n<!--");
    const template = docs.slice(docs.indexOf("\n", start) + 1, docs.indexOf("```", start + 3));
    const empty = resolve(template);
    expect(problemsOf(empty).map((p) => p.message)).toEqual([
      "Issue is missing: the template's placeholder is still there",
      "Type is missing: the template's placeholder is still there",
      "Worth is missing: the template's placeholder is still there",
    ]);
    const filled = template
      .replace("#<number>", "#42")
      .replace("<type>", "support")
      .replace("Worth: $<amount>", "Worth: $5,000");
    expect(resolve(filled)).toMatchObject({
      ok: true,
      statement: { issue: { number: 42 }, type: "support", worth: usd(5_000) },
    });
  });

  it("its first example is a complete statement", () => {
    const start = docs.indexOf("```markdown\n");
    const example = docs.slice(start + 12, docs.indexOf("```", start + 3));
    expect(resolve(example)).toMatchObject({ ok: true, warnings: [] });
  });
});

describe("resolveValueStatement with the PR body analysed earlier (prAnalysis)", () => {
  const repository = { owner: "acme", repo: "shop" };
  const body = "## Value\nType: defect\nWorth: $8,000\nBudget: $300\nWhy now: EU cards fail.\n";
  const fresh = (config = DEFAULT_CONFIG, prBody = body) =>
    resolveValueStatement({ prBody, linkedIssues: [], repository, config });

  it("gives what a fresh resolution gives when the analysis is of this body, read alike", () => {
    const prAnalysis = analyzePrBody(body, DEFAULT_CONFIG);
    const config = structuredClone(DEFAULT_CONFIG); // equal settings, another object
    expect(
      resolveValueStatement({ prBody: body, linkedIssues: [], repository, config, prAnalysis }),
    ).toEqual(fresh());
  });

  it("is ignored for another body or other value settings (the heading read differently)", () => {
    const prAnalysis = analyzePrBody(body, DEFAULT_CONFIG);
    const other = `${body}Issue: #12\n`;
    expect(
      resolveValueStatement({
        prBody: other,
        linkedIssues: [],
        repository,
        config: DEFAULT_CONFIG,
        prAnalysis,
      }),
    ).toEqual(fresh(DEFAULT_CONFIG, other));
    const worthHeading = {
      ...DEFAULT_CONFIG,
      value: { ...DEFAULT_CONFIG.value, heading: "Worth" },
    };
    const result = resolveValueStatement({
      prBody: body,
      linkedIssues: [],
      repository,
      config: worthHeading,
      prAnalysis,
    });
    expect(result).toEqual(fresh(worthHeading));
    expect(result.ok).toBe(false); // no "## Worth" section: the analysis with "## Value" was not used
  });
});
