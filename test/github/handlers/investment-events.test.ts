/**
 * Review and CI events (docs/investment.md): read from the payload alone (0 API calls), recorded
 * in the ledger, the PR's review or CI line re-priced with its last evaluation's settings.
 */
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { readInvestmentLines } from "../../../src/db/investment.js";
import { storedRunner } from "../../../src/github/handlers/investment-events.js";
import { migratedDatabaseForFile } from "../../helpers/database.js";
import { commitsOf, FakeGitHub, type FakePullRequest } from "../../helpers/fake-github/index.js";
import { testProbot } from "../../helpers/probot.js";
import {
  INSTALLATION_ID,
  pullRequestPayload,
  reviewPayload,
  type Target,
  workflowJobPayload,
} from "../../helpers/webhook-payloads.js";

const CONFIG = "investment:\n  hourly-rate: 120\n";
const VALUE = "Fix.\n\n## Value\nIssue: #12\nType: defect\nWorth: $8,000\nBudget: $3,000\n";

const database = migratedDatabaseForFile();
let github: FakeGitHub;
let probot: Probot;
let deliveries = 0;

beforeEach(async () => {
  github = new FakeGitHub()
    .addRepo("acme", "shop", { ".github/cost-value.yml": CONFIG }, 77)
    .install();
  probot = await testProbot({ database: database() });
});

const receive = (name: string, payload: Record<string, unknown>) =>
  probot.receive({ id: `delivery-${++deliveries}`, name, payload } as never);

function target(pr: FakePullRequest): Target {
  return {
    owner: "acme",
    repo: "shop",
    repoId: 77,
    number: pr.number,
    headSha: pr.headSha,
    body: pr.body,
  };
}

async function evaluated(overrides: Partial<FakePullRequest> = {}): Promise<FakePullRequest> {
  const commits = commitsOf(2, () => "Work\n\nAgent-Cost: 1.00 USD\n");
  const pr = github.addPullRequest({
    owner: "acme",
    repo: "shop",
    number: 7,
    body: VALUE,
    headSha: commits.at(-1)?.sha ?? "",
    commits,
    additions: 250,
    deletions: 50,
    ...overrides,
  });
  await receive("pull_request", pullRequestPayload("opened", target(pr)));
  return pr;
}

const key = { installationId: INSTALLATION_ID, repositoryId: 77, number: 7 };
const line = async (kind: string) =>
  (await readInvestmentLines(database().pool, key)).find((l) => l.kind === kind);

describe("pull_request_review.submitted", () => {
  it("adds the reviewer's time to the PR's review line with no API call; a redelivery changes nothing", async () => {
    const pr = await evaluated();
    expect(await line("review")).toBeUndefined();
    const before = github.count().total;
    const payload = reviewPayload(target(pr), { id: 3_000_000_001, reviewer: "rev-one" });
    await receive("pull_request_review", payload);
    // 300 changed lines at 300 lines an hour, priced at $120/h
    expect(await line("review")).toMatchObject({
      basis: "estimated",
      minutes: 60,
      amountMicros: 120_000_000n,
    });
    await receive("pull_request_review", payload);
    await receive(
      "pull_request_review",
      reviewPayload(target(pr), {
        id: 3_000_000_002,
        reviewer: "rev-two",
        body: "LGTM\n\nReview-Time: 15m",
      }),
    );
    expect(await line("review")).toMatchObject({ basis: "estimated", minutes: 75 });
    expect(github.count().total - before).toBe(0);
  });

  it("does not count the author's own replies or bots", async () => {
    const pr = await evaluated();
    await receive(
      "pull_request_review",
      reviewPayload(target(pr), { id: 1, reviewer: "dev", prAuthor: "dev" }),
    );
    await receive("pull_request_review", reviewPayload(target(pr), { id: 2, reviewer: "ci[bot]" }));
    expect(await line("review")).toBeUndefined();
  });

  it("a review of a PR the ledger has not evaluated is left for its first evaluation", async () => {
    const pr = github.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 7,
      body: VALUE,
      headSha: "a".repeat(40),
      commits: [],
    });
    await receive("pull_request_review", reviewPayload(target(pr), { id: 5, reviewer: "rev" }));
    expect(await line("review")).toBeUndefined();
    expect(github.count().total).toBe(0);
  });

  it("the next evaluation reads reviews from GitHub and keeps those that arrived as events", async () => {
    const pr = await evaluated({
      reviews: [{ id: 3_000_000_010, author: "rev-a", state: "APPROVED" }],
    });
    expect(await line("review")).toMatchObject({ minutes: 60 });
    await receive(
      "pull_request_review",
      reviewPayload(target(pr), { id: 3_000_000_011, reviewer: "rev-b" }),
    );
    await receive("pull_request", pullRequestPayload("edited", target(pr)));
    expect(await line("review")).toMatchObject({ minutes: 120 });
  });
});

