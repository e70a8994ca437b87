/**
 * The app end to end inside Probot: real payload shapes in, the fake GitHub on nock (GraphQL and
 * REST), every API call counted.
 */
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import {
  commitsOf,
  type FakeCommit,
  FakeGitHub,
  type FakePullRequest,
  fakeSha,
} from "../helpers/fake-github/index.js";
import { APP_ID, testProbot } from "../helpers/probot.js";
import {
  checkRunPayload,
  checkSuitePayload,
  pullRequestPayload,
  type Target,
} from "../helpers/webhook-payloads.js";

const VALUE =
  "Fixes the rounding.\n\n## Value\nIssue: #12\nType: defect\nWorth: $8,000\nBudget: $300\n";

let github: FakeGitHub;
let probot: Probot;
let deliveries = 0;

beforeEach(async () => {
  github = new FakeGitHub().addRepo("acme", "shop", {}, 77);
  github.install();
  probot = await testProbot();
});

function addPr(
  overrides: Partial<FakePullRequest> = {},
  commits: FakeCommit[] = priced(),
): FakePullRequest {
  return github.addPullRequest({
    owner: "acme",
    repo: "shop",
    number: 7,
    body: VALUE,
    headSha: commits.at(-1)?.sha ?? fakeSha(),
    commits,
    ...overrides,
  });
}

function priced(): FakeCommit[] {
  return [
    ...commitsOf(1, () => "Fix rounding\n\nAgent: claude-code\nAgent-Cost: 4.20 USD\n"),
    ...commitsOf(
      1,
      () =>
        "Add tests\n\nAgent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000\n",
    ),
  ];
}

function target(pr: FakePullRequest): Target {
  return {
    owner: pr.owner,
    repo: pr.repo,
    repoId: 77,
    number: pr.number,
    headSha: pr.headSha,
    body: pr.body,
    draft: pr.draft ?? false,
    labels: pr.labels ?? [],
  };
}

function receive(name: string, payload: Record<string, unknown>): Promise<void> {
  deliveries++;
  return probot.receive({ id: `delivery-${deliveries}`, name, payload } as never);
}

const onlyRun = () => {
  expect(github.checkRuns).toHaveLength(1);
  return github.checkRuns[0] as NonNullable<(typeof github.checkRuns)[number]>;
};

