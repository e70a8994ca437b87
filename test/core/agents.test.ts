import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { canonicalAgentName, detectAgentSignals } from "../../src/core/agents.js";
import type { CommitAuthor } from "../../src/core/commit.js";
import { trailerLines } from "../helpers/trailer-lines.js";

const trailersOf = (text: string, firstLine = 1) => trailerLines(text, firstLine);

function detect(
  trailerText: string,
  options: {
    author?: CommitAuthor;
    body?: string;
    patterns?: Config["agents"]["patterns"];
  } = {},
) {
  const message = `${options.body ?? "Subject"}\n\n${trailerText}`;
  return detectAgentSignals({
    trailers: trailersOf(trailerText),
    author: options.author ?? { name: "Jane Doe", email: "jane@example.com" },
    message,
    patterns: options.patterns ?? [],
  });
}

function agents(trailerText: string, options: Parameters<typeof detect>[1] = {}): string[] {
  return detect(trailerText, options).map((s) => s.agent);
}

describe("built-in agent marks", () => {
  it.each([
    ["Co-Authored-By: Claude <noreply@anthropic.com>", "Claude Code"],
    ["Co-authored-by: Claude Opus 4.6 (1M context) <noreply@anthropic.com>", "Claude Code"],
    ["Assisted-by: Claude <noreply@anthropic.com>", "Claude Code"],
    ["Claude-Session: 7f3c9a", "Claude Code"],
    ["Co-authored-by: claude[bot] <209825114+claude[bot]@users.noreply.github.com>", "Claude Code"],
    ["Co-authored-by: Codex <noreply@openai.com>", "Codex"],
    ["Codex-Session: 019a-44", "Codex"],
    ["Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>", "Copilot"],
    [
      "Co-authored-by: Copilot Autofix powered by AI <175728472+Copilot@users.noreply.github.com>",
      "Copilot",
    ],
    [
      "Co-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>",
      "Copilot",
    ],
    ["Co-authored-by: Cursor <cursoragent@cursor.com>", "Cursor"],
    ["Signed-off-by: Assistant <assistant@cursor.com>", "Cursor"],
    ["Made-with: Cursor", "Cursor"],
    ["Cursor-Session: abc", "Cursor"],
    ["Co-authored-by: aider (anthropic/claude-sonnet-4-5) <aider@aider.chat>", "aider"],
    ["Co-authored-by: aider (gpt-4o) <noreply@aider.chat>", "aider"],
    [
      "Co-authored-by: devin-ai-integration[bot] <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
      "Devin",
    ],
    ["Co-authored-by: Amp <amp@ampcode.com>", "Amp"],
    ["Amp-Thread-ID: https://ampcode.com/threads/T-5b3e", "Amp"],
    [
      "Co-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>",
      "Gemini Code Assist",
    ],
    ["Co-Authored-By: Gemini <noreply@google.com>", "Gemini"],
    [
      "Co-authored-by: google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>",
      "Jules",
    ],
    ["Co-Authored-By: opencode <noreply@opencode.ai>", "opencode"],
    ["Assisted-by: Claude:claude-3-opus coccinelle sparse", "Claude Code"],
    ["Assisted-by: SomeTool:some-model-v2", "SomeTool"],
  ])("%s → %s", (trailer, agent) => {
    expect(agents(trailer)).toEqual([agent]);
  });

  it("keys are case-insensitive", () => {
    expect(agents("CO-AUTHORED-BY: Claude <NOREPLY@ANTHROPIC.COM>")).toEqual(["Claude Code"]);
    expect(agents("made-with: cursor")).toEqual(["Cursor"]);
  });

  it("quotes the evidence as written", () => {
    expect(detect("Co-authored-by: Codex <noreply@openai.com>")).toEqual([
      { agent: "Codex", evidence: "Co-authored-by: Codex <noreply@openai.com>" },
    ]);
  });

  it.each([
    ["🤖 Generated with [Claude Code](https://claude.com/claude-code)", "Claude Code"],
    ["Generated with [Claude Code](https://claude.ai/code)", "Claude Code"],
    ["Cursor-AI-Generated", "Cursor"],
  ])("body line %s → %s", (line, agent) => {
    expect(
      agents("Signed-off-by: Jane Doe <jane@example.com>", { body: `Fix it\n\n${line}` }),
    ).toEqual([agent]);
  });

  it.each<[CommitAuthor, string]>([
    [
      { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" },
      "Copilot",
    ],
    [{ name: "Copilot", email: "198982749+Copilot@users.noreply.github.com" }, "Copilot"],
    [{ login: "copilot-swe-agent[bot]" }, "Copilot"],
    [{ name: "Jane Doe (aider)", email: "jane@example.com" }, "aider"],
    [
      { name: "Devin AI", email: "158243242+devin-ai-integration[bot]@users.noreply.github.com" },
      "Devin",
    ],
    [{ name: "Cursor Agent", email: "cursoragent@cursor.com" }, "Cursor"],
    [
      { name: "claude[bot]", email: "209825114+claude[bot]@users.noreply.github.com" },
      "Claude Code",
    ],
    [{ login: "gemini-code-assist[bot]" }, "Gemini Code Assist"],
    [{ name: "chatgpt-codex-connector[bot]" }, "Codex"],
  ])("author %j → %s", (author, agent) => {
    expect(agents("", { author })).toEqual([agent]);
    expect(detect("", { author })[0]?.evidence).toMatch(/^author: /);
  });

  it("gives one signal per agent, the first evidence found", () => {
    const signals = detect(
      [
        "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>",
        "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>",
        "Claude-Session: 1",
        "Co-authored-by: Codex <noreply@openai.com>",
      ].join("\n"),
      { body: "Subject\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)" },
    );
    expect(signals).toEqual([
      { agent: "Claude Code", evidence: "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>" },
      { agent: "Codex", evidence: "Co-authored-by: Codex <noreply@openai.com>" },
    ]);
  });

  it("shortens very long evidence", () => {
    const long = `Co-authored-by: Claude ${"x".repeat(500)} <noreply@anthropic.com>`;
    const [signal] = detect(long);
    expect(signal?.agent).toBe("Claude Code");
    expect(signal?.evidence.length).toBeLessThanOrEqual(121);
  });
});

describe("no false positives", () => {
  it.each([
    "Co-authored-by: Jane <jane@x.com>",
    "Co-authored-by: Claude Shannon <claude@example.com>",
    "Co-authored-by: Amp Amplifier <amp@example.com>",
    "Co-authored-by: Cursor Fan <fan@cursor.com>",
    "Co-authored-by: Copilot Pilot <pilot@example.com>",
    "Co-authored-by: xcopilot <1+xcopilot@users.noreply.github.com>",
    "Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
    "Signed-off-by: Jane Doe <jane@example.com>",
    "Reviewed-by: Claude <noreply@anthropic.com>",
    "Assisted-by: Jane Doe <jane@example.com>",
    "Assisted-by: see https://example.com/x",
    "Made-with: love",
    "Refs: #123",
  ])("%s", (trailer) => {
    expect(agents(trailer)).toEqual([]);
  });

  it("looks at body lines only for the body-line patterns", () => {
    expect(
      agents("", { body: "Fix\n\nCo-authored-by: Claude <noreply@anthropic.com> was discussed" }),
    ).toEqual([]);
    expect(agents("", { body: "Mention the Cursor-AI-Generated marker in docs" })).toEqual([]);
  });

  it("a human author is not an agent", () => {
    expect(
      agents("", { author: { name: "Aida Ider", email: "aider@example.com", login: "aider" } }),
    ).toEqual([]);
  });
});

describe("config patterns (agents.patterns)", () => {
  it("match a trailer with contains or equals, case-insensitively", () => {
    const patterns = [
      { agent: "Windsurf", trailer: "Co-authored-by", contains: "@windsurf.com" },
      { agent: "Sourcery", trailer: "co-authored-by", contains: "SOURCERY-AI[bot]" },
      { agent: "House bot", trailer: "X-Generated-By", equals: "house-bot" },
    ];
    expect(
      agents(
        [
          "Co-authored-by: Windsurf <wave@windsurf.com>",
          "Co-authored-by: sourcery-ai[bot] <58596630+sourcery-ai[bot]@users.noreply.github.com>",
          "X-Generated-By: House-Bot",
        ].join("\n"),
        { patterns },
      ),
    ).toEqual(["Windsurf", "Sourcery", "House bot"]);
    expect(agents("X-Generated-By: house-bot v2", { patterns })).toEqual([]);
  });

  it("without trailer, match the author name, email or login", () => {
    const patterns = [{ agent: "Robo", contains: "robo@" }];
    expect(agents("", { patterns, author: { name: "R", email: "robo@corp.example" } })).toEqual([
      "Robo",
    ]);
    expect(agents("", { patterns, author: { name: "R", email: "jane@corp.example" } })).toEqual([]);
    const byName = [{ agent: "Robo", equals: "robo-runner" }];
    expect(agents("", { patterns: byName, author: { login: "Robo-Runner" } })).toEqual(["Robo"]);
  });

  it("come after the built-in ones and are de-duplicated by agent name", () => {
    const patterns = [{ agent: "claude code", trailer: "X-Tool", equals: "claude" }];
    expect(
      detect("Co-authored-by: Claude <noreply@anthropic.com>\nX-Tool: claude", { patterns }),
    ).toEqual([
      { agent: "Claude Code", evidence: "Co-authored-by: Claude <noreply@anthropic.com>" },
    ]);
  });

  it("treat regex syntax in the config as plain text", () => {
    const patterns = [{ agent: "Evil", trailer: "Co-authored-by", contains: "(a+)+$" }];
    expect(agents(`Co-authored-by: ${"a".repeat(50_000)}!`, { patterns })).toEqual([]);
    expect(agents("Co-authored-by: x (a+)+$ y", { patterns })).toEqual(["Evil"]);
  });
});

describe("canonicalAgentName", () => {
  it.each([
    ["claude-code", "Claude Code"],
    ["Claude Code", "Claude Code"],
    ["CLAUDE_CODE", "Claude Code"],
    ["codex", "Codex"],
    ["cursor-agent", "Cursor"],
    ["github-copilot", "Copilot"],
    ["gemini-cli", "Gemini"],
    ["aider", "aider"],
    ["  my-own-tool  ", "my-own-tool"],
  ])("%s → %s", (name, expected) => {
    expect(canonicalAgentName(name)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// The real corpus: 6,049 commit messages of two open-source projects.

function readCorpus(name: string): { sha: string; message: string }[] {
  const text = readFileSync(join(import.meta.dirname, "../fixtures/corpus", name), "utf8");
  const fields = text.split("\0");
  const commits: { sha: string; message: string }[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    commits.push({ sha: (fields[i] as string).trim(), message: fields[i + 1] as string });
  }
  return commits;
}

/** Approximation of git's trailer block for the corpus: the last paragraph's `Key: value` lines. */
function corpusTrailers(message: string) {
  const lines = message.replace(/\n+$/, "").split("\n");
  let start = lines.length;
  while (start > 0 && (lines[start - 1] as string).trim() !== "") start--;
  if (start === 0) return [];
  const block = lines.slice(start).join("\n");
  return trailersOf(block, start + 1).filter((t) => /^[A-Za-z0-9-]+$/.test(t.key));
}

describe("on the real corpus", () => {
  it("detects the agents that left marks, and pins the counts", () => {
    const counts: Record<string, number> = {};
    let commits = 0;
    let detected = 0;
    for (const file of ["kagent.commits", "ramalama.commits"]) {
      for (const commit of readCorpus(file)) {
        commits++;
        const signals = detectAgentSignals({
          trailers: corpusTrailers(commit.message),
          author: {},
          message: commit.message,
          patterns: [],
        });
        if (signals.length > 0) detected++;
        for (const s of signals) counts[s.agent] = (counts[s.agent] ?? 0) + 1;
      }
    }
    expect(commits).toBe(6049);
    // Cross-checked with a plain text search of the messages (commits whose message mentions
    // the mark anywhere): Claude 106, Copilot 56, Cursor 27, Gemini Code Assist 19, of which 3
    // have the co-author line outside the trailer block (it is not the last paragraph).
    expect({ detected, counts }).toEqual({
      detected: 196,
      counts: { "Claude Code": 106, Copilot: 56, Cursor: 27, "Gemini Code Assist": 16 },
    });
  });
});
