/**
 * The real HTTP server (Probot's Server, real app authentication with a throwaway key) receiving
 * signed deliveries over a socket. Unsigned or wrongly signed deliveries are refused with 4xx and
 * nothing is written to GitHub.
 */
import { createHmac } from "node:crypto";
import nock from "nock";
import pino from "pino";
import { Probot, Server } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCostValueApp } from "../../src/github/app.js";
import { commitsOf, FakeGitHub } from "../helpers/fake-github/index.js";
import {
  APP_ID,
  freePort,
  PINNED_NOW,
  TestOctokit,
  throwawayPrivateKey,
} from "../helpers/probot.js";
import { INSTALLATION_ID, pullRequestPayload } from "../helpers/webhook-payloads.js";

const SECRET = "test-webhook-secret";
const privateKey = throwawayPrivateKey();

let server: Server;
let port: number;
let github: FakeGitHub;
let tokenRequests = 0;
let payload: Record<string, unknown>;

beforeEach(async () => {
  github = new FakeGitHub().addRepo("acme", "shop", {}, 77);
  const commits = commitsOf(2);
  const pr = github.addPullRequest({
    owner: "acme",
    repo: "shop",
    number: 7,
    body: "## Value\nIssue: #1\nType: defect\nWorth: $100\n",
    headSha: commits.at(-1)?.sha ?? "",
    commits,
    closingIssues: [{ number: 1 }],
  });
  github.install();
  tokenRequests = 0;
  nock("https://api.github.com")
    .persist()
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(() => {
      tokenRequests++;
      return [201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} }];
    });
  payload = pullRequestPayload("opened", {
    owner: "acme",
    repo: "shop",
    repoId: 77,
    number: 7,
    headSha: pr.headSha,
    body: pr.body,
  });

  port = await freePort();
  const log = pino({ level: "silent" });
  server = new Server({
    host: "127.0.0.1",
    port,
    log,
    Probot: Probot.defaults({
      appId: APP_ID,
      privateKey,
      secret: SECRET,
      Octokit: TestOctokit,
      log,
    }),
  });
  await server.load(createCostValueApp({ appId: APP_ID, now: () => PINNED_NOW }));
  await server.start();
});

afterEach(async () => {
  await server.stop();
});

function deliver(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": "e2e-1",
      ...headers,
    },
  });
}

const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("the HTTP server", () => {
  it("accepts a signed delivery, authenticates as the installation and publishes the check", async () => {
    const body = JSON.stringify(payload);
    const response = await deliver(body, { "x-hub-signature-256": sign(body) });
    expect(response.status).toBe(200);
    expect(tokenRequests).toBe(1);
    expect(github.count()).toEqual({ total: 2, reads: 1, writes: 1 });
    expect(github.checkRuns[0]).toMatchObject({ conclusion: "success", name: "cost/value" });
  });

  it("refuses an unsigned or wrongly signed delivery with 4xx and writes nothing", async () => {
    const body = JSON.stringify(payload);
    const unsigned = await deliver(body, {});
    const forged = await deliver(body, { "x-hub-signature-256": sign(body, "not-the-secret") });
    for (const response of [unsigned, forged]) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    expect(github.requests).toHaveLength(0);
    expect(tokenRequests).toBe(0);
  });
});
