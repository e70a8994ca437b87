/**
 * Every parser of attacker-controlled text, on generated input: arbitrary strings (any code point,
 * lone surrogates, NUL, bidi overrides, every kind of line break) and structured-but-hostile input
 * (near-valid trailers, huge, negative, NaN/Infinity and exponent amounts, currency junk, nested
 * headings, JSON with wrong types, YAML with anchors, aliases, merge keys, tags and deep nesting).
 * Each must return a result, never throw; the result is checked against the zod schemas of
 * test/fixtures/adversarial/schemas.ts; problems must name where the input is.
 *
 * This extends test/core/value.property.test.ts and cost.property.test.ts (value statements and
 * trailer lists given directly): here whole messages, bodies, lines and files go in.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfigObject, parseConfigText } from "../../src/config/parse-config.js";
import { configSchema } from "../../src/config/schema.js";
import { parseClaudeLine } from "../../src/core/agent-logs/claude.js";
import { type CodexEvent, codexEntries, parseCodexLine } from "../../src/core/agent-logs/codex.js";
import { parseSince } from "../../src/core/agent-logs/entry-filters.js";
import { trailerModelId } from "../../src/core/agent-logs/log-line.js";
import { canonicalAgentName, detectAgentSignals } from "../../src/core/agents.js";
import { parseCommand } from "../../src/core/command.js";
import { readCommitCost } from "../../src/core/cost/commit-cost.js";
import { costTrailerKey } from "../../src/core/cost/keys.js";
import { findClosingReferences, readIssueRef } from "../../src/core/issue-ref.js";
import { stripInlineCode } from "../../src/core/markdown/inline-code.js";
import { parseMilestoneBudget } from "../../src/core/milestone.js";
import { MAX_MONEY_MICROS, parseDecimalMicros, parseMoney } from "../../src/core/money.js";
import { MAX_TOKEN_COUNT, parseTokenCount } from "../../src/core/tokens.js";
import { findTrailerBlock, parseTrailers } from "../../src/core/trailers.js";
import { resolveValueStatement } from "../../src/core/value/resolve.js";
import { parseValueSection } from "../../src/core/value/section.js";
import {
  agentSignalsSchema,
  commandSchema,
  commitCostSchema,
  configResultSchema,
  decimalResultSchema,
  issueRefResultSchema,
  issueRefSchema,
  lineResultSchema,
  milestoneBudgetSchema,
  moneyResultSchema,
  problemSchema,
  sinceResultSchema,
  tokenCountResultSchema,
  tokensSchema,
  trailersSchema,
  valueResultSchema,
} from "../fixtures/adversarial/schemas.js";

const SHA = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
const REPOSITORY = { owner: "acme", repo: "shop" };
const CONFIG = configSchema.parse({
  agents: { patterns: [{ agent: "Windsurf", contains: "windsurf" }] },
});
const RUNS = { numRuns: 300 };

// ---------------------------------------------------------------------------------------------
// Generators

const lineBreak = fc.constantFrom(
  "\n",
  "\r",
  "\r\n",
  "\n\r",
  "\u2028",
  "\u2029",
  "\u0085",
  "\v",
  "\f",
);
const nasty = fc.constantFrom(
  "\0",
  "\u202E",
  "\u2066",
  "\u200B",
  "\uFEFF",
  "\uD800",
  "\uDFFF",
  "\uDC00\uD800",
  "😀",
  "👩‍👩‍👧",
  "İ",
  "ß",
  "ǅ",
  "٣",
  "४",
  "１",
  "\t",
  " ",
  "\u00A0",
);
const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  lineBreak,
  nasty,
);

/** Glue `pieces` and noise together. */
function mix(pieces: fc.Arbitrary<string>, maxLength = 30): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 3, arbitrary: pieces }, { weight: 1, arbitrary: anyText }), {
      maxLength,
    })
    .map((parts) => parts.join(""));
}

