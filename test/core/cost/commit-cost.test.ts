import { describe, expect, it } from "vitest";
import { type Config, configSchema } from "../../../src/config/schema.js";
import type { CommitAuthor } from "../../../src/core/commit.js";
import { readCommitCost } from "../../../src/core/cost/commit-cost.js";
import { costTrailerKey } from "../../../src/core/cost/keys.js";
import { MAX_PROBLEMS_PER_COMMIT } from "../../../src/core/cost/problems.js";
import { emptyTokens, type TokenCounts } from "../../../src/core/tokens.js";
import { trailerLines } from "../../helpers/trailer-lines.js";

const SHA = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";

const trailersOf = (text: string, firstLine = 3) => trailerLines(text, firstLine);

function config(partial: Record<string, unknown> = {}): Config {
  return configSchema.parse(partial);
}

/** Read the cost of a commit whose trailer block (from line 3) is `trailerText`. */
function read(
  trailerText: string,
  options: { config?: Config; author?: CommitAuthor; body?: string; pricedAt?: Date } = {},
) {
  const message = `${options.body ?? "Subject"}\n\n${trailerText}\n`;
  return readCommitCost({
    commit: {
      sha: SHA,
      message,
      author: options.author ?? { name: "Jane Doe", email: "jane@example.com" },
    },
    trailers: trailersOf(trailerText, (options.body ?? "Subject").split("\n").length + 2),
    config: options.config ?? config(),
    ...(options.pricedAt !== undefined ? { pricedAt: options.pricedAt } : {}),
  });
}

function tokens(partial: Partial<TokenCounts>): TokenCounts {
  return { ...emptyTokens(), ...partial };
}

describe("Agent-Cost", () => {
  it.each([
    ["4.20 USD", 4_200_000n],
    ["$4.20", 4_200_000n],
    ["4.2", 4_200_000n],
    ["4.20 usd", 4_200_000n],
    ["1,204.50 USD", 1_204_500_000n],
    ["USD 0.5", 500_000n],
    ["0", 0n],
  ])("Agent-Cost: %s", (value, micros) => {
    const cost = read(`Agent-Cost: ${value}`);
    expect(cost).toMatchObject({
      sha: SHA,
      costSource: "agent-cost",
      micros,
      foreign: [],
      problems: [],
      hasCostRecord: true,
      agentWithoutCost: false,
    });
  });

  it("several Agent-Cost lines add up (squash merges)", () => {
    expect(read("Agent-Cost: 1.10 USD\nAgent-Cost: $2.25\nAI-Cost: 0.65").micros).toBe(4_000_000n);
  });

  it("keeps another currency apart, never added", () => {
    const cost = read("Agent-Cost: 3 USD\nAgent-Cost: 5 EUR\nAgent-Cost: €2.50\nAgent-Cost: 1 GBP");
    expect(cost.micros).toBe(3_000_000n);
    expect(cost.foreign).toEqual([
      { currency: "EUR", micros: 7_500_000n },
      { currency: "GBP", micros: 1_000_000n },
    ]);
    expect(cost.problems).toEqual([]);
  });

  it("only foreign amounts: the cost is recorded, the total in USD is 0", () => {
    const cost = read("Agent-Cost: 5 EUR");
    expect(cost).toMatchObject({ costSource: "agent-cost", micros: 0n, hasCostRecord: true });
    expect(cost.foreign).toEqual([{ currency: "EUR", micros: 5_000_000n }]);
  });

  it("follows config.currency", () => {
    const eur = config({ currency: "EUR" });
    const cost = read("Agent-Cost: 5\nAgent-Cost: 4.20 USD", { config: eur });
    expect(cost.micros).toBe(5_000_000n);
    expect(cost.foreign).toEqual([{ currency: "USD", micros: 4_200_000n }]);
  });

  it("is the total even when Agent-Usage and Agent-Tokens are there too", () => {
    const cost = read(
      [
        "Agent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000",
        "Agent-Tokens: input=1000000",
        "Agent-Model: anthropic/claude-sonnet-4-5",
        "Agent-Cost: 0.50 USD",
      ].join("\n"),
    );
    expect(cost.costSource).toBe("agent-cost");
    expect(cost.micros).toBe(500_000n);
    // the usage is still shown per model, priced, and its tokens counted
    expect(cost.models).toEqual([
      {
        model: "anthropic/claude-sonnet-4-5",
        tokens: tokens({ input: 12_000, output: 3_400, cacheRead: 180_000 }),
        micros: 141_000n,
        priceSource: "genai-prices",
        pricedAs: "anthropic/claude-sonnet-4-5",
      },
    ]);
    expect(cost.tokens).toEqual(tokens({ input: 12_000, output: 3_400, cacheRead: 180_000 }));
  });
});

