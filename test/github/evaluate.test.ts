/**
 * The evaluation pipeline (`evaluateAndPublish`), step by step, with GitHub answered by hand
 * (`{ graphql, request }` recording each call) and the ledger on the test database: 1 read,
 * 2–3 the value statement (and the issue the read lacked), 4 the ledger's state, 5 the verdict,
 * 6 the publish (or nothing when unchanged), 7 the record and the rollups; and the two other
 * endings, a broken config and a failed read.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { EvaluatedVerdict } from "../../src/core/verdict.js";
import { recordPullRequest } from "../../src/db/record.js";
import {
  type EvaluationOutcome,
  type EvaluationSettings,
  type EvaluationTarget,
  evaluateAndPublish,
} from "../../src/github/evaluate.js";
import { PullRequestNotFoundError } from "../../src/github/read.js";
import type { RollupTarget } from "../../src/github/rollups.js";
import { migratedDatabaseForFile } from "../helpers/database.js";
import {
  CHECK_RUN_ID,
  commit,
  type HandAnswers,
  HEAD,
  handGitHub,
  OPERATIONS,
  PR_GITHUB_ID,
  type PullRequestSpec,
  pullRequestAnswer,
} from "../helpers/hand-github.js";
import { pr } from "../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();

const APP_ID = 1001;
/** The fixtures' installation (ledger-fixtures.ts), so fixture PRs share the work item. */
const INSTALLATION = 4242;
const POST = "POST /repos/{owner}/{repo}/check-runs";
const PATCH = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";
const LIST = "GET /repos/{owner}/{repo}/commits/{ref}/check-runs";
const NAME = DEFAULT_CONFIG["check-name"];
/** A complete value statement; its issue (#12) is linked, so the read brings it. */
const VALUE = "## Value\nIssue: #12\nType: defect\nWorth: $8,000\n";
const ISSUE_12 = { number: 12, body: "Checkout rounds wrongly." };

const target = (extra: Partial<EvaluationTarget> = {}): EvaluationTarget => ({
  owner: "acme",
  repo: "shop",
  number: 7,
  headSha: HEAD,
  repositoryId: 77,
  ...extra,
});

/** A clock that moves one second per reading, from `start`. */
function steppingClock(start = "2026-11-28T12:00:00.000Z"): () => Date {
  let t = Date.parse(start);
  return () => {
    const now = new Date(t);
    t += 1000;
    return now;
  };
}

function github(spec: PullRequestSpec = {}, rest: HandAnswers["rest"] = {}) {
  return handGitHub({
    graphql: {
      [OPERATIONS.pullRequest]: () =>
        pullRequestAnswer({ body: VALUE, closingIssues: [ISSUE_12], ...spec }),
    },
    rest,
  });
}

function published(outcome: EvaluationOutcome) {
  if (outcome.kind !== "published") throw new Error(`expected published, got ${outcome.kind}`);
  return outcome;
}

/** The verdict of an evaluated (not skipped) PR. */
function evaluated(outcome: EvaluationOutcome): EvaluatedVerdict {
  const verdict = published(outcome).verdict;
  if (verdict === undefined || verdict.conclusion === "skipped") throw new Error("no verdict");
  return verdict;
}

function withLedger(extra: Partial<EvaluationSettings> = {}): EvaluationSettings {
  return {
    appId: APP_ID,
    now: steppingClock(),
    ledger: { pool: database().pool, installationId: INSTALLATION },
    ...extra,
  };
}

async function storedRow(number = 7) {
  const { rows } = await database().pool.query<{
    repository_id: string;
    github_id: string;
    check_run_id: string;
    check_output_sha256: string | null;
    evaluated_at: Date;
    conclusion: string;
  }>(
    `SELECT repository_id::text, github_id::text, check_run_id::text, check_output_sha256,
       evaluated_at, conclusion
     FROM pull_requests WHERE number = $1`,
    [number],
  );
  return rows[0];
}