/** Numbers as people (and attackers) write them. */
const number = fc.oneof(
  fc.double().map(String), // NaN, Infinity, -0, 5e-324, 1.7976931348623157e+308
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.integer({ min: 0, max: 400 }).map((n) => "9".repeat(n)),
  fc.constantFrom("NaN", "Infinity", "-Infinity", "-1", "−1", "+1", "1e3", "1E-3", "0x10", "0b1"),
  fc.constantFrom(
    "1,000",
    "1,,000",
    ",1",
    "1,",
    "1_000",
    "1.",
    ".5",
    "1.2.3",
    "0.0000001",
    "1.9999995",
  ),
  fc.constantFrom("8k", "1.5M", "2m", "1.2345k", "3K", "kk", "1kM"),
);
const currencyJunk = fc.constantFrom(
  "$",
  "US$",
  "€",
  "£",
  "¥",
  "₹",
  "USD",
  "usd",
  "EUR",
  "XBT",
  "$$",
  "USD EUR",
  "€$",
  "U$D",
  "💲",
);
const amount = mix(fc.oneof(number, currencyJunk, fc.constant(" ")), 8);

const trailerKey = fc.oneof(
  fc.constantFrom(
    "Agent",
    "Agent-Cost",
    "agent-cost",
    "AI-Cost",
    "Agent-Tokens",
    "Agent-Model",
    "Agent-Usage",
    "Co-authored-by",
    "Assisted-by",
    "Signed-off-by",
    "Generated-by",
    "https",
    "Key",
    "-",
    "K-",
    "K K",
    "Agent_Cost",
  ),
  fc.string({ maxLength: 10 }),
);
const separator = fc.constantFrom(":", ": ", " :", ":  ", "=", "：", "", ":\t");
const trailerValue = mix(
  fc.oneof(
    amount,
    fc.constantFrom(
      "anthropic/claude-sonnet-4-5 ",
      "input=",
      "output=",
      "cache-read=",
      "cost=",
      "Claude <noreply@anthropic.com>",
      "claude-code",
      "NAME:MODEL",
    ),
  ),
  10,
);
/** A commit message: a subject, maybe prose, and a near-valid trailer block with hostile lines. */
const message = fc
  .tuple(
    anyText,
    fc.option(anyText),
    fc.array(
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.tuple(trailerKey, separator, trailerValue).map((p) => p.join("")),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            " continued",
            "\tcontinued",
            "",
            "# comment",
            "(cherry picked from commit abc)",
            "Signed-off-by: A <a@b>",
            "# ------------------------ >8 ------------------------",
            "---",
            "prose without a colon",
          ),
        },
        { weight: 1, arbitrary: anyText },
      ),
      { maxLength: 12 },
    ),
    lineBreak,
  )
  .map(([subject, prose, lines, eol]) =>
    [subject, "", ...(prose !== null ? [prose, ""] : []), ...lines].join(eol),
  );

const valueBody = mix(
  fc.constantFrom(
    "\n## Value\n",
    "\n# Value\n",
    "\n###### value\n",
    "\n####### Value\n",
    "\n## Value ##\n",
    "\n> ## Value\n",
    "\nValue\n---\n",
    "\n**Value**\n",
    "\n## Other\n",
    "\nIssue: ",
    "\nType: ",
    "\nWorth: ",
    "\nBudget: ",
    "\nWhy now: ",
    "\n- **Worth:** ",
    "\n* Type: ",
    "#1",
    "o/r#2",
    "https://github.com/o/r/issues/3",
    "https://github.com/o/r/pull/4",
    "GH-5",
    "[#6](https://github.com/o/r/issues/6)",
    "defect",
    "<!--",
    "-->",
    "\n```\n",
    "\n~~~\n",
    "`",
    "\nFixes #9\n",
    "closes: o/r#8 ",
    "<amount>",
    "TBD",
  ),
  40,
).chain((body) => amount.map((a) => body.replaceAll("<amount>", a)));

/** JSON lines as Claude Code and Codex write them, with wrong types and truncation. */
const jsonish = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 53, 1e308, "12", "", [], {}),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.double(),
);
const claudeLine = fc
  .record({
    type: fc.oneof(fc.constant("assistant"), jsonish),
    timestamp: fc.oneof(fc.constant("2026-01-01T00:00:00Z"), jsonish),
    sessionId: jsonish,
    cwd: jsonish,
    requestId: jsonish,
    costUSD: jsonish,
    message: fc.oneof(
      jsonish,
      fc.record({
        id: jsonish,
        model: fc.oneof(fc.constant("claude-sonnet-4-5"), jsonish),
        usage: fc.oneof(
          jsonish,
          fc.record({
            input_tokens: jsonish,
            output_tokens: jsonish,
            cache_read_input_tokens: jsonish,
            cache_creation_input_tokens: jsonish,
            cache_creation: fc.oneof(
              jsonish,
              fc.record({ ephemeral_5m_input_tokens: jsonish, ephemeral_1h_input_tokens: jsonish }),
            ),
          }),
        ),
      }),
    ),
  })
  .map((o) => JSON.stringify(o));