describe("malformed values", () => {
  const costFix =
    "Write `Agent-Cost: 4.20 USD` (or `$4.20`, `1,204.50 USD`): digits with an optional decimal point, no sign, no exponent.";

  it.each([
    ["lots", "no digits"],
    ["-3", "the amount is negative"],
    ["1e400", "exponent notation is not accepted; write the plain amount"],
    ["NaN", "no digits"],
    ["Infinity", "no digits"],
    ["४.२", "no digits"],
    ["", "no amount"],
    ["4.20 USD EUR", 'unexpected "USD" after the number'],
    ["1".repeat(100), "the amount is too long"],
  ])("Agent-Cost: %s", (value, reason) => {
    const cost = read(`Subject-less: x\nAgent-Cost: ${value}`);
    expect(cost.problems).toEqual([
      {
        code: "cost.malformed",
        severity: "warning",
        message: `\`Agent-Cost\` could not be read: not an amount of money: ${reason}.`,
        fix: costFix,
        where: "commit 1a2b3c4 line 4",
        quote:
          `Agent-Cost: ${value}`.slice(0, 80) + (`Agent-Cost: ${value}`.length > 80 ? "…" : ""),
      },
    ]);
    expect(cost.micros).toBe(0n);
    expect(cost.costSource).toBe("none");
    // a malformed Agent-Cost is still an attempt to record cost
    expect(cost.hasCostRecord).toBe(true);
    expect(cost.agentWithoutCost).toBe(false);
  });

  it("names the key as written in the message and the fix", () => {
    const [problem] = read("ai-cost: lots").problems;
    expect(problem?.message).toBe(
      "`ai-cost` could not be read: not an amount of money: no digits.",
    );
    expect(problem?.fix).toContain("`ai-cost: 4.20 USD`");
  });

  it("a malformed line never adds, the good ones still count", () => {
    const cost = read("Agent-Cost: 1.00\nAgent-Cost: -3\nAgent-Cost: 2.00");
    expect(cost.micros).toBe(3_000_000n);
    expect(cost.problems.map((p) => p.where)).toEqual(["commit 1a2b3c4 line 4"]);
  });

  it("a malformed Agent-Cost falls back to the usage lines", () => {
    const cost = read("Agent-Cost: lots\nAgent-Usage: claude-sonnet-4-5 cost=0.71");
    expect(cost.costSource).toBe("agent-usage");
    expect(cost.micros).toBe(710_000n);
    expect(cost.problems).toHaveLength(1);
  });

  const tokensFix =
    "Write `Agent-Tokens: input=120000 output=8000 cache-read=1.1M cache-write=20k` (kinds: input, output, cache-read, cache-write, cache-write-1h; whole numbers, k or M allowed) or one total `Agent-Tokens: 128000`.";

  it.each([
    [
      "foo=1",
      "unknown token kind `foo`",
      "Use the kinds input, output, cache-read, cache-write, cache-write-1h, e.g. `Agent-Tokens: input=120000 output=8000 cache-read=1.1M cache-write=20k`.",
    ],
    [
      "input=-5",
      "`input=-5`: a token count cannot be negative",
      "Write a whole number of tokens (k or M allowed: `input=1500`, `input=1.5k`, `input=1.1M`), e.g. `Agent-Tokens: input=120000 output=8000 cache-read=1.1M cache-write=20k`.",
    ],
    [
      "input=1.5",
      "`input=1.5`: a token count must be a whole number (decimals only with k or M, e.g. 1.5k)",
      "Write a whole number of tokens (k or M allowed: `input=1500`, `input=1.5k`, `input=1.1M`), e.g. `Agent-Tokens: input=120000 output=8000 cache-read=1.1M cache-write=20k`.",
    ],
    [
      "input=1e5 output=3",
      "`input=1e5`: exponent notation is not accepted",
      "Write a whole number of tokens (k or M allowed: `input=1500`, `input=1.5k`, `input=1.1M`), e.g. `Agent-Tokens: input=120000 output=8000 cache-read=1.1M cache-write=20k`.",
    ],
    [
      "input=1 input=2",
      "`input` is given twice",
      "Give each kind once, e.g. `Agent-Tokens: input=120000 output=8000 cache-read=1.1M cache-write=20k`.",
    ],
    [
      "input = 5",
      "`input` is not kind=count",
      "Write each count as kind=count with no spaces around `=`, e.g. `Agent-Tokens: input=120000 output=8000 cache-read=1.1M cache-write=20k`.",
    ],
    [
      "cost=1 input=5",
      "unknown token kind `cost`",
      "Use the kinds input, output, cache-read, cache-write, cache-write-1h, e.g. `Agent-Tokens: input=120000 output=8000 cache-read=1.1M cache-write=20k`.",
    ],
    ["", "no tokens", tokensFix],
    ["lots", "not a token count: not a number", tokensFix],
    ["-128000", "not a token count: a token count cannot be negative", tokensFix],
    ["NaN", "not a token count: not a number", tokensFix],
    ["Infinity", "not a token count: not a number", tokensFix],
    ["४२", "not a token count: not a number", tokensFix],
  ])("Agent-Tokens: %s", (value, reason, fix) => {
    const cost = read(`Agent-Model: anthropic/claude-sonnet-4-5\nAgent-Tokens: ${value}`);
    expect(cost.problems).toEqual([
      {
        code: "cost.malformed",
        severity: "warning",
        message: `\`Agent-Tokens\` could not be read: ${reason}.`,
        fix,
        where: "commit 1a2b3c4 line 4",
        quote: `Agent-Tokens: ${value}`,
      },
    ]);
    expect(cost.tokens).toEqual(emptyTokens());
    expect(cost.micros).toBe(0n);
    expect(cost.costSource).toBe("none");
    expect(cost.models).toEqual([]);
  });

  const usageFix =
    "Write `Agent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000 cost=0.71`: the model first, then kind=count pairs (input, output, cache-read, cache-write, cache-write-1h), `cost=` optional.";

  it.each([
    ["", "no model and no tokens", usageFix],
    ["input=5 output=3", "it does not start with the model", usageFix],
    ["anthropic/claude-sonnet-4-5", "no tokens and no cost", usageFix],
    [
      "anthropic/claude-sonnet-4-5 cost=lots",
      "`cost=lots` is not an amount of money: no digits",
      "Write the cost as a plain number in USD or with a symbol, e.g. `cost=0.71` or `cost=$0.71`.",
    ],
    [
      "anthropic/claude-sonnet-4-5 cost=-1",
      "`cost=-1` is not an amount of money: the amount is negative",
      "Write the cost as a plain number in USD or with a symbol, e.g. `cost=0.71` or `cost=$0.71`.",
    ],
    [
      "anthropic/claude-sonnet-4-5 input=5 cost=1 cost=2",
      "`cost=` is given twice",
      "Give one cost, e.g. `Agent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000 cost=0.71`.",
    ],
    [
      "anthropic/claude-sonnet-4-5 reasoning=5",
      "unknown token kind `reasoning`",
      "Use the kinds input, output, cache-read, cache-write, cache-write-1h (and cost), e.g. `Agent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000 cost=0.71`.",
    ],
    [
      "<b>model</b> input=5",
      'the model: a model id has only letters, digits and . _ : @ / + ~ - [ ] (found "<")',
      usageFix,
    ],
  ])("Agent-Usage: %s", (value, reason, fix) => {
    const cost = read(`Agent-Usage: ${value}`);
    expect(cost.problems).toEqual([
      {
        code: "cost.malformed",
        severity: "warning",
        message: `\`Agent-Usage\` could not be read: ${reason}.`,
        fix,
        where: "commit 1a2b3c4 line 3",
        quote: `Agent-Usage: ${value}`,
      },
    ]);
    expect(cost.micros).toBe(0n);
    expect(cost.models).toEqual([]);
    expect(cost.hasCostRecord).toBe(true);
  });

  it("Agent-Model and Agent that cannot be read", () => {
    const cost = read("Agent-Model: claude sonnet\nAgent:\nAgent-Model:");
    expect(cost.problems.map((p) => [p.message, p.where])).toEqual([
      [
        '`Agent-Model` could not be read: a model id has only letters, digits and . _ : @ / + ~ - [ ] (found " ").',
        "commit 1a2b3c4 line 3",
      ],
      ["`Agent` does not name a tool: it is empty.", "commit 1a2b3c4 line 4"],
      ["`Agent-Model` could not be read: no model id.", "commit 1a2b3c4 line 5"],
    ]);
    expect(cost.problems[0]?.fix).toBe(
      "Write `Agent-Model: anthropic/claude-sonnet-4-5` (provider/model as on models.dev, or a bare model id).",
    );
    expect(cost.hasCostRecord).toBe(false);
  });

  it("keeps at most 50 problems per commit and counts the rest", () => {
    const lines = Array.from({ length: 80 }, () => "Agent-Cost: lots").join("\n");
    const cost = read(lines);
    expect(cost.problems).toHaveLength(MAX_PROBLEMS_PER_COMMIT + 1);
    expect(cost.problems.at(-1)?.message).toBe(
      "30 more cost trailers in commit 1a2b3c4 could not be read.",
    );
  });
});

