import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/core/command.js";

describe("parseCommand", () => {
  it("reads /cost-value rollup with and without a milestone title", () => {
    expect(parseCommand("/cost-value rollup")).toEqual({ kind: "rollup" });
    expect(parseCommand("Thanks!\n  /cost-value rollup Sprint 9  \nmore")).toEqual({
      kind: "rollup",
      milestone: "Sprint 9",
    });
    expect(parseCommand('/cost-value ROLLUP "Checkout v2"')).toEqual({
      kind: "rollup",
      milestone: "Checkout v2",
    });
  });

  it("answers help for an empty or unknown command, ignores look-alikes and code blocks", () => {
    expect(parseCommand("/cost-value")).toEqual({ kind: "help" });
    expect(parseCommand("/cost-value deploy now")).toEqual({ kind: "help", unknown: "deploy" });
    expect(parseCommand("/cost-values rollup")).toBeUndefined();
    expect(parseCommand("say /cost-value rollup")).toBeUndefined();
    expect(parseCommand("```\n/cost-value rollup\n```")).toBeUndefined();
  });

  it("bounds the title and never throws", () => {
    const long = parseCommand(`/cost-value rollup ${"x".repeat(5000)}`);
    expect(long?.kind === "rollup" && long.milestone?.length).toBe(200);
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        parseCommand(s);
        parseCommand(`/cost-value ${s}`);
      }),
    );
  });
});
