/**
 * The process harness: the real server process (src/server.ts, PGlite in a temp dir, real app
 * authentication with a throwaway key) against the fake GitHub over HTTP on 127.0.0.1. One signed
 * `pull_request.opened` is one token exchange, one GraphQL read and one check-run create. And the
 * fake server itself: GitHub Enterprise paths, paging, faults with headers, hangs, deliveries.
 */
import { Octokit } from "@octokit/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CONFIG_FILE_QUERY, ISSUE_QUERY } from "../../src/github/graphql-documents.js";
import { type AppProcess, sendDelivery, startAppProcess } from "../helpers/app-process.js";
import {
  commitsOf,
  FakeGitHub,
  type FakeGitHubServer,
  fakeSha,
  restId,
  serializeJson,
} from "../helpers/fake-github/index.js";
import { APP_ID } from "../helpers/probot.js";
import { INSTALLATION_ID, pullRequestPayload } from "../helpers/webhook-payloads.js";

const BODY = "## Value\nIssue: #1\nType: defect\nWorth: $100\n";

describe("the app as a process against the fake GitHub server", () => {
  let server: FakeGitHubServer;
  let app: AppProcess;
  let github: FakeGitHub;

  beforeAll(async () => {
    github = new FakeGitHub().addRepo("acme", "shop", {}, 77);
    github.addIssue({ owner: "acme", repo: "shop", number: 1, body: "" });
    server = await github.serve();
    app = await startAppProcess({ github: server.url, appId: APP_ID, timeoutMs: 90_000 });
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await server?.close();
  });

  it("one signed pull_request.opened: one check run, two API calls and the token exchange", async () => {
    const commits = commitsOf(3);
    const pr = github.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 7,
      body: BODY,
      headSha: commits.at(-1)?.sha ?? "",
      commits,
      closingIssues: [{ number: 1 }],
    });
    const payload = pullRequestPayload("opened", {
      owner: "acme",
      repo: "shop",
      repoId: 77,
      number: 7,
      headSha: pr.headSha,
      body: BODY,
    });
    const answer = await sendDelivery({
      url: app.url,
      secret: app.secret,
      event: "pull_request",
      deliveryId: "harness-1",
      payload,
    });
    expect(answer.status).toBe(200);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({
      head_sha: pr.headSha,
      name: "cost/value",
      status: "completed",
      conclusion: "success",
    });
    expect(github.count()).toEqual({ total: 2, reads: 1, writes: 1 });
    expect(github.requests.map((r) => r.operation ?? `${r.method} ${r.path}`)).toEqual([
      "CostValuePullRequest",
      "POST /repos/acme/shop/check-runs",
    ]);
    expect(github.appRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /app/installations/${INSTALLATION_ID}/access_tokens`,
    ]);
    expect([...github.tokensIssued]).toEqual([[INSTALLATION_ID, 1]]);
    expect(Object.fromEntries(github.endpointCounts)).toEqual({ token: 1, graphql: 1, create: 1 });
    // both API calls carried the installation's token; the exchange carried the app's JWT
    expect(Object.fromEntries(github.tokenCounts)).toEqual({
      jwt: 1,
      [`ghs_fake_${INSTALLATION_ID}_1`]: 2,
    });
    expect(github.unmatched).toEqual([]);
    // the log line may reach the pipe just after the answer
    await app.waitForOutput(/cost-value: check published/, 10_000);

    // a forged signature is refused and costs no API call
    const forged = await sendDelivery({
      url: app.url,
      secret: "not-the-secret",
      event: "pull_request",
      deliveryId: "harness-2",
      payload,
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
    expect(github.count().total).toBe(2);
  }, 60_000);
});

describe("the fake GitHub server", () => {
  let server: FakeGitHubServer;
  let github: FakeGitHub;
  afterEach(async () => {
    await server?.close();
  });

  async function start(delayMs?: number): Promise<Octokit> {
    github = new FakeGitHub().addRepo("acme", "shop", {}, 77).addRepo("acme", "web", {}, 78);
    server = await github.serve(delayMs !== undefined ? { delayMs } : {});
    return new Octokit({ baseUrl: server.restUrl, auth: "ghs_fake_7_1" });
  }

  it("answers GraphQL at /api/graphql and /graphql, REST at /api/v3 and plain paths", async () => {
    const octokit = await start();
    const commits = commitsOf(1);
    github.addPullRequest({
      owner: "acme",
      repo: "shop",
      number: 3,
      body: "",
      headSha: commits[0]?.sha ?? "",
      commits,
    });
    const query = CONFIG_FILE_QUERY;
    const viaGhe = await octokit.graphql(query, {
      owner: "acme",
      repo: "shop",
      expression: "HEAD:x",
    });
    expect(viaGhe).toEqual({ repository: { config: null } });
    const plain = await fetch(`${server.url}/graphql`, {
      method: "POST",
      body: JSON.stringify({
        query,
        variables: { owner: "acme", repo: "shop", expression: "HEAD:x" },
      }),
    });
    expect(plain.status).toBe(200);
    const created = await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
      owner: "acme",
      repo: "shop",
      name: "cost/value",
      head_sha: commits[0]?.sha ?? "",
    });
    expect(created.status).toBe(201);
    const listed = await fetch(
      `${server.url}/repos/acme/shop/commits/${commits[0]?.sha}/check-runs?check_name=cost/value&app_id=${APP_ID}`,
    );
    expect(((await listed.json()) as { total_count: number }).total_count).toBe(1);
    const otherApp = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      owner: "acme",
      repo: "shop",
      ref: commits[0]?.sha ?? "",
      app_id: APP_ID + 1,
    });
    expect(otherApp.data.total_count).toBe(0);
    const pulls = await octokit.request("GET /repos/{owner}/{repo}/pulls", {
      owner: "acme",
      repo: "shop",
    });
    expect(pulls.data.map((p) => [p.number, p.head.sha])).toEqual([[3, commits[0]?.sha]]);
    const repos = await octokit.request("GET /installation/repositories");
    expect(repos.data.repositories.map((r) => r.full_name)).toEqual(["acme/shop", "acme/web"]);
    expect(github.count()).toEqual({ total: 7, reads: 6, writes: 1 });
    expect(github.tokenCounts.get("ghs_fake_7_1")).toBe(5);
    expect(github.tokenCounts.get("none")).toBe(2);
    const unknown = await fetch(`${server.url}/api/v3/nothing/here`);
    expect(unknown.status).toBe(404);
    expect(github.unmatched.map((r) => r.path)).toEqual(["/nothing/here"]);
  });

  it("injects rate limits with GitHub's headers and message", async () => {
    const octokit = await start();
    github.rateLimit("issues", "secondary", { retryAfterSeconds: 7 });
    const secondary = await octokit
      .request("GET /repos/{owner}/{repo}/issues", { owner: "acme", repo: "shop" })
      .catch(
        (e: unknown) =>
          e as { status: number; message: string; response: { headers: Record<string, string> } },
      );
    expect(secondary).toMatchObject({ status: 403 });
    expect((secondary as { message: string }).message).toContain(
      "You have exceeded a secondary rate limit",
    );
    expect(
      (secondary as { response: { headers: Record<string, string> } }).response.headers[
        "retry-after"
      ],
    ).toBe("7");
    github.rateLimit("issues", "primary", { resetSeconds: 30 });
    const primary = (await octokit
      .request("GET /repos/{owner}/{repo}/issues", { owner: "acme", repo: "shop" })
      .catch((e: unknown) => e)) as {
      status: number;
      response: { headers: Record<string, string> };
    };
    expect(primary.status).toBe(403);
    expect(primary.response.headers["x-ratelimit-remaining"]).toBe("0");
    expect(Number(primary.response.headers["x-ratelimit-reset"])).toBeGreaterThan(
      Date.now() / 1000,
    );
    // the fault is used up: the next request is answered
    const ok = await octokit.request("GET /repos/{owner}/{repo}/issues", {
      owner: "acme",
      repo: "shop",
    });
    expect(ok.status).toBe(200);
  });

  it("hangs: a late answer still takes effect, a never answer times the client out", async () => {
    const octokit = await start();
    const sha = commitsOf(1)[0]?.sha ?? "";
    github.hang("create", { ms: 300 });
    const late = await octokit
      .request("POST /repos/{owner}/{repo}/check-runs", {
        owner: "acme",
        repo: "shop",
        name: "cost/value",
        head_sha: sha,
        request: { signal: AbortSignal.timeout(50) },
      })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(Error);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(github.checkRuns).toHaveLength(1); // GitHub created it though the client gave up
    github.hang("create");
    const never = await octokit
      .request("POST /repos/{owner}/{repo}/check-runs", {
        owner: "acme",
        repo: "shop",
        name: "cost/value",
        head_sha: sha,
        request: { signal: AbortSignal.timeout(100) },
      })
      .catch((e: unknown) => e);
    expect(never).toBeInstanceOf(Error);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.endpointCounts.get("create")).toBe(2);
  });

  it("lists the hook's deliveries newest first with cursor paging, and records redeliveries", async () => {
    const octokit = await start();
    const t0 = Date.parse("2026-11-28T10:00:00Z");
    for (let i = 0; i < 5; i++) {
      github.addDelivery({
        guid: `g-${i}`,
        event: "pull_request",
        action: "opened",
        delivered_at: new Date(t0 + i * 60_000).toISOString(),
        status_code: i === 1 ? 503 : 200,
      });
    }
    const seen: string[] = [];
    for await (const page of pages(octokit)) {
      for (const d of page.data as { guid: string }[]) seen.push(d.guid);
    }
    expect(seen).toEqual(["g-4", "g-3", "g-2", "g-1", "g-0"]);
    const failed = github.deliveries.find((d) => d.guid === "g-1");
    const sent: string[] = [];
    github.onRedeliver = (d) => {
      sent.push(d.guid);
      return 200;
    };
    const attempt = await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
      delivery_id: failed?.id ?? 0,
    });
    expect(attempt.status).toBe(202);
    expect(sent).toEqual(["g-1"]);
    expect(github.redeliveries).toEqual([failed?.id]);
    expect(github.deliveries[0]).toMatchObject({
      guid: "g-1",
      redelivery: true,
      status_code: 200,
    });
    expect(github.appRequests).toHaveLength(4);
  });

  it("issues installation tokens per installation and adds the configured latency", async () => {
    await start(40);
    const first = await fetch(`${server.url}/api/v3/app/installations/12/access_tokens`, {
      method: "POST",
    });
    expect(first.status).toBe(201);
    const started = performance.now();
    const second = (await (
      await fetch(`${server.url}/api/v3/app/installations/12/access_tokens`, { method: "POST" })
    ).json()) as { token: string; expires_at: string };
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(second.token).toMatch(/^ghs_fake_12_\d+$/);
    expect(Date.parse(second.expires_at)).toBeGreaterThan(Date.now());
    expect(github.tokensIssued.get(12)).toBe(2);
  });
});

/** Follow the `link` header's next page, as Octokit's paginate does. */
async function* pages(octokit: Octokit): AsyncGenerator<{ data: unknown }> {
  let url: string | undefined = "GET /app/hook/deliveries?per_page=2";
  while (url !== undefined) {
    const response: { data: unknown; headers: { link?: string } } = await octokit.request(url);
    yield response;
    url = /<([^>]+)>;\s*rel="next"/.exec(String(response.headers.link ?? ""))?.[1];
    if (url !== undefined) url = `GET ${url}`;
  }
}

describe("one store per kind of record, read over REST and GraphQL alike", () => {
  it("a run a test adds is listed over REST; an issue created over REST is read by GraphQL", async () => {
    const github = new FakeGitHub({ ids: "small" }).addRepo("acme", "shop", {}, 77);
    github.addRepo("acme", "web", {}, 78);
    const sha = fakeSha();
    github.addCheckRun(sha, { id: 55, name: "cost/value", status: "completed" });
    github.addCheckRun(sha, { id: 56, name: "cost/value", appId: 2, status: "queued" });
    const listed = await github.handle({
      method: "GET",
      path: `/repos/acme/shop/commits/${sha}/check-runs?check_name=cost/value&app_id=${APP_ID}`,
    });
    expect(listed.body).toMatchObject({
      total_count: 1,
      check_runs: [{ id: 55, status: "completed", app: { id: APP_ID } }],
    });
    const created = await github.handle({
      method: "POST",
      path: "/repos/acme/shop/issues",
      body: { title: "Cost & value: Sprint 9", body: "the totals", labels: ["cost-value"] },
    });
    expect(created).toMatchObject({ status: 201, body: { number: 500 } });
    const read = github.answer({
      query: ISSUE_QUERY,
      variables: { owner: "acme", repo: "shop", number: 500 },
    });
    expect(read.json).toEqual({
      data: { repository: { issue: { number: 500, body: "the totals", state: "OPEN" } } },
    });
    // listed in its own repository, not in another of the installation's
    const list = (repo: string) =>
      github.handle({ method: "GET", path: `/repos/acme/${repo}/issues?labels=cost-value` });
    expect(((await list("shop")).body as { number: number }[]).map((i) => i.number)).toEqual([500]);
    expect((await list("web")).body).toEqual([]);
  });
});

describe("REST ids as github.com's (ids: github), above 2^31 and beyond 2^53", () => {
  let server: FakeGitHubServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** POST/PATCH JSON, answered as text: the digits as they went over the wire. */
  const send = async (url: string, method: string, body?: unknown) => {
    const response = await fetch(url, {
      method,
      headers: { authorization: "token ghs_fake_7_1", "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, text: await response.text() };
  };

  /** Create, update and list a check run and a comment; the ids come back exactly. */
  async function roundTrip(base: string, runId: string, commentId: string, sha: string) {
    const created = await send(`${base}/repos/acme/shop/check-runs`, "POST", {
      name: "cost/value",
      head_sha: sha,
    });
    expect(created.status).toBe(201);
    expect(created.text).toBe(
      `{"id":${runId},"head_sha":"${sha}","name":"cost/value","status":"queued"}`,
    );
    const updated = await send(`${base}/repos/acme/shop/check-runs/${runId}`, "PATCH", {
      status: "completed",
      conclusion: "success",
    });
    expect(updated).toEqual({ status: 200, text: `{"id":${runId},"status":"completed"}` });
    const listed = await send(`${base}/repos/acme/shop/commits/${sha}/check-runs`, "GET");
    expect(listed.text).toContain(`"check_runs":[{"id":${runId},"name":"cost/value"`);
    // the path id is matched exactly as digits: one more or less is another run
    const neighbour = (BigInt(runId) - 1n).toString();
    expect(
      (await send(`${base}/repos/acme/shop/check-runs/${neighbour}`, "PATCH", {})).status,
    ).toBe(404);
    const comment = await send(`${base}/repos/acme/shop/issues/40/comments`, "POST", {
      body: "hi",
    });
    expect(comment).toEqual({ status: 201, text: `{"id":${commentId}}` });
    const edited = await send(`${base}/repos/acme/shop/issues/comments/${commentId}`, "PATCH", {
      body: "edited",
    });
    expect(edited).toEqual({ status: 200, text: `{"id":${commentId}}` });
    const comments = await send(`${base}/repos/acme/shop/issues/40/comments`, "GET");
    expect(comments.text).toMatch(new RegExp(`^\\[\\{"id":${commentId},"body":"edited"`));
  }

  it("over the HTTP server: check runs from 30,000,000,000, comments from 2,500,000,000", async () => {
    const github = new FakeGitHub({ ids: "github" }).addRepo("acme", "shop", {}, 77);
    server = await github.serve();
    const sha = commitsOf(1)[0]?.sha ?? "";
    await roundTrip(server.restUrl, "30000000000", "2500000000", sha);
    expect(github.checkRuns).toEqual([
      expect.objectContaining({ id: 30_000_000_000, status: "completed", conclusion: "success" }),
    ]);
    expect(github.comments[0]).toMatchObject({ id: 2_500_000_000, body: "edited", edits: 1 });
    // GraphQL reads the same run, updated: its databaseId is an Int, so null and the Int error
    const read = await send(`${server.url}/graphql`, "POST", {
      query: `query Runs($sha: GitObjectID!) { repository(owner: "acme", name: "shop") {
        object(oid: $sha) { ... on Commit { checkSuites(first: 1) { nodes {
          checkRuns(first: 1) { nodes { databaseId name status } } } } } } } }`,
      variables: { sha },
    });
    expect(read.status).toBe(200);
    expect(JSON.parse(read.text)).toMatchObject({
      data: {
        repository: {
          object: {
            checkSuites: {
              nodes: [
                {
                  checkRuns: {
                    nodes: [{ databaseId: null, name: "cost/value", status: "COMPLETED" }],
                  },
                },
              ],
            },
          },
        },
      },
      errors: [
        {
          message: "Int cannot represent non 32-bit signed integer value: 30000000000",
          path: [
            "repository",
            "object",
            "checkSuites",
            "nodes",
            0,
            "checkRuns",
            "nodes",
            0,
            "databaseId",
          ],
        },
      ],
    });
  });

  it("over the HTTP server: ids beyond 2^53 keep every digit (bigint inside, digits outside)", async () => {
    const github = new FakeGitHub({
      ids: "github",
      firstCheckRunId: 9007199254740993n,
      firstCommentId: 9007199254740995n,
    }).addRepo("acme", "shop", {}, 77);
    server = await github.serve();
    await roundTrip(server.restUrl, "9007199254740993", "9007199254740995", fakeSha());
    expect(github.checkRuns[0]?.id).toBe(9007199254740993n);
    expect(github.comments[0]?.id).toBe(9007199254740995n);
  });

  it("over nock (install()): the same digits", async () => {
    const github = new FakeGitHub({ ids: "github", firstCheckRunId: 9007199254740993n })
      .addRepo("acme", "shop", {}, 77)
      .install();
    await roundTrip("https://api.github.com", "9007199254740993", "2500000000", fakeSha());
    new FakeGitHub({ ids: "small" }).install({ baseUrl: "https://ghe.example.com/api/v3" });
    await roundTrip("https://ghe.example.com/api/v3", "9000", "9001", fakeSha());
    expect(github.unmatched).toEqual([]);
  });

  it("serializeJson writes bigints as digits and leaves everything else to JSON.stringify", () => {
    const value = { a: 2n ** 64n, b: [1, -3n, "9007199254740993"], c: null, d: undefined };
    expect(serializeJson(value)).toBe(
      '{"a":18446744073709551616,"b":[1,-3,"9007199254740993"],"c":null}',
    );
    expect(JSON.parse(serializeJson({ id: 30_000_000_000 }))).toEqual({ id: 30_000_000_000 });
    expect(restId(9007199254740991n)).toBe(9007199254740991);
    expect(restId(9007199254740992n)).toBe(9007199254740992n);
  });
});
