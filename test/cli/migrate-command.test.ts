import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMigrations } from "../../src/db/migrate.js";
import { runCliCaptured } from "../helpers/cli.js";

function cli(args: string[], env: Record<string, string>, cwd: string) {
  return runCliCaptured(args, { cwd, env });
}

describe("cost-value migrate", () => {
  it("migrates a PGlite directory (relative to the working directory), then says it is up to date", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "cv-migrate-"));
    const first = await cli(["migrate"], { COST_VALUE_DATA_DIR: "data" }, cwd);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toContain(`pglite ${join(cwd, "data")}: applied 001_ledger.sql`);
    const second = await cli(["migrate"], { COST_VALUE_DATA_DIR: "data" }, cwd);
    expect(second.stdout).toContain(`up to date (${loadMigrations().length} migrations)`);
  }, 60_000);

  it("says what is wrong when PostgreSQL cannot be reached (exit 2)", async () => {
    const run = await cli(
      ["migrate"],
      { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" },
      tmpdir(),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("is PostgreSQL running, and is DATABASE_URL right?");
  });
});
