import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Config, configSchema, DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { Money } from "../../src/core/money.js";
import type { Problem } from "../../src/core/problem.js";
import {
  type IssueRef,
  isPlaceholder,
  type LinkedIssueBody,
  parseValueSection,
  resolveValueStatement,
  type ValueResult,
  valueSectionTemplate,
  WHY_NOW_MAX_CHARS,
} from "../../src/core/value.js";

const here = { owner: "acme", repo: "shop" };

function configWith(overrides: { value?: object; currency?: string }): Config {
  return configSchema.parse(overrides);
}

function section(body: string, config: Config = DEFAULT_CONFIG, where = "PR body") {
  return parseValueSection({ body, where, config });
}

function resolve(
  prBody: string,
  linkedIssues: LinkedIssueBody[] = [],
  config: Config = DEFAULT_CONFIG,
): ValueResult {
  return resolveValueStatement({ prBody, linkedIssues, repository: here, config });
}

function usd(units: number | bigint): Money {
  return { micros: BigInt(units) * 1_000_000n, currency: "USD" };
}

function problemsOf(result: ValueResult): Problem[] {
  return result.ok ? result.warnings : result.problems;
}

function codes(problems: readonly Problem[]): string[] {
  return problems.map((p) => p.code);
}

const FULL = `Fixes the EU rounding bug.

## Value
Issue: #123
Type: defect
Worth: $8,000
Budget: $300
Why now: Checkout fails for 2% of EU card payments; ~40 support tickets a week.

## Testing
Ran it.
`;

describe("parseValueSection: the example from the issue", () => {
  it("reads every field, with lines", () => {
    const s = section(FULL);
    expect(s.found).toBe(true);
    expect(s.headingLine).toBe(3);
    expect(s.headingLevel).toBe(2);
    expect(s.parsed).toEqual({
      issue: { number: 123 },
      type: "defect",
      worth: usd(8_000),
      budget: usd(300),
      whyNow: "Checkout fails for 2% of EU card payments; ~40 support tickets a week.",
    });
    expect(s.fields.worth).toEqual({ key: "Worth", value: "$8,000", line: 6 });
    expect(s.fields.whyNow?.line).toBe(8);
    expect(s.problems).toEqual([]);
    expect(s.placeholders).toEqual({});
  });

  it("reports no section when there is none", () => {
    expect(section("just text\nWorth: $5")).toEqual({
      found: false,
      fields: {},
      placeholders: {},
      parsed: {},
      problems: [],
    });
  });
});

