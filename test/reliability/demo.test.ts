/**
 * `npm run demo` (scripts/demo.ts): the real app against the fake GitHub, start to stop. What it
 * prints is what a newcomer sees: the deliveries, each PR's check run, and the milestone's rollup.
 */
import { describe, expect, it } from "vitest";
import { runDemo } from "../../scripts/demo.js";

describe("npm run demo", () => {
  it("prints the check runs and the rollup the app posted, and stops the app cleanly", async () => {
    const lines: string[] = [];
    const result = await runDemo((line) => lines.push(line));
    const printed = lines.join("\n");

    expect(result.checkRuns.map((r) => [r.number, r.conclusion])).toEqual([
      [11, "success"],
      [12, "failure"],
      [13, "success"],
    ]);
    for (const number of [11, 12, 13]) {
      expect(printed).toMatch(new RegExp(`pull_request\\.opened +acme/shop#${number} .*→ 200`));
    }
    expect(printed).toMatch(/milestone\.edited +"Checkout v2" \(Budget: \$500\) → 200/);
    expect(printed).toContain(
      "acme/shop#11  success  — $4.29 invested + 30 min not priced · worth $8,000 (1,865×) · 1.4% of budget",
    );
    expect(printed).toContain("acme/shop#12  failure  — Value statement missing or incomplete");
    // the summaries as text for the terminal, with their fixes
    expect(printed).toContain("The PR description has no `## Value` section (PR body)");
    expect(printed).toMatch(/Worth +\$8,000 +PR/);
    expect(printed).toContain('rollup comment (on issue #500 "Cost & value: Checkout v2")');
    expect(result.rollup).toContain(
      "**Investment \\$19.19** · declared worth \\$9,200 (479× of investment) · budget \\$500 (3.8% used)",
    );
    expect(printed).toContain(
      "Investment $19.19 · declared worth $9,200 (479× of investment) · budget $500 (3.8% used)",
    );
    expect(printed).toMatch(/demo done in [\d.]+ s: the app stopped cleanly/);
    expect(result.seconds).toBeLessThan(90);
  }, 120_000);
});
