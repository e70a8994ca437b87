/**
 * Webhook signatures over real HTTP (Probot's server and middleware, real app authentication with
 * a throwaway key, the app with its database): a delivery that is unsigned, signed with another
 * secret, signed with SHA-1 only, carries a malformed signature, or replays a valid signature with
 * a different body is refused with 4xx before anything is read or written: no request reaches
 * GitHub (not even the token exchange) and no row is written to the database.
 */
import { createHmac } from "node:crypto";
import nock from "nock";
import pino from "pino";
import { Probot, Server } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { createCostValueApp, productionApp } from "../../src/github/app.js";
import { UnsafeEnvironmentError } from "../../src/github/environment.js";
import { Lifecycle } from "../../src/github/lifecycle.js";
import { Metrics } from "../../src/github/metrics.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { commitsOf, FakeGitHub } from "../helpers/fake-github/index.js";
import {
  APP_ID,
  freePort,
  PINNED_NOW,
  TestOctokit,
  throwawayPrivateKey,
} from "../helpers/probot.js";
import {
  commentPayload,
  INSTALLATION_ID,
  pullRequestPayload,
} from "../helpers/webhook-payloads.js";

const SECRET = "signatures-test-secret-5b1f";
const privateKey = throwawayPrivateKey();

let db: TestDatabase;
let server: Server;
let port: number;
let github: FakeGitHub;
let tokenRequests = 0;
let prBody: string;
let commentBody: string;

beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE");
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
    milestone: { number: 3, title: "Checkout v2", state: "OPEN" },
  });
  github.install();
  github.permissions.set("maria", { permission: "admin", role_name: "admin" });
  tokenRequests = 0;
  nock("https://api.github.com")
    .persist()
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(() => {
      tokenRequests++;
      return [201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} }];
    });
  const target = { owner: "acme", repo: "shop", repoId: 77 };
  prBody = JSON.stringify(
    pullRequestPayload("opened", { ...target, number: 7, headSha: pr.headSha, body: pr.body }),
  );
  commentBody = JSON.stringify(
    commentPayload(target, {
      issueNumber: 40,
      body: "/cost-value rollup",
      login: "maria",
      milestone: { number: 3, title: "Checkout v2" },
    }),
  );

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
  await server.load(createCostValueApp({ appId: APP_ID, now: () => PINNED_NOW, database: db }));
  await server.start();
});

afterEach(async () => {
  await server.stop();
});

const hmac = (algorithm: "sha1" | "sha256", body: string, secret = SECRET): string =>
  createHmac(algorithm, secret).update(body).digest("hex");

let deliveryCounter = 0;
function deliver(
  event: string,
  body: string,
  signatureHeaders: Record<string, string>,
): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": `signatures-${++deliveryCounter}`,
      ...signatureHeaders,
    },
  });
}

/** Rows in every table of the schema (the migrations' bookkeeping excepted). */
async function rowsInEveryTable(): Promise<Record<string, number>> {
  const tables = await db.pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
       AND table_name <> 'schema_migrations' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${table_name}"`,
    );
    counts[table_name] = rows[0]?.n ?? -1;
  }
  return counts;
}

const total = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0);

describe("webhook signatures over HTTP", () => {
  it("a correctly signed delivery is processed (the control: reads, writes and rows happen)", async () => {
    const response = await deliver("pull_request", prBody, {
      "x-hub-signature-256": `sha256=${hmac("sha256", prBody)}`,
    });
    expect(response.status).toBe(200);
    expect(tokenRequests).toBe(1);
    expect(github.requests.length).toBeGreaterThan(0);
    expect(total(await rowsInEveryTable())).toBeGreaterThan(0);
  });

  const otherBody = (): string => prBody.replace('"number":7', '"number":8');
  const refused: [string, () => [string, string, Record<string, string>]][] = [
    ["unsigned", () => ["pull_request", prBody, {}]],
    [
      "signed with another secret",
      () => [
        "pull_request",
        prBody,
        { "x-hub-signature-256": `sha256=${hmac("sha256", prBody, "not-the-secret")}` },
      ],
    ],
    [
      "signed with SHA-1 only (x-hub-signature, even with the right secret)",
      () => ["pull_request", prBody, { "x-hub-signature": `sha1=${hmac("sha1", prBody)}` }],
    ],
    [
      "a SHA-1 digest in the SHA-256 header",
      () => ["pull_request", prBody, { "x-hub-signature-256": `sha1=${hmac("sha1", prBody)}` }],
    ],
    [
      "a malformed header (not hex)",
      () => ["pull_request", prBody, { "x-hub-signature-256": `sha256=${"z".repeat(64)}` }],
    ],
    [
      "a malformed header (no algorithm)",
      () => ["pull_request", prBody, { "x-hub-signature-256": hmac("sha256", prBody) }],
    ],
    [
      "a malformed header (truncated digest)",
      () => [
        "pull_request",
        prBody,
        { "x-hub-signature-256": `sha256=${hmac("sha256", prBody).slice(0, 40)}` },
      ],
    ],
    ["an empty header", () => ["pull_request", prBody, { "x-hub-signature-256": "" }]],
    [
      "a valid signature of one body replayed with another body",
      () => {
        const altered = otherBody();
        expect(altered).not.toBe(prBody);
        return [
          "pull_request",
          altered,
          { "x-hub-signature-256": `sha256=${hmac("sha256", prBody)}` },
        ];
      },
    ],
    [
      "a valid signature of one event's body sent with another event's body",
      () => [
        "issue_comment",
        commentBody,
        { "x-hub-signature-256": `sha256=${hmac("sha256", prBody)}` },
      ],
    ],
    [
      "a valid signature with whitespace appended to the body",
      () => [
        "pull_request",
        `${prBody} `,
        { "x-hub-signature-256": `sha256=${hmac("sha256", prBody)}` },
      ],
    ],
  ];

  for (const [name, make] of refused) {
    it(`refuses ${name}: 4xx, nothing read from GitHub, no row written`, async () => {
      const [event, body, headers] = make();
      const response = await deliver(event, body, headers);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(github.requests).toEqual([]);
      expect(tokenRequests).toBe(0);
      expect(total(await rowsInEveryTable())).toBe(0);
    });
  }

  it("a command comment with a forged signature posts nothing and asks nothing", async () => {
    const response = await deliver("issue_comment", commentBody, {
      "x-hub-signature-256": `sha256=${hmac("sha256", commentBody, "guessed")}`,
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(github.requests).toEqual([]);
    expect(github.comments).toEqual([]);
    expect(tokenRequests).toBe(0);
  });
});

describe("the webhook secret in production", () => {
  for (const secret of [undefined, "", "development"]) {
    it(`the app refuses to load with WEBHOOK_SECRET=${JSON.stringify(secret)} (Probot's default) in production`, async () => {
      const probot = new Probot({
        appId: APP_ID,
        privateKey,
        log: pino({ level: "silent" }),
      });
      const env: Record<string, string | undefined> = {
        NODE_ENV: "production",
        APP_ID: String(APP_ID),
        WEBHOOK_SECRET: secret,
        COST_VALUE_DATA_DIR: "memory://",
      };
      await expect(
        probot.load(productionApp({ env, lifecycle: new Lifecycle(), metrics: new Metrics() })),
      ).rejects.toThrow(UnsafeEnvironmentError);
    });
  }
});
