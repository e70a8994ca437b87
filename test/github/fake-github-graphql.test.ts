/**
 * The fake GitHub's GraphQL side: every document is validated and executed with graphql-js against
 * GitHub's published schema, and answered in GitHub's shapes: partial data with NOT_FOUND /
 * FORBIDDEN errors, graphql-js's own Int error for a database id above 2^31 − 1 (as github.com
 * answers a check run's `databaseId`), `fullDatabaseId` strings, and the validation error of a
 * document GitHub would reject.
 */
import { describe, expect, it } from "vitest";
import {
  COMMIT_PULL_REQUESTS_QUERY,
  COMMITS_PAGE_QUERY,
  CONFIG_FILE_QUERY,
  ISSUE_QUERY,
  PULL_REQUEST_QUERY,
} from "../../src/github/graphql-documents.js";
import {
  FAKE_COMMIT_DATE,
  type FakeCommit,
  FakeGitHub,
  fakeSha,
  githubSchemaBuildMs,
} from "../helpers/fake-github/index.js";

const commit = (message: string, login?: string): FakeCommit => ({
  sha: fakeSha(),
  message,
  author: { name: "Dev", email: "dev@example.com", ...(login ? { login } : {}) },
});

/** acme/shop with a config file, PR #7 of 150 commits, closing issues, labels, a milestone. */
function world(options: ConstructorParameters<typeof FakeGitHub>[0] = {}) {
  const fake = new FakeGitHub({ ids: "small", ...options })
    .addRepo("acme", "shop", { ".github/cost-value.yml": "currency: EUR\n" }, 77)
    .addRepo("acme", "lib", {}, 78)
    .addIssue({ owner: "acme", repo: "shop", number: 1, body: "## Value\nWorth: $5\n" })
    .addIssue({ owner: "acme", repo: "lib", number: 9, body: "lib", state: "CLOSED" });
  const commits = Array.from({ length: 150 }, (_, i) =>
    commit(`c${i}`, i === 0 ? "octo" : undefined),
  );
  const pr = fake.addPullRequest({
    owner: "acme",
    repo: "shop",
    number: 7,
    title: "Fix checkout",
    body: "## Value\nIssue: #1\n",
    headSha: commits.at(-1)?.sha ?? "",
    commits,
    author: "octo",
    labels: ["bug"],
    milestone: { number: 3, title: "Sprint 9", state: "OPEN" },
    closingIssues: [{ number: 1 }, { owner: "acme", repo: "lib", number: 9 }],
  });
  return { fake, pr };
}

const prVariables = (headSha: string, extra: Record<string, unknown> = {}) => ({
  owner: "acme",
  repo: "shop",
  number: 7,
  headSha,
  configExpression: "HEAD:.github/cost-value.yml",
  withIssue: false,
  issueOwner: "acme",
  issueRepo: "shop",
  issueNumber: 0,
  ...extra,
});

/** Where `snippet` starts in `document` (1-based), as GitHub's `locations` give it. */
function at(document: string, snippet: string): { line: number; column: number }[] {
  const index = document.indexOf(snippet);
  if (index < 0) throw new Error(`${snippet} is not in the document`);
  const before = document.slice(0, index);
  return [{ line: before.split("\n").length, column: index - before.lastIndexOf("\n") }];
}

type Body = { data?: Record<string, unknown> | null; errors?: Record<string, unknown>[] };
const ask = (fake: FakeGitHub, query: string, variables: Record<string, unknown>): Body => {
  const answer = fake.answer({ query, variables });
  expect(answer.status).toBe(200);
  return answer.json as Body;
};

