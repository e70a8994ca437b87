/**
 * GitHub's ids as github.com gives them (issue 13, part 1): check-run ids far above 2^31, which
 * GraphQL's 32-bit `Int` cannot carry (`databaseId: null` plus an error beside the data), pull
 * request ids as `fullDatabaseId` strings, and ids beyond 2^53 that only a string keeps exact.
 * The read keeps what it can, the publisher never sends a PATCH without an id and never creates
 * a second run, and an error on a part the evaluation needs still fails the read.
 */
import { GraphqlResponseError } from "@octokit/graphql";
import { describe, expect, it } from "vitest";
import { sameGitHubId, toGitHubId } from "../../src/github/github-id.js";
import { GraphqlReadError } from "../../src/github/graphql-errors.js";
import { publishCheckRun } from "../../src/github/publish-check.js";
import { idFromRunUrl, readPullRequest } from "../../src/github/read.js";
import type { RestApi } from "../../src/github/rest-api.js";
import type { GraphqlFn } from "../../src/github/snapshot.js";
import { commitsOf, FakeGitHub } from "../helpers/fake-github/index.js";

const INT_MAX = 2 ** 31 - 1;

/**
 * The fake's answers as github.com gives them: every `databaseId` beyond 2^31 − 1 becomes `null`
 * with graphql-js's (and GitHub's) error at its path; optionally extra errors.
 */
function asGitHub(
  fake: FakeGitHub,
  extraErrors: unknown[] = [],
  options: { dropRunUrls?: boolean } = {},
): GraphqlFn {
  return async (query, variables = {}) => {
    const { json } = fake.answer({ query, variables });
    const body = json as { data?: unknown; errors?: unknown[] };
    const errors = [...(body.errors ?? []), ...extraErrors];
    const walk = (node: unknown, path: (string | number)[]): void => {
      if (node === null || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node)) {
        const at = [...path, Array.isArray(node) ? Number(key) : key];
        if (key === "url" && options.dropRunUrls === true && path.includes("checkRuns")) {
          (node as Record<string, unknown>)[key] = null;
        } else if (key === "databaseId" && typeof value === "number" && value > INT_MAX) {
          (node as Record<string, unknown>)[key] = null;
          errors.push({
            message: `Int cannot represent non 32-bit signed integer value: ${value}`,
            locations: [{ line: 1, column: 1 }],
            path: at,
          });
        } else walk(value, at);
      }
    };
    walk(body.data, []);
    if (errors.length === 0) return body.data;
    throw new GraphqlResponseError(
      { method: "POST", url: "/graphql", query, ...variables } as never,
      {} as never,
      { data: body.data, errors } as never,
    );
  };
}

function setup() {
  const fake = new FakeGitHub({ ids: "small" }).addRepo("acme", "shop", {}, 77);
  const commits = commitsOf(2);
  const pr = fake.addPullRequest({
    owner: "acme",
    repo: "shop",
    number: 7,
    databaseId: 2_712_345_678,
    body: "## Value\nIssue: #1\nType: defect\nWorth: $10\n",
    headSha: commits.at(-1)?.sha ?? "",
    commits,
  });
  return { fake, pr };
}

describe("toGitHubId", () => {
  it("takes safe integers, bigints and digit strings; refuses what may have lost digits", () => {
    expect(toGitHubId(30123456789)).toBe("30123456789");
    expect(toGitHubId(9007199254740993n)).toBe("9007199254740993");
    expect(toGitHubId("9007199254740993")).toBe("9007199254740993");
    expect(toGitHubId("9223372036854775807")).toBe("9223372036854775807");
    for (const bad of [
      null,
      undefined,
      0,
      -1,
      1.5,
      2 ** 53, // not safe: may be a rounded larger id
      "0",
      "012",
      "1e9",
      " 1",
      "9223372036854775808",
      0n,
      {},
    ]) {
      expect(toGitHubId(bad)).toBeUndefined();
    }
    expect(sameGitHubId(30123456789, "30123456789")).toBe(true);
    expect(idFromRunUrl("https://github.com/acme/shop/runs/9007199254740993")).toBe(
      "9007199254740993",
    );
    expect(idFromRunUrl("https://ghe.example.com/acme/shop/runs/12")).toBe("12");
    for (const bad of [null, "", "https://github.com/acme/shop/runs/", "/runs/0", "/runs/1a"]) {
      expect(idFromRunUrl(bad)).toBeUndefined();
    }
    expect(sameGitHubId(undefined, undefined)).toBe(false);
  });
});

