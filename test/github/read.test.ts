import { GraphqlResponseError } from "@octokit/graphql";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { PULL_REQUEST_QUERY } from "../../src/github/graphql-documents.js";
import { GraphqlReadError } from "../../src/github/graphql-errors.js";
import {
  findPullRequestsForCommit,
  PullRequestNotFoundError,
  readIssue,
  readPullRequest,
} from "../../src/github/read.js";
import { commitsOf, FAKE_COMMIT_DATE, FakeGitHub, fakeSha } from "../helpers/fake-github/index.js";

function setup(
  commitCount: number,
  overrides: Partial<Parameters<FakeGitHub["addPullRequest"]>[0]> = {},
) {
  const fake = new FakeGitHub().addRepo("acme", "shop", {}, 77);
  const commits = commitsOf(commitCount);
  const pr = fake.addPullRequest({
    owner: "acme",
    repo: "shop",
    number: 7,
    body: "## Value\nIssue: #1\nType: defect\nWorth: $10\n",
    headSha: commits.at(-1)?.sha ?? fakeSha(),
    commits,
    ...overrides,
  });
  return { fake, pr, graphql: fake.graphqlFn() };
}

const problems = (s: { config: { ok: boolean; problems?: string[] } }): string[] =>
  s.config.ok ? [] : (s.config.problems ?? []);

const read = (graphql: ReturnType<FakeGitHub["graphqlFn"]>, headSha: string, extra = {}) =>
  readPullRequest(graphql, { owner: "acme", repo: "shop", number: 7, headSha, ...extra });

