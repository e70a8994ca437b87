/**
 * Check-run outputs for the times there is no verdict: a broken config file, or an evaluation
 * that GitHub (or the app) could not finish. Pure; every piece of outside text is escaped.
 */

import { CHECK_RUN_OUTPUT_LIMIT_BYTES } from "./github-limits.js";
import { inlineCode } from "./markdown/code.js";
import { escapeShort } from "./markdown/escape.js";
import type { CheckOutput } from "./render.js";
import { fitWithin } from "./render.js";

export function renderConfigProblems(params: {
  problems: readonly string[];
  files: readonly string[];
}): CheckOutput {
  const { problems, files } = params;
  const where = files.length > 0 ? files.join(", ") : ".github/cost-value.yml";
  const list = problems
    .slice(0, 50)
    // each problem verbatim in code: it quotes the file, which is outside text
    .map((p) => `- ${inlineCode(p)}`)
    .join("\n");
  const more = problems.length > 50 ? `\n- … and ${problems.length - 50} more` : "";
  return {
    title:
      `The cost-value config is invalid: ${problems.length} problem${problems.length === 1 ? "" : "s"} in ${where}`.slice(
        0,
        200,
      ),
    summary: fitWithin(
      `**This PR was not evaluated: the config file is invalid.** Fix it on the default branch, then re-run this check (or push a commit).\n\n${list}${more}\n\nEvery setting and its default: \`docs/configuration.md\` in cost-value's documentation. Check a file locally with \`npx cost-value check --config FILE\`.`,
      CHECK_RUN_OUTPUT_LIMIT_BYTES,
    ),
    text: "",
  };
}

/** GitHub failed or the app failed mid-way: say so, and that "Re-run" fixes it. */
export function renderEvaluationFailure(params: { reason: string }): CheckOutput {
  return {
    title: "cost-value could not evaluate this PR; re-run the check",
    summary: `**cost-value could not finish evaluating this PR**: ${escapeShort(params.reason, 500)}.\n\nNothing is wrong with the PR itself. Use **Re-run** on this check (Checks tab), or push a commit, to evaluate it again.`,
    text: "",
  };
}
