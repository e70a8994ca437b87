/**
 * Between an evaluation and the ledger: the work item of a value statement, the PR's record as
 * the ledger stores it (`toRecord`), and `recordEvaluation` (record or forget, then the rollups
 * now or scheduled). Snapshots and verdicts are built with the core's own functions; the ledger is
 * the test database; GitHub (for a rollup posted now) is answered by hand.
 */
import { describe, expect, it } from "vitest";
import { type Config, configSchema, DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { CommitInput } from "../../src/core/commit.js";
import { resolveValueStatement } from "../../src/core/value/resolve.js";
import {
  type EvaluatedVerdict,
  evaluatePullRequest,
  type Verdict,
} from "../../src/core/verdict.js";
import {
  forgetPublishedOutput,
  ledgerKey,
  readLedgerState,
  recordEvaluation,
  toRecord,
  workItemOf,
} from "../../src/github/ledger-sync.js";
import type { RollupTarget } from "../../src/github/rollups.js";
import type { PullRequestSnapshot } from "../../src/github/snapshot.js";
import { migratedDatabaseForFile } from "../helpers/database.js";
import { COMMENT_ID, handGitHub } from "../helpers/hand-github.js";

const database = migratedDatabaseForFile();

const INSTALLATION = 2_200_000_001;
const REPOSITORY = { owner: "acme", repo: "shop", id: 3_000_000_077, defaultBranch: "main" };
const HASH = "f".repeat(64);
const APP_ID = 1001;

function snapshot(overrides: Partial<PullRequestSnapshot> = {}): PullRequestSnapshot {
  return {
    repository: REPOSITORY,
    number: 7,
    id: "2600000000007",
    title: "Fix rounding",
    body: "## Value\nIssue: #12\nType: defect\nWorth: $8,000\nBudget: $30\n",
    url: "https://github.com/acme/shop/pull/7",
    author: "dev",
    labels: [],
    draft: false,
    state: "open",
    baseRef: "main",
    headSha: "a".repeat(40),
    isCrossRepository: false,
    commits: [{ sha: "c".repeat(40), message: "Fix\n\nAgent-Cost: 2.50 USD\n", author: {} }],
    reviews: [],
    linkedIssues: [{ ref: { number: 12 }, body: "Rounds wrongly.", state: "open" }],
    unavailableIssues: [],
    config: { ok: true, config: DEFAULT_CONFIG, files: [] },
    checkRuns: [],
    checkRunsSha: "a".repeat(40),
    requests: 1,
    ignoredErrors: [],
    ...overrides,
  };
}

const repository = { owner: REPOSITORY.owner, repo: REPOSITORY.repo };

const statementOf = (s: PullRequestSnapshot, config: Config = DEFAULT_CONFIG) =>
  resolveValueStatement({
    prBody: s.body,
    linkedIssues: s.linkedIssues,
    repository,
    config,
  });

function verdictOf(s: PullRequestSnapshot, config: Config = DEFAULT_CONFIG): Verdict {
  return evaluatePullRequest({
    pr: { ...s, repository, linkedIssues: s.linkedIssues },
    value: statementOf(s, config),
    config,
  });
}

function evaluated(s: PullRequestSnapshot, config: Config = DEFAULT_CONFIG): EvaluatedVerdict {
  const verdict = verdictOf(s, config);
  if (verdict.conclusion === "skipped") throw new Error("skipped");
  return verdict;
}

const scope = () => ({ pool: database().pool, installationId: INSTALLATION });

function record(
  s: PullRequestSnapshot,
  options: {
    config?: Config;
    rollups?: Parameters<typeof recordEvaluation>[2]["rollups"];
    api?: ReturnType<typeof handGitHub>["api"];
    evaluatedAt?: Date;
  } = {},
) {
  const config = options.config ?? DEFAULT_CONFIG;
  return recordEvaluation(options.api ?? handGitHub().api, scope(), {
    snapshot: s,
    verdict: verdictOf(s, config),
    linkedIssues: s.linkedIssues,
    config,
    checkRunId: "30000000001",
    checkOutputSha256: HASH,
    evaluatedAt: options.evaluatedAt ?? new Date("2026-11-28T12:00:00Z"),
    rollups: options.rollups ?? { mode: "scheduled", schedule: () => undefined },
  });
}

const MILESTONE = {
  number: 3,
  title: "Checkout v2",
  state: "open" as const,
  description: "Budget: $100",
};

describe("workItemOf", () => {
  it("is the statement's issue, made absolute in the PR's repository", () => {
    const s = snapshot();
    expect(workItemOf(statementOf(s), s)).toEqual({ owner: "acme", repo: "shop", number: 12 });
  });

  it("keeps another repository's issue, and reads it from an incomplete statement too", () => {
    const s = snapshot({ body: "## Value\nIssue: tools/lib#9\n", linkedIssues: [] });
    const value = statementOf(s);
    expect(value.ok).toBe(false);
    expect(workItemOf(value, s)).toEqual({ owner: "tools", repo: "lib", number: 9 });
  });

  it("is undefined when the statement names no issue", () => {
    const s = snapshot({ body: "no statement", linkedIssues: [] });
    expect(workItemOf(statementOf(s), s)).toBeUndefined();
  });
});

describe("toRecord", () => {
  const at = new Date("2026-11-28T12:00:00Z");
  const recordOf = (s: PullRequestSnapshot, currency = "USD", config = DEFAULT_CONFIG) =>
    toRecord({
      installationId: INSTALLATION,
      snapshot: s,
      verdict: evaluated(s, config),
      linkedIssues: s.linkedIssues,
      currency,
      checkRunId: "30000000001",
      evaluatedAt: at,
    });

  it("maps the snapshot and the verdict: keys, value, cost, absolute issues", () => {
    const r = recordOf(snapshot({ milestone: { ...MILESTONE, description: "" } }));
    expect(r).toMatchObject({
      installationId: INSTALLATION,
      repository: { id: REPOSITORY.id, owner: "acme", name: "shop" },
      number: 7,
      githubId: "2600000000007",
      milestoneNumber: 3,
      valueComplete: true,
      valueType: "defect",
      worthMicros: 8_000_000_000n,
      budgetMicros: 30_000_000n,
      worthOrigin: "pr",
      budgetOrigin: "pr",
      issue: { owner: "acme", repo: "shop", number: 12 },
      costMicros: 2_500_000n,
      conclusion: "success",
      checkRunId: "30000000001",
      evaluatedAt: at,
      linkedIssues: [{ owner: "acme", repo: "shop", number: 12 }],
    });
    expect(r.commits).toEqual([
      {
        sha: "c".repeat(40),
        costSource: "agent-cost",
        costMicros: 2_500_000n,
        agentWithoutCost: false,
      },
    ]);
  });

  it("names an inherited worth's issue as owner/repo#number", () => {
    const s = snapshot({
      body: "## Value\nIssue: tools/lib#9\n",
      linkedIssues: [
        {
          ref: { owner: "tools", repo: "lib", number: 9 },
          body: "## Value\nType: defect\nWorth: $500\n",
          state: "open",
        },
      ],
    });
    expect(recordOf(s)).toMatchObject({
      worthOrigin: "tools/lib#9",
      issue: { owner: "tools", repo: "lib", number: 9 },
      linkedIssues: [{ owner: "tools", repo: "lib", number: 9 }],
    });
  });

  it("leaves out money in another currency than the ledger's", () => {
    // resolved under a EUR config, recorded in a USD ledger: a euro amount summed as dollars
    // would be wrong in every rollup
    const euro = configSchema.parse({ currency: "EUR" });
    const s = snapshot({
      body: "## Value\nIssue: #12\nType: defect\nWorth: €8,000\nBudget: €30\n",
    });
    expect(recordOf(s, "EUR", euro)).toMatchObject({
      worthMicros: 8_000_000_000n,
      budgetMicros: 30_000_000n,
    });
    const r = recordOf(s, "USD", euro);
    expect(r).not.toHaveProperty("worthMicros");
    expect(r).not.toHaveProperty("budgetMicros");
  });

  it("leaves out what GitHub did not give: the PR's id, a milestone", () => {
    const { id: _, ...withoutId } = snapshot();
    const r = recordOf(withoutId);
    expect(r).not.toHaveProperty("githubId");
    expect(r).not.toHaveProperty("milestoneNumber");
  });

  it("counts both cache writes (5-minute and 1-hour) in one column", () => {
    const s = snapshot({
      commits: [
        {
          sha: "d".repeat(40),
          message:
            "Work\n\nAgent-Usage: anthropic/claude-opus-4-1 input=2000 output=1500 cache-write=40000 cache-write-1h=10000 cost=1.00\n",
          author: {},
        },
      ],
    });
    const r = recordOf(s);
    expect(r.tokens).toEqual({
      input: 2000,
      output: 1500,
      cacheRead: 0,
      cacheWrite: 50_000,
      unspecified: 0,
    });
    expect(r.models[0]?.tokens.cacheWrite).toBe(50_000);
  });

  it("names the commit's agent from its first signal when it recorded no agent", () => {
    const commit: CommitInput = {
      sha: "e".repeat(40),
      message: "Work\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
      author: {},
    };
    const r = recordOf(snapshot({ commits: [commit] }));
    expect(r.commits[0]).toMatchObject({ sha: commit.sha, agentWithoutCost: true });
    expect(r.commits[0]?.agent).toMatch(/claude/i);
    expect(r.agentCommitsWithoutCost).toBe(1);
  });
});

describe("readLedgerState and forgetPublishedOutput", () => {
  it("read our run and the work item's other PRs by the PR's key; forgetting drops only the hash", async () => {
    const s = snapshot();
    await record(s);
    await record(snapshot({ number: 8, id: "2600000000008" }));
    const key = ledgerKey(scope(), s);
    expect(key).toEqual({ installationId: INSTALLATION, repositoryId: REPOSITORY.id, number: 7 });
    const workItem = { owner: "acme", repo: "shop", number: 12 };
    expect(await readLedgerState(scope(), key, workItem)).toEqual({
      checkRun: { id: "30000000001", headSha: s.headSha, outputSha256: HASH },
      // #8 only: this PR's own spend is not "other"
      workItem: { otherSpend: 2_500_000n, otherInvestment: 2_500_000n, otherPullRequests: 1 },
    });
    // without a work item, no spend is looked up
    expect(await readLedgerState(scope(), key)).not.toHaveProperty("workItem");

    await forgetPublishedOutput(scope(), key);
    expect(await readLedgerState(scope(), key)).toEqual({
      checkRun: { id: "30000000001", headSha: s.headSha },
    });
    // the other PR keeps its hash
    expect((await readLedgerState(scope(), { ...key, number: 8 })).checkRun?.outputSha256).toBe(
      HASH,
    );
  });
});

describe("recordEvaluation", () => {
  it("records the milestone with the budget its description states, and schedules its rollup", async () => {
    const scheduled: RollupTarget[] = [];
    const actions = await record(snapshot({ milestone: MILESTONE }), {
      rollups: { mode: "scheduled", schedule: (t) => scheduled.push(t) },
    });
    expect(actions).toEqual(["scheduled"]);
    expect(scheduled).toEqual([
      {
        installationId: INSTALLATION,
        repository: { id: REPOSITORY.id, owner: "acme", name: "shop" },
        milestoneNumber: 3,
        currency: "USD",
      },
    ]);
    const { rows } = await database().pool.query(
      "SELECT title, budget_micros::text AS budget, budget_problem FROM milestones",
    );
    expect(rows).toEqual([{ title: "Checkout v2", budget: "100000000", budget_problem: null }]);
  });

  it("records a milestone budget that cannot be read as a problem, not as an amount", async () => {
    await record(snapshot({ milestone: { ...MILESTONE, description: "Budget: lots" } }));
    const { rows } = await database().pool.query<{ budget: string | null; problem: string }>(
      "SELECT budget_micros::text AS budget, budget_problem AS problem FROM milestones",
    );
    expect(rows[0]?.budget).toBeNull();
    expect(rows[0]?.problem).toContain("Budget:");
  });

  it("passes the config's fixed rollup issue to the scheduler", async () => {
    const scheduled: RollupTarget[] = [];
    await record(snapshot({ milestone: MILESTONE }), {
      config: configSchema.parse({ rollups: { issue: 42 } }),
      rollups: { mode: "scheduled", schedule: (t) => scheduled.push(t) },
    });
    expect(scheduled.map((t) => t.fixedIssue)).toEqual([42]);
  });

  it("marks nothing when the config turns rollups off", async () => {
    const scheduled: RollupTarget[] = [];
    const actions = await record(snapshot({ milestone: MILESTONE }), {
      config: configSchema.parse({ rollups: { enabled: false } }),
      rollups: { mode: "scheduled", schedule: (t) => scheduled.push(t) },
    });
    expect(actions).toEqual([]);
    expect(scheduled).toEqual([]);
    const { rows } = await database().pool.query("SELECT 1 FROM rollup_refresh");
    expect(rows).toEqual([]);
  });

  it("marks both milestones when the PR moved from one to the other", async () => {
    await record(snapshot({ milestone: MILESTONE }));
    const scheduled: RollupTarget[] = [];
    await record(snapshot({ milestone: { ...MILESTONE, number: 4, title: "Next" } }), {
      evaluatedAt: new Date("2026-11-28T13:00:00Z"),
      rollups: { mode: "scheduled", schedule: (t) => scheduled.push(t) },
    });
    expect(scheduled.map((t) => t.milestoneNumber).sort()).toEqual([3, 4]);
  });

  it("takes a skipped PR out of the ledger, marking the milestone it was in", async () => {
    await record(snapshot({ milestone: MILESTONE }));
    const scheduled: RollupTarget[] = [];
    const skipped = snapshot({ milestone: MILESTONE, labels: ["skip-cost-value"] });
    expect(verdictOf(skipped).conclusion).toBe("skipped");
    const actions = await record(skipped, {
      rollups: { mode: "scheduled", schedule: (t) => scheduled.push(t) },
    });
    expect(actions).toEqual(["scheduled"]);
    expect(scheduled.map((t) => t.milestoneNumber)).toEqual([3]);
    const { rows } = await database().pool.query("SELECT number FROM pull_requests");
    expect(rows).toEqual([]);
  });

  it("refreshes now with the API given, finding the rollup issue this app wrote", async () => {
    const gh = handGitHub({
      rest: {
        // two issues of that title: another app's (forged) and ours
        "GET /repos/{owner}/{repo}/issues": () => [
          { number: 5, title: "Cost & value: Checkout v2", performed_via_github_app: { id: 7 } },
          {
            number: 6,
            title: "Cost & value: Checkout v2",
            performed_via_github_app: { id: APP_ID },
          },
        ],
      },
    });
    const actions = await record(snapshot({ milestone: MILESTONE }), {
      api: gh.api,
      rollups: { mode: "now", appId: APP_ID, now: () => new Date("2026-11-28T12:00:00Z") },
    });
    expect(actions).toEqual(["created"]);
    // the app id reached the rollup: our issue (6), not the forged one (5); no new issue
    const posted = gh.restCalls.find(
      (c) => c.route === "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
    );
    expect(posted?.params.issue_number).toBe(6);
    expect(gh.restCalls.map((c) => c.route)).not.toContain("POST /repos/{owner}/{repo}/issues");
    const { rows } = await database().pool.query<{ comment_id: string }>(
      "SELECT comment_id::text FROM rollup_posts",
    );
    expect(rows).toEqual([{ comment_id: String(COMMENT_ID) }]);
  });

  it("changes nothing for a stale read (an older evaluation time), and marks nothing", async () => {
    await record(snapshot({ milestone: MILESTONE }), {
      evaluatedAt: new Date("2026-11-28T13:00:00Z"),
    });
    const scheduled: RollupTarget[] = [];
    const stale = snapshot({ milestone: MILESTONE, title: "Older title" });
    const actions = await record(stale, {
      evaluatedAt: new Date("2026-11-28T12:00:00Z"),
      rollups: { mode: "scheduled", schedule: (t) => scheduled.push(t) },
    });
    expect(actions).toEqual([]);
    const { rows } = await database().pool.query("SELECT title FROM pull_requests");
    expect(rows).toEqual([{ title: "Fix rounding" }]);
  });
});
