import { describe, expect, it } from "vitest";
import { combineConfigFiles, parseExtends } from "../../src/github/config-files.js";
import { findPullRequestsForCommit, readIssue, readPullRequest } from "../../src/github/read.js";
import { commitsOf, FakeGitHub, fakeSha } from "../helpers/fake-github.js";

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

const read = (graphql: ReturnType<FakeGitHub["graphqlFn"]>, headSha: string, extra = {}) =>
  readPullRequest(graphql, { owner: "acme", repo: "shop", number: 7, headSha, ...extra });

describe("readPullRequest", () => {
  it.each([
    [1, 1],
    [100, 1],
    [101, 2],
    [250, 3],
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
    const again = await read(graphql, pr.headSha, {
      issueHint: { owner: "acme", repo: "shop", number: 1 },
    });
    expect(again.linkedIssues).toHaveLength(2);
  });

  it("reports a hinted issue it cannot read as unavailable, without failing", async () => {
    const { pr, graphql } = setup(1);
    const s = await read(graphql, pr.headSha, {
      issueHint: { owner: "other", repo: "secret", number: 3 },
    });
    expect(s.unavailableIssues).toEqual([{ owner: "other", repo: "secret", number: 3 }]);
    expect(s.linkedIssues).toEqual([]);
  });

  it("finds our check runs on the head commit", async () => {
    const { fake, pr, graphql } = setup(1);
    fake.addCheckRun(pr.headSha, { id: 55, name: "cost/value", appId: 1001, status: "completed" });
    fake.addCheckRun(pr.headSha, { id: 56, name: "ci", appId: 2, status: "in_progress" });
    const s = await read(graphql, pr.headSha);
    expect(s.checkRuns).toEqual([
      { id: 55, name: "cost/value", appId: 1001, status: "completed" },
      { id: 56, name: "ci", appId: 2, status: "in_progress" },
    ]);
  });

  it("throws a clear error when the PR does not exist, and passes transport errors on", async () => {
    const { graphql } = setup(1);
    await expect(
      readPullRequest(graphql, { owner: "acme", repo: "shop", number: 99, headSha: fakeSha() }),
    ).rejects.toThrow(/acme\/shop#99 could not be read/);
    const failing = async () => {
      throw Object.assign(new Error("Bad Gateway"), { status: 502 });
    };
    await expect(read(failing, fakeSha())).rejects.toMatchObject({ status: 502 });
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

  it("names broken YAML's file and line", () => {
    const result = combineConfigFiles([
      { owner: "o", repo: "r", path: ".github/cost-value.yml", text: "currency: USD\n  bad: [\n" },
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems[0]).toMatch(
        /^o\/r:\.github\/cost-value\.yml line \d+: not valid YAML/,
      );
    const truncated = combineConfigFiles([
      { owner: "o", repo: "r", path: "p.yml", text: "a: 1", truncated: true },
    ]);
    expect(truncated.ok).toBe(false);
  });

  it("parses _extends values like the Probot plugin", () => {
    const from = { owner: "acme", repo: "shop", path: ".github/cost-value.yml" };
    expect(parseExtends("base", from)).toEqual({
      owner: "acme",
      repo: "base",
      path: ".github/cost-value.yml",
    });
    expect(parseExtends("org/base:cfg/x.yaml", from)).toEqual({
      owner: "org",
      repo: "base",
      path: "cfg/x.yaml",
    });
    expect(parseExtends("bad value!", from)).toHaveProperty("problem");
    expect(parseExtends(42, from)).toHaveProperty("problem");
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
