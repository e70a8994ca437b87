import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runRollupCommand } from "../../src/cli/rollup-command.js";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { upsertMilestone } from "../../src/db/milestones.js";
import { recordPullRequest } from "../../src/db/record.js";
import { captureIo } from "../helpers/cli.js";
import { exampleMilestone } from "../helpers/ledger-fixtures.js";

function io(env: Record<string, string>) {
  const value = captureIo({ cwd: tmpdir(), env });
  return {
    io: value,
    get out() {
      return value.output();
    },
  };
}

describe("cost-value rollup", () => {
  it("prints a milestone's rollup from the database, and names what is missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cv-rollup-cli-"));
    const db = await openDatabase({ dataDir: dir });
    await migrate(db.pool);
    const { milestone, prs } = exampleMilestone();
    await upsertMilestone(db.pool, milestone);
    for (const pr of prs) await recordPullRequest(db.pool, pr);
    await db.close();

    const env = { COST_VALUE_DATA_DIR: dir };
    const ok = io(env);
    expect(await runRollupCommand({ repo: "ACME/shop", milestone: "checkout v2" }, ok.io)).toBe(0);
    expect(ok.out.stdout).toContain("## Cost & value: Checkout v2");
    expect(ok.out.stdout).toContain("**Investment \\$61.05**");

    const noMilestone = io(env);
    expect(await runRollupCommand({ repo: "acme/shop", milestone: "Nope" }, noMilestone.io)).toBe(
      2,
    );
    expect(noMilestone.out.stderr).toContain('has no milestone titled "Nope"');
    const badRepo = io(env);
    expect(await runRollupCommand({ repo: "acme", milestone: "x" }, badRepo.io)).toBe(2);
    expect(badRepo.out.stderr).toContain("is not owner/name");
  }, 60_000);
});