describe("pull_request events", () => {
  it("publishes a success check for a PR with cost and a complete value statement, in 2 API calls", async () => {
    github.addIssue({ owner: "acme", repo: "shop", number: 12, body: "the issue" });
    const pr = addPr({ closingIssues: [{ number: 12 }] });
    await receive("pull_request", pullRequestPayload("opened", target(pr)));

    expect(github.count()).toEqual({ total: 2, reads: 1, writes: 1 });
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /graphql",
      "POST /repos/acme/shop/check-runs",
    ]);
    const run = onlyRun();
    expect(run).toMatchObject({ head_sha: pr.headSha, name: "cost/value", conclusion: "success" });
    expect(run.output?.title).toBe(
      "$4.34 invested + 30 min not priced · worth $8,000 (1,843×) · 1.4% of budget",
    );
    expect(run.writes[0]).toMatchSnapshot();
  });

  it("fails a PR without a value section and says exactly what to add", async () => {
    const pr = addPr({ body: "Just a fix." });
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    const run = onlyRun();
    expect(run.conclusion).toBe("failure");
    expect(run.output?.title).toMatch(/^Value statement missing or incomplete/);
    expect(run.output?.summary).toContain("```markdown\n    ## Value\n    Issue: #");
  });

  it("updates the same run when the body is edited (no second run), in 2 API calls", async () => {
    const pr = addPr({ body: "Just a fix." });
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    github.reset();
    pr.body = VALUE;
    await receive(
      "pull_request",
      pullRequestPayload("edited", target(pr), { changes: { body: { from: "Just a fix." } } }),
    );
    expect(github.count()).toEqual({ total: 2, reads: 1, writes: 1 });
    expect(github.requests[1]?.method).toBe("PATCH");
    const run = onlyRun();
    expect(run.conclusion).toBe("success");
    expect(run.writes).toHaveLength(2);
  });

  it("ignores an edit that changes neither body, title nor base (0 API calls)", async () => {
    const pr = addPr();
    await receive("pull_request", pullRequestPayload("edited", target(pr), { changes: {} }));
    expect(github.requests).toHaveLength(0);
  });

  it("creates a new run for a new push", async () => {
    const pr = addPr();
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    const next = commitsOf(1, () => "More\n\nAgent-Cost: 1 USD\n");
    pr.commits.push(...next);
    pr.headSha = next[0]?.sha ?? "";
    await receive("pull_request", pullRequestPayload("synchronize", target(pr)));
    expect(github.checkRuns.map((r) => r.head_sha)).toEqual([pr.commits[1]?.sha, pr.headSha]);
    expect(github.checkRuns[1]?.output?.title).toMatch(/^\$5\.34 invested/);
  });

  it("evaluates the PR's current head when the event is stale", async () => {
    const pr = addPr();
    const staleSha = pr.headSha;
    const next = commitsOf(1, () => "More\n\nAgent-Cost: 1 USD\n");
    pr.commits.push(...next);
    pr.headSha = next[0]?.sha ?? "";
    await receive(
      "pull_request",
      pullRequestPayload("labeled", { ...target(pr), headSha: staleSha }),
    );
    expect(onlyRun().head_sha).toBe(pr.headSha);
    expect(github.requests.map((r) => r.method)).toEqual(["POST", "GET", "POST"]);
  });

  it("puts the check of a fork PR on the base repository at the head SHA", async () => {
    const pr = addPr({ isCrossRepository: true });
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    expect(github.requests[1]?.path).toBe("/repos/acme/shop/check-runs");
    expect(onlyRun().head_sha).toBe(pr.headSha);
  });

  it("skips a PR with a skip label", async () => {
    const pr = addPr({ labels: ["skip-cost-value"] });
    await receive("pull_request", pullRequestPayload("labeled", target(pr)));
    expect(onlyRun()).toMatchObject({ conclusion: "skipped" });
    expect(onlyRun().output?.title).toBe('Skipped: the PR has the label "skip-cost-value"');
  });

  it("shows a failing draft as neutral", async () => {
    const pr = addPr({ draft: true, body: "" });
    await receive("pull_request", pullRequestPayload("converted_to_draft", target(pr)));
    expect(onlyRun().conclusion).toBe("neutral");
    expect(onlyRun().output?.summary).toContain("This draft would fail the check");
  });

  it("reads all commits of a 250-commit PR: 3 reads, 1 write", async () => {
    const pr = addPr({}, commitsOf(250));
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    expect(github.count()).toEqual({ total: 4, reads: 3, writes: 1 });
    expect(onlyRun().output?.title).toMatch(/^\$2\.50 invested/);
  });

  it("lists an unpriced model and stays neutral", async () => {
    const pr = addPr(
      {},
      commitsOf(1, () => "A\n\nAgent-Usage: acme/secret-model input=1000 output=10\n"),
    );
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    expect(onlyRun().conclusion).toBe("neutral");
    expect(onlyRun().output?.summary).toContain("No price for 1 model: acme/secret-model");
  });

  it("keeps a foreign currency out of the total and stays neutral", async () => {
    const pr = addPr(
      {},
      commitsOf(1, () => "A\n\nAgent-Cost: 3 EUR\n"),
    );
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    expect(onlyRun().conclusion).toBe("neutral");
    expect(onlyRun().output?.summary).toContain("Costs in EUR are not added to the USD total");
  });

  it("reports a broken config with file and line, without crashing", async () => {
    github.addRepo(
      "acme",
      "shop",
      { ".github/cost-value.yml": "currency: USD\npolicy:\n  missing-value: maybe\n" },
      77,
    );
    const pr = addPr();
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    const run = onlyRun();
    expect(run.conclusion).toBe("failure");
    expect(run.output?.title).toBe(
      "The cost-value config is invalid: 1 problem in acme/shop:.github/cost-value.yml",
    );
    expect(run.output?.summary).toContain(
      "acme/shop:.github/cost-value.yml line 3 `policy.missing-value`",
    );
  });

  it("uses the configured check name", async () => {
    github.addRepo("acme", "shop", { ".github/cost-value.yml": "check-name: spend/value\n" }, 77);
    const pr = addPr();
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    expect(onlyRun().name).toBe("spend/value");
  });

  it("when GitHub fails the read once: retried, published, no notice", async () => {
    const pr = addPr();
    github.fail("graphql", 502);
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    expect(onlyRun().conclusion).toBe("success");
    expect(github.requests.filter((r) => r.path === "/graphql")).toHaveLength(2);
  });

  it("when GitHub keeps failing the read: the delivery fails, and a completed run says to re-run", async () => {
    const pr = addPr();
    github.fail("graphql", 502, 4);
    await expect(
      receive("pull_request", pullRequestPayload("opened", target(pr))),
    ).rejects.toThrow();
    const run = onlyRun();
    expect(run).toMatchObject({ status: "completed", conclusion: "neutral", head_sha: pr.headSha });
    expect(run.output?.summary).toContain("GitHub answered HTTP 502");
    expect(run.output?.summary).toContain("Re-run");
    // re-run after GitHub recovered: the same run is updated
    await receive("check_run", checkRunPayload(target(pr), APP_ID));
    expect(onlyRun().conclusion).toBe("success");
  });

  it("when a create answers 500: looks for the run before creating again (one run, never two)", async () => {
    const pr = addPr();
    github.fail("create", 500);
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    expect(onlyRun().conclusion).toBe("success");
    const posts = github.requests.filter((r) => r.method === "POST" && r.path !== "/graphql");
    const lists = github.requests.filter(
      (r) => r.method === "GET" && r.path.includes("/check-runs"),
    );
    expect([posts.length, lists.length]).toEqual([2, 1]);
  });

  it("when GitHub keeps failing the write: the delivery fails, nothing is half-written, no crash", async () => {
    const pr = addPr();
    github.fail("create", 500, 2);
    await expect(
      receive("pull_request", pullRequestPayload("opened", target(pr))),
    ).rejects.toThrow();
    expect(github.checkRuns).toHaveLength(0);
    expect(
      github.requests.filter((r) => r.method === "POST" && r.path !== "/graphql"),
    ).toHaveLength(2);
    await receive("pull_request", pullRequestPayload("synchronize", target(pr)));
    expect(onlyRun().conclusion).toBe("success");
  });
});

