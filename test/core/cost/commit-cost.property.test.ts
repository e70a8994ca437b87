import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Config, configSchema } from "../../../src/config/schema.js";
import { type CommitCost, readCommitCost } from "../../../src/core/cost/commit-cost.js";
import { microsToDecimal } from "../../../src/core/money.js";

const SHA = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
const CONFIG: Config = configSchema.parse({
  pricing: { overrides: { "acme/house": { input: 1.5, output: 4 } } },
});

const KEYS = [
  "Agent",
  "Agent-Cost",
  "Agent-Tokens",
  "Agent-Model",
  "Agent-Usage",
  "AI",
  "ai-cost",
  "AI-TOKENS",
  "ai-model",
  "AI-Usage",
  "Co-authored-by",
  "Assisted-by",
  "Made-with",
  "Signed-off-by",
];

/** Pieces that reach deep into the parsers when glued together. */
const PIECES = [
  "input=",
  "output=",
  "cache-read=",
  "cache-write=",
  "cache-write-1h=",
  "cost=",
  "foo=",
  "=",
  " ",
  "  ",
  ",",
  ".",
  "-",
  "−",
  "+",
  "$",
  "€",
  "USD",
  "eur",
  "k",
  "M",
  "e",
  "1",
  "0",
  "9",
  "1.1",
  "NaN",
  "Infinity",
  "४",
  "anthropic/claude-sonnet-4-5",
  "acme/house",
  "gpt-5",
  "claude-code",
  "<noreply@anthropic.com>",
  ":",
  "/",
  "\t",
];

const pieceValue = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((p) => p.join(""));
const anyValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  pieceValue,
);
const trailer = fc.record({
  key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })),
  value: anyValue,
});

function read(trailers: { key: string; value: string }[], config: Config = CONFIG): CommitCost {
  return readCommitCost({
    commit: {
      sha: SHA,
      message: `Subject\n\n${trailers.map((t) => `${t.key}: ${t.value}`).join("\n")}\n`,
      author: { name: "Jane", email: "jane@example.com" },
    },
    trailers: trailers.map((t, i) => ({ ...t, line: i + 3 })),
    config,
  });
}

function checkInvariants(cost: CommitCost, currency: string): void {
  expect(cost.sha).toBe(SHA);
  expect(cost.micros >= 0n).toBe(true);
  if (cost.costSource === "none") expect(cost.micros).toBe(0n);
  for (const money of cost.foreign) {
    expect(money.currency).not.toBe(currency);
    expect(money.micros >= 0n).toBe(true);
  }
  for (const value of Object.values(cost.tokens)) {
    expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
  }
  for (const problem of cost.problems) {
    expect(problem.code.startsWith("cost.")).toBe(true);
    expect(problem.severity).toBe("warning");
    expect(problem.where?.startsWith("commit 1a2b3c4")).toBe(true);
    expect(problem.fix.length).toBeGreaterThan(0);
    expect((problem.quote ?? "").length).toBeLessThanOrEqual(81);
  }
  if (cost.costSource === "agent-usage" || cost.costSource === "tokens") {
    // the total is exactly the sum of the priced models
    let sum = 0n;
    for (const m of cost.models) sum += m.micros ?? 0n;
    expect(cost.micros).toBe(sum);
  }
  // an unpriced model is never shown as priced at 0
  for (const model of cost.unpricedModels) {
    expect(cost.models.find((m) => m.model === model)?.priceSource).toBe("unpriced");
  }
  expect(cost.agentWithoutCost).toBe(cost.agentSignals.length > 0 && !cost.hasCostRecord);
}

describe("readCommitCost on any input", () => {
  it("always returns a result, never throws, keeps its invariants", () => {
    fc.assert(
      fc.property(fc.array(trailer, { maxLength: 12 }), (trailers) => {
        checkInvariants(read(trailers), "USD");
      }),
      { numRuns: 2_000 },
    );
  });

  it("also with another configured currency", () => {
    const eur = configSchema.parse({ currency: "EUR" });
    fc.assert(
      fc.property(fc.array(trailer, { maxLength: 8 }), (trailers) => {
        checkInvariants(read(trailers, eur), "EUR");
      }),
      { numRuns: 500 },
    );
  });

  it("Agent-Cost lines in the configured currency add up exactly", () => {
    const amount = fc.bigInt({ min: 0n, max: 10_000_000_000_000n });
    fc.assert(
      fc.property(fc.array(amount, { minLength: 1, maxLength: 10 }), (amounts) => {
        const cost = read(
          amounts.map((micros) => ({ key: "Agent-Cost", value: `${microsToDecimal(micros)} USD` })),
        );
        expect(cost.problems).toEqual([]);
        expect(cost.micros).toBe(amounts.reduce((a, b) => a + b, 0n));
      }),
    );
  });

  it("token counts written with k or M read back and price exactly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999 }),
        fc.integer({ min: 0, max: 999 }),
        (millions, thousands) => {
          const cost = read([
            { key: "Agent-Model", value: "acme/house" },
            { key: "Agent-Tokens", value: `input=${millions}M output=${thousands}k` },
          ]);
          expect(cost.problems).toEqual([]);
          expect(cost.tokens.input).toBe(millions * 1_000_000);
          expect(cost.tokens.output).toBe(thousands * 1_000);
          // acme/house is overridden at 1.5 per million input, 4 per million output
          expect(cost.micros).toBe(BigInt(millions) * 1_500_000n + BigInt(thousands) * 4_000n);
        },
      ),
    );
  });
});

describe("adversarial sizes", () => {
  const MB = 1_000_000;
  const huge = [
    "9".repeat(MB),
    `input=${"9".repeat(MB)}`,
    `anthropic/claude-sonnet-4-5 ${"input=1 ".repeat(MB / 8)}`,
    `${"a".repeat(MB)}!`,
    " ".repeat(MB),
    "=".repeat(MB),
    `${"1,".repeat(MB / 2)}0`,
    `Claude ${"x".repeat(MB)} <noreply@anthropic.com>`,
    `x:${"(a+)+".repeat(MB / 5)}`,
  ];

  it.each(KEYS)("a 1 MB %s value is handled fast", (key) => {
    for (const value of huge) {
      const started = performance.now();
      const cost = read([{ key, value }]);
      const elapsed = performance.now() - started;
      checkInvariants(cost, "USD");
      expect(cost.micros).toBe(0n);
      expect(elapsed).toBeLessThan(500);
    }
  });

  it("many trailers in one commit (10,000 lines) stay fast and bounded", () => {
    const trailers = Array.from({ length: 10_000 }, (_, i) =>
      i % 2 === 0
        ? { key: "Agent-Usage", value: `anthropic/claude-sonnet-4-5 input=${i}` }
        : { key: "Agent-Cost", value: "lots" },
    );
    const started = performance.now();
    const cost = read(trailers);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(cost.problems.length).toBeLessThanOrEqual(51);
    expect(cost.models).toHaveLength(1);
    checkInvariants(cost, "USD");
  });

  it("a 1 MB message body does not slow agent detection", () => {
    const started = performance.now();
    const cost = readCommitCost({
      commit: { sha: SHA, message: `x\n${"a b c\n".repeat(MB / 6)}`, author: {} },
      trailers: [],
      config: CONFIG,
    });
    expect(performance.now() - started).toBeLessThan(500);
    expect(cost.agentSignals).toEqual([]);
  });
});
