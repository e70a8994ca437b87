import { describe, expect, it } from "vitest";
import {
  absoluteIssue,
  findClosingReferences,
  formatIssueRef,
  parseIssueRef,
  readIssueRef,
  sameIssue,
} from "../../src/core/issue-ref.js";

const here = { owner: "acme", repo: "shop" };

describe("parseIssueRef", () => {
  it.each([
    ["#123", { number: 123 }],
    ["  #7  ", { number: 7 }],
    ["GH-42", { number: 42 }],
    ["gh-42", { number: 42 }],
    ["acme/shop#5", { owner: "acme", repo: "shop", number: 5 }],
    ["my-org/my.repo_2#9", { owner: "my-org", repo: "my.repo_2", number: 9 }],
    ["https://github.com/o/r/issues/123", { owner: "o", repo: "r", number: 123 }],
    ["http://github.com/o/r/issues/123", { owner: "o", repo: "r", number: 123 }],
    ["https://github.com/o/r/issues/123/", { owner: "o", repo: "r", number: 123 }],
    ["https://github.com/o/r/issues/123#issuecomment-99", { owner: "o", repo: "r", number: 123 }],
    ["https://github.com/o/r/issues/123?x=1", { owner: "o", repo: "r", number: 123 }],
    ["https://git.example.com:8443/team/app/issues/4", { owner: "team", repo: "app", number: 4 }],
    ["<https://github.com/o/r/issues/3>", { owner: "o", repo: "r", number: 3 }],
    ["[#3](https://github.com/o/r/issues/3)", { owner: "o", repo: "r", number: 3 }],
    ["[the bug](#3)", { number: 3 }],
    ["[#3](not a link)", { number: 3 }],
  ])("%s", (text, expected) => {
    expect(parseIssueRef(text)).toEqual(expected);
  });

  it.each([
    "",
    "#",
    "#0",
    "#-1",
    "#12a",
    "#1234567890",
    "123",
    "issue 123",
    "o/r#",
    "/r#1",
    "o/#1",
    "o/r/x#1",
    "o/r#1#2",
    "bad owner/r#1",
    "https://github.com/o/r",
    "https://github.com/o/r/issues",
    "https://github.com/o/r/issues/abc",
    "https://github.com/o/r/issues/1/events",
    "https://github.com/o/r/pull/1",
    "https://github.com/o/r/discussions/1",
    "ftp://github.com/o/r/issues/1",
    "https:///o/r/issues/1",
    `#${"1".repeat(600)}`,
  ])("rejects %j", (text) => {
    expect(parseIssueRef(text)).toBeUndefined();
  });

  it("says why a link is not an issue", () => {
    expect(readIssueRef("https://github.com/o/r/pull/45")).toEqual({
      ok: false,
      reason: "pull-request",
      detail: "pull request o/r#45",
    });
    expect(readIssueRef("https://github.com/o/r/pull/45/files")).toMatchObject({
      reason: "pull-request",
    });
    expect(readIssueRef("https://github.com/o/r/pulls/45")).toMatchObject({
      reason: "pull-request",
    });
    expect(readIssueRef("https://github.com/o/r/discussions/8")).toEqual({
      ok: false,
      reason: "not-an-issue",
      detail: "a link to a discussion, not to an issue",
    });
    expect(readIssueRef("https://github.com/o/r/commit/abc")).toEqual({
      ok: false,
      reason: "not-an-issue",
      detail: "a link to a /commit/ page, not to an issue",
    });
    expect(readIssueRef("https://github.com/o/r")).toEqual({
      ok: false,
      reason: "not-an-issue",
      detail: "a link to a repository, not to an issue",
    });
    expect(readIssueRef("soon")).toEqual({
      ok: false,
      reason: "invalid",
      detail: "not an issue reference",
    });
  });
});

