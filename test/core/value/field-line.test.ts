import { describe, expect, it } from "vitest";
import {
  fieldKey,
  isListItemStart,
  isPlaceholder,
  nearMissKey,
  parseFieldLine,
} from "../../../src/core/value/field-line.js";
import { section, usd } from "../../helpers/value-statement.js";

describe("parseFieldLine", () => {
  it.each([
    ["Worth: $5", { key: "worth", keyText: "Worth", value: "$5" }],
    ["- **Why now:** soon", { key: "whyNow", keyText: "Why now", value: "soon" }],
    ["* [ ] Budget: 3", { key: "budget", keyText: "Budget", value: "3" }],
    ["__Type__: bug", { key: "type", keyText: "Type", value: "bug" }],
    ["Worth (USD): 5", { key: "worth", keyText: "Worth (USD)", value: "5" }],
    ["1. Issue: #3", { key: "issue", keyText: "Issue", value: "#3" }],
    ["Notes: x", { keyText: "Notes", value: "x" }],
    ["no colon", undefined],
  ])("%j", (text, expected) => {
    expect(parseFieldLine(text)).toEqual(expected);
  });

  it("names keys loosely and near misses by edit distance", () => {
    expect([fieldKey("why-now"), fieldKey("Whynow"), fieldKey("Worthy")]).toEqual([
      "whyNow",
      "whyNow",
      undefined,
    ]);
    expect([nearMissKey("Wroth"), nearMissKey("Issues"), nearMissKey("Notes")]).toEqual([
      "worth",
      "issue",
      undefined,
    ]);
  });

  it("knows list items: a marker and a space, or at most 9 digits and `.` or `)`", () => {
    expect(["- a", "12) a", "-a", "1234567890. a"].map(isListItemStart)).toEqual([
      true,
      true,
      false,
      false,
    ]);
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