describe("evaluateAndPublish without a ledger", () => {
  it("reads once, decides, and creates the run on the head with the verdict's conclusion", async () => {
    const gh = github();
    const outcome = published(
      await evaluateAndPublish(gh.api, target(), {
        appId: APP_ID,
        now: () => new Date("2026-11-28T12:00:00Z"),
      }),
    );
    expect(gh.order).toEqual([OPERATIONS.pullRequest, POST]);
    expect(outcome).toMatchObject({
      conclusion: "success",
      action: "created",
      checkRunId: String(CHECK_RUN_ID),
      headSha: HEAD,
      requests: 2,
      rollups: [],
      ignoredErrors: [],
    });
    expect(outcome.verdict?.conclusion).toBe("success");
    const post = gh.restCalls[0]?.params ?? {};
    expect(post).toMatchObject({
      owner: "acme",
      repo: "shop",
      name: NAME,
      head_sha: HEAD,
      conclusion: "success",
      external_id: "pr:7",
      completed_at: "2026-11-28T12:00:00.000Z",
    });
    // the rendered verdict, not a placeholder: the commit's $2.50 is on the run
    expect((post.output as { summary: string }).summary).toContain("2.50");
  });

  it("writes under the config's check name and with its conclusion", async () => {
    const gh = github({ config: "check-name: Agent spend\n", body: "no value statement" });
    const outcome = published(
      await evaluateAndPublish(gh.api, target(), { appId: APP_ID, now: steppingClock() }),
    );
    // the default policy: a PR without a value statement fails
    expect(outcome.conclusion).toBe("failure");
    expect(gh.restCalls[0]?.params).toMatchObject({ name: "Agent spend", conclusion: "failure" });
  });

  it("reads the issue the payload's body names in the same request (step 1), no second read", async () => {
    const gh = github({
      body: "## Value\nIssue: #12\n",
      closingIssues: [],
      hintedIssue: { number: 12, body: "## Value\nType: defect\nWorth: $8,000\n" },
    });
    const outcome = published(
      await evaluateAndPublish(gh.api, target({ bodyHint: "## Value\nIssue: #12\n" }), {
        appId: APP_ID,
        now: steppingClock(),
      }),
    );
    expect(gh.graphqlCalls[0]?.variables).toMatchObject({
      withIssue: true,
      issueOwner: "acme",
      issueRepo: "shop",
      issueNumber: 12,
    });
    expect(gh.order).toEqual([OPERATIONS.pullRequest, POST]);
    // the worth inherited from the issue read with the PR
    expect(outcome.conclusion).toBe("success");
    expect(evaluated(outcome).value.ok).toBe(true);
  });

  it("names another repository's issue in the read's variables, absolute", async () => {
    const gh = github({ body: "## Value\nIssue: tools/lib#3\n", closingIssues: [] });
    await evaluateAndPublish(gh.api, target({ bodyHint: "## Value\nIssue: tools/lib#3\n" }), {
      now: steppingClock(),
    });
    expect(gh.graphqlCalls[0]?.variables).toMatchObject({
      withIssue: true,
      issueOwner: "tools",
      issueRepo: "lib",
      issueNumber: 3,
    });
  });

  it("without a body in the payload, fetches the named issue after the read (step 3)", async () => {
    const gh = handGitHub({
      graphql: {
        [OPERATIONS.pullRequest]: () => pullRequestAnswer({ body: "## Value\nIssue: #12\n" }),
        [OPERATIONS.issue]: (v) => ({
          repository: {
            issue: { number: v.number, body: "## Value\nType: defect\nWorth: $8,000\n" },
          },
        }),
      },
    });
    const outcome = published(
      await evaluateAndPublish(gh.api, target(), { appId: APP_ID, now: steppingClock() }),
    );
    expect(gh.graphqlCalls[0]?.variables.withIssue).toBe(false);
    expect(gh.order).toEqual([OPERATIONS.pullRequest, OPERATIONS.issue, POST]);
    expect(gh.graphqlCalls[1]?.variables).toMatchObject({
      owner: "acme",
      repo: "shop",
      number: 12,
    });
    // the fetch is counted with the evaluation's requests
    expect(outcome.requests).toBe(3);
    expect(outcome.conclusion).toBe("success");
  });

  it("updates our run the read saw on the head, found by our app id among others", async () => {
    const gh = github({
      runs: [
        { appId: 999, id: 123, name: NAME },
        // our run's databaseId is beyond 2^31 (null in GraphQL): its id comes from the URL
        {
          appId: APP_ID,
          id: null,
          name: NAME,
          url: "https://github.com/acme/shop/runs/30000000555",
        },
      ],
    });
    const outcome = published(
      await evaluateAndPublish(gh.api, target(), { appId: APP_ID, now: steppingClock() }),
    );
    // without the app id passed through, the other app's run (123) would be overwritten
    expect(gh.order).toEqual([OPERATIONS.pullRequest, PATCH]);
    expect(gh.restCalls[0]?.params.check_run_id).toBe("30000000555");
    expect(outcome).toMatchObject({ action: "updated", checkRunId: "30000000555" });
  });

  it("publishes a broken config as a failure under the default name, without a verdict", async () => {
    const gh = github({ config: "check-name: Agent spend\ncurrency: dollars\n" });
    const outcome = published(
      await evaluateAndPublish(gh.api, target(), { appId: APP_ID, now: steppingClock() }),
    );
    expect(outcome).toMatchObject({ conclusion: "failure", action: "created", rollups: [] });
    expect(outcome.verdict).toBeUndefined();
    const post = gh.restCalls[0]?.params ?? {};
    // the broken file's check-name cannot be trusted: the default name
    expect(post).toMatchObject({ name: NAME, conclusion: "failure" });
    expect((post.output as { summary: string; text?: string }).summary).toContain(
      "acme/shop:.github/cost-value.yml",
    );
  });

  it("a read GitHub fails: the read's error, and a neutral notice on the head", async () => {
    const down = Object.assign(new Error("Bad Gateway"), { status: 502 });
    const gh = handGitHub({
      graphql: {
        [OPERATIONS.pullRequest]: () => {
          throw down;
        },
      },
    });
    const outcome = await evaluateAndPublish(gh.api, target(), {
      appId: APP_ID,
      now: steppingClock(),
    });
    expect(outcome).toMatchObject({ kind: "failed", error: down, requests: 3 });
    expect(gh.order).toEqual([OPERATIONS.pullRequest, LIST, POST]);
    const post = gh.restCalls[1]?.params ?? {};
    expect(post).toMatchObject({ head_sha: HEAD, conclusion: "neutral", name: NAME });
    expect((post.output as { summary: string }).summary).toContain("HTTP 502");
  });

  it("a PR GitHub does not find: failed with PullRequestNotFoundError", async () => {
    const gh = handGitHub({
      graphql: {
        [OPERATIONS.pullRequest]: () => {
          throw Object.assign(new Error("Could not resolve"), {
            errors: [{ type: "NOT_FOUND", path: ["repository", "pullRequest"], message: "nope" }],
            data: { repository: { pullRequest: null } },
          });
        },
      },
    });
    const outcome = await evaluateAndPublish(gh.api, target(), { now: steppingClock() });
    expect(outcome.kind).toBe("failed");
    expect(outcome.kind === "failed" ? outcome.error : undefined).toBeInstanceOf(
      PullRequestNotFoundError,
    );
  });

  it("a write GitHub refuses after the read: failed, with both requests counted", async () => {
    const refused = Object.assign(new Error("Unprocessable"), { status: 422 });
    const gh = github(
      {},
      {
        [POST]: () => {
          throw refused;
        },
      },
    );
    const outcome = await evaluateAndPublish(gh.api, target(), { now: steppingClock() });
    expect(outcome).toMatchObject({ kind: "failed", error: refused, requests: 2 });
  });
});