describe("Agent-Usage", () => {
  it("prices each line from its tokens: 12000+3400+180000 of claude-sonnet-4-5 = $0.141", () => {
    const cost = read(
      "Agent: claude-code\nAgent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000",
    );
    expect(cost).toMatchObject({
      agent: "Claude Code",
      costSource: "agent-usage",
      micros: 141_000n,
      unpricedModels: [],
      problems: [],
      hasCostRecord: true,
      agentWithoutCost: false,
    });
    expect(cost.models).toEqual([
      {
        model: "anthropic/claude-sonnet-4-5",
        tokens: tokens({ input: 12_000, output: 3_400, cacheRead: 180_000 }),
        micros: 141_000n,
        priceSource: "genai-prices",
        pricedAs: "anthropic/claude-sonnet-4-5",
      },
    ]);
  });

  it("takes cost= as written, in the configured currency", () => {
    const cost = read(
      [
        "Agent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000 cost=0.71",
        "Agent-Usage: anthropic/claude-haiku-4-5 input=3000 output=200 cost=$0.01",
      ].join("\n"),
    );
    expect(cost.micros).toBe(720_000n);
    expect(cost.models.map((m) => [m.model, m.micros, m.priceSource])).toEqual([
      ["anthropic/claude-sonnet-4-5", 710_000n, "trailer"],
      ["anthropic/claude-haiku-4-5", 10_000n, "trailer"],
    ]);
  });

  it("adds priced and written lines, merges lines of the same model", () => {
    const cost = read(
      [
        "Agent-Usage: anthropic/claude-sonnet-4-5 input=1M",
        "AI-Usage: Anthropic/Claude-Sonnet-4-5 output=1M",
        "Agent-Usage: openai/gpt-5 input=1M cost=1.00",
      ].join("\n"),
    );
    expect(cost.micros).toBe(3_000_000n + 15_000_000n + 1_000_000n);
    expect(cost.models).toHaveLength(2);
    expect(cost.models[0]).toMatchObject({
      model: "anthropic/claude-sonnet-4-5",
      tokens: tokens({ input: 1_000_000, output: 1_000_000 }),
      micros: 18_000_000n,
      priceSource: "genai-prices",
    });
    expect(cost.tokens).toEqual(tokens({ input: 2_000_000, output: 1_000_000 }));
  });

  it("prices cache writes and 1-hour cache writes", () => {
    // claude-sonnet-4-5: cache write $3.75, 1h cache write $6 per million
    const cost = read("Agent-Usage: claude-sonnet-4-5 cache-write=200k cache-write-1h=100k");
    expect(cost.micros).toBe(750_000n + 600_000n);
    expect(cost.tokens).toEqual(tokens({ cacheWrite: 200_000, cacheWrite1h: 100_000 }));
  });

  it("keeps a foreign cost= apart", () => {
    const cost = read("Agent-Usage: anthropic/claude-sonnet-4-5 input=5 cost=€0.50");
    expect(cost.micros).toBe(0n);
    expect(cost.foreign).toEqual([{ currency: "EUR", micros: 500_000n }]);
    expect(cost.models[0]).toMatchObject({
      priceSource: "trailer",
      foreign: [{ currency: "EUR", micros: 500_000n }],
    });
    expect(cost.models[0]?.micros).toBeUndefined();
  });

  it("lists an unknown model as unpriced, never as $0", () => {
    const cost = read(
      "Agent-Usage: acme/mystery-1 input=5000 output=100\nAgent-Usage: claude-sonnet-4-5 output=1M",
    );
    expect(cost.micros).toBe(15_000_000n);
    expect(cost.unpricedModels).toEqual(["acme/mystery-1"]);
    const mystery = cost.models.find((m) => m.model === "acme/mystery-1");
    expect(mystery?.priceSource).toBe("unpriced");
    expect(mystery?.micros).toBeUndefined();
    expect(mystery?.unpricedReason).toContain("pricing.overrides");
    expect(mystery?.unpricedReason).toContain(".github/cost-value.yml");
  });

  it("with Agent-Usage, Agent-Tokens is a summary and not counted again", () => {
    const cost = read(
      "Agent-Tokens: input=999999\nAgent-Model: openai/gpt-5\nAgent-Usage: claude-sonnet-4-5 input=1M",
    );
    expect(cost.costSource).toBe("agent-usage");
    expect(cost.micros).toBe(3_000_000n);
    expect(cost.tokens).toEqual(tokens({ input: 1_000_000 }));
    expect(cost.models.map((m) => m.model)).toEqual(["claude-sonnet-4-5"]);
  });

  it("accepts commas after pairs and _ in kind names", () => {
    const cost = read("Agent-Usage: claude-sonnet-4-5 input=1000, output=1000, cache_read=1000");
    expect(cost.problems).toEqual([]);
    expect(cost.tokens).toEqual(tokens({ input: 1000, output: 1000, cacheRead: 1000 }));
  });
});