describe("parseValueSection: field forms", () => {
  it.each([
    "Worth: $5,000",
    "worth: $5,000",
    "WORTH:$5,000",
    "  Worth :  $5,000  ",
    "- Worth: $5,000",
    "* Worth: $5,000",
    "+ Worth: $5,000",
    "1. Worth: $5,000",
    "2) Worth: $5,000",
    "- [ ] Worth: $5,000",
    "- [x] Worth: $5,000",
    "**Worth:** $5,000",
    "**Worth**: $5,000",
    "- **Worth:** $5,000",
    "__Worth:__ $5,000",
    "__Worth__ : $5,000",
    "Worth (USD): 5000",
    "Worth: `$5,000`",
    "Worth: **$5,000**",
    "Worth: 5000",
    "Worth: 5,000 USD",
    "Worth: USD 5000",
    "Worth: $5k",
    "Worth: ~$5,000",
    "Worth: $5,000 (40 tickets × $125)",
    "Worth: $5,000 — rough estimate",
    "Worth: $5,000 <!-- what shipping it now is worth -->",
  ])("%s", (line) => {
    const s = section(`## Value\n${line}\n`);
    expect(s.parsed.worth).toEqual(usd(5_000));
    expect(s.problems).toEqual([]);
  });

  it.each(["Why now", "why now", "Why-now", "why_now", "WHY NOW", "Whynow", "Why  now"])(
    "the key %j is Why now",
    (key) => {
      expect(section(`## Value\n${key}: it hurts`).parsed.whyNow).toBe("it hurts");
    },
  );

  it("ignores lines that are not fields, and keys it does not know", () => {
    const s = section(
      "## Value\nSome prose: with a colon.\nhttps://example.com/x\nNotes: none\nType: defect\n",
    );
    expect(s.parsed).toEqual({ type: "defect" });
    expect(s.problems).toEqual([]);
  });

  it("reads Why now as a paragraph: continuation lines up to a blank line or another field", () => {
    const s = section(
      "## Value\nWhy now: checkout fails\nfor 2% of EU payments.\nWorth: $1\nWhy-now: again\n",
    );
    expect(s.parsed.whyNow).toBe("checkout fails for 2% of EU payments.");
    expect(s.parsed.worth).toEqual(usd(1));
    const empty = section("## Value\nWhy now:\nthe quarter closes\nFriday\n\nMore text.\n");
    expect(empty.parsed.whyNow).toBe("the quarter closes Friday");
    const list = section("## Value\nWhy now: because\n- a list item\n");
    expect(list.parsed.whyNow).toBe("because");
  });

  it("keeps Why now to 1,000 characters, with a warning", () => {
    const long = "a".repeat(1_500);
    const s = section(`## Value\nWhy now: ${long}`);
    expect(s.parsed.whyNow).toBe(`${"a".repeat(WHY_NOW_MAX_CHARS)}…`);
    expect(s.problems).toEqual([
      {
        code: "value.why-now-truncated",
        severity: "warning",
        message: "Why now is 1,500 characters long; only the first 1,000 are kept",
        fix: "Shorten it to a sentence or two; details belong in the rest of the description",
        where: "PR body line 2",
        quote: `${"a".repeat(80)}…`,
      },
    ]);
  });

  it("does not cut a surrogate pair in half", () => {
    const s = section(`## Value\nWhy now: ${"a".repeat(999)}😀😀`);
    expect(s.parsed.whyNow).toBe(`${"a".repeat(999)}…`);
  });
});

describe("parseValueSection: headings", () => {
  it.each([
    "# Value",
    "## Value",
    "### Value",
    "#### Value",
    "##### Value",
    "###### Value",
    "## value",
    "## VALUE",
    "##   Value   ",
    "## Value ##",
    "## Value:",
    "## **Value**",
    "## *Value*",
    "## `Value`",
    "   ## Value",
    "##\tValue",
    "**Value**",
    "__Value__",
    "**Value:**",
    "**Value**:",
  ])("%j", (heading) => {
    const s = section(`Intro\n\n${heading}\nWorth: 5`);
    expect(s.found).toBe(true);
    expect(s.headingLine).toBe(3);
    expect(s.parsed.worth).toEqual(usd(5));
  });

  it.each([
    "####### Value",
    "#Value",
    "    ## Value",
    "## Values",
    "## Value statement",
    "Value",
    "Value:",
    "**Value** of it",
    "> ## Value",
  ])("not a value heading: %j", (heading) => {
    expect(section(`${heading}\nWorth: 5`).found).toBe(false);
  });

  it("reads setext headings", () => {
    const h1 = section("Intro\n\nValue\n=====\nWorth: 5\n\nOther\n=====\nWorth: 9");
    expect([h1.found, h1.headingLevel, h1.headingLine, h1.parsed.worth]).toEqual([
      true,
      1,
      3,
      usd(5),
    ]);
    const h2 = section("Value\n---\nWorth: 5\n");
    expect([h2.found, h2.headingLevel]).toEqual([true, 2]);
  });

  it("does not take a field line above `---` for a setext heading", () => {
    const s = section("## Value\nWorth: 5\n---\nType: defect\n");
    expect(s.parsed).toEqual({ worth: usd(5), type: "defect" });
  });

  it("uses the configured heading, in any case", () => {
    const config = configWith({ value: { heading: "Business value" } });
    expect(section("## business VALUE\nWorth: 5", config).parsed.worth).toEqual(usd(5));
    expect(section("## Business-value\nWorth: 5", config).found).toBe(true);
    expect(section("## Value\nWorth: 5", config).found).toBe(false);
  });

  it("runs to the next heading of the same or a higher level", () => {
    const body = [
      "### Value", // 1
      "Worth: 1", // 2
      "#### Details", // 3
      "Type: defect", // 4
      "### Next", // 5
      "Budget: 2", // 6
    ].join("\n");
    expect(section(body).parsed).toEqual({ worth: usd(1), type: "defect" });
    expect(section("## Value\nWorth: 1\n# Top\nType: defect").parsed).toEqual({ worth: usd(1) });
    expect(section("## Value\nWorth: 1\n\nNext\n===\nType: defect").parsed).toEqual({
      worth: usd(1),
    });
  });

  it("a bold-line section ends at any heading, including another bold line", () => {
    expect(section("**Value**\nWorth: 1\n**Notes**\nType: defect").parsed).toEqual({
      worth: usd(1),
    });
    expect(section("**Value**\nWorth: 1\n###### Notes\nType: defect").parsed).toEqual({
      worth: usd(1),
    });
    // but a bold line inside a `##` section does not end it
    expect(section("## Value\n**Numbers**\nWorth: 1").parsed).toEqual({ worth: usd(1) });
  });

  it("a bold field with no value is not a heading", () => {
    const s = section("**Value**\n**Worth:**\nType: defect");
    expect(s.parsed).toEqual({ type: "defect" });
    expect(s.placeholders.worth?.line).toBe(2);
  });

  it("warns about a second section and reads only the first", () => {
    const s = section("## Value\nWorth: 1\n## Value\nWorth: 2\nType: defect");
    expect(s.parsed).toEqual({ worth: usd(1) });
    expect(s.problems).toEqual([
      {
        code: "value.duplicate-section",
        severity: "warning",
        message: "There is a second `## Value` section (line 3); only the first (line 1) is read",
        fix: "Merge the two sections into one",
        where: "PR body line 3",
      },
    ]);
  });
});