describe("reading a PR as github.com answers (ids beyond 32 bits)", () => {
  it("takes a run's id from its URL when its databaseId is null; keeps the run without an id when neither is usable", async () => {
    const { fake, pr } = setup();
    fake.addCheckRun(pr.headSha, {
      id: 9_007_199_254_740_993n,
      name: "cost/value",
      appId: 1001,
      status: "completed",
    });
    fake.addCheckRun(pr.headSha, { id: 55, name: "ci", appId: 2, status: "completed" });
    const params = { owner: "acme", repo: "shop", number: 7, headSha: pr.headSha };
    const withUrls = await readPullRequest(asGitHub(fake), params);
    expect(withUrls.checkRuns).toEqual([
      { id: "9007199254740993", name: "cost/value", appId: 1001, status: "completed" },
      { id: "55", name: "ci", appId: 2, status: "completed" },
    ]);
    const withoutUrls = await readPullRequest(asGitHub(fake, [], { dropRunUrls: true }), params);
    expect(withoutUrls.checkRuns).toEqual([
      { name: "cost/value", appId: 1001, status: "completed" },
      { id: "55", name: "ci", appId: 2, status: "completed" },
    ]);
  });

  it("records the PR's fullDatabaseId and the Int error it could do without", async () => {
    const { fake, pr } = setup();
    fake.addCheckRun(pr.headSha, {
      id: 30_123_456_789,
      name: "cost/value",
      appId: 1001,
      status: "completed",
    });
    const s = await readPullRequest(asGitHub(fake), {
      owner: "acme",
      repo: "shop",
      number: 7,
      headSha: pr.headSha,
    });
    expect(s.id).toBe("2712345678");
    // beside the owner's `.github` repository that does not exist (NOT_FOUND, optional)
    expect(s.ignoredErrors).toContainEqual(
      expect.objectContaining({
        message: "Int cannot represent non 32-bit signed integer value: 30123456789",
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
      }),
    );
  });

  it("takes the repository id from the event when GraphQL cannot give it", async () => {
    const fake = new FakeGitHub({ ids: "small" }).addRepo("acme", "shop", {}, 3_000_000_000);
    const commits = commitsOf(1);
    const pr = fake.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 7,
      body: "",
      headSha: commits[0]?.sha ?? "",
      commits,
    });
    const params = { owner: "acme", repo: "shop", number: 7, headSha: pr.headSha };
    const s = await readPullRequest(asGitHub(fake), { ...params, repositoryId: 3_000_000_000 });
    expect(s.repository.id).toBe(3_000_000_000);
    await expect(readPullRequest(asGitHub(fake), params)).rejects.toThrow(
      /GitHub gave no id for the repository/,
    );
  });

  it("still fails when an error touches what the evaluation needs (the commits)", async () => {
    const { fake, pr } = setup();
    const error = {
      message: "Something went wrong while executing your query.",
      path: ["repository", "pullRequest", "commits"],
    };
    await expect(
      readPullRequest(asGitHub(fake, [error]), {
        owner: "acme",
        repo: "shop",
        number: 7,
        headSha: pr.headSha,
      }),
    ).rejects.toThrow(GraphqlReadError);
  });

  it("does without the head commit's suites when GitHub could not list them", async () => {
    const { fake, pr } = setup();
    const error = {
      message: "Timeout on validation of query",
      path: ["repository", "headCommit", "checkSuites"],
    };
    const s = await readPullRequest(asGitHub(fake, [error]), {
      owner: "acme",
      repo: "shop",
      number: 7,
      headSha: pr.headSha,
    });
    expect(s.commits).toHaveLength(2);
    expect(s.ignoredErrors).toContainEqual(expect.objectContaining(error));
  });
});