describe("Agent-Tokens × Agent-Model", () => {
  it("prices tokens at the model's price", () => {
    const cost = read(
      "Agent-Tokens: input=120000 output=8000 cache-read=1.1M cache-write=20k\nAgent-Model: anthropic/claude-sonnet-4-5",
    );
    // 0.36 + 0.12 + 0.33 + 0.075
    expect(cost).toMatchObject({ costSource: "tokens", micros: 885_000n, problems: [] });
    expect(cost.tokens).toEqual(
      tokens({ input: 120_000, output: 8_000, cacheRead: 1_100_000, cacheWrite: 20_000 }),
    );
  });

  it("a bare model id works", () => {
    expect(read("Agent-Model: gpt-5\nAgent-Tokens: input=1M output=1M").micros).toBe(11_250_000n);
  });

  it("pairs each Agent-Tokens line with the nearest Agent-Model above it", () => {
    const cost = read(
      [
        "Agent-Tokens: output=1M", // above every model: the first model
        "Agent-Model: anthropic/claude-sonnet-4-5",
        "Agent-Tokens: input=1M",
        "Agent-Model: openai/gpt-5",
        "Agent-Tokens: input=1M",
      ].join("\n"),
    );
    expect(cost.models.map((m) => [m.model, m.micros])).toEqual([
      ["anthropic/claude-sonnet-4-5", 18_000_000n],
      ["openai/gpt-5", 1_250_000n],
    ]);
    expect(cost.micros).toBe(19_250_000n);
  });

  it("one model and several Agent-Tokens lines: all priced with it", () => {
    const cost = read(
      "Agent-Model: claude-sonnet-4-5\nAgent-Tokens: input=1M\nAgent-Tokens: input=1M",
    );
    expect(cost.micros).toBe(6_000_000n);
  });

  it("a single total is kept as unspecified and cannot be priced", () => {
    const cost = read("Agent-Tokens: 128000\nAgent-Model: anthropic/claude-sonnet-4-5");
    expect(cost.tokens).toEqual(tokens({ unspecified: 128_000 }));
    expect(cost.micros).toBe(0n);
    expect(cost.costSource).toBe("tokens");
    expect(cost.models[0]).toMatchObject({ priceSource: "unpriced" });
    expect(cost.models[0]?.micros).toBeUndefined();
    // the model has a price: the fix is to split the tokens, not to add a price
    expect(cost.unpricedModels).toEqual([]);
    expect(cost.problems).toEqual([
      {
        code: "cost.unsplit-tokens",
        severity: "warning",
        message:
          "`Agent-Tokens` gives a total without kinds, which cannot be priced (input, output and cache tokens have different prices).",
        fix: "Split it by kind: `Agent-Tokens: input=120000 output=8000 cache-read=1.1M cache-write=20k`, or record `Agent-Cost: 4.20 USD`.",
        where: "commit 1a2b3c4 line 3",
        quote: "Agent-Tokens: 128000",
      },
    ]);
  });

  it("k/M totals are fine, and a total next to an Agent-Cost is no problem", () => {
    const cost = read("Agent-Tokens: 1.5M\nAgent-Cost: 2 USD");
    expect(cost.tokens).toEqual(tokens({ unspecified: 1_500_000 }));
    expect(cost.problems).toEqual([]);
    expect(cost.micros).toBe(2_000_000n);
  });

  it("tokens without a model: a problem, not $0", () => {
    const cost = read("Agent-Tokens: input=5000");
    expect(cost.costSource).toBe("tokens");
    expect(cost.tokens).toEqual(tokens({ input: 5_000 }));
    expect(cost.problems).toEqual([
      {
        code: "cost.no-model",
        severity: "warning",
        message: "`Agent-Tokens` has no `Agent-Model`, so its tokens cannot be priced.",
        fix: "Add `Agent-Model: anthropic/claude-sonnet-4-5` (the model that used them), or record `Agent-Cost: 4.20 USD`.",
        where: "commit 1a2b3c4 line 3",
        quote: "Agent-Tokens: input=5000",
      },
    ]);
  });

  it("an unknown model is unpriced", () => {
    const cost = read("Agent-Tokens: input=5000\nAgent-Model: acme/mystery-1");
    expect(cost.unpricedModels).toEqual(["acme/mystery-1"]);
    expect(cost.micros).toBe(0n);
    expect(cost.models[0]?.priceSource).toBe("unpriced");
  });

  it("Agent-Model alone records no cost", () => {
    const cost = read("Agent-Model: anthropic/claude-sonnet-4-5");
    expect(cost).toMatchObject({ costSource: "none", hasCostRecord: false, models: [] });
  });
});

