import { describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/schema.js";
import type { IssueRef } from "../../../src/core/issue-ref.js";
import { codes, configWith, section, usd } from "../../helpers/value-statement.js";

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

describe("Effort", () => {
  it.each([
    ["6h", 360],
    ["90m", 90],
    ["1.5h", 90],
    ["2d", 960],
    ["**1h30m**", 90],
    ["0h", 0],
  ])("%s is read as %i minutes", (value, minutes) => {
    const s = section(`## Value\nEffort: ${value}`);
    expect(s.parsed.effort).toBe(minutes);
    expect(s.problems).toEqual([]);
  });

  it("a day is `investment.day-hours` long", () => {
    const config = configSchema.parse({ investment: { "day-hours": 6 } });
    expect(section("## Value\nEffort: 2d", config).parsed.effort).toBe(720);
  });

  it.each([
    ["soon", "Effort is not a duration: it does not start with a number"],
    ["-3h", "Effort is not a duration: it is negative"],
    ["10000h", "Effort is not a duration: it is over the 2,000 h limit (a typo, or work to split)"],
    ["6", "Effort is not a duration: it has no unit (write `h` for hours or `m` for minutes)"],
  ])("%s is an error quoted with the fix, never guessed", (value, message) => {
    const s = section(`Text\n\n## Value\nEffort: ${value}`);
    expect(s.parsed.effort).toBeUndefined();
    expect(s.problems).toEqual([
      {
        code: "value.invalid-effort",
        severity: "error",
        message,
        fix: "Write a duration such as `Effort: 6h` (`90m`, `1.5h`, `1h30m` and `2d` work too; a day is 8 h), at most 2,000 h",
        where: "PR body line 4",
        quote: value,
      },
    ]);
  });

  it("a placeholder is missing, not a problem", () => {
    const s = section("## Value\nEffort: <hours>");
    expect(s.parsed.effort).toBeUndefined();
    expect(s.placeholders.effort?.line).toBe(2);
    expect(codes(s.problems)).toEqual([]);
  });
});
