/** docs/investment.md stays true: every problem code, every CI rate and the day it was read. */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  GITHUB_RATES_READ_ON,
  GITHUB_RUNNER_RATES,
  RUNNER_TYPES,
} from "../../src/core/investment/runner-rates.js";

const docs = readFileSync(new URL("../../docs/investment.md", import.meta.url), "utf8");
const sourceDir = new URL("../../src/core/investment/", import.meta.url);
const source = readdirSync(sourceDir)
  .filter((name) => name.endsWith(".ts"))
  .map((name) => readFileSync(new URL(name, sourceDir), "utf8"))
  .join("\n");

describe("docs/investment.md", () => {
  it("documents every problem code of the investment readers", () => {
    const used = new Set([...source.matchAll(/"(investment\.[a-z-]+)"/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThanOrEqual(4);
    for (const code of used) expect(docs).toContain(`\`${code}\``);
    expect(docs).toContain("`value.invalid-effort`");
  });

  it("lists every default CI rate as in the code, and the day the rates were read", () => {
    for (const type of RUNNER_TYPES) {
      const rate = GITHUB_RUNNER_RATES[type].rate.toFixed(3);
      expect(docs, type).toMatch(new RegExp(`\\| \`${type}\` +\\|[^|]+\\| ${rate} +\\|`));
    }
    expect(docs).toContain(`read on ${GITHUB_RATES_READ_ON}`);
  });
});
