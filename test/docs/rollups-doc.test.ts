import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateRollupsDoc, ROLLUPS_DOC } from "../../scripts/generate-rollups-doc.js";

describe("docs/rollups.md", () => {
  it("shows the rollup the ledger and renderer produce from the fixtures (npm run docs:rollups)", async () => {
    const current = readFileSync(ROLLUPS_DOC, "utf8");
    const generated = await generateRollupsDoc(current);
    expect(generated, "docs/rollups.md is out of date: run npm run docs:rollups").toBe(current);
  }, 60_000);
});