const codexLine = fc
  .record({
    type: fc.oneof(fc.constantFrom("session_meta", "turn_context", "event_msg"), jsonish),
    timestamp: fc.oneof(fc.constant("2026-01-01T00:00:00Z"), jsonish),
    payload: fc.oneof(
      jsonish,
      fc.record({
        type: fc.oneof(fc.constant("token_count"), jsonish),
        id: jsonish,
        cwd: jsonish,
        model: jsonish,
        info: fc.oneof(
          jsonish,
          fc.record({
            total_token_usage: fc.oneof(
              jsonish,
              fc.record({
                input_tokens: jsonish,
                cached_input_tokens: jsonish,
                output_tokens: jsonish,
                total_tokens: jsonish,
              }),
            ),
          }),
        ),
      }),
    ),
  })
  .map((o) => JSON.stringify(o));
/** A JSON line, whole or cut anywhere. */
function truncatable(line: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(line, fc.option(fc.nat()))
    .map(([l, cut]) => (cut === null ? l : l.slice(0, cut % (l.length + 1))));
}

/** YAML that tries everything a YAML parser offers. */
const yamlPiece = fc.constantFrom(
  "check-name: x\n",
  "currency: USD\n",
  "currency: 12\n",
  "value:\n  heading: V\n",
  "value: {types: {a: b}}\n",
  "pricing:\n  overrides:\n    m: {input: -1, output: .nan}\n",
  "pricing: {overrides: {m: {input: 1e999, output: .inf}}}\n",
  "agents:\n  patterns:\n    - agent: X\n",
  "a: &a [1, 2]\n",
  "b: *a\n",
  "c: *missing\n",
  "<<: *a\n",
  "<<: {currency: EUR}\n",
  "x: !!js/function 'function(){}'\n",
  "x: !!binary aGk=\n",
  "x: !!set {a}\n",
  "x: !!timestamp 2020-01-01\n",
  "x: !custom y\n",
  "%YAML 1.1\n---\n",
  "%TAG ! tag:x,2000:\n",
  "---\n",
  "...\n",
  "? [a, b]\n: c\n",
  "- ",
  "[",
  "]",
  "{",
  "}",
  '"',
  "'",
  "\t",
  "  ",
  "# c\n",
  "_extends: other\n",
  "check-name: x\ncheck-name: y\n",
);
const yamlText = fc.oneof(
  mix(yamlPiece, 25),
  fc
    .jsonValue({ maxDepth: 4 })
    .map((v) => stringify({ "check-name": "n", ...(typeof v === "object" ? { v } : { v }) })),
  fc.integer({ min: 1, max: 300 }).map((n) => `a: ${"[".repeat(n)}${"]".repeat(n)}`),
  fc.integer({ min: 1, max: 300 }).map((n) => `${"- ".repeat(n)}x`),
);

// ---------------------------------------------------------------------------------------------
// Properties

