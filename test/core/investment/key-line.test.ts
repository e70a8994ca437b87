import { describe, expect, it } from "vitest";
import { findKeyLine, indexOfIgnoringCase } from "../../../src/core/investment/key-line.js";
import { fill, growthRatio, LINEAR_RATIO } from "../../helpers/linear-time.js";

describe("indexOfIgnoringCase", () => {
  it.each<[string, number]>([
    ["review", 0],
    ["A Review", 2],
    ["REVIEW", 0],
    ["reviewed", 0],
    ["revie", -1],
    ["", -1],
    ["rreview", 1],
  ])("%j → %i", (text, index) => {
    expect(indexOfIgnoringCase(text, "review")).toBe(index);
  });
});

describe("findKeyLine", () => {
  const find = (text: string) => findKeyLine(text, "review time", "review");

  it("finds the first line of the key, in any case and markdown shape", () => {
    expect(find("LGTM\n\n- **Review time:** 30m\nReview-Time: 2h")).toEqual({
      keyText: "Review time",
      value: "30m",
      line: 3,
    });
    expect(find("REVIEW_TIME: 1h")?.value).toBe("1h");
  });

  it("skips code blocks, HTML comments, other keys and prose", () => {
    expect(
      find("```\nReview-Time: 1h\n```\n<!--\nReview-Time: 2h\n-->\nReview: 3h"),
    ).toBeUndefined();
    expect(find("I will review this: later")).toBeUndefined();
    expect(find("")).toBeUndefined();
  });

  it("is linear on 1 MB texts, with the word or without it", () => {
    for (const unit of ["\n", "review: x\n", "a"]) {
      expect(
        growthRatio((n) => fill(unit, n), find),
        unit,
      ).toBeLessThan(LINEAR_RATIO);
    }
  });
});
