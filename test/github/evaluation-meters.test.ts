import { describe, expect, it } from "vitest";
import { countRequests, PhaseClock } from "../../src/github/evaluation-meters.js";

describe("countRequests", () => {
  it("counts every GraphQL and REST call, answered or failed", async () => {
    const { api, count } = countRequests({
      graphql: async () => ({ ok: true }),
      request: async (route) => {
        if (route.startsWith("PATCH")) throw new Error("HTTP 500");
        return { data: {} };
      },
    });
    await api.graphql("query { viewer { login } }");
    await api.request("POST /repos/{owner}/{repo}/check-runs", {});
    await expect(api.request("PATCH /repos/{owner}/{repo}/check-runs/1", {})).rejects.toThrow();
    expect(count()).toBe(3);
  });
});

describe("PhaseClock", () => {
  it("adds the time of each phase up, also when the step throws", async () => {
    const clock = new PhaseClock();
    expect(clock.timeSync("render", () => 42)).toBe(42);
    await expect(
      clock.time("read", async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error("read failed");
      }),
    ).rejects.toThrow("read failed");
    expect(clock.timings.read).toBeGreaterThan(0);
    expect(clock.timings.publish).toBe(0);
  });
});