describe("evaluateAndPublish with a ledger", () => {
  it("records the PR: the run's id, the output's hash, the payload's repository id, the time the read began", async () => {
    // GraphQL gives no repository id (32-bit Int): the payload's, beyond 2^31, is the key
    const gh = github({ repositoryDatabaseId: null });
    // the clock says how many reads GitHub answered: a minute each
    const start = Date.parse("2026-11-28T12:00:00.000Z");
    const settings = withLedger({ now: () => new Date(start + gh.graphqlCalls.length * 60_000) });
    published(await evaluateAndPublish(gh.api, target({ repositoryId: 3_000_000_077 }), settings));
    const row = await storedRow();
    expect(row).toMatchObject({
      repository_id: "3000000077",
      github_id: PR_GITHUB_ID,
      check_run_id: String(CHECK_RUN_ID),
      conclusion: "success",
    });
    expect(row?.check_output_sha256).toMatch(/^[0-9a-f]{64}$/);
    // the clock read before the read (a later reading would let an older read of the PR
    // overwrite a newer record)
    expect(row?.evaluated_at.toISOString()).toBe("2026-11-28T12:00:00.000Z");
  });

  it("writes nothing when the run already shows the output (one read, no REST call), and again on a re-run", async () => {
    const gh = github();
    published(await evaluateAndPublish(gh.api, target(), withLedger()));
    const again = handGitHub({
      graphql: {
        [OPERATIONS.pullRequest]: () =>
          pullRequestAnswer({ body: VALUE, closingIssues: [ISSUE_12] }),
      },
    });
    const unchanged = published(await evaluateAndPublish(again.api, target(), withLedger()));
    expect(unchanged).toMatchObject({
      action: "unchanged",
      checkRunId: String(CHECK_RUN_ID),
      requests: 1,
    });
    expect(again.restCalls).toEqual([]);

    const rerun = handGitHub({
      graphql: {
        [OPERATIONS.pullRequest]: () =>
          pullRequestAnswer({ body: VALUE, closingIssues: [ISSUE_12] }),
      },
    });
    const rewritten = published(
      await evaluateAndPublish(rerun.api, target({ rerun: true }), withLedger()),
    );
    expect(rewritten.action).toBe("updated");
    // the id the ledger kept from the create, not a look-up
    expect(rerun.order).toEqual([OPERATIONS.pullRequest, PATCH]);
    expect(rerun.restCalls[0]?.params.check_run_id).toBe(String(CHECK_RUN_ID));
  });

  it("counts the work item's other PRs into the budget (step 4 before step 5)", async () => {
    // PR #8 of the same work item (#12), $20 already spent
    await recordPullRequest(
      database().pool,
      pr(8, { cost: 20, issue: { owner: "acme", repo: "shop", number: 12 } }),
    );
    const gh = github({
      body: "## Value\nIssue: #12\nType: defect\nWorth: $8,000\nBudget: $30\n",
    });
    const verdict = evaluated(await evaluateAndPublish(gh.api, target(), withLedger()));
    // $2.50 here + $20 on #8
    expect(verdict.budget).toMatchObject({ spent: 22_500_000n, pullRequests: 2 });
  });

  it("forgets the output's hash when config problems are published over it, so the next valid evaluation writes", async () => {
    published(await evaluateAndPublish(github().api, target(), withLedger()));
    expect((await storedRow())?.check_output_sha256).not.toBeNull();

    const broken = github({ config: "currency: dollars\n" });
    published(await evaluateAndPublish(broken.api, target(), withLedger()));
    // the run now shows the config problems: updated in place (the ledger's id)
    expect(broken.order).toEqual([OPERATIONS.pullRequest, PATCH]);
    expect((await storedRow())?.check_output_sha256).toBeNull();

    // back to the earlier output: written again (with the hash kept, it would be "unchanged"
    // while the run still showed the config problems)
    const fixed = github();
    const outcome = published(await evaluateAndPublish(fixed.api, target(), withLedger()));
    expect(outcome.action).toBe("updated");
  });

  it("forgets the output's hash when a failure notice was published, keeps it when the notice failed too", async () => {
    published(await evaluateAndPublish(github().api, target(), withLedger()));
    const hash = (await storedRow())?.check_output_sha256;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const down = () => {
      throw Object.assign(new Error("Bad Gateway"), { status: 502 });
    };

    const noticeFails = handGitHub({
      graphql: { [OPERATIONS.pullRequest]: down },
      rest: { [LIST]: down },
    });
    expect((await evaluateAndPublish(noticeFails.api, target(), withLedger())).kind).toBe("failed");
    // the run still shows the recorded output
    expect((await storedRow())?.check_output_sha256).toBe(hash);

    const noticed = handGitHub({ graphql: { [OPERATIONS.pullRequest]: down } });
    expect((await evaluateAndPublish(noticed.api, target(), withLedger())).kind).toBe("failed");
    expect(noticed.order).toEqual([OPERATIONS.pullRequest, LIST, POST]);
    expect((await storedRow())?.check_output_sha256).toBeNull();
  });

  it("schedules the milestone's rollup through the ledger's scheduler", async () => {
    const scheduled: RollupTarget[] = [];
    const gh = github({ milestone: { number: 3, title: "Checkout v2" } });
    const settings = withLedger();
    const outcome = published(
      await evaluateAndPublish(gh.api, target(), {
        ...settings,
        ledger: {
          pool: database().pool,
          installationId: INSTALLATION,
          rollups: { mode: "scheduled", schedule: (t) => scheduled.push(t) },
        },
      }),
    );
    expect(outcome.rollups).toEqual(["scheduled"]);
    expect(scheduled).toEqual([
      {
        installationId: INSTALLATION,
        repository: { id: 77, owner: "acme", name: "shop" },
        milestoneNumber: 3,
        currency: "USD",
      },
    ]);
    // nothing posted in the evaluation itself
    expect(gh.order).toEqual([OPERATIONS.pullRequest, POST]);
  });

  it("refreshes the rollup now without a scheduler, its requests not counted as the evaluation's", async () => {
    const gh = github({ milestone: { number: 3, title: "Checkout v2" } });
    const outcome = published(await evaluateAndPublish(gh.api, target(), withLedger()));
    expect(outcome.rollups).toEqual(["created"]);
    // the rollup found no issue, created one and its comment: 3 more requests on the API
    expect(gh.order).toEqual([
      OPERATIONS.pullRequest,
      POST,
      "GET /repos/{owner}/{repo}/issues",
      "POST /repos/{owner}/{repo}/issues",
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
    ]);
    // …that the evaluation's count leaves out (a rollup refresh's requests are its own)
    expect(outcome.requests).toBe(2);
  });

  it("takes a PR that is now skipped out of the ledger, and says skipped on the run", async () => {
    published(await evaluateAndPublish(github().api, target(), withLedger()));
    expect(await storedRow()).toBeDefined();
    const gh = github({ labels: ["skip-cost-value"] });
    const outcome = published(await evaluateAndPublish(gh.api, target(), withLedger()));
    expect(outcome.conclusion).toBe("skipped");
    expect(gh.restCalls[0]?.params.conclusion).toBe("skipped");
    expect(await storedRow()).toBeUndefined();
  });
});

describe("the evaluation's commits", () => {
  it("are every commit the read returned, in the verdict's totals", async () => {
    const gh = github({
      commits: [
        commit(1, "One\n\nAgent-Cost: 1.00 USD\n"),
        commit(2, "Two\n\nAgent-Cost: 0.25 USD\n"),
      ],
    });
    const verdict = evaluated(await evaluateAndPublish(gh.api, target(), { now: steppingClock() }));
    expect(verdict.totals).toMatchObject({ micros: 1_250_000n, commitCount: 2 });
  });
});
