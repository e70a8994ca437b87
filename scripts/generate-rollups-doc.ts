/**
 * Rewrites the example rollup in docs/rollups.md: fixtures recorded into a fresh PGlite database,
 * aggregated by the real SQL and rendered by the real renderer. Run: `npm run docs:rollups`.
 * A test fails when the file is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderRollup } from "../src/core/rollup.js";
import { openDatabase } from "../src/db/database.js";
import { migrate } from "../src/db/migrate.js";
import { upsertMilestone } from "../src/db/milestones.js";
import { recordPullRequest } from "../src/db/record.js";
import { readRollup } from "../src/db/rollup-read.js";
import { exampleMilestone, INSTALLATION, REPO } from "../test/helpers/ledger-fixtures.js";
import { replaceBlock } from "./generate-config-docs.js";

export const ROLLUPS_DOC = fileURLToPath(new URL("../docs/rollups.md", import.meta.url));
/** The example's clock: the rollup is rendered as of this moment. */
export const EXAMPLE_NOW = new Date("2026-11-28T12:00:00Z");

export async function renderExampleRollup(): Promise<string> {
  const db = await openDatabase({ dataDir: "memory://" });
  try {
    await migrate(db.pool);
    const { milestone, prs } = exampleMilestone({ investment: true });
    await upsertMilestone(db.pool, milestone);
    for (const pr of prs) await recordPullRequest(db.pool, pr);
    // spread the PRs over days, as a real milestone's would be
    await db.pool.query(
      "UPDATE pull_requests SET created_at = timestamptz '2026-11-16T09:00:00Z' + (number - 11) * interval '1 day'",
    );
    const data = await readRollup(db.pool, {
      installationId: INSTALLATION,
      repositoryId: REPO.id,
      milestoneNumber: milestone.number,
      currency: "USD",
    });
    if (data === undefined) throw new Error("the example milestone was not found");
    return renderRollup({ data, repositoryId: REPO.id, now: EXAMPLE_NOW });
  } finally {
    await db.close();
  }
}

export async function generateRollupsDoc(current: string): Promise<string> {
  const rollup = await renderExampleRollup();
  return replaceBlock(current, "rollup-example", `${rollup}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(ROLLUPS_DOC, await generateRollupsDoc(readFileSync(ROLLUPS_DOC, "utf8")));
  console.log(`wrote ${ROLLUPS_DOC}`);
}
