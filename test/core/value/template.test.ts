import { describe, expect, it } from "vitest";
import { valueSectionTemplate } from "../../../src/core/value/template.js";
import { configWith } from "../../helpers/value-statement.js";

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
        "Effort: <hours people spent, e.g. 6h>",
      ].join("\n"),
    );
  });
});
