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
/** Investment lines at a blended $120/h (docs/rollups.md's example). */
function lines(
  agents: number,
  engineering: [number, "declared" | "estimated"],
  review?: [number, "declared" | "estimated"],
  ciMinutes?: number,
): NonNullable<PullRequestRecord["investment"]> {
  const hours = (
    kind: "engineering" | "review",
    [h, basis]: [number, "declared" | "estimated"],
  ) => ({
    kind,
    basis,
    minutes: Math.round(h * 60),
    amountMicros: usd(h * 120),
    currency: "USD",
    detail: basis,
  });
  return {
    lines: [
      {
        kind: "agents",
        basis: "measured",
        amountMicros: usd(agents),
        currency: "USD",
        detail: "trailers",
      },
      hours("engineering", engineering),
      ...(review !== undefined ? [hours("review", review)] : []),
      ...(ciMinutes !== undefined
        ? [
            {
              kind: "ci" as const,
              basis: "measured" as const,
              minutes: ciMinutes,
              amountMicros: usd(ciMinutes * 0.006),
              currency: "USD",
              detail: "jobs",
            },
          ]
        : []),
    ],
    settings: null,
    reviews: [],
  };
}

/**
 * A milestone with a realistic mix: shared work items, no value, no cost, unpriced, states.
 * `investment`: the PRs also carry investment lines (hours at $120/h), with budgets to match.
 */
export function exampleMilestone(options: { investment?: boolean } = {}): {
  milestone: MilestoneRecord;
  prs: PullRequestRecord[];
} {
  const issue = (number: number) => ({ owner: "acme", repo: "shop", number });
  const inv = options.investment === true;
  const withLines = (record: PullRequestRecord, investment: PullRequestRecord["investment"]) =>
    inv ? { ...record, investment } : record;
  const budget = (agentsOnly: number, total: number) => (inv ? total : agentsOnly);
  return {
    milestone: inv ? milestone({ budget: { micros: usd(8000), currency: "USD" } }) : milestone(),
    prs: [
      withLines(
        pr(11, {
          title: "Round after currency conversion",
          cost: 14.62,
          worth: 8000,
          budget: budget(30, 2000),
          issue: issue(123),
          state: "merged",
        }),
        lines(14.62, [6, "declared"], [1, "estimated"], 42),
      ),
      withLines(
        pr(12, {
          title: "Regression tests for EU rounding",
          cost: 12.48,
          worth: 8000,
          budget: budget(30, 2000),
          issue: issue(123),
          valueType: "defect",
        }),
        lines(12.48, [3, "estimated"], [0.5, "declared"]),
      ),
      withLines(
        pr(14, {
          title: "Retry card authorisation on timeout",
          cost: 9.1,
          worth: 20000,
          budget: budget(50, 3000),
          issue: issue(130),
          valueType: "customer",
          state: "merged",
        }),
        lines(9.1, [8, "declared"], undefined, 18),
      ),
      withLines(
        pr(15, {
          title: "Rotate payment provider keys",
          cost: 3.05,
          worth: 5000,
          issue: issue(131),
          valueType: "security",
          state: "merged",
        }),
        lines(3.05, [1.5, "estimated"]),
      ),
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
