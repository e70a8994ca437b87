import { describe, expect, it } from "vitest";
import { Metrics } from "../../src/github/metrics.js";

describe("cost_value_github_rate_limit_remaining", () => {
  it("is absent before any GitHub response told it (0 would read as an exhausted limit)", async () => {
    const metrics = new Metrics();
    metrics.apiCall("ok"); // a response without x-ratelimit-remaining
    expect(await metrics.text()).not.toContain("cost_value_github_rate_limit_remaining");
  });

  it("reports the last value a response carried", async () => {
    const metrics = new Metrics();
    metrics.apiCall("ok", 4999);
    metrics.apiCall("ok", 4998);
    const text = await metrics.text();
    expect(text).toContain("# TYPE cost_value_github_rate_limit_remaining gauge");
    expect(text).toMatch(/^cost_value_github_rate_limit_remaining 4998$/m);
  });

  it("reports 0 when a response said 0", async () => {
    const metrics = new Metrics();
    metrics.apiCall("rate-limited", 0);
    expect(await metrics.text()).toMatch(/^cost_value_github_rate_limit_remaining 0$/m);
  });
});