describe("the fake answers every document of the app", () => {
  it("CostValuePullRequest: the repository, the PR, its first 100 commits, issues, check runs", () => {
    const { fake, pr } = world();
    fake.addCheckRun(pr.headSha, { id: 55, name: "cost/value", appId: 1001, status: "completed" });
    fake.addCheckRun(pr.headSha, { id: 56, name: "ci", appId: 2, status: "in_progress" });
    const body = ask(fake, PULL_REQUEST_QUERY, prVariables(pr.headSha));
    // no .github repository for acme: NOT_FOUND there, and nothing else
    expect(body.errors).toEqual([
      {
        type: "NOT_FOUND",
        path: ["ownerConfig"],
        locations: at(PULL_REQUEST_QUERY, "ownerConfig:"),
        message: "Could not resolve to a Repository with the name 'acme/.github'.",
      },
    ]);
    expect(Object.keys(body.data ?? {})).toEqual(["repository", "ownerConfig"]);
    const repository = body.data?.repository as Record<string, unknown>;
    expect(repository).toMatchObject({
      databaseId: 77,
      name: "shop",
      owner: { login: "acme" },
      defaultBranchRef: { name: "main" },
      config: { text: "currency: EUR\n", isTruncated: false },
      headCommit: {
        checkSuites: {
          nodes: [
            {
              app: { databaseId: 1001 },
              checkRuns: { nodes: [{ databaseId: 55, name: "cost/value", status: "COMPLETED" }] },
            },
            {
              app: { databaseId: 2 },
              checkRuns: { nodes: [{ databaseId: 56, name: "ci", status: "IN_PROGRESS" }] },
            },
          ],
        },
      },
    });
    const pull = repository.pullRequest as Record<string, unknown>;
    expect(pull).toMatchObject({
      fullDatabaseId: "5007",
      number: 7,
      title: "Fix checkout",
      url: "https://github.com/acme/shop/pull/7",
      isDraft: false,
      state: "OPEN",
      merged: false,
      author: { login: "octo" },
      baseRefName: "main",
      headRefOid: pr.headSha,
      isCrossRepository: false,
      milestone: { number: 3, title: "Sprint 9", state: "OPEN", dueOn: null, description: null },
      labels: { nodes: [{ name: "bug" }] },
      closingIssuesReferences: {
        nodes: [
          {
            number: 1,
            body: "## Value\nWorth: $5\n",
            state: "OPEN",
            repository: { name: "shop", owner: { login: "acme" } },
          },
          {
            number: 9,
            body: "lib",
            state: "CLOSED",
            repository: { name: "lib", owner: { login: "acme" } },
          },
        ],
      },
    });
    const commits = pull.commits as {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string };
      nodes: { commit: Record<string, unknown> }[];
    };
    expect(commits.totalCount).toBe(150);
    expect(commits.pageInfo).toEqual({ hasNextPage: true, endCursor: "cursor:100" });
    expect(commits.nodes).toHaveLength(100);
    expect(commits.nodes[0]?.commit).toEqual({
      oid: pr.commits[0]?.sha,
      message: "c0",
      authoredDate: FAKE_COMMIT_DATE,
      committedDate: FAKE_COMMIT_DATE,
      author: { name: "Dev", email: "dev@example.com", user: { login: "octo" } },
    });
    expect(commits.nodes[1]?.commit.author).toEqual({
      name: "Dev",
      email: "dev@example.com",
      user: null,
    });
  });

  it("CostValueCommits: the next page after the cursor", () => {
    const { fake, pr } = world();
    const body = ask(fake, COMMITS_PAGE_QUERY, {
      owner: "acme",
      repo: "shop",
      number: 7,
      cursor: "cursor:100",
    });
    expect(body.errors).toBeUndefined();
    const commits = (
      body.data as { repository: { pullRequest: { commits: Record<string, unknown> } } }
    ).repository.pullRequest.commits as { nodes: { commit: { oid: string } }[]; pageInfo: unknown };
    expect(commits.nodes.map((n) => n.commit.oid)).toEqual(pr.commits.slice(100).map((c) => c.sha));
    expect(commits.pageInfo).toEqual({ hasNextPage: false, endCursor: "cursor:150" });
    // a cursor GitHub did not give: an error at the connection, no type
    const bad = ask(fake, COMMITS_PAGE_QUERY, {
      owner: "acme",
      repo: "shop",
      number: 7,
      cursor: "x",
    });
    expect(bad).toEqual({
      data: { repository: { pullRequest: null } },
      errors: [
        {
          path: ["repository", "pullRequest", "commits"],
          locations: at(COMMITS_PAGE_QUERY, "commits(first: 100, after: $cursor)"),
          message: "`x` does not appear to be a valid cursor.",
        },
      ],
    });
  });

  it("CostValueConfigFile: a blob, null for a missing file, NOT_FOUND for a missing repository", () => {
    const { fake } = world();
    fake.addRepo("acme", "big", { "c.yml": { text: "currency: U", truncated: true } });
    const vars = (repo: string, expression: string) => ({ owner: "acme", repo, expression });
    expect(ask(fake, CONFIG_FILE_QUERY, vars("big", "HEAD:c.yml"))).toEqual({
      data: { repository: { config: { text: "currency: U", isTruncated: true } } },
    });
    expect(ask(fake, CONFIG_FILE_QUERY, vars("shop", "HEAD:none.yml"))).toEqual({
      data: { repository: { config: null } },
    });
    expect(ask(fake, CONFIG_FILE_QUERY, vars("gone", "HEAD:c.yml"))).toEqual({
      data: { repository: null },
      errors: [
        {
          type: "NOT_FOUND",
          path: ["repository"],
          locations: at(CONFIG_FILE_QUERY, "repository("),
          message: "Could not resolve to a Repository with the name 'acme/gone'.",
        },
      ],
    });
  });

  it("CostValueIssue: an issue, or NOT_FOUND at the issue with the repository kept", () => {
    const { fake } = world();
    expect(ask(fake, ISSUE_QUERY, { owner: "acme", repo: "lib", number: 9 })).toEqual({
      data: { repository: { issue: { number: 9, body: "lib", state: "CLOSED" } } },
    });
    expect(ask(fake, ISSUE_QUERY, { owner: "acme", repo: "lib", number: 10 })).toEqual({
      data: { repository: { issue: null } },
      errors: [
        {
          type: "NOT_FOUND",
          path: ["repository", "issue"],
          locations: at(ISSUE_QUERY, "issue(number: $number)"),
          message: "Could not resolve to an Issue with the number of 10.",
        },
      ],
    });
  });

  it("CostValueCommitPullRequests: associated PRs (not forks) and the search for the SHA", () => {
    const { fake, pr } = world();
    const sha = pr.headSha;
    fake.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 8,
      body: "",
      headSha: sha,
      commits: [],
      isCrossRepository: true,
    });
    fake.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 9,
      body: "",
      headSha: sha,
      commits: [],
      state: "CLOSED",
    });
    fake.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 10,
      body: "",
      headSha: fakeSha(),
      commits: [],
    });
    const body = ask(fake, COMMIT_PULL_REQUESTS_QUERY, {
      owner: "acme",
      repo: "shop",
      sha,
      search: `repo:acme/shop is:pr is:open ${sha}`,
    });
    expect(body.errors).toBeUndefined();
    const base = { baseRepository: { name: "shop", owner: { login: "acme" } } };
    expect(body.data).toEqual({
      repository: {
        object: {
          associatedPullRequests: {
            nodes: [
              { number: 7, state: "OPEN", headRefOid: sha, ...base },
              { number: 9, state: "CLOSED", headRefOid: sha, ...base },
            ],
          },
        },
      },
      search: {
        nodes: [
          { number: 7, state: "OPEN", headRefOid: sha },
          { number: 8, state: "OPEN", headRefOid: sha },
        ],
      },
    });
    // a commit the repository does not have: no object, no error
    const unknown = ask(fake, COMMIT_PULL_REQUESTS_QUERY, {
      owner: "acme",
      repo: "shop",
      sha: fakeSha(),
      search: "repo:acme/shop is:pr is:open 0000000",
    });
    expect(unknown).toEqual({ data: { repository: { object: null }, search: { nodes: [] } } });
  });

  it("executes documents it was not written for: fields the schema has and the fake models", () => {
    const { fake } = world();
    const body = ask(
      fake,
      `query Other($n: Int!) {
        repo: repository(owner: "acme", name: "shop") {
          nameWithOwner
          pr: pullRequest(number: $n) { title labels(first: 1) { totalCount } }
        }
      }`,
      { n: 7 },
    );
    expect(body).toEqual({
      data: {
        repo: {
          nameWithOwner: "acme/shop",
          pr: { title: "Fix checkout", labels: { totalCount: 1 } },
        },
      },
    });
    expect(fake.requests.at(-1)).toMatchObject({ operation: "Other", variables: { n: 7 } });
  });
});