describe("parseValueSection: comments, code, line breaks", () => {
  it("ignores HTML comments: inline, multi-line, unterminated", () => {
    const body = [
      "<!-- ## Value",
      "Worth: 1 -->",
      "## Value",
      "<!-- Type: security -->",
      "Type: defect <!-- one of the types -->",
      "<!--",
      "Budget: 3",
      "-->",
      "Worth: <!-- amount -->$5",
      "<!-- Why now: never closed",
      "Budget: 4",
    ].join("\n");
    const s = section(body);
    expect(s.headingLine).toBe(3);
    expect(s.parsed).toEqual({ type: "defect", worth: usd(5) });
  });

  it("a template line whose value is only a comment counts as missing", () => {
    const s = section("## Value\nWorth: <!-- e.g. $5,000 -->\n");
    expect(s.parsed).toEqual({});
    expect(s.placeholders.worth).toEqual({ key: "Worth", value: "", line: 2 });
  });

  it("ignores headings and fields inside fenced code", () => {
    const body = [
      "```md",
      "## Value",
      "Worth: 1",
      "```",
      "## Value",
      "~~~",
      "Worth: 2",
      "## Other",
      "~~~",
      "Worth: 3",
      "```",
      "Type: defect",
    ].join("\n");
    const s = section(body);
    expect(s.headingLine).toBe(5);
    expect(s.parsed).toEqual({ worth: usd(3) });
  });

  it.each([
    ["CRLF", "\r\n"],
    ["CR", "\r"],
    ["LF", "\n"],
  ])("works with %s line breaks", (_name, eol) => {
    const s = section(FULL.split("\n").join(eol));
    expect(s.parsed.worth).toEqual(usd(8_000));
    expect(s.parsed.whyNow).toBe(
      "Checkout fails for 2% of EU card payments; ~40 support tickets a week.",
    );
    expect(s.fields.budget?.line).toBe(7);
  });

  it("ignores a byte-order mark", () => {
    expect(section("\uFEFF## Value\nWorth: 2").parsed.worth).toEqual(usd(2));
  });
});