describe("pricing.overrides and currency", () => {
  it("overrides win over the bundled prices", () => {
    const c = config({
      pricing: { overrides: { "anthropic/claude-sonnet-4-5": { input: 1, output: 2 } } },
    });
    const cost = read("Agent-Usage: anthropic/claude-sonnet-4-5 input=1M output=1M", { config: c });
    expect(cost.micros).toBe(3_000_000n);
    expect(cost.models[0]).toMatchObject({
      priceSource: "override",
      pricedAs: "anthropic/claude-sonnet-4-5",
    });
  });

  it("with a non-USD currency the bundled prices do not apply: unpriced unless overridden", () => {
    const c = config({
      currency: "EUR",
      pricing: { overrides: { "house-model": { input: 1, output: 2 } } },
    });
    const cost = read(
      "Agent-Usage: anthropic/claude-sonnet-4-5 input=1M\nAgent-Usage: acme/house-model output=1M",
      { config: c },
    );
    expect(cost.micros).toBe(2_000_000n);
    expect(cost.unpricedModels).toEqual(["anthropic/claude-sonnet-4-5"]);
    expect(cost.models[0]?.unpricedReason).toContain("the bundled prices are in USD");
  });

  it("prices at a given date", () => {
    const before = read("Agent-Usage: openai/o3 input=1M", { pricedAt: new Date("2025-05-01") });
    const after = read("Agent-Usage: openai/o3 input=1M", { pricedAt: new Date("2025-07-01") });
    expect([before.micros, after.micros]).toEqual([10_000_000n, 2_000_000n]);
  });
});

