import { describe, expect, it } from "vitest";
import { COST_TRAILER_KEYS, costTrailerKey, keyIndex } from "../../../src/core/cost/keys.js";

describe("costTrailerKey", () => {
  it("matches our keys case-insensitively, with AI- for Agent- and spaces trimmed", () => {
    for (const key of COST_TRAILER_KEYS) {
      expect(costTrailerKey(key.toUpperCase())).toBe(key);
      expect(costTrailerKey(` ${key.replace("Agent", "ai")} `)).toBe(key);
    }
  });

  it("does not match near misses", () => {
    expect(costTrailerKey("Agent-Costs")).toBeUndefined();
    expect(costTrailerKey("AI-Agent")).toBeUndefined();
    expect(costTrailerKey("Cost")).toBeUndefined();
  });

  it("adds the config's aliases but never lets one take a built-in key", () => {
    const aliases = { "Agent-Cost": ["X-LLM-Cost", "agent-usage"] };
    expect(costTrailerKey("x-llm-cost", aliases)).toBe("Agent-Cost");
    // `Agent-Usage` stays itself even though an alias claims it
    expect(costTrailerKey("Agent-Usage", aliases)).toBe("Agent-Usage");
  });

  it("builds one index per aliases object (the config is read once per evaluation)", () => {
    const aliases = { Agent: ["X-Tool"] };
    expect(keyIndex(aliases)).toBe(keyIndex(aliases));
    expect(keyIndex({ Agent: ["X-Tool"] })).not.toBe(keyIndex(aliases));
  });
});