describe("ids like github.com's", () => {
  it("a check run id above 2^31: databaseId null and graphql-js's Int error at its path", () => {
    const { fake, pr } = world({ ids: "github" });
    fake.addCheckRun(pr.headSha, {
      id: 30123456789,
      name: "cost/value",
      appId: 1001,
      status: "completed",
    });
    const body = ask(fake, PULL_REQUEST_QUERY, prVariables(pr.headSha));
    const runs = (
      body.data as {
        repository: { headCommit: { checkSuites: { nodes: { checkRuns: unknown }[] } } };
      }
    ).repository.headCommit.checkSuites.nodes[0]?.checkRuns;
    expect(runs).toEqual({
      nodes: [
        {
          databaseId: null,
          url: "https://github.com/acme/shop/runs/30123456789",
          name: "cost/value",
          status: "COMPLETED",
        },
      ],
    });
    const intError = body.errors?.find((e) => String(e.message).includes("30123456789"));
    expect(intError).toEqual({
      message: "Int cannot represent non 32-bit signed integer value: 30123456789",
      locations: at(PULL_REQUEST_QUERY, "databaseId url name status"),
      path: [
        "repository",
        "headCommit",
        "checkSuites",
        "nodes",
        0,
        "checkRuns",
        "nodes",
        0,
        "databaseId",
      ],
    });
    expect(intError).not.toHaveProperty("type");
    // the pull request's id (above 2^31 under ids: "github") is asked as fullDatabaseId: exact
    expect(
      (body.data as { repository: { pullRequest: { fullDatabaseId: unknown } } }).repository
        .pullRequest.fullDatabaseId,
    ).toBe("2700000001");
    expect(body.errors?.map((e) => [e.path, e.message])).toEqual([
      [
        [
          "repository",
          "headCommit",
          "checkSuites",
          "nodes",
          0,
          "checkRuns",
          "nodes",
          0,
          "databaseId",
        ],
        "Int cannot represent non 32-bit signed integer value: 30123456789",
      ],
      [["ownerConfig"], "Could not resolve to a Repository with the name 'acme/.github'."],
    ]);
  });

  it("a check run id beyond 2^53 (a bigint) keeps its digits in the error", () => {
    const { fake, pr } = world({ ids: "github" });
    fake.addCheckRun(pr.headSha, { id: 9007199254740993n, name: "x", appId: 1, status: "queued" });
    const body = ask(fake, PULL_REQUEST_QUERY, prVariables(pr.headSha));
    expect(body.errors?.map((e) => e.message)).toContain(
      "Int cannot represent non 32-bit signed integer value: 9007199254740993",
    );
  });

  it("fullDatabaseId: the id as a string, for pull requests and issues, small or github", () => {
    const query = `query Ids {
      repository(owner: "acme", name: "shop") {
        pullRequest(number: 7) { fullDatabaseId }
        issue(number: 1) { databaseId fullDatabaseId }
      }
    }`;
    expect(ask(world().fake, query, {})).toEqual({
      data: {
        repository: {
          pullRequest: { fullDatabaseId: "5007" },
          issue: { databaseId: 3001, fullDatabaseId: "3001" },
        },
      },
    });
    const github = ask(world({ ids: "github" }).fake, query, {});
    expect(github.errors?.map((e) => e.path)).toEqual([["repository", "issue", "databaseId"]]);
    expect(github.data).toEqual({
      repository: {
        pullRequest: { fullDatabaseId: "2700000001" },
        issue: { databaseId: null, fullDatabaseId: "3100000001" },
      },
    });
    // repository ids stay small (like real ones) and are configurable
    const fake = new FakeGitHub({ ids: "github", firstRepositoryId: 500 }).addRepo("a", "b");
    expect(ask(fake, 'query R { repository(owner: "a", name: "b") { databaseId } }', {})).toEqual({
      data: { repository: { databaseId: 500 } },
    });
  });
});

