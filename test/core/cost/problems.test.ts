import { describe, expect, it } from "vitest";
import { CommitProblems, MAX_PROBLEMS_PER_COMMIT } from "../../../src/core/cost/problems.js";

const trailer = (line: number) => ({ key: "Agent-Cost", value: "lots", line });

describe("CommitProblems", () => {
  it("names the commit and line, quotes the trailer and keeps the fix", () => {
    const problems = new CommitProblems("abc1234");
    problems.malformed(trailer(3), "could not be read", {
      ok: false,
      reason: "`lots` is not an amount",
      fix: "Write `Agent-Cost: 4.20 USD`.",
    });
    expect(problems.finish()).toEqual([
      expect.objectContaining({
        code: "cost.malformed",
        where: "commit abc1234 line 3",
        fix: "Write `Agent-Cost: 4.20 USD`.",
        message: expect.stringContaining("`lots` is not an amount"),
      }),
    ]);
  });

  it("keeps at most MAX_PROBLEMS_PER_COMMIT and counts the rest in one last problem", () => {
    const problems = new CommitProblems("abc1234");
    for (let i = 0; i < MAX_PROBLEMS_PER_COMMIT + 7; i++)
      problems.malformed(trailer(i + 1), "could not be read", {
        ok: false,
        reason: "bad",
        fix: "x",
      });
    const list = problems.finish();
    expect(list).toHaveLength(MAX_PROBLEMS_PER_COMMIT + 1);
    expect(list.at(-1)?.message).toBe("7 more cost trailers in commit abc1234 could not be read.");
  });
});