describe("placeholders", () => {
  it.each([
    "",
    " ",
    "<amount>",
    "$<amount>",
    "<amount> USD",
    "#<number>",
    "<one of: defect | customer>",
    "TBD",
    "tbd",
    "TODO",
    "TBA",
    "N/A",
    "n/a",
    "NA",
    "none",
    "_",
    "___",
    "…",
    "...",
    "?",
    "-",
    "—",
    "$",
    "€",
    "#",
    "#N",
    "$X,XXX",
    "[amount]",
    "e.g. $5,000",
    "`TBD`",
    "**TBD**",
  ])("%j", (value) => {
    expect(isPlaceholder(value)).toBe(true);
    const s = section(`## Value\nWorth: ${value}\nType: ${value}\nIssue: ${value}`);
    expect(s.parsed).toEqual({});
    expect(Object.keys(s.placeholders).sort()).toEqual(["issue", "type", "worth"]);
    expect(s.problems).toEqual([]);
  });

  it.each(["0", "$0", "defect", "#12", "<https://github.com/o/r/issues/1>", "p99<200ms>", "x2"])(
    "not a placeholder: %j",
    (value) => {
      expect(isPlaceholder(value)).toBe(false);
    },
  );

  it("a filled-in line wins over a placeholder, wherever it is", () => {
    const s = section("## Value\nWorth: $<amount>\nWorth: $700\n");
    expect(s.parsed.worth).toEqual(usd(700));
    expect(s.problems).toEqual([]);
  });
});

describe("duplicate fields", () => {
  it("the first wins, with one warning naming the lines", () => {
    const s = section("## Value\nWorth: $1\nType: defect\nWorth: $2\nworth: $3\n");
    expect(s.parsed.worth).toEqual(usd(1));
    expect(s.problems).toEqual([
      {
        code: "value.duplicate-field",
        severity: "warning",
        message:
          "Worth is given more than once (lines 2, 4 and 5) with different values; the first is used",
        fix: "Keep one `Worth:` line",
        where: "PR body line 4",
        quote: "$1",
      },
    ]);
  });

  it("repeating the same value is harmless", () => {
    expect(section("## Value\nType: defect\n- Type: Defect\n").problems).toEqual([]);
  });
});

describe("Issue", () => {
  it.each<[string, IssueRef]>([
    ["#123", { number: 123 }],
    ["acme/other#5", { owner: "acme", repo: "other", number: 5 }],
    ["https://github.com/o/r/issues/9", { owner: "o", repo: "r", number: 9 }],
    ["https://ghe.corp.example/team/app/issues/77", { owner: "team", repo: "app", number: 77 }],
    ["<https://github.com/o/r/issues/9>", { owner: "o", repo: "r", number: 9 }],
    ["[#9](https://github.com/o/r/issues/9)", { owner: "o", repo: "r", number: 9 }],
    ["GH-12", { number: 12 }],
    ["123", { number: 123 }],
    ["#123 (checkout)", { number: 123 }],
    ["#123.", { number: 123 }],
    ["`#123`", { number: 123 }],
  ])("%s", (value, expected) => {
    const s = section(`## Value\nIssue: ${value}`);
    expect(s.parsed.issue).toEqual(expected);
    expect(s.problems).toEqual([]);
  });

  it("a pull request link is a problem: the value belongs to an issue", () => {
    expect(section("## Value\nIssue: https://github.com/o/r/pull/45").problems).toEqual([
      {
        code: "value.issue-is-pull-request",
        severity: "error",
        message: "Issue points to pull request o/r#45, not to an issue",
        fix: "Name the issue the work is for, e.g. `Issue: #123` (the value belongs to the work item, which every PR for it shares)",
        where: "PR body line 2",
        quote: "https://github.com/o/r/pull/45",
      },
    ]);
  });

  it.each([
    ["the checkout one", "Issue is not an issue reference"],
    ["#abc", "Issue is not an issue reference"],
    ["https://github.com/o/r/discussions/3", "Issue is a link to a discussion, not to an issue"],
    ["https://github.com/o/r", "Issue is a link to a repository, not to an issue"],
  ])("%j is not an issue", (value, message) => {
    expect(section(`## Value\nIssue: ${value}`).problems).toEqual([
      {
        code: "value.invalid-issue",
        severity: "error",
        message,
        fix: "Write `Issue: #123`, `Issue: owner/repo#123` or `Issue: https://github.com/owner/repo/issues/123`",
        where: "PR body line 2",
        quote: value,
      },
    ]);
  });
});