describe("keys", () => {
  it("are case-insensitive and AI- is an alias of Agent-", () => {
    const cost = read(
      "ai: codex\nAI-MODEL: openai/gpt-5\nai-tokens: output=1M\nAGENT-cost: 1\nAi-Usage: gpt-5 output=1",
    );
    expect(cost.agent).toBe("Codex");
    expect(cost.costSource).toBe("agent-cost");
    expect(cost.micros).toBe(1_000_000n);
    expect(costTrailerKey("AI")).toBe("Agent");
    expect(costTrailerKey("ai-usage")).toBe("Agent-Usage");
    expect(costTrailerKey("Agent-Costs")).toBeUndefined();
    expect(costTrailerKey("AI-Agent")).toBeUndefined();
  });

  it("config.trailers.aliases add keys", () => {
    const c = config({
      trailers: {
        aliases: { "Agent-Cost": ["X-LLM-Cost"], Agent: ["X-Tool"], "Agent-Usage": ["LLM-Usage"] },
      },
    });
    const cost = read("X-LLM-Cost: 2.50\nx-tool: aider", { config: c });
    expect(cost).toMatchObject({ costSource: "agent-cost", micros: 2_500_000n, agent: "aider" });
    expect(read("LLM-Usage: gpt-5 cost=1", { config: c }).micros).toBe(1_000_000n);
    // without the alias it is not ours
    expect(read("X-LLM-Cost: 2.50").costSource).toBe("none");
  });

  it("ignores other trailers", () => {
    const cost = read("Signed-off-by: Jane <jane@example.com>\nCost: 5\nAgent-Costs: 5");
    expect(cost).toMatchObject({ costSource: "none", hasCostRecord: false, problems: [] });
  });
});

