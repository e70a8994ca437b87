/** Ledger records for tests and for the rollup example in docs/rollups.md. */
import type { MilestoneRecord } from "../../src/db/milestones.js";
import type { PullRequestRecord } from "../../src/db/pull-requests.js";

export const REPO = { id: 77, owner: "acme", name: "shop" };
export const INSTALLATION = 4242;

const usd = (dollars: number): bigint => BigInt(Math.round(dollars * 1_000_000));

export function milestone(overrides: Partial<MilestoneRecord> = {}): MilestoneRecord {
  return {
    installationId: INSTALLATION,
    repository: REPO,
    number: 3,
    title: "Checkout v2",
    state: "open",
    dueOn: new Date("2026-12-15T00:00:00Z"),
    budget: { micros: usd(100), currency: "USD" },
    ...overrides,
  };
}

export function pr(
  number: number,
  overrides: Partial<PullRequestRecord> & { cost?: number; worth?: number; budget?: number } = {},
): PullRequestRecord {
  const { cost = 1, worth, budget, ...rest } = overrides;
  return {
    installationId: INSTALLATION,
    repository: REPO,
    number,
    githubId: String(2_600_000_000 + number),
    title: `PR ${number}`,
    author: "dev",
    state: "open",
    draft: false,
    milestoneNumber: 3,
    headSha: number.toString(16).padStart(40, "a"),
    currency: "USD",
    valueComplete: worth !== undefined,
    ...(worth !== undefined
      ? { valueType: "defect", worthMicros: usd(worth), worthOrigin: "pr" }
      : {}),
    ...(budget !== undefined ? { budgetMicros: usd(budget), budgetOrigin: "pr" } : {}),
    costMicros: usd(cost),
    tokens: { input: 1000, output: 100, cacheRead: 0, cacheWrite: 0, unspecified: 0 },
    commitCount: 2,
    commitsWithCost: 2,
    agentCommitsWithoutCost: 0,
    unpricedModels: [],
    conclusion: "success",
    checkRunId: String(30_000_000_000 + number),
    evaluatedAt: new Date("2026-11-20T10:00:00Z"),
    models: [
      {
        model: "anthropic/claude-sonnet-4-5",
        priced: true,
        costMicros: usd(cost),
        tokens: { input: 1000, output: 100, cacheRead: 0, cacheWrite: 0, unspecified: 0 },
      },
    ],
    commits: [
      {
        sha: `${number}`.padStart(40, "b"),
        costSource: "agent-cost",
        costMicros: usd(cost),
        agentWithoutCost: false,
      },
    ],
    linkedIssues: rest.issue !== undefined ? [rest.issue] : [],
    ...rest,
  };
}

/** A milestone with a realistic mix: shared work items, no value, no cost, unpriced, states. */
export function exampleMilestone(): { milestone: MilestoneRecord; prs: PullRequestRecord[] } {
  const issue = (number: number) => ({ owner: "acme", repo: "shop", number });
  return {
    milestone: milestone(),
    prs: [
      pr(11, {
        title: "Round after currency conversion",
        cost: 14.62,
        worth: 8000,
        budget: 30,
        issue: issue(123),
        state: "merged",
      }),
      pr(12, {
        title: "Regression tests for EU rounding",
        cost: 12.48,
        worth: 8000,
        budget: 30,
        issue: issue(123),
        valueType: "defect",
      }),
      pr(14, {
        title: "Retry card authorisation on timeout",
        cost: 9.1,
        worth: 20000,
        budget: 50,
        issue: issue(130),
        valueType: "customer",
        state: "merged",
      }),
      pr(15, {
        title: "Rotate payment provider keys",
        cost: 3.05,
        worth: 5000,
        issue: issue(131),
        valueType: "security",
        state: "merged",
      }),
      pr(16, { title: "Try a new checkout layout", cost: 21.4, state: "closed" }),
      pr(17, {
        title: "Tidy checkout styles",
        cost: 0,
        agentCommitsWithoutCost: 2,
        commitsWithCost: 0,
      }),
      pr(18, {
        title: "Experiment with a local model",
        cost: 0.4,
        worth: 1000,
        issue: issue(140),
        valueType: "review-load",
        unpricedModels: ["acme/local-llm"],
      }),
    ],
  };
}