describe("Type", () => {
  it.each([
    ["defect", "defect"],
    ["Defect", "defect"],
    ["DEFECT.", "defect"],
    ["review-load", "review-load"],
    ["Review load", "review-load"],
    ["review_load", "review-load"],
    ["defect (a production defect fixed)", "defect"],
    ["defect — checkout", "defect"],
    ["**security**", "security"],
  ])("%j → %s", (value, type) => {
    const s = section(`## Value\nType: ${value}`);
    expect(s.parsed.type).toBe(type);
    expect(s.problems).toEqual([]);
  });

  const allowed =
    "defect (a production defect fixed), customer (a customer commitment delivered), security (a security exposure closed), migration (a migration the business needs), review-load (tests or tooling that cut review load), compliance (a compliance requirement met), support (support volume removed), revenue (revenue protected or won), cost (running cost removed), risk (operational risk reduced)";
  const hint = "; to allow another type, list it under `value.types` in `.github/cost-value.yml`";

  it.each([
    ["defects", "defect"],
    ["bug", "defect"],
    ["Bugfix", "defect"],
    ["secuirty", "security"],
    ["vulnerability", "security"],
    ["migrations", "migration"],
    ["risks", "risk"],
    ["defect-fix", "defect"],
  ])("suggests the closest type for %j", (value, suggestion) => {
    expect(section(`## Value\nType: ${value}`).problems).toEqual([
      {
        code: "value.unknown-type",
        severity: "error",
        message: "Type is not one of the allowed types",
        fix: `Write \`Type: ${suggestion}\` if that is what you meant; the allowed types are ${allowed}${hint}`,
        where: "PR body line 2",
        quote: value,
      },
    ]);
  });

  it("lists the allowed types when nothing is close", () => {
    expect(section("## Value\nType: morale").problems).toEqual([
      {
        code: "value.unknown-type",
        severity: "error",
        message: "Type is not one of the allowed types",
        fix: `Write one of the allowed types, e.g. \`Type: defect\`: ${allowed}${hint}`,
        where: "PR body line 2",
        quote: "morale",
      },
    ]);
    const long = section(`## Value\nType: ${"defect ".repeat(100)}`);
    expect(codes(long.problems)).toEqual(["value.unknown-type"]);
  });

  it("one statement, one type", () => {
    expect(section("## Value\nType: defect | customer").problems).toEqual([
      {
        code: "value.several-types",
        severity: "error",
        message: "Type names several types (defect, customer); a statement has one",
        fix: "Keep the one that fits best, e.g. `Type: defect`",
        where: "PR body line 2",
        quote: "defect | customer",
      },
    ]);
  });

  it("uses the configured types", () => {
    const config = configWith({ value: { types: { toil: "toil removed", "ux-debt": "" } } });
    expect(section("## Value\nType: Toil", config).parsed.type).toBe("toil");
    expect(section("## Value\nType: defect", config).problems[0]?.fix).toBe(
      "Write one of the allowed types, e.g. `Type: toil`: toil (toil removed), ux-debt; to allow another type, list it under `value.types` in `.github/cost-value.yml`",
    );
  });

  it("accepts any type when none are configured", () => {
    const config = configWith({ value: { types: {} } });
    expect(section("## Value\nType: Anything goes", config).parsed.type).toBe("Anything goes");
  });
});