describe("commit messages: trailers, cost and agents", () => {
  it("parseTrailers: trailers with a key, on a line of the message, in order", () => {
    fc.assert(
      fc.property(message, (msg) => {
        const trailers = trailersSchema.parse(parseTrailers(msg));
        const lines = msg.split("\n").length;
        let last = 0;
        for (const t of trailers) {
          expect(t.line).toBeGreaterThan(last);
          expect(t.line).toBeLessThanOrEqual(lines);
          expect(t.key).not.toMatch(/[:\n]/);
          last = t.line;
        }
        const block = findTrailerBlock(msg);
        expect(0 <= block.start && block.start <= block.end && block.end <= msg.length).toBe(true);
      }),
      RUNS,
    );
  });

  it("readCommitCost: a well-formed cost, problems that name the commit line and the key", () => {
    fc.assert(
      fc.property(message, (msg) => {
        const trailers = parseTrailers(msg);
        const cost = commitCostSchema.parse(
          readCommitCost({
            commit: { sha: SHA, message: msg, author: { name: "Dev" } },
            trailers,
            config: CONFIG,
          }),
        );
        for (const problem of cost.problems) {
          expect(problem.where).toMatch(/^commit 1a2b3c4 line \d+$/);
          const line = Number(problem.where?.split(" ").at(-1));
          const trailer = trailers.find((t) => t.line === line);
          expect(trailer, problem.message).toBeDefined();
          // the quote starts with the key as written (shortened)
          expect(problem.quote?.startsWith(trailer?.key.slice(0, 40) ?? "?")).toBe(true);
        }
        // a cost is never negative and never came from an unreadable Agent-Cost alone
        if (cost.costSource === "agent-cost") {
          expect(trailers.some((t) => costTrailerKey(t.key) === "Agent-Cost")).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("detectAgentSignals and canonicalAgentName on hostile authors and trailers", () => {
    fc.assert(
      fc.property(message, anyText, anyText, (msg, name, email) => {
        const signals = agentSignalsSchema.parse(
          detectAgentSignals({
            trailers: parseTrailers(msg),
            author: { name, email, login: name },
            message: msg,
            patterns: CONFIG.agents.patterns,
          }),
        );
        expect(new Set(signals.map((s) => s.agent.toLowerCase())).size).toBe(signals.length);
        expect(typeof canonicalAgentName(name)).toBe("string");
      }),
      RUNS,
    );
  });
});

describe("amounts and counts", () => {
  it("parseMoney and parseDecimalMicros: never negative, never above the cap, a reason otherwise", () => {
    fc.assert(
      fc.property(amount, fc.constantFrom("USD", "EUR", "JPY", "CHF"), (text, currency) => {
        const money = moneyResultSchema.parse(parseMoney(text, currency));
        if (money.ok) expect(money.money.micros <= MAX_MONEY_MICROS).toBe(true);
        const decimal = decimalResultSchema.parse(parseDecimalMicros(text));
        if (decimal.ok) expect(decimal.micros <= MAX_MONEY_MICROS).toBe(true);
        // NaN, Infinity, negatives and exponents are never read as an amount
        if (/NaN|Infinity|^\s*[-−]|\d[eE][-+]?\d/.test(text.trim())) expect(decimal.ok).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });

  it("parseTokenCount: a whole, safe count up to the cap, or a reason", () => {
    fc.assert(
      fc.property(amount, (text) => {
        const result = tokenCountResultSchema.parse(parseTokenCount(text));
        if (result.ok) expect(result.count).toBeLessThanOrEqual(MAX_TOKEN_COUNT);
      }),
      { numRuns: 1_000 },
    );
  });

  it("parseMilestoneBudget: a budget, none, or a problem naming its line", () => {
    const description = mix(
      fc.oneof(
        fc.constantFrom(
          "\nBudget: ",
          "\n- Budget: ",
          "\n**Budget:** ",
          "\nbudget:",
          "\nBudgets: ",
          "\n",
        ),
        amount,
      ),
      12,
    );
    fc.assert(
      fc.property(description, fc.constantFrom("USD", "EUR"), (text, currency) => {
        const budget = milestoneBudgetSchema.parse(parseMilestoneBudget(text, currency));
        if (budget.kind === "problem") expect(budget.message).toContain(`line ${budget.line}`);
        if (budget.kind === "budget") expect(budget.budget.currency).toBe(currency);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("markdown bodies: value statements, issue references, commands", () => {
  it("resolveValueStatement and parseValueSection: well-formed, problems name their body", () => {
    fc.assert(
      fc.property(valueBody, valueBody, (pr, issue) => {
        const result = valueResultSchema.parse(
          resolveValueStatement({
            prBody: pr,
            linkedIssues: [{ ref: { number: 1 }, body: issue }],
            repository: REPOSITORY,
            config: CONFIG,
          }),
        );
        const problems = result.ok ? result.warnings : result.problems;
        for (const p of problems) {
          if (p.where !== undefined) expect(p.where).toMatch(/^(PR body|issue #1)( line \d+)?$/);
        }
        const section = parseValueSection({ body: pr, where: "PR body", config: CONFIG });
        for (const p of section.problems) problemSchema.parse(p);
      }),
      RUNS,
    );
  });

  it("readIssueRef, findClosingReferences, stripInlineCode", () => {
    fc.assert(
      fc.property(valueBody, (body) => {
        issueRefResultSchema.parse(readIssueRef(body));
        for (const line of body.split("\n").slice(0, 20))
          issueRefResultSchema.parse(readIssueRef(line));
        for (const ref of findClosingReferences(body)) issueRefSchema.parse(ref);
        const stripped = stripInlineCode(body);
        expect(stripped.length).toBeLessThanOrEqual(body.length);
      }),
      RUNS,
    );
  });

  it("parseCommand: a command, help, or nothing; the title bounded", () => {
    const comment = mix(
      fc.constantFrom(
        "/cost-value",
        "/cost-value ",
        "/cost-value rollup ",
        "/cost-value help",
        "/cost-valuex",
        "/COST-VALUE rollup",
        '"',
        "'",
        "\n```\n",
        "\n~~~\n",
        "\n",
        "Q3 🚀",
      ),
      20,
    );
    fc.assert(
      fc.property(comment, (body) => {
        commandSchema.parse(parseCommand(body));
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("agent session logs", () => {
  it("parseClaudeLine and parseCodexLine: an entry with valid counts, ignored, or skipped with a reason", () => {
    fc.assert(
      fc.property(
        truncatable(claudeLine),
        truncatable(codexLine),
        anyText,
        (claude, codex, junk) => {
          for (const line of [claude, codex, junk]) {
            const c = lineResultSchema.parse(parseClaudeLine(line));
            if (c.kind === "entry") tokensSchema.parse((c.value as { tokens: unknown }).tokens);
            lineResultSchema.parse(parseCodexLine(line));
          }
          const events = [codex, claude]
            .map((l) => parseCodexLine(l))
            .filter((r) => r.kind === "entry")
            .map((r) => r.value as CodexEvent);
          for (const entry of codexEntries([{ events }])) tokensSchema.parse(entry.tokens);
        },
      ),
      RUNS,
    );
  });

  it("parseSince and trailerModelId on anything", () => {
    const since = mix(
      fc.constantFrom(
        "2026-01-31",
        "T",
        " ",
        "09:00:00",
        "Z",
        "+01:00",
        "30",
        "m",
        "h",
        "d",
        "w",
        ".",
        ":",
      ),
      10,
    );
    fc.assert(
      fc.property(fc.oneof(since, anyText), (text) => {
        sinceResultSchema.parse(parseSince(text, Date.parse("2026-11-28T12:00:00Z")));
        expect(typeof trailerModelId("codex", text)).toBe("string");
        expect(typeof trailerModelId("claude-code", text)).toBe("string");
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("the config file", () => {
  it("parseConfigText: a config or problems with a message, whatever the YAML", () => {
    fc.assert(
      fc.property(yamlText, (text) => {
        const result = configResultSchema.parse(parseConfigText(text));
        if (result.ok) configSchema.parse(result.config); // what the schema says it is
      }),
      RUNS,
    );
  });

  it("refuses tags, deep nesting and alias bombs with a problem that says so", () => {
    const cases: [string, RegExp][] = [
      ["check-name: !!js/function 'function(){}'", /YAML tags are not supported/],
      ["check-name: !!binary aGk=", /YAML tags are not supported/],
      [`a: ${"[".repeat(40)}${"]".repeat(40)}`, /nests more than 32 levels/],
      [`${"- ".repeat(1_000)}x`, /nests more than 32 levels/],
      [
        Array.from({ length: 40 }, (_, i) => `${" ".repeat(i)}a:`).join("\n"),
        /nests more than 32 levels/,
      ],
      [
        "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
        /alias|resource exhaustion/i,
      ],
    ];
    for (const [text, message] of cases) {
      const result = configResultSchema.parse(parseConfigText(text));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.map((p) => p.message).join(" ")).toMatch(message);
    }
    // a real config is still read, flow collections and all
    expect(
      parseConfigText(
        "currency: EUR\npricing:\n  overrides:\n    acme/house: { input: 1.5, output: 4 }\nagents:\n  patterns:\n    - { agent: W, contains: w }\n",
      ).ok,
    ).toBe(true);
  });

  it("parseConfigObject: any JavaScript value (what Probot's context.config returns)", () => {
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 4, withNullPrototype: true, withMap: true, withSet: true }),
        (value) => {
          configResultSchema.parse(parseConfigObject(value));
          configResultSchema.parse(parseConfigObject({ "check-name": "x", value }));
        },
      ),
      RUNS,
    );
  });
});
