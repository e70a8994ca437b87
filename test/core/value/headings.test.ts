import { describe, expect, it } from "vitest";
import { MarkdownLines } from "../../../src/core/markdown/lines.js";
import { headingAt, normalizeHeading } from "../../../src/core/value/headings.js";

function headings(body: string) {
  const doc = new MarkdownLines(body);
  return Array.from({ length: doc.count }, (_, i) => headingAt(doc, i));
}

describe("headingAt", () => {
  it("ATX, bold-line and setext headings; not a bold field, code or an indented line", () => {
    expect(
      headings("## Value ##\ntext\n**Value:**\n**Worth:**\n```\n# code\n```\n    # indented"),
    ).toEqual([
      { level: 2, text: "Value", setext: false },
      undefined,
      { level: 7, text: "Value:", setext: false },
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("a setext heading starts a paragraph", () => {
    expect(headings("\nValue\n===")[1]).toEqual({ level: 1, text: "Value", setext: true });
    expect(headings("text\nValue\n===")[1]).toBeUndefined();
  });
});

describe("normalizeHeading", () => {
  it("ignores case, emphasis, a trailing colon and spacing", () => {
    expect(normalizeHeading("**Value:**")).toBe("value");
    expect(normalizeHeading(" Value  Statement: ")).toBe("value statement");
  });
});
