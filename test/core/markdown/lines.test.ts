import { describe, expect, it } from "vitest";
import { MarkdownLines } from "../../../src/core/markdown/lines.js";

describe("MarkdownLines", () => {
  function texts(body: string): [string, boolean][] {
    const doc = new MarkdownLines(body);
    return Array.from({ length: doc.count }, (_, i) => [doc.text(i), doc.isCode(i)]);
  }

  it("splits on LF, CRLF and CR, and drops a byte-order mark", () => {
    expect(texts("\uFEFFa\r\nb\rc\nd")).toEqual([
      ["a", false],
      ["b", false],
      ["c", false],
      ["d", false],
    ]);
    expect(new MarkdownLines("").count).toBe(1);
  });

  it("removes HTML comments: inline, several, across lines, unterminated, empty", () => {
    expect(texts("a <!-- x --> b <!--y-->c")).toEqual([["a  b c", false]]);
    expect(texts("a <!-- x\ny\nz --> b\nc")).toEqual([
      ["a ", false],
      ["", false],
      [" b", false],
      ["c", false],
    ]);
    expect(texts("a <!-->b <!--->c")).toEqual([["a b c", false]]);
    expect(texts("a <!-- open\nb\nc")).toEqual([
      ["a ", false],
      ["", false],
      ["", false],
    ]);
  });

  it("marks fenced code (``` and ~~~, longer closers, unterminated to the end)", () => {
    expect(texts("```js\n# no\n```\n# yes")).toEqual([
      ["```js", true],
      ["# no", true],
      ["```", true],
      ["# yes", false],
    ]);
    expect(texts("````\n```\n````\nx")).toEqual([
      ["````", true],
      ["```", true],
      ["````", true],
      ["x", false],
    ]);
    expect(texts("~~~\n```\n~~~")).toEqual([
      ["~~~", true],
      ["```", true],
      ["~~~", true],
    ]);
    expect(texts("  ```\n<!-- kept -->")).toEqual([
      ["  ```", true],
      ["<!-- kept -->", true],
    ]);
    expect(texts("``` a ` b\nx")).toEqual([
      ["``` a ` b", false],
      ["x", false],
    ]);
  });

  it("a fence inside a comment is not a fence", () => {
    expect(texts("<!--\n```\n-->\n# h")).toEqual([
      ["", false],
      ["", false],
      ["", false],
      ["# h", false],
    ]);
  });

  it("knows each line's first and last non-blank character", () => {
    const doc = new MarkdownLines("  ## x  \n\n<!-- c -->");
    expect([doc.first(0), doc.indent(0), doc.last(0)]).toEqual([35, 2, 120]);
    expect([doc.first(1), doc.last(1)]).toEqual([-1, -1]);
    expect([doc.first(2), doc.last(2)]).toEqual([-1, -1]);
    expect(doc.head(0, 4)).toBe("  ##");
    expect(doc.lineAt(0)).toBe(0);
    expect(doc.lineAt(9)).toBe(1);
    expect(doc.lineAt(10)).toBe(2);
  });
});