describe("checks events", () => {
  it("re-evaluates on Re-run (check_run.rerequested), updating the run in 2 API calls", async () => {
    const pr = addPr({ closingIssues: [{ number: 12 }] });
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    github.reset();
    await receive("check_run", checkRunPayload(target(pr), APP_ID));
    expect(github.count()).toEqual({ total: 2, reads: 1, writes: 1 });
    expect(onlyRun().writes).toHaveLength(2);
  });

  it("reads the Issue: field's issue with one more request when the event carries no body", async () => {
    github.addIssue({ owner: "acme", repo: "shop", number: 12, body: "## Value\nBudget: $1\n" });
    const pr = addPr({ body: "## Value\nIssue: #12\nType: defect\nWorth: $8,000\n" });
    await receive("check_run", checkRunPayload(target(pr), APP_ID));
    expect(github.requests.map((r) => r.operation ?? r.method)).toEqual([
      "CostValuePullRequest",
      "CostValueIssue",
      "POST",
    ]);
    // the issue's budget was inherited: $4.34 of $1 is over budget
    expect(onlyRun().output?.title).toMatch(/of budget \(over\)$/);
  });

  it("finds a fork PR by its head SHA when the payload carries no PR", async () => {
    const pr = addPr({ isCrossRepository: true, closingIssues: [{ number: 12 }] });
    await receive("check_run", checkRunPayload(target(pr), APP_ID, []));
    expect(github.requests.map((r) => r.operation ?? r.method)).toEqual([
      "CostValueCommitPullRequests",
      "CostValuePullRequest",
      "POST",
    ]);
    expect(onlyRun().head_sha).toBe(pr.headSha);
  });

  it("evaluates on check_suite.requested for our app", async () => {
    const pr = addPr();
    await receive("check_suite", checkSuitePayload("requested", target(pr), APP_ID));
    expect(onlyRun().conclusion).toBe("success");
  });

  it("does not evaluate a push twice (pull_request.synchronize, then check_suite.requested)", async () => {
    const pr = addPr({ closingIssues: [{ number: 12 }] });
    await receive("pull_request", pullRequestPayload("synchronize", target(pr)));
    await receive("check_suite", checkSuitePayload("requested", target(pr), APP_ID));
    expect(github.count()).toEqual({ total: 2, reads: 1, writes: 1 });
  });

  it("spends nothing on a push to a branch without a PR", async () => {
    const pr = addPr();
    await receive("check_suite", checkSuitePayload("requested", target(pr), APP_ID, []));
    expect(github.requests).toHaveLength(0);
  });

  it("re-evaluates on check_suite.rerequested even right after an evaluation", async () => {
    const pr = addPr({ closingIssues: [{ number: 12 }] });
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    await receive("check_suite", checkSuitePayload("rerequested", target(pr), APP_ID));
    expect(github.count()).toEqual({ total: 4, reads: 2, writes: 2 });
    expect(onlyRun().writes).toHaveLength(2);
  });

  it("ignores other apps' check suites and runs (0 API calls)", async () => {
    const pr = addPr();
    await receive("check_suite", checkSuitePayload("rerequested", target(pr), 999));
    await receive("check_run", checkRunPayload(target(pr), 999));
    expect(github.requests).toHaveLength(0);
  });
});
