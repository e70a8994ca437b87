import { describe, expect, it } from "vitest";
import { codeBlock, escapeWithCode, inlineCode } from "../../../src/core/markdown/code.js";

const ZWSP = "\u200B";

describe("inlineCode", () => {
  it("fences longer than any backtick run inside", () => {
    expect(inlineCode("a``b")).toBe("```a``b```");
    expect(inlineCode("`x")).toBe("`` `x ``");
    expect(inlineCode("")).toBe("` `");
  });

  it("replaces pipes in tables and keeps one line", () => {
    expect(inlineCode("a|b\nc", { inTable: true })).toBe("`a¦b c`");
  });

  it("caps backtick runs so no input can close the span early", () => {
    const span = inlineCode(`${"`".repeat(200)}x`);
    // 63 backticks kept inside, a fence of 64 around them
    expect(span).toBe(`${"`".repeat(64)} ${"`".repeat(63)}x ${"`".repeat(64)}`);
  });

  it("replaces half of a surrogate pair and drops bidi overrides", () => {
    expect(inlineCode("a\uD800b\u202Ec")).toBe("`a\uFFFDbc`");
  });
});

describe("codeBlock", () => {
  it("fences longer than any backtick run and drops trailing newlines", () => {
    expect(codeBlock("a\n````\nb\n\n\n")).toBe("`````\na\n````\nb\n`````");
    expect(codeBlock("x", { lang: "yaml" })).toBe("```yaml\nx\n```");
  });

  it("indents every line that is not empty, the fences too", () => {
    expect(codeBlock("a\n\nb", { indent: "  " })).toBe("  ```\n  a\n\n  b\n  ```");
  });

  it("removes carriage returns and invisible controls, keeps tabs", () => {
    expect(codeBlock("a\r\n\tb\u0007")).toBe("```\na\n\tb\n```");
  });
});

describe("escapeWithCode", () => {
  it("keeps backtick spans as code and escapes the text around them", () => {
    expect(escapeWithCode("set `Budget:` for @bob")).toBe(`set \`Budget:\` for @${ZWSP}bob`);
  });

  it("escapes an unpaired backtick like any other text", () => {
    expect(escapeWithCode("a ` b *c*")).toBe("a \\` b \\*c\\*");
  });

  it("pairs runs of the same length, as CommonMark does", () => {
    expect(escapeWithCode("``a`b`` c")).toBe("``a`b`` c");
  });
});