describe("formatIssueRef and sameIssue", () => {
  it("formats same-repository refs short and others long", () => {
    expect(formatIssueRef({ number: 5 })).toBe("#5");
    expect(formatIssueRef({ number: 5 }, here)).toBe("#5");
    expect(formatIssueRef({ owner: "acme", repo: "shop", number: 5 }, here)).toBe("#5");
    expect(formatIssueRef({ owner: "ACME", repo: "Shop", number: 5 }, here)).toBe("#5");
    expect(formatIssueRef({ owner: "acme", repo: "shop", number: 5 })).toBe("acme/shop#5");
    expect(formatIssueRef({ owner: "o", repo: "r", number: 5 }, here)).toBe("o/r#5");
  });

  it("compares with the repository as the default owner, case-insensitively", () => {
    expect(sameIssue({ number: 5 }, { owner: "acme", repo: "shop", number: 5 }, here)).toBe(true);
    expect(sameIssue({ number: 5 }, { owner: "Acme", repo: "SHOP", number: 5 }, here)).toBe(true);
    expect(sameIssue({ number: 5 }, { number: 5 }, here)).toBe(true);
    expect(sameIssue({ number: 5 }, { number: 6 }, here)).toBe(false);
    expect(sameIssue({ number: 5 }, { owner: "o", repo: "shop", number: 5 }, here)).toBe(false);
    expect(
      sameIssue({ owner: "o", repo: "r", number: 1 }, { owner: "o", repo: "x", number: 1 }, here),
    ).toBe(false);
  });
});

describe("findClosingReferences", () => {
  it.each([
    "close",
    "closes",
    "closed",
    "fix",
    "fixes",
    "fixed",
    "resolve",
    "resolves",
    "resolved",
  ])("knows %s in any case, with or without a colon", (keyword) => {
    expect(findClosingReferences(`${keyword} #1`)).toEqual([{ number: 1 }]);
    expect(findClosingReferences(`${keyword.toUpperCase()}: #2`)).toEqual([{ number: 2 }]);
    expect(findClosingReferences(`This ${keyword}:#3.`)).toEqual([{ number: 3 }]);
  });

  it("reads every form of reference, once each, in order", () => {
    const body = [
      "Fixes #12, closes acme/other#5 and",
      "resolves https://github.com/o/r/issues/9.",
      "Also fixes #12 again (fixes [#4](https://github.com/o/r/issues/4))",
      "- Closes: GH-8",
    ].join("\n");
    expect(findClosingReferences(body)).toEqual([
      { number: 12 },
      { owner: "acme", repo: "other", number: 5 },
      { owner: "o", repo: "r", number: 9 },
      { owner: "o", repo: "r", number: 4 },
      { number: 8 },
    ]);
  });

  it("takes only the first reference after a keyword, like GitHub", () => {
    expect(findClosingReferences("Fixes #1, #2 and #3")).toEqual([{ number: 1 }]);
  });

  it("ignores words that only contain a keyword, and missing separators", () => {
    expect(
      findClosingReferences("prefix #1 unfixed #2 fixes2 #3 fix_ #4 Fixes#5 fixing #6"),
    ).toEqual([]);
    expect(findClosingReferences("Fixes the bug in #7")).toEqual([]);
    expect(findClosingReferences("Fixes https://github.com/o/r/pull/7")).toEqual([]);
  });

  it("ignores code blocks, inline code and HTML comments", () => {
    const body = [
      "```",
      "Fixes #1",
      "```",
      "~~~~ text",
      "Fixes #2",
      "~~~",
      "still code: fixes #3",
      "~~~~",
      "Use `Fixes #4` or ``fixes #5`` to link.",
      "<!-- Fixes #6 -->",
      "<!--",
      "Fixes #7",
      "-->Fixes #8",
    ].join("\n");
    expect(findClosingReferences(body)).toEqual([{ number: 8 }]);
  });

  it("reads a line that only looks like inline code", () => {
    expect(findClosingReferences("a ` tick, Fixes #9")).toEqual([{ number: 9 }]);
  });

  it("works with CRLF and CR line breaks", () => {
    expect(findClosingReferences("```\r\nFixes #1\r\n```\r\nFixes #2\rCloses #3")).toEqual([
      { number: 2 },
      { number: 3 },
    ]);
  });
});

describe("absoluteIssue", () => {
  it("puts a bare reference in the given repository", () => {
    expect(absoluteIssue({ number: 7 }, "acme", "shop")).toEqual({
      owner: "acme",
      repo: "shop",
      number: 7,
    });
  });

  it("keeps a reference that names its repository", () => {
    expect(absoluteIssue({ owner: "o", repo: "r", number: 5 }, "acme", "shop")).toEqual({
      owner: "o",
      repo: "r",
      number: 5,
    });
  });

  it("fills only the part that is missing", () => {
    expect(absoluteIssue({ repo: "other", number: 2 }, "acme", "shop")).toEqual({
      owner: "acme",
      repo: "other",
      number: 2,
    });
  });
});