describe("errors as GitHub gives them", () => {
  it("NOT_FOUND on optional parts with the rest of the data: the owner's .github, a hinted issue", () => {
    const { fake, pr } = world();
    const body = ask(
      fake,
      PULL_REQUEST_QUERY,
      prVariables(pr.headSha, {
        withIssue: true,
        issueOwner: "acme",
        issueRepo: "lib",
        issueNumber: 404,
      }),
    );
    expect(body.data?.repository).toMatchObject({ name: "shop", pullRequest: { number: 7 } });
    expect(body.data?.ownerConfig).toBeNull();
    expect(body.data?.hintedIssue).toEqual({ issue: null });
    expect(body.errors).toEqual([
      {
        type: "NOT_FOUND",
        path: ["ownerConfig"],
        locations: at(PULL_REQUEST_QUERY, "ownerConfig:"),
        message: "Could not resolve to a Repository with the name 'acme/.github'.",
      },
      {
        type: "NOT_FOUND",
        path: ["hintedIssue", "issue"],
        locations: at(PULL_REQUEST_QUERY, "issue(number: $issueNumber)"),
        message: "Could not resolve to an Issue with the number of 404.",
      },
    ]);
  });

  it("FORBIDDEN: a hinted issue's repository and a closing issue's, null in place", () => {
    const { fake, pr } = world();
    fake.addRepo("acme", ".github", {});
    fake.addRepo("corp", "private").forbidRepo("corp", "private");
    pr.closingIssues = [{ owner: "corp", repo: "private", number: 2 }, { number: 1 }];
    const body = ask(
      fake,
      PULL_REQUEST_QUERY,
      prVariables(pr.headSha, {
        withIssue: true,
        issueOwner: "corp",
        issueRepo: "private",
        issueNumber: 2,
      }),
    );
    const saml =
      "Resource protected by organization SAML enforcement. You must grant your OAuth token access to this organization.";
    expect(body.errors).toEqual([
      {
        type: "FORBIDDEN",
        path: ["repository", "pullRequest", "closingIssuesReferences", "nodes", 0],
        locations: at(PULL_REQUEST_QUERY, "nodes { number body state repository"),
        message: saml,
      },
      {
        type: "FORBIDDEN",
        path: ["hintedIssue"],
        locations: at(PULL_REQUEST_QUERY, "hintedIssue:"),
        message: saml,
      },
    ]);
    expect(body.data?.hintedIssue).toBeNull();
    expect(body.data?.ownerConfig).toEqual({ config: null });
    expect(
      (
        body.data as {
          repository: { pullRequest: { closingIssuesReferences: { nodes: unknown[] } } };
        }
      ).repository.pullRequest.closingIssuesReferences.nodes,
    ).toEqual([null, expect.objectContaining({ number: 1 })]);
  });

  it("a missing pull request is NOT_FOUND at repository.pullRequest, the repository kept", () => {
    const { fake, pr } = world();
    const body = ask(fake, PULL_REQUEST_QUERY, { ...prVariables(pr.headSha), number: 99 });
    expect(body.data?.repository).toMatchObject({ name: "shop", pullRequest: null });
    expect(body.errors?.[0]).toEqual({
      type: "NOT_FOUND",
      path: ["repository", "pullRequest"],
      locations: at(PULL_REQUEST_QUERY, "pullRequest(number: $number)"),
      message: "Could not resolve to a PullRequest with the number of 99.",
    });
  });

  it("a connection without `first` is GitHub's MISSING_PAGINATION_BOUNDARIES", () => {
    const { fake } = world();
    const body = ask(
      fake,
      'query L { repository(owner: "acme", name: "shop") { pullRequest(number: 7) { labels { totalCount } } } }',
      {},
    );
    expect(body.errors).toEqual([
      expect.objectContaining({
        type: "MISSING_PAGINATION_BOUNDARIES",
        path: ["repository", "pullRequest", "labels"],
      }),
    ]);
  });
});

