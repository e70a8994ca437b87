/** The check outputs shown when there is no verdict: a broken config, or a failed evaluation. */
import { describe, expect, it } from "vitest";
import { CHECK_RUN_OUTPUT_LIMIT_BYTES } from "../../src/core/github-limits.js";
import { renderConfigProblems, renderEvaluationFailure } from "../../src/core/render-notices.js";

describe("renderConfigProblems", () => {
  it("titles one problem in the singular and names the file", () => {
    const out = renderConfigProblems({
      problems: ["budget.limit: expected a number"],
      files: [".github/cost-value.yaml"],
    });
    expect(out.title).toBe(
      "The cost-value config is invalid: 1 problem in .github/cost-value.yaml",
    );
    expect(out.text).toBe("");
    expect(out.summary).toContain("- `budget.limit: expected a number`");
    expect(
      out.summary.startsWith("**This PR was not evaluated: the config file is invalid.**"),
    ).toBe(true);
  });

  it("falls back to the default path when no file is given, and pluralises", () => {
    const out = renderConfigProblems({ problems: ["a", "b"], files: [] });
    expect(out.title).toBe(
      "The cost-value config is invalid: 2 problems in .github/cost-value.yml",
    );
  });

  it("lists at most 50 problems and counts the rest", () => {
    const problems = Array.from({ length: 53 }, (_, i) => `problem-${i}`);
    const out = renderConfigProblems({ problems, files: ["x.yml"] });
    expect(out.summary.match(/^- `problem-/gm)?.length).toBe(50);
    expect(out.summary).toContain("- `problem-49`");
    expect(out.summary).not.toContain("problem-50`");
    expect(out.summary).toContain("- … and 3 more");
  });

  it("puts each problem in code, so outside markdown stays inert", () => {
    const out = renderConfigProblems({ problems: ["bad `key` <script>"], files: ["f.yml"] });
    expect(out.summary).toContain("- ``bad `key` <script>``");
  });

  it("cuts the title at 200 characters and keeps the summary within the output limit", () => {
    const longName = "d/".repeat(300);
    const out = renderConfigProblems({ problems: ["x".repeat(70_000)], files: [longName] });
    expect(out.title.length).toBe(200);
    expect(Buffer.byteLength(out.summary, "utf8")).toBeLessThanOrEqual(
      CHECK_RUN_OUTPUT_LIMIT_BYTES,
    );
  });
});

describe("renderEvaluationFailure", () => {
  it("says the check can be re-run and quotes the reason", () => {
    const out = renderEvaluationFailure({ reason: "GitHub answered 502" });
    expect(out).toEqual({
      title: "cost-value could not evaluate this PR; re-run the check",
      summary:
        "**cost-value could not finish evaluating this PR**: GitHub answered 502.\n\nNothing is wrong with the PR itself. Use **Re-run** on this check (Checks tab), or push a commit, to evaluate it again.",
      text: "",
    });
  });

  it("escapes markdown in the reason and cuts it at 500 characters", () => {
    const out = renderEvaluationFailure({ reason: `*bold* ${"y".repeat(600)}` });
    expect(out.summary).toContain("\\*bold\\*");
    expect(out.summary).toContain("…");
    expect(out.summary).not.toContain("y".repeat(500));
  });
});