/** A RestApi that records requests and answers them from `runs` (the runs on the commit). */
function checksApi(runs: { id: string; name: string; appId: number }[]) {
  const requests: { route: string; params: Record<string, unknown> }[] = [];
  let next = 40_000_000_000n;
  const api: RestApi = {
    request: async (route, params) => {
      requests.push({ route, params });
      if (route.startsWith("GET ")) {
        return {
          data: {
            total_count: runs.length,
            check_runs: runs.map((r) => ({
              id: BigInt(r.id), // as json-with-bigint hands an id beyond 2^53
              name: r.name,
              status: "completed",
              app: { id: r.appId },
            })),
          },
        };
      }
      if (route.startsWith("PATCH ")) {
        if (!runs.some((r) => r.id === params.check_run_id)) {
          throw Object.assign(new Error("Not Found"), { status: 404 });
        }
        return { data: { id: params.check_run_id } };
      }
      const id = String(next++);
      runs.push({ id, name: String(params.name), appId: 1001 });
      return { data: { id: Number(id) } };
    },
  };
  return { api, requests };
}

const publishParams = {
  owner: "acme",
  repo: "shop",
  headSha: "a".repeat(40),
  name: "cost/value",
  conclusion: "success" as const,
  output: { title: "t", summary: "s", text: "" },
  externalId: "pr:7",
  completedAt: new Date("2026-12-01T00:00:00Z"),
  appId: 1001,
};

describe("publishCheckRun with ids GraphQL could not give", () => {
  const BIG = "9007199254740993"; // beyond 2^53: a number would have become ...992

  it("updates a run known without an id after one look-up, with the exact id; never creates", async () => {
    const { api, requests } = checksApi([{ id: BIG, name: "cost/value", appId: 1001 }]);
    const result = await publishCheckRun(api, {
      ...publishParams,
      existing: { name: "cost/value", status: "completed", appId: 1001 },
    });
    expect(result).toEqual({ checkRunId: BIG, action: "updated", requests: 2 });
    expect(requests.map((r) => r.route)).toEqual([
      "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
      "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
    ]);
    expect(requests[1]?.params.check_run_id).toBe(BIG);
  });

  it("updates with a known id in one request", async () => {
    const { api, requests } = checksApi([{ id: BIG, name: "cost/value", appId: 1001 }]);
    const result = await publishCheckRun(api, {
      ...publishParams,
      existing: { id: BIG, name: "cost/value", status: "completed", appId: 1001 },
    });
    expect(result).toEqual({ checkRunId: BIG, action: "updated", requests: 1 });
    expect(requests).toHaveLength(1);
  });

  it("a stale id (404) is looked up and the real run updated, not a second one created", async () => {
    const { api, requests } = checksApi([{ id: "30000000007", name: "cost/value", appId: 1001 }]);
    const result = await publishCheckRun(api, {
      ...publishParams,
      existing: { id: "30000000001", name: "cost/value", status: "completed", appId: 1001 },
    });
    expect(result).toEqual({ checkRunId: "30000000007", action: "updated", requests: 3 });
    expect(requests.filter((r) => r.route.startsWith("POST"))).toHaveLength(0);
  });

  it("creates when the look-up finds no run of ours (the run GraphQL saw was another app's)", async () => {
    const { api, requests } = checksApi([]);
    const result = await publishCheckRun(api, {
      ...publishParams,
      existing: { name: "cost/value", status: "completed" },
    });
    expect(result.action).toBe("created");
    expect(result.checkRunId).toBe("40000000000");
    expect(requests.map((r) => r.route.split(" ")[0])).toEqual(["GET", "POST"]);
  });

  it("never sends a PATCH without an id", async () => {
    for (const existing of [
      undefined,
      { name: "cost/value", status: "completed" },
      { name: "cost/value", status: "completed", appId: 1001 },
    ]) {
      const { api, requests } = checksApi([]);
      await publishCheckRun(api, { ...publishParams, ...(existing ? { existing } : {}) });
      for (const r of requests.filter((x) => x.route.startsWith("PATCH"))) {
        expect(toGitHubId(r.params.check_run_id)).toBeDefined();
      }
    }
  });
});