describe("readPullRequest", () => {
  it.each([
    [1, 1],
    [100, 1],
    [101, 2],
    [200, 2],
    [201, 3],
    [250, 3],
    // 1 + 49 pages of 100
    [5000, 50],
  ])("reads a PR of %i commits with %i request(s), every commit in order", async (n, requests) => {
    const { pr, graphql, fake } = setup(n);
    const snapshot = await read(graphql, pr.headSha);
    expect(snapshot.requests).toBe(requests);
    expect(fake.requests).toHaveLength(requests);
    expect(snapshot.commits.map((c) => c.sha)).toEqual(pr.commits.map((c) => c.sha));
  });

  it("maps the PR: state, labels, author, milestone, repository ids", async () => {
    const { pr, graphql } = setup(2, {
      state: "MERGED",
      labels: ["bug", "skip-cost-value"],
      author: "octo",
      milestone: {
        number: 3,
        title: "Sprint 9",
        state: "OPEN",
        dueOn: "2026-12-01T00:00:00Z",
        description: "Budget: $5,000",
      },
    });
    const s = await read(graphql, pr.headSha);
    expect(s).toMatchObject({
      repository: { owner: "acme", repo: "shop", id: 77, defaultBranch: "main" },
      number: 7,
      state: "merged",
      labels: ["bug", "skip-cost-value"],
      author: "octo",
      milestone: { number: 3, title: "Sprint 9", state: "open", description: "Budget: $5,000" },
      headSha: pr.headSha,
    });
    expect(s.config).toMatchObject({ ok: true });
  });

  it("maps a draft, closed PR of a deleted account with no milestone; commit authors as given", async () => {
    const { pr, graphql } = setup(0, {
      draft: true,
      state: "CLOSED",
      author: null,
      commits: [
        {
          sha: fakeSha(),
          message: "one",
          author: { name: "A", email: "a@x.org", login: "a" },
          authoredAt: "2026-12-01T10:00:00Z",
          committedAt: "2026-12-01T10:30:00Z",
        },
        { sha: fakeSha(), message: "two", author: { name: "B" } },
      ],
    });
    const s = await read(graphql, pr.headSha);
    expect(s).toMatchObject({ draft: true, state: "closed", author: "ghost", labels: [] });
    expect(s).not.toHaveProperty("milestone");
    expect(s.commits).toEqual([
      {
        sha: pr.commits[0]?.sha,
        message: "one",
        author: { name: "A", email: "a@x.org", login: "a" },
        // the dates the engineering estimate reads
        authoredAt: "2026-12-01T10:00:00Z",
        committedAt: "2026-12-01T10:30:00Z",
      },
      // no undefined keys: exactOptionalPropertyTypes-safe
      {
        sha: pr.commits[1]?.sha,
        message: "two",
        author: { name: "B" },
        authoredAt: FAKE_COMMIT_DATE,
        committedAt: FAKE_COMMIT_DATE,
      },
    ]);
    expect(Object.keys(s.commits[1]?.author ?? {})).toEqual(["name"]);
  });

  it("reads closing issues across repositories and the hinted issue, once", async () => {
    const { fake, pr, graphql } = setup(1, {
      closingIssues: [{ number: 1 }, { owner: "acme", repo: "lib", number: 9 }],
    });
    fake.addRepo("acme", "lib");
    fake.addIssue({
      owner: "acme",
      repo: "shop",
      number: 1,
      body: "## Value\nType: defect\nWorth: $5\n",
    });
    fake.addIssue({ owner: "acme", repo: "lib", number: 9, body: "lib issue" });
    fake.addIssue({ owner: "acme", repo: "shop", number: 4, body: "hinted", state: "CLOSED" });
    const s = await read(graphql, pr.headSha, {
      issueHint: { owner: "acme", repo: "shop", number: 4 },
    });
    expect(s.requests).toBe(1);
    expect(s.linkedIssues).toEqual([
      { ref: { number: 1 }, body: "## Value\nType: defect\nWorth: $5\n", state: "open" },
      { ref: { owner: "acme", repo: "lib", number: 9 }, body: "lib issue", state: "open" },
      { ref: { number: 4 }, body: "hinted", state: "closed" },
    ]);
    expect(s.unavailableIssues).toEqual([]);
  });

  it("does not repeat a hinted issue that is already a closing issue (any spelling)", async () => {
    const { fake, pr, graphql } = setup(1, { closingIssues: [{ number: 1 }] });
    fake.addIssue({ owner: "acme", repo: "shop", number: 1, body: "linked" });
    for (const issueHint of [{ number: 1 }, { owner: "ACME", repo: "Shop", number: 1 }]) {
      const s = await read(graphql, pr.headSha, { issueHint });
      expect(s.linkedIssues).toEqual([{ ref: { number: 1 }, body: "linked", state: "open" }]);
      expect(s.unavailableIssues).toEqual([]);
    }
  });

  it("reads a hinted issue given without owner/repo from the PR's repository", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addIssue({ owner: "acme", repo: "shop", number: 12, body: "same repo" });
    const s = await read(graphql, pr.headSha, { issueHint: { number: 12 } });
    expect(s.linkedIssues).toEqual([{ ref: { number: 12 }, body: "same repo", state: "open" }]);
    expect(fake.requests[0]?.variables).toMatchObject({
      withIssue: true,
      issueOwner: "acme",
      issueRepo: "shop",
      issueNumber: 12,
    });
  });

  it.each([
    ["a repository that does not exist", () => undefined],
    ["an issue that does not exist", (f: FakeGitHub) => f.addRepo("other", "secret")],
    [
      "a repository the app may not read (FORBIDDEN)",
      (f: FakeGitHub) =>
        f
          .addRepo("other", "secret")
          .addIssue({ owner: "other", repo: "secret", number: 3, body: "hidden" })
          .forbidRepo("other", "secret"),
    ],
  ])("reports a hinted issue in %s as unavailable, without failing", async (_, arrange) => {
    const { fake, pr, graphql } = setup(1);
    arrange(fake);
    const s = await read(graphql, pr.headSha, {
      issueHint: { owner: "other", repo: "secret", number: 3 },
    });
    expect(s.requests).toBe(1);
    expect(s.unavailableIssues).toEqual([{ owner: "other", repo: "secret", number: 3 }]);
    expect(s.linkedIssues).toEqual([]);
    expect(s.commits).toHaveLength(1);
  });

  it("skips a closing issue in a repository the app may not read, without failing", async () => {
    const { fake, pr, graphql } = setup(1, {
      closingIssues: [{ owner: "corp", repo: "private", number: 2 }, { number: 5 }],
    });
    fake.addRepo("corp", "private").forbidRepo("corp", "private");
    fake.addIssue({ owner: "acme", repo: "shop", number: 5, body: "visible" });
    const s = await read(graphql, pr.headSha);
    expect(s.linkedIssues).toEqual([{ ref: { number: 5 }, body: "visible", state: "open" }]);
  });

  it("finds our check runs on the head commit", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addCheckRun(pr.headSha, { id: 55, name: "cost/value", appId: 1001, status: "completed" });
    fake.addCheckRun(pr.headSha, { id: 56, name: "ci", appId: 2, status: "in_progress" });
    fake.addCheckRun(pr.headSha, { id: 57, name: "cost/value", appId: 1001, status: "queued" });
    const s = await read(graphql, pr.headSha);
    expect(s.checkRuns).toEqual([
      { id: "55", name: "cost/value", appId: 1001, status: "completed" },
      { id: "57", name: "cost/value", appId: 1001, status: "queued" },
      { id: "56", name: "ci", appId: 2, status: "in_progress" },
    ]);
    expect(s.checkRunsSha).toBe(pr.headSha);
  });

  it("has no check runs for a head SHA the repository does not have (a stale event)", async () => {
    const { fake, pr, graphql } = setup(1);
    const stale = fakeSha();
    const s = await read(graphql, stale);
    expect(s.checkRuns).toEqual([]);
    expect(s.checkRunsSha).toBe(stale);
    expect(s.headSha).toBe(pr.headSha);
    expect(fake.requests).toHaveLength(1);
  });

  it("throws a clear error, keeping GitHub's as cause, when the PR or repository is not there", async () => {
    const { graphql } = setup(1);
    const missingPr = await readPullRequest(graphql, {
      owner: "acme",
      repo: "shop",
      number: 99,
      headSha: fakeSha(),
    }).catch((e: unknown) => e);
    expect(missingPr).toBeInstanceOf(PullRequestNotFoundError);
    expect((missingPr as Error).message).toMatch(/^acme\/shop#99 could not be read/);
    expect((missingPr as Error).cause).toBeInstanceOf(GraphqlResponseError);

    await expect(
      readPullRequest(graphql, { owner: "acme", repo: "gone", number: 1, headSha: fakeSha() }),
    ).rejects.toThrow(/^acme\/gone#1 could not be read/);
  });

  it("throws on any other GraphQL error, naming the PR and keeping the cause", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.failNext("CostValuePullRequest", {
      status: 200,
      json: {
        data: null,
        errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation." }],
      },
    });
    const error = await read(graphql, pr.headSha).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphqlReadError);
    expect((error as Error).message).toBe(
      "acme/shop#7 could not be read: GitHub answered API rate limit exceeded for installation.",
    );
    expect((error as Error).cause).toBeInstanceOf(GraphqlResponseError);
  });

  it("a NOT_FOUND on a required part is not taken for an optional one", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.failNext("CostValuePullRequest", {
      status: 200,
      json: {
        data: { repository: { pullRequest: null }, ownerConfig: null },
        errors: [
          { type: "NOT_FOUND", path: ["ownerConfig"], message: "no .github" },
          { type: "NOT_FOUND", path: ["repository", "pullRequest"], message: "no PR" },
        ],
      },
    });
    await expect(read(graphql, pr.headSha)).rejects.toBeInstanceOf(PullRequestNotFoundError);
  });

  it("passes transport errors on unchanged, on the first request and on a commits page", async () => {
    const { fake, pr, graphql } = setup(250);
    fake.failNext("CostValuePullRequest", { status: 502, json: { message: "Bad Gateway" } });
    await expect(read(graphql, pr.headSha)).rejects.toMatchObject({
      message: "HTTP 502",
      status: 502,
    });
    fake.failNext("CostValueCommits", { status: 503, json: { message: "Unavailable" } });
    await expect(read(graphql, pr.headSha)).rejects.toMatchObject({ status: 503 });
    const thrown = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    await expect(read(async () => Promise.reject(thrown), pr.headSha)).rejects.toBe(thrown);
  });
});

