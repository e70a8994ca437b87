import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseMilestoneBudget } from "../../src/core/milestone.js";

describe("parseMilestoneBudget", () => {
  it("reads a Budget: line in its common spellings", () => {
    for (const line of [
      "Budget: $5,000",
      "budget: 5000",
      "- Budget: $5k",
      "**Budget:** $5,000.00",
      "BUDGET : 5,000 USD",
    ]) {
      expect(parseMilestoneBudget(`Sprint goals\n\n${line}\n`, "USD")).toEqual({
        kind: "budget",
        budget: { micros: 5_000_000_000n, currency: "USD" },
        line: 3,
      });
    }
  });

  it("has no budget when no line gives one", () => {
    expect(
      parseMilestoneBudget("Ship the checkout rewrite.\nBudgetary notes follow.", "USD"),
    ).toEqual({ kind: "none" });
    expect(parseMilestoneBudget("", "USD")).toEqual({ kind: "none" });
  });

  it("explains an unreadable or foreign budget, with the fix", () => {
    const bad = parseMilestoneBudget("Budget: lots", "USD");
    expect(bad).toMatchObject({ kind: "problem", line: 1 });
    if (bad.kind === "problem") expect(bad.message).toContain("Write e.g. `Budget: $5,000`");
    const eur = parseMilestoneBudget("Budget: €300", "USD");
    if (eur.kind === "problem") expect(eur.message).toContain("in EUR");
    expect(eur.kind).toBe("problem");
  });

  it("never throws on any description", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        expect(["none", "budget", "problem"]).toContain(parseMilestoneBudget(s, "USD").kind);
      }),
    );
  });
});
