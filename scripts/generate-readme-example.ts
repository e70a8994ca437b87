/**
 * Rewrites the check-run example in README.md from the real renderer, so the example is what a
 * reviewer would see. Run: `npm run docs:readme`. A test fails when the README is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configSchema } from "../src/config/schema.js";
import { renderCheckOutput } from "../src/core/render.js";
import { evaluatePullRequest } from "../src/core/verdict.js";
import { replaceBlock } from "./generate-config-docs.js";

export const README = fileURLToPath(new URL("../README.md", import.meta.url));

/**
 * A realistic PR: two priced agent commits, one agent-assisted commit without cost, an afternoon
 * of commits (the engineering estimate), one review and three CI jobs, priced at a blended
 * $120/hour.
 */
export function renderReadmeExample(): string {
  const repository = { owner: "acme", repo: "shop" };
  const config = configSchema.parse({ investment: { "hourly-rate": 120 } });
  const verdict = evaluatePullRequest({
    config,
    now: new Date("2026-12-02T09:00:00Z"),
    pr: {
      changedLines: 420,
      reviews: [{ reviewerKey: "a1" }],
      ci: [{ runner: "linux", minutes: 14, jobs: 3 }],
      repository,
      number: 42,
      body: "Fixes the EU rounding bug.\n\n## Value\nIssue: #123\nType: defect\nWorth: $8,000\nBudget: $1,500\nWhy now: Checkout fails for 2% of EU card payments.\n",
      author: "dev",
      labels: [],
      draft: false,
      linkedIssues: [],
      commits: [
        {
          sha: "3f2a9c1d0e4b5a6978812233445566778899aabb",
          message:
            "Round after conversion\n\nAgent: claude-code\nAgent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000 cache-write=9000\nAgent-Cost: 4.20 USD\n",
          author: { name: "Dev" },
          authoredAt: "2026-12-01T13:05:00Z",
          committedAt: "2026-12-01T13:05:00Z",
        },
        {
          sha: "8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c",
          message:
            "Add regression tests\n\nAgent-Usage: openai/gpt-5 input=20000 output=6000 cache-read=40000\n",
          author: { name: "Dev" },
          authoredAt: "2026-12-01T14:20:00Z",
          committedAt: "2026-12-01T14:20:00Z",
        },
        {
          sha: "c0ffee00112233445566778899aabbccddeeff00",
          message: "Tidy up\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
          author: { name: "Dev" },
          authoredAt: "2026-12-01T15:10:00Z",
          committedAt: "2026-12-01T15:10:00Z",
        },
      ],
    },
  });
  const output = renderCheckOutput(verdict, {
    repository,
    currency: config.currency,
    valueHeading: config.value.heading,
  });
  const quote = (md: string): string =>
    md
      .split("\n")
      .map((l) => (l === "" ? ">" : `> ${l}`))
      .join("\n");
  return [
    `**${verdict.conclusion}** — ${output.title}`,
    "",
    quote(output.summary),
    "",
    "<details><summary>Details (the run's text)</summary>",
    "",
    output.text,
    "",
    "</details>",
  ].join("\n");
}

export function generateReadme(current: string): string {
  return replaceBlock(current, "check-example", renderReadmeExample());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README, generateReadme(readFileSync(README, "utf8")));
  console.log(`wrote ${README}`);
}