describe("config with Probot's semantics", () => {
  it("reads the repository's file, with line numbers in problems", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addRepo(
      "acme",
      "shop",
      { ".github/cost-value.yml": "currency: EUR\ndrafts: maybe\n" },
      77,
    );
    const s = await read(graphql, pr.headSha);
    expect(s.config.ok).toBe(false);
    if (!s.config.ok) {
      expect(s.config.problems).toHaveLength(1);
      expect(s.config.problems[0]).toMatch(/^acme\/shop:\.github\/cost-value\.yml line 2 `drafts`/);
    }
  });

  it("with no file and no owner .github repository: the defaults, in one request", async () => {
    const { fake, pr, graphql } = setup(1);
    const s = await read(graphql, pr.headSha);
    expect(s.requests).toBe(1);
    expect(s.config).toEqual({
      ok: true,
      config: DEFAULT_CONFIG,
      files: [{ owner: "acme", repo: "shop", path: ".github/cost-value.yml" }],
    });
    // GitHub answered with a NOT_FOUND for the owner's .github repository; the read went on
    expect(
      fake.answer({
        query: PULL_REQUEST_QUERY,
        variables: fake.requests[0]?.variables,
      }).json,
    ).toMatchObject({
      errors: [{ type: "NOT_FOUND", path: ["ownerConfig"] }],
    });
  });

  it("reads a file at another path when asked", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addRepo("acme", "shop", { ".github/other.yml": "currency: JPY\n" }, 77);
    const s = await read(graphql, pr.headSha, { configPath: ".github/other.yml" });
    expect(fake.requests[0]?.variables?.configExpression).toBe("HEAD:.github/other.yml");
    expect(s.config).toMatchObject({ ok: true, config: { currency: "JPY" } });
  });

  it("prefers the repository's file (even an empty one) over the owner's", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addRepo("acme", "shop", { ".github/cost-value.yml": "" }, 77);
    fake.addRepo("acme", ".github", { ".github/cost-value.yml": "check-name: org/cost\n" });
    const s = await read(graphql, pr.headSha);
    expect(s.config).toMatchObject({ ok: true, config: { "check-name": "cost/value" } });
  });

  it("does not fall back for a PR in the owner's .github repository itself", async () => {
    const fake = new FakeGitHub().addRepo("acme", ".github");
    const commits = commitsOf(1);
    fake.addPullRequest({
      owner: "acme",
      repo: ".github",
      number: 1,
      body: "",
      headSha: commits[0]?.sha ?? "",
      commits,
    });
    const s = await readPullRequest(fake.graphqlFn(), {
      owner: "acme",
      repo: ".github",
      number: 1,
      headSha: commits[0]?.sha ?? "",
    });
    expect(s.config).toMatchObject({ ok: true, config: DEFAULT_CONFIG });
    expect(s.config.files).toHaveLength(1);
  });

  it("falls back to the owner's .github repository", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addRepo("acme", ".github", { ".github/cost-value.yml": "check-name: org/cost\n" });
    const s = await read(graphql, pr.headSha);
    expect(s.requests).toBe(1);
    expect(s.config).toMatchObject({ ok: true, config: { "check-name": "org/cost" } });
  });

  it("follows _extends (two hops), merging like Probot (lists add up, the extending file wins)", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addRepo(
      "acme",
      "shop",
      { ".github/cost-value.yml": "_extends: policies\nskip:\n  labels: [wip]\n" },
      77,
    );
    fake.addRepo("acme", "policies", {
      ".github/cost-value.yml":
        "_extends: acme/base:configs/cost.yml\ncurrency: EUR\nskip:\n  labels: [no-cost]\n",
    });
    fake.addRepo("acme", "base", { "configs/cost.yml": "currency: USD\ncheck-name: base/check\n" });
    const s = await read(graphql, pr.headSha);
    expect(s.requests).toBe(3);
    expect(s.config).toMatchObject({
      ok: true,
      config: { currency: "EUR", "check-name": "base/check", skip: { labels: ["no-cost", "wip"] } },
    });
  });

  it("reports an _extends loop and a missing target instead of throwing", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addRepo("acme", "shop", { ".github/cost-value.yml": "_extends: a\n" }, 77);
    fake.addRepo("acme", "a", { ".github/cost-value.yml": "_extends: shop\n" });
    const loop = await read(graphql, pr.headSha);
    expect(loop.config.ok).toBe(false);
    if (!loop.config.ok) expect(loop.config.problems[0]).toMatch(/loops back to acme\/shop/);

    fake.addRepo("acme", "shop", { ".github/cost-value.yml": "_extends: missing-repo\n" }, 77);
    const missing = await read(graphql, pr.headSha);
    if (!missing.config.ok) expect(missing.config.problems[0]).toMatch(/does not exist/);
    expect(missing.config.ok).toBe(false);
  });

  it("names broken YAML's file and line, and a truncated blob", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addRepo("acme", "shop", { ".github/cost-value.yml": "currency: USD\n  bad: [\n" }, 77);
    const broken = await read(graphql, pr.headSha);
    expect(problems(broken)[0]).toMatch(
      /^acme\/shop:\.github\/cost-value\.yml line \d+: not valid YAML/,
    );
    fake.addRepo(
      "acme",
      "shop",
      { ".github/cost-value.yml": { text: "currency: U", truncated: true } },
      77,
    );
    const truncated = await read(graphql, pr.headSha);
    expect(problems(truncated)).toEqual([
      expect.stringMatching(/^acme\/shop:\.github\/cost-value\.yml: the file is larger than/),
    ]);
  });

  it("an invalid _extends value is a problem, with no request for it", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addRepo("acme", "shop", { ".github/cost-value.yml": "_extends: not a repo!\n" }, 77);
    const s = await read(graphql, pr.headSha);
    expect(s.requests).toBe(1);
    expect(problems(s)).toEqual([expect.stringMatching(/`_extends: not a repo!` is not/)]);
  });

  it("an _extends without owner means the PR's owner, also from another owner's file", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addRepo("acme", "shop", { ".github/cost-value.yml": "_extends: corp/policies\n" }, 77);
    fake.addRepo("corp", "policies", { ".github/cost-value.yml": "_extends: base\n" });
    fake.addRepo("acme", "base", { ".github/cost-value.yml": "currency: CHF\n" });
    const s = await read(graphql, pr.headSha);
    expect(fake.requests.slice(1).map((r) => `${r.variables?.owner}/${r.variables?.repo}`)).toEqual(
      ["corp/policies", "acme/base"],
    );
    expect(s.config).toMatchObject({ ok: true, config: { currency: "CHF" } });
  });

  it("an _extends target the app may not read is reported as missing", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addRepo("acme", "shop", { ".github/cost-value.yml": "_extends: corp/secret\n" }, 77);
    fake.addRepo("corp", "secret", { ".github/cost-value.yml": "currency: EUR\n" });
    fake.forbidRepo("corp", "secret");
    const s = await read(graphql, pr.headSha);
    expect(s.requests).toBe(2);
    expect(problems(s)).toEqual([
      expect.stringMatching(
        /points to corp\/secret:\.github\/cost-value\.yml, which does not exist/,
      ),
    ]);
  });
});