describe("the fake's own gaps and bugs fail the test", () => {
  it("an enum value the schema lacks is graphql-js's error (as GitHub); null for a non-null field throws", () => {
    const { fake, pr } = world();
    fake.addCheckRun(pr.headSha, { id: 1, name: "x", appId: 1, status: "weird" });
    const body = ask(fake, PULL_REQUEST_QUERY, prVariables(pr.headSha));
    expect(body.errors?.map((e) => e.message)).toContain(
      'Enum "CheckStatusState" cannot represent value: "WEIRD"',
    );
    pr.body = undefined as unknown as string;
    expect(() =>
      fake.answer({ query: PULL_REQUEST_QUERY, variables: prVariables(pr.headSha) }),
    ).toThrow(
      'FakeGitHub failed on "CostValuePullRequest" at repository.pullRequest.body: Cannot return null for non-nullable field PullRequest.body.',
    );
  });
});

describe("a document GitHub would reject", () => {
  const invalid = 'query Nope { repository(owner: "o", name: "r") { nope } }';

  it("throws by default, naming the operation and GitHub's complaint; recorded", () => {
    const fake = new FakeGitHub();
    expect(() => fake.answer({ query: invalid })).toThrow(
      'FakeGitHub: the "Nope" document is not valid against GitHub\'s schema: Cannot query field "nope" on type "Repository". Did you mean "name"?',
    );
    expect(fake.requests).toEqual([
      {
        method: "POST",
        path: "/graphql",
        operation: "Nope",
        variables: {},
        body: { query: invalid },
      },
    ]);
    expect(fake.invalidDocuments).toEqual([
      {
        operation: "Nope",
        errors: [
          {
            message: 'Cannot query field "nope" on type "Repository". Did you mean "name"?',
            locations: at(invalid, "nope"),
          },
        ],
      },
    ]);
  });

  it("with invalidDocuments: answer, gets GitHub's body: HTTP 200, errors, no data", () => {
    const fake = new FakeGitHub({ invalidDocuments: "answer" });
    expect(fake.answer({ query: invalid })).toEqual({
      status: 200,
      json: {
        errors: [
          {
            message: 'Cannot query field "nope" on type "Repository". Did you mean "name"?',
            locations: at(invalid, "nope"),
          },
        ],
      },
    });
    // variables that do not fit the document (a required one missing): the same
    expect(fake.answer({ query: ISSUE_QUERY, variables: { owner: "acme", repo: "shop" } })).toEqual(
      {
        status: 200,
        json: {
          errors: [
            {
              message: 'Variable "$number" of required type "Int!" was not provided.',
              locations: at(ISSUE_QUERY, "$number: Int!"),
            },
          ],
        },
      },
    );
    expect(fake.invalidDocuments.map((d) => d.operation)).toEqual(["Nope", "CostValueIssue"]);
  });

  it("the schema is built once per process", () => {
    new FakeGitHub().answer({
      query: CONFIG_FILE_QUERY,
      variables: { owner: "a", repo: "b", expression: "HEAD:x" },
    });
    const first = githubSchemaBuildMs();
    expect(first).toBeGreaterThan(0);
    new FakeGitHub().answer({
      query: ISSUE_QUERY,
      variables: { owner: "a", repo: "b", number: 1 },
    });
    expect(githubSchemaBuildMs()).toBe(first);
  });
});