describe("agents", () => {
  it("agent-assisted without a cost record", () => {
    const cost = read("Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>");
    expect(cost).toMatchObject({
      costSource: "none",
      micros: 0n,
      hasCostRecord: false,
      agentWithoutCost: true,
      agentSignals: [
        {
          agent: "Claude Code",
          evidence: "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>",
        },
      ],
    });
  });

  it("agent-assisted with a cost record", () => {
    const cost = read("Co-authored-by: Codex <noreply@openai.com>\nAgent-Cost: 1");
    expect(cost.agentWithoutCost).toBe(false);
    expect(cost.agentSignals.map((s) => s.agent)).toEqual(["Codex"]);
  });

  it("`Agent:` alone is a sign of agent work with no cost", () => {
    const cost = read("Agent: claude-code");
    expect(cost.agent).toBe("Claude Code");
    expect(cost.agentSignals).toEqual([{ agent: "Claude Code", evidence: "Agent: claude-code" }]);
    expect(cost.agentWithoutCost).toBe(true);
  });

  it("`Agent:` and a co-author line of the same tool are one agent", () => {
    const cost = read(
      "Agent: claude-code\nCo-authored-by: Claude <noreply@anthropic.com>\nAgent-Cost: 1",
    );
    expect(cost.agentSignals.map((s) => s.agent)).toEqual(["Claude Code"]);
  });

  it("an unknown tool keeps its name; the author and config patterns count", () => {
    const c = config({ agents: { patterns: [{ agent: "Robo", contains: "robo@" }] } });
    const cost = read("Agent: my-tool", {
      config: c,
      author: { name: "R", email: "robo@corp.example" },
    });
    expect(cost.agent).toBe("my-tool");
    expect(cost.agentSignals.map((s) => s.agent)).toEqual(["my-tool", "Robo"]);
  });

  it("a human co-author is not an agent", () => {
    const cost = read("Co-authored-by: Jane <jane@x.com>");
    expect(cost.agentSignals).toEqual([]);
    expect(cost.agentWithoutCost).toBe(false);
  });
});

describe("no cost at all", () => {
  it("an empty trailer list", () => {
    const cost = readCommitCost({
      commit: { sha: SHA, message: "Fix\n", author: {} },
      trailers: [],
      config: config(),
    });
    expect(cost).toEqual({
      sha: SHA,
      costSource: "none",
      micros: 0n,
      foreign: [],
      tokens: emptyTokens(),
      models: [],
      unpricedModels: [],
      problems: [],
      hasCostRecord: false,
      agentSignals: [],
      agentWithoutCost: false,
    });
  });
});