describe("readIssue and findPullRequestsForCommit", () => {
  it("reads an issue or says it is not there", async () => {
    const fake = new FakeGitHub()
      .addRepo("acme", "shop")
      .addIssue({ owner: "acme", repo: "shop", number: 5, body: "b" });
    const graphql = fake.graphqlFn();
    expect(await readIssue(graphql, { owner: "acme", repo: "shop", number: 5 })).toEqual({
      ref: { owner: "acme", repo: "shop", number: 5 },
      body: "b",
      state: "open",
    });
    expect(await readIssue(graphql, { owner: "acme", repo: "shop", number: 6 })).toBeUndefined();
    expect(await readIssue(graphql, { owner: "acme", repo: "nope", number: 5 })).toBeUndefined();
    fake.forbidRepo("acme", "shop");
    expect(await readIssue(graphql, { owner: "acme", repo: "shop", number: 5 })).toBeUndefined();
    expect(fake.requests).toHaveLength(4);
  });

  it("readIssue throws on other GraphQL errors and passes transport errors on", async () => {
    const fake = new FakeGitHub().addRepo("acme", "shop");
    const graphql = fake.graphqlFn();
    const ref = { owner: "acme", repo: "shop", number: 5 };
    fake.failNext("CostValueIssue", {
      status: 200,
      json: { data: null, errors: [{ type: "RATE_LIMITED", message: "slow down" }] },
    });
    await expect(readIssue(graphql, ref)).rejects.toThrow(
      "acme/shop#5 could not be read: GitHub answered slow down",
    );
    fake.failNext("CostValueIssue", { status: 500, json: {} });
    await expect(readIssue(graphql, ref)).rejects.toMatchObject({ status: 500 });
  });

  it("finds no PRs for a commit of a repository it cannot see", async () => {
    const fake = new FakeGitHub();
    fake.failNext("CostValueCommitPullRequests", {
      status: 200,
      json: {
        data: { repository: null, search: { nodes: [] } },
        errors: [{ type: "NOT_FOUND", path: ["repository"], message: "Could not resolve" }],
      },
    });
    expect(
      await findPullRequestsForCommit(fake.graphqlFn(), { owner: "a", repo: "b", sha: fakeSha() }),
    ).toEqual([]);
  });

  it("finds the PRs of a commit, including fork PRs", async () => {
    const fake = new FakeGitHub().addRepo("acme", "shop");
    const sha = fakeSha();
    fake.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 3,
      body: "",
      headSha: sha,
      commits: [],
    });
    fake.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 4,
      body: "",
      headSha: sha,
      commits: [],
      isCrossRepository: true,
    });
    fake.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 5,
      body: "",
      headSha: fakeSha(),
      commits: [],
    });
    expect(
      await findPullRequestsForCommit(fake.graphqlFn(), { owner: "acme", repo: "shop", sha }),
    ).toEqual([3, 4]);
  });
});