describe("workflow_job.completed", () => {
  it("bills each job rounded up to a minute at its runner's rate, with no API call", async () => {
    const pr = await evaluated();
    const before = github.count().total;
    const sha = pr.commits[0]?.sha ?? "";
    await receive(
      "workflow_job",
      workflowJobPayload(target(pr), {
        id: 9_000_000_001,
        sha,
        startedAt: "2026-12-01T10:00:00Z",
        completedAt: "2026-12-01T10:04:01Z",
        labels: ["ubuntu-latest"],
      }),
    );
    // 4 min 1 s → 5 billed minutes at $0.006
    expect(await line("ci")).toMatchObject({
      basis: "measured",
      minutes: 5,
      amountMicros: 30_000n,
    });
    expect(github.count().total - before).toBe(0);
  });

  it("ignores a job of a repository the ledger does not know", async () => {
    const t = { owner: "acme", repo: "other", repoId: 78, number: 1, headSha: "b".repeat(40) };
    await receive(
      "workflow_job",
      workflowJobPayload(t, {
        id: 1,
        sha: t.headSha,
        startedAt: "2026-12-01T10:00:00Z",
        completedAt: "2026-12-01T10:01:00Z",
        labels: ["ubuntu-latest"],
      }),
    );
    const { rows } = await database().pool.query("SELECT count(*)::int AS n FROM ci_jobs");
    expect(rows).toEqual([{ n: 0 }]);
  });

  it("keeps a job that ran before its PR was evaluated: the evaluation counts it", async () => {
    const commits = commitsOf(1, () => "Work\n");
    const sha = commits[0]?.sha ?? "";
    await evaluated({ number: 6 });
    const pr = github.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 8,
      body: VALUE,
      headSha: sha,
      commits,
    });
    await receive(
      "workflow_job",
      workflowJobPayload(target(pr), {
        id: 2,
        sha,
        startedAt: "2026-12-01T10:00:00Z",
        completedAt: "2026-12-01T10:00:30Z",
        labels: ["windows-latest"],
      }),
    );
    await receive("pull_request", pullRequestPayload("opened", target(pr)));
    const ci = (await readInvestmentLines(database().pool, { ...key, number: 8 })).find(
      (l) => l.kind === "ci",
    );
    expect(ci).toMatchObject({ minutes: 1, amountMicros: 10_000n });
  });
});

describe("storedRunner", () => {
  it("keeps the hosted type, self-hosted, free public runners, or the first label", () => {
    expect(storedRunner(["ubuntu-latest"], false)).toBe("linux");
    expect(storedRunner(["ubuntu-latest"], true)).toBe("public-hosted");
    expect(storedRunner(["self-hosted", "linux", "x64"], false)).toBe("self-hosted");
    expect(storedRunner(["GPU-Box"], false)).toBe("gpu-box");
    expect(storedRunner([], false)).toBe("unknown");
  });
});
