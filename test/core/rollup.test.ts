import { describe, expect, it } from "vitest";
import { forecast, type RollupData, renderRollup, rollupMarker } from "../../src/core/rollup.js";

const NOW = new Date("2026-11-28T12:00:00Z");

function data(overrides: Partial<RollupData> = {}): RollupData {
  return {
    repository: { owner: "acme", repo: "shop" },
    milestone: {
      number: 3,
      title: "Sprint 9",
      state: "open",
      dueOn: new Date("2026-12-08T12:00:00Z"),
      budget: 100_000_000n,
    },
    currency: "USD",
    spend: 40_000_000n,
    worth: 8_000_000_000n,
    pullRequests: { merged: 1, open: 2, closed: 0 },
    firstActivity: new Date("2026-11-18T12:00:00Z"),
    byType: [{ type: "defect", spend: 40_000_000n, worth: 8_000_000_000n, pullRequests: 3 }],
    workItems: [
      {
        label: "#12",
        spend: 40_000_000n,
        budget: 30_000_000n,
        worth: 8_000_000_000n,
        pullRequests: 3,
      },
    ],
    costliest: [],
    withoutValue: [],
    agentWorkWithoutCost: [],
    unpricedModels: [],
    spendOverTime: [{ day: "2026-11-18", cumulative: 40_000_000n }],
    ...overrides,
  };
}

describe("forecast", () => {
  it("projects spend to the due date at the current daily rate", () => {
    // $40 over 10 days = $4/day; 10 days left → $80, within the $100 budget
    expect(forecast(data(), NOW)).toEqual({
      perDay: 4_000_000n,
      atDue: 80_000_000n,
      dueDay: "2026-12-08",
      overBudget: false,
    });
  });

  it("has none without a future due date or activity", () => {
    expect(
      forecast(data({ milestone: { number: 3, title: "x", state: "open" } }), NOW),
    ).toBeUndefined();
    expect(forecast(data({ firstActivity: undefined }), NOW)).toBeUndefined();
  });
});

describe("renderRollup", () => {
  it("starts with the marker and headline, and marks over-budget work items", () => {
    const md = renderRollup({ data: data(), repositoryId: 77, now: NOW });
    expect(md.startsWith(rollupMarker(77, 3))).toBe(true);
    expect(md).toContain(
      "**Investment \\$40.00** · declared worth \\$8,000 (200× of investment) · budget \\$100 (40% used)",
    );
    expect(md).toContain("| ⚠️ #12 | \\$40.00 | \\$30 | 133% **over** |");
    expect(md).toContain("```mermaid\npie showData");
    expect(md).toContain("xychart-beta");
  });

  it("says final for a closed milestone's closing rollup", () => {
    expect(renderRollup({ data: data(), repositoryId: 77, now: NOW, final: true })).toContain(
      "## Final cost & value: Sprint 9",
    );
  });

  it("escapes untrusted titles, types and models, and keeps charts parseable", () => {
    const evil = '@octocat <!-- x --> "quoted" | `tick` other/repo#1';
    const md = renderRollup({
      data: data({
        milestone: { number: 3, title: evil, state: "open" },
        byType: [{ type: evil, spend: 1_000_000n, worth: 0n, pullRequests: 1 }],
        costliest: [
          {
            number: 5,
            title: evil,
            state: "open",
            spend: 1_000_000n,
            issue: "other/repo#1",
            agentCommitsWithoutCost: 0,
          },
        ],
        unpricedModels: [{ model: evil, pullRequests: 1 }],
      }),
      repositoryId: 77,
      now: NOW,
    });
    const outsideCode = md.replace(/```[\s\S]*?```/g, "").replace(/(`+)(?:(?!\1).)+?\1/g, "");
    expect(outsideCode).not.toMatch(/@octocat|<!-- x|repo#1/);
    const pieLine = md.split("\n").find((l) => l.includes(" : 1.00"));
    expect(pieLine).toMatch(/^ {2}"[A-Za-z0-9 _./-]+" : 1\.00$/);
  });

  it("stays within GitHub's comment limit with thousands of rows", () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({
      number: i,
      title: `A long pull request title number ${i} ${"x".repeat(80)}`,
      state: "open" as const,
      spend: 1_000n,
      agentCommitsWithoutCost: 1,
    }));
    const md = renderRollup({
      data: data({
        withoutValue: many,
        agentWorkWithoutCost: many.map((p) => ({ number: p.number, title: p.title, commits: 1 })),
        workItems: many.map((p) => ({ label: `PR #${p.number}`, spend: 1n, pullRequests: 1 })),
      }),
      repositoryId: 77,
      now: NOW,
    });
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md).toContain("… and 4950 more.");
  });
});