describe("Worth and Budget", () => {
  it("zero is a legitimate worth", () => {
    const s = section("## Value\nWorth: 0\nBudget: $0");
    expect(s.parsed).toEqual({ worth: usd(0), budget: usd(0) });
    expect(s.problems).toEqual([]);
  });

  it.each([
    ["lots", "no digits"],
    ["-$5", "the amount is negative"],
    ["$5 per month", 'unexpected "per month" after the number'],
    ["1e6", "exponent notation is not accepted; write the plain amount"],
    ["$1,00,", "a misplaced thousands separator"],
  ])("%j is not an amount", (value, reason) => {
    expect(section(`## Value\nBudget: ${value}`).problems).toEqual([
      {
        code: "value.invalid-amount",
        severity: "error",
        message: `Budget is not an amount of money: ${reason}`,
        fix: "Write an amount in USD, e.g. `Budget: $500` (`5000`, `5,000 USD` and `5k` work too)",
        where: "PR body line 2",
        quote: value,
      },
    ]);
  });

  it("another currency is a problem: no exchange rates", () => {
    expect(section("## Value\nWorth: €5,000").problems).toEqual([
      {
        code: "value.foreign-currency",
        severity: "error",
        message:
          "Worth is in EUR, but this repository counts in USD (no exchange rates are applied)",
        fix: "Write the amount in USD, e.g. `Worth: $5,000`, or set `currency: EUR` in `.github/cost-value.yml`",
        where: "PR body line 2",
        quote: "€5,000",
      },
    ]);
  });

  it("uses the configured currency for bare numbers and examples", () => {
    const eur = configWith({ currency: "eur" });
    expect(section("## Value\nWorth: 5000\nBudget: €20", eur).parsed).toEqual({
      worth: { micros: 5_000_000_000n, currency: "EUR" },
      budget: { micros: 20_000_000n, currency: "EUR" },
    });
    const chf = configWith({ currency: "CHF" });
    expect(section("## Value\nWorth: $5", chf).problems[0]?.fix).toBe(
      "Write the amount in CHF, e.g. `Worth: 5,000 CHF`, or set `currency: USD` in `.github/cost-value.yml`",
    );
  });
});

describe("unknown fields", () => {
  it("warns about a key one typo away from a field", () => {
    const s = section("## Value\nWroth: $5\nBudgets: $1\nIssues: #1\nTpye: defect\nNotes: fine");
    expect(s.parsed).toEqual({});
    expect(s.problems.map((p) => [p.code, p.message, p.fix, p.where])).toEqual([
      [
        "value.unknown-field",
        "`Wroth:` is not a value field, so it is ignored; did you mean `Worth:`?",
        "Rename it to `Worth:`",
        "PR body line 2",
      ],
      [
        "value.unknown-field",
        "`Budgets:` is not a value field, so it is ignored; did you mean `Budget:`?",
        "Rename it to `Budget:`",
        "PR body line 3",
      ],
      [
        "value.unknown-field",
        "`Issues:` is not a value field, so it is ignored; did you mean `Issue:`?",
        "Rename it to `Issue:`",
        "PR body line 4",
      ],
      [
        "value.unknown-field",
        "`Tpye:` is not a value field, so it is ignored; did you mean `Type:`?",
        "Rename it to `Type:`",
        "PR body line 5",
      ],
    ]);
  });

  it("warns at most five times", () => {
    const s = section(`## Value\n${"Wroth: 1\n".repeat(20)}`);
    expect(s.problems).toHaveLength(5);
  });
});

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
            "Add this section to the PR description (or to the issue's description, for every PR of that issue) and fill it in; Budget and Why now are optional:",
            "",
            "## Value",
            "Issue: #<number>",
            "Type: <defect | customer | security | migration | review-load | compliance | support | revenue | cost | risk>",
            "Worth: $<amount>",
            "Budget: $<amount>",
            "Why now: <what it costs to wait>",
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
    expect(problemsOf(none)[0]?.fix).toContain("; Issue, Budget and Why now are optional:");
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

describe("valueSectionTemplate", () => {
  it("uses the configured heading, types and currency", () => {
    const config = configWith({
      currency: "CHF",
      value: { heading: "Why this matters", types: { toil: "", risk: "" } },
    });
    expect(valueSectionTemplate({ config, issue: "#9" })).toBe(
      [
        "## Why this matters",
        "Issue: #9",
        "Type: <toil | risk>",
        "Worth: <amount> CHF",
        "Budget: <amount> CHF",
        "Why now: <what it costs to wait>",
      ].join("\n"),
    );
  });
});

describe("docs/value-statement.md", () => {
  const docs = readFileSync(new URL("../../docs/value-statement.md", import.meta.url), "utf8");
  const source = readFileSync(new URL("../../src/core/value.ts", import.meta.url), "utf8");

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
