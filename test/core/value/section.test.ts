import { describe, expect, it } from "vitest";
import { WHY_NOW_MAX_CHARS } from "../../../src/core/value/fields.js";
import { configWith, FULL, section, usd } from "../../helpers/value-statement.js";

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
