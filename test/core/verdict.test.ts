import { describe, expect, it } from "vitest";
import { parseConfigObject } from "../../src/config/parse-config.js";
import { type Config, DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { CommitInput } from "../../src/core/commit.js";
import {
  type EvaluatedVerdict,
  evaluatePullRequest,
  type PullRequestInput,
  type Verdict,
} from "../../src/core/verdict.js";

const VALUE = "## Value\nIssue: #123\nType: defect\nWorth: $8,000\nBudget: $300\n";

let shaCounter = 0;
function commit(message: string, author: CommitInput["author"] = { name: "Dev" }): CommitInput {
  shaCounter++;
  return { sha: shaCounter.toString(16).padStart(40, "a"), message, author };
}

function pr(overrides: Partial<PullRequestInput> = {}): PullRequestInput {
  return {
    repository: { owner: "acme", repo: "shop" },
    number: 7,
    body: VALUE,
    author: "dev",
    labels: [],
    draft: false,
    commits: [commit("Fix\n\nAgent-Cost: 4.20 USD\n")],
    linkedIssues: [],
    ...overrides,
  };
}

function config(raw: unknown = {}): Config {
  const result = parseConfigObject(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

function evaluated(v: Verdict): EvaluatedVerdict {
  if (v.conclusion === "skipped") throw new Error(`skipped: ${v.reason}`);
  return v;
}

const evaluate = (p: PullRequestInput, c: Config = DEFAULT_CONFIG) =>
  evaluatePullRequest({ pr: p, config: c });

describe("evaluatePullRequest", () => {
  it("succeeds when cost and a complete value statement are recorded", () => {
    const v = evaluated(evaluate(pr()));
    expect(v.conclusion).toBe("success");
    expect(v.totals.micros).toBe(4_200_000n);
    expect(v.totals.commitsWithCost).toBe(1);
    expect(v.valueToCost).toBeCloseTo(8000 / 4.2, 3);
    expect(v.budget).toMatchObject({ spent: 4_200_000n, over: false });
    expect(v.budget?.percent).toBeCloseTo(1.4, 6);
    expect(v.findings).toEqual([]);
  });

  it("uses the value statement it is given instead of resolving it again", () => {
    const resolved = evaluated(evaluate(pr())).value;
    const v = evaluated(
      evaluatePullRequest({
        pr: pr({ body: "no section here" }),
        config: DEFAULT_CONFIG,
        value: resolved,
      }),
    );
    expect(v.value).toBe(resolved);
    expect(v.conclusion).toBe("success");
    expect(v.budget).toMatchObject({ spent: 4_200_000n, over: false });
  });

  it("fails without a value statement (policy.missing-value), neutral when configured", () => {
    const v = evaluated(evaluate(pr({ body: "Just a fix." })));
    expect(v.conclusion).toBe("failure");
    expect(v.findings.map((f) => f.kind)).toEqual(["missing-value"]);
    expect(v.findings[0]?.problems[0]?.code).toBe("value.no-section");
    const relaxed = evaluated(
      evaluate(pr({ body: "" }), config({ policy: { "missing-value": "neutral" } })),
    );
    expect(relaxed.conclusion).toBe("neutral");
  });

  it("sums every commit's cost, only from trailer blocks, exactly in micro-units", () => {
    const v = evaluated(
      evaluate(
        pr({
          commits: [
            commit("A\n\nAgent-Cost: 0.10 USD\n"),
            commit("B\n\nAI-Cost: $0.20\n"),
            commit("C\n\nagent-cost: 0.000001\n"),
            commit("D mentions Agent-Cost: 99 USD\n\nin prose.\n"),
          ],
        }),
      ),
    );
    expect(v.totals.micros).toBe(300_001n);
    expect(v.totals.commitCount).toBe(4);
    expect(v.totals.commitsWithCost).toBe(3);
  });

  it("prices token usage with bundled prices", () => {
    const v = evaluated(
      evaluate(
        pr({
          commits: [
            commit(
              "A\n\nAgent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000\n",
            ),
          ],
        }),
      ),
    );
    // $3 / $15 / $0.30 per million tokens
    expect(v.totals.micros).toBe(36_000n + 51_000n + 54_000n);
    expect(v.totals.models).toHaveLength(1);
    expect(v.totals.models[0]).toMatchObject({
      model: "anthropic/claude-sonnet-4-5",
      priced: true,
    });
  });

  it("flags agent-assisted commits without cost (neutral by default, failure when configured)", () => {
    const p = pr({
      commits: [
        commit("A\n\nAgent-Cost: 1 USD\n"),
        commit("B\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"),
      ],
    });
    const v = evaluated(evaluate(p));
    expect(v.conclusion).toBe("neutral");
    expect(v.findings.map((f) => [f.kind, f.summary])).toEqual([
      ["agent-work-without-cost", "1 agent-assisted commit recorded no cost"],
    ]);
    expect(v.totals.agentCommitsWithoutCost).toHaveLength(1);
    const strict = evaluated(
      evaluate(p, config({ policy: { "agent-work-without-cost": "failure" } })),
    );
    expect(strict.conclusion).toBe("failure");
  });

  it("marks over-budget spend neutral, or failure when budgets are enforced", () => {
    const p = pr({ commits: [commit("A\n\nAgent-Cost: 301 USD\n")] });
    const v = evaluated(evaluate(p));
    expect(v.budget?.over).toBe(true);
    expect(v.conclusion).toBe("neutral");
    expect(v.findings.map((f) => f.kind)).toEqual(["over-budget"]);
    expect(evaluate(p, config({ budgets: { enforce: true } })).conclusion).toBe("failure");
    // exactly at budget is not over
    const at = evaluated(evaluate(pr({ commits: [commit("A\n\nAgent-Cost: 300 USD\n")] })));
    expect(at.budget?.over).toBe(false);
  });

  it("keeps costs in other currencies out of the total and says so", () => {
    const v = evaluated(
      evaluate(
        pr({
          commits: [commit("A\n\nAgent-Cost: 2 EUR\n"), commit("B\n\nAgent-Cost: 1 USD\n")],
        }),
      ),
    );
    expect(v.totals.micros).toBe(1_000_000n);
    expect(v.totals.foreign).toEqual([{ currency: "EUR", micros: 2_000_000n }]);
    expect(v.findings.map((f) => f.kind)).toEqual(["foreign-currency"]);
  });

  it("reports unreadable cost trailers with commit and line, without losing the rest", () => {
    const v = evaluated(
      evaluate(
        pr({ commits: [commit("A\n\nAgent-Cost: lots\n"), commit("B\n\nAgent-Cost: 1\n")] }),
      ),
    );
    expect(v.totals.micros).toBe(1_000_000n);
    const finding = v.findings.find((f) => f.kind === "malformed-trailers");
    expect(finding?.problems[0]?.where).toMatch(/^commit [0-9a-f]{7} line 3$/);
    expect(v.conclusion).toBe("neutral");
  });

  it("lists unpriced models and never counts them as $0 spend silently", () => {
    const v = evaluated(
      evaluate(
        pr({ commits: [commit("A\n\nAgent-Usage: acme/secret-model input=1000 output=10\n")] }),
      ),
    );
    expect(v.totals.unpricedModels).toEqual(["acme/secret-model"]);
    expect(v.findings.map((f) => f.kind)).toContain("unpriced-models");
  });

  it("inherits the value statement from a linked issue", () => {
    const v = evaluated(
      evaluate(
        pr({
          body: "Fixes #123",
          linkedIssues: [
            { ref: { number: 123 }, body: "## Value\nType: customer\nWorth: $20,000\n" },
          ],
        }),
      ),
    );
    expect(v.value.ok).toBe(true);
    if (v.value.ok) expect(v.value.statement.type).toBe("customer");
  });

  it("skips by label, author and (when configured) drafts, saying how to undo it", () => {
    const byLabel = evaluate(pr({ labels: ["Skip-Cost-Value"] }));
    expect(byLabel).toMatchObject({
      conclusion: "skipped",
      reason: 'the PR has the label "Skip-Cost-Value"',
    });
    const byAuthor = evaluate(pr({ author: "dependabot[bot]" }));
    expect(byAuthor).toMatchObject({
      conclusion: "skipped",
      reason: "the PR is by dependabot[bot]",
    });
    const draft = evaluate(pr({ draft: true }), config({ drafts: "skip" }));
    expect(draft).toMatchObject({ conclusion: "skipped", reason: "the PR is a draft" });
    if (draft.conclusion === "skipped") expect(draft.fix).toContain("ready for review");
  });

  it("shows a failing draft as neutral by default, and as failure with drafts: evaluate", () => {
    const failing = pr({ draft: true, body: "" });
    const v = evaluated(evaluate(failing));
    expect(v.conclusion).toBe("neutral");
    expect(v.downgradedDraft).toBe(true);
    expect(evaluate(failing, config({ drafts: "evaluate" })).conclusion).toBe("failure");
  });

  it("attributes each commit's cost to one agent so per-agent totals add up", () => {
    const v = evaluated(
      evaluate(
        pr({
          commits: [
            commit(
              "A\n\nAgent: claude-code\nAgent-Cost: 2 USD\nCo-authored-by: Claude <noreply@anthropic.com>\n",
            ),
            commit("B\n\nAgent-Cost: 1 USD\n"),
          ],
        }),
      ),
    );
    const sum = v.totals.agents.reduce((s, a) => s + a.micros, 0n);
    expect(sum).toBe(v.totals.micros);
  });

  it("handles a PR with no commits and a 5,000-commit PR", () => {
    expect(evaluated(evaluate(pr({ commits: [] }))).totals.micros).toBe(0n);
    const many = Array.from({ length: 5000 }, (_, i) => commit(`C${i}\n\nAgent-Cost: 0.01 USD\n`));
    expect(evaluated(evaluate(pr({ commits: many }))).totals.micros).toBe(50_000_000n);
  });
});

describe("the investment in the verdict (budgets.covers)", () => {
  const dated = (at: string, message: string): CommitInput => ({
    ...commit(message),
    authoredAt: at,
    committedAt: at,
  });
  const input = () =>
    pr({
      body: `${VALUE}Effort: 2h\n`,
      commits: [dated("2026-12-01T10:00:00Z", "Fix\n\nAgent-Cost: 4.20 USD\n")],
      changedLines: 150,
      reviews: [{ reviewerKey: "r1" }],
    });

  it("compares Budget: with the total investment by default, and names the counted lines", () => {
    const v = evaluated(
      evaluatePullRequest({ pr: input(), config: config({ investment: { "hourly-rate": 100 } }) }),
    );
    // $4.20 agents + 2 h engineering + 30 min review at $100/h = $254.20
    expect(v.investment.total.totalMicros).toBe(254_200_000n);
    expect(v.budget).toMatchObject({ covers: "total", spent: 254_200_000n, over: false });
    expect(v.valueToInvestment).toBeCloseTo(8000 / 254.2, 6);
    const over = evaluated(
      evaluatePullRequest({ pr: input(), config: config({ investment: { "hourly-rate": 200 } }) }),
    );
    expect(over.budget?.over).toBe(true);
    expect(over.findings.find((f) => f.kind === "over-budget")?.summary).toBe(
      "Investment is over budget (168% of it; counted: agents, engineering, review)",
    );
  });

  it("with covers: agents, Budget: is compared with the agent cost only", () => {
    const v = evaluated(
      evaluatePullRequest({
        pr: input(),
        config: config({ budgets: { covers: "agents" }, investment: { "hourly-rate": 200 } }),
      }),
    );
    expect(v.budget).toMatchObject({ covers: "agents", spent: 4_200_000n, over: false });
  });

  it("without a rate the hours stay unpriced and the total is the agent cost", () => {
    const v = evaluated(evaluatePullRequest({ pr: input(), config: config() }));
    expect(v.investment.total).toMatchObject({
      totalMicros: 4_200_000n,
      includes: ["agents"],
      unpriced: ["engineering", "review"],
    });
  });
});
