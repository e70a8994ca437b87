/**
 * No secret in the logs. Every log line (level trace) of the app behind Probot's real HTTP server
 * is captured while it does a full evaluation with real app authentication (a throwaway key, a
 * JWT, a token exchange answering a recognizable `ghs_SECRET…` token), posts a milestone rollup,
 * answers a `/cost-value rollup` command, and meets failures (a GitHub call refused with 403, a
 * GraphQL 502 retried to exhaustion, a token exchange refused with 401, a forged delivery, a
 * database that cannot be reached). None of the private key (no 40-character slice of its body),
 * the installation token, the JWT, the webhook secret or the DATABASE_URL password appears.
 *
 * The logger is the one `npm start` uses (`createLog` in src/github/log-redaction.ts); the last
 * tests show what its redaction removes that a plain logger would print.
 */
import { createHmac } from "node:crypto";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import nock from "nock";
import pino, { type Logger } from "pino";
import { Probot, Server } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { createCostValueApp, productionApp } from "../../src/github/app.js";
import { Lifecycle } from "../../src/github/lifecycle.js";
import {
  createLog,
  redactionOptions,
  scrubber,
  secretValues,
} from "../../src/github/log-redaction.js";
import { Metrics } from "../../src/github/metrics.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import {
  APP_ID,
  freePort,
  instantRetries,
  PINNED_NOW,
  throwawayPrivateKey,
} from "../helpers/probot.js";
import {
  baseUrlOf,
  installGitHub,
  makeTenant,
  prOpened,
  RoutedOctokit,
  rollupCommand,
  type Tenant,
  tokenOf,
} from "./two-tenants.js";

const PRIVATE_KEY = throwawayPrivateKey();
const WEBHOOK_SECRET = "whsec-SECRET-7f3c9a1e5b2d";
const DB_PASSWORD = "pgpass-SECRET-2d8e4b61";
const TOKEN = tokenOf(1);
const ENV = {
  APP_ID: String(APP_ID),
  PRIVATE_KEY,
  WEBHOOK_SECRET,
  DATABASE_URL: `postgres://cost_value:${DB_PASSWORD}@127.0.0.1:1/cost_value`,
  NODE_ENV: "production",
  LOG_LEVEL: "trace",
};

/** The key's base64 body, without header, footer and line breaks. */
const KEY_BODY = PRIVATE_KEY.split("\n")
  .filter((l) => l !== "" && !l.startsWith("-----"))
  .join("");

/** Every secret found in `text`, described (never the secret itself). */
function leaks(text: string, extra: { jwts?: string[] } = {}): string[] {
  const found: string[] = [];
  if (text.includes(WEBHOOK_SECRET)) found.push("the webhook secret");
  if (text.includes(DB_PASSWORD)) found.push("the DATABASE_URL password");
  if (text.includes(TOKEN)) found.push("the installation token");
  if (/ghs_[A-Za-z0-9]{16,}/.test(text)) found.push("a ghs_ token");
  if (/eyJ[\w-]{6,}\.eyJ[\w-]{6,}\.[\w-]{10,}/.test(text)) found.push("a JWT");
  for (const jwt of extra.jwts ?? []) if (text.includes(jwt)) found.push("the app's JWT");
  if (/BEGIN [A-Z ]*PRIVATE KEY-----(?!\[REDACTED\])/.test(text)) found.push("a PEM private key");
  for (let i = 0; i + 40 <= KEY_BODY.length; i++) {
    if (text.includes(KEY_BODY.slice(i, i + 40))) {
      found.push(`a 40-character slice of the private key (offset ${i})`);
      break;
    }
  }
  return found;
}

class Capture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: unknown, _encoding: string, done: () => void): void {
    this.lines.push(String(chunk));
    done();
  }
  get text(): string {
    return this.lines.join("");
  }
}

let db: TestDatabase;
let a: Tenant;
let jwtsSeen: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE");
  a = makeTenant({
    installationId: 1,
    repoId: 101,
    costs: { 11: "11.11", 12: "1.03" },
    worth: "$1,111",
    maintainer: "alice",
  });
  // the JWTs the app authenticates with are kept, to look for them in the logs
  jwtsSeen = installGitHub([a]).jwts;
  // installation 3's token exchange is refused (a revoked or wrong key)
  nock(baseUrlOf(3))
    .persist()
    .post("/app/installations/3/access_tokens")
    .reply(401, { message: "A JSON web token could not be decoded" });
});

/** Probot's HTTP server with the app, logging through `log`. */
async function startServer(log: Logger): Promise<{ server: Server; port: number }> {
  const port = await freePort();
  const server = new Server({
    host: "127.0.0.1",
    port,
    log,
    Probot: Probot.defaults({
      appId: APP_ID,
      privateKey: PRIVATE_KEY,
      secret: WEBHOOK_SECRET,
      Octokit: RoutedOctokit,
      log,
    }),
  });
  await server.load(
    createCostValueApp({
      appId: APP_ID,
      now: () => PINNED_NOW,
      database: db,
      retryPolicy: instantRetries(),
    }),
  );
  await server.start();
  return { server, port };
}

let deliveries = 0;
async function post(
  port: number,
  event: string,
  payload: unknown,
  secret = WEBHOOK_SECRET,
): Promise<number> {
  const body = JSON.stringify(payload);
  const response = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": `secrets-${++deliveries}`,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
  });
  await response.arrayBuffer();
  return response.status;
}

/** The whole scenario; returns the HTTP statuses. */
async function scenario(port: number): Promise<number[]> {
  const statuses: number[] = [];
  const [first, second] = a.prs;
  if (first === undefined || second === undefined) throw new Error("two PRs expected");
  // a full evaluation, with the milestone's rollup posted
  statuses.push(await post(port, "pull_request", prOpened(a, first)));
  // a /cost-value command answered
  a.github.permissions.set("alice", { permission: "admin", role_name: "admin" });
  statuses.push(await post(port, "issue_comment", rollupCommand(a, { issueNumber: 40 })));
  // GitHub refuses the check run (403): the evaluation fails and is logged with the request
  a.github.fail("create", 403);
  statuses.push(await post(port, "pull_request", prOpened(a, second)));
  // GraphQL answers 502 until the retries are spent
  a.github.fail("graphql", 502, 10);
  statuses.push(await post(port, "pull_request", prOpened(a, second)));
  // installation 3: the token exchange is refused
  const other = makeTenant({
    installationId: 3,
    repoId: 303,
    costs: { 11: "3.33" },
    worth: "$333",
    maintainer: "carol",
  });
  const third = other.prs[0];
  if (third === undefined) throw new Error("a PR expected");
  statuses.push(await post(port, "pull_request", prOpened(other, third)));
  // a forged delivery
  statuses.push(await post(port, "pull_request", prOpened(a, first), "guessed-secret"));
  return statuses;
}

describe("secrets in logs", () => {
  it("a full evaluation, a rollup, a command and failures log no key, token, JWT, secret or password", async () => {
    const capture = new Capture();
    const log = await createLog(ENV, capture);
    const { server, port } = await startServer(log);
    let statuses: number[];
    try {
      statuses = await scenario(port);
    } finally {
      await server.stop();
    }
    // the scenario did what it says (so the log has something to leak)
    expect(statuses[0]).toBe(200);
    expect(statuses[1]).toBe(200);
    expect(statuses.slice(2, 5).every((s) => s >= 400)).toBe(true);
    expect(statuses[5]).toBe(400);
    expect(jwtsSeen.length).toBeGreaterThan(0);
    expect(a.github.checkRuns.length).toBeGreaterThan(0);
    expect(a.github.comments.some((c) => c.issue_number === 40)).toBe(true);
    const text = capture.text;
    expect(text).toContain("cost-value: check published");
    expect(text).toContain("cost-value: evaluation failed");
    expect(text).toContain("authorization");
    expect(capture.lines.length).toBeGreaterThan(20);

    expect(leaks(text, { jwts: jwtsSeen })).toEqual([]);
  });

  it("a database that cannot be reached: neither the logs nor the error show its password", async () => {
    const capture = new Capture();
    const log = await createLog(ENV, capture);
    const probot = new Probot({ appId: APP_ID, privateKey: PRIVATE_KEY, log });
    const lifecycle = new Lifecycle();
    let failure: unknown;
    try {
      await probot.load(
        productionApp({
          env: { ...ENV, COST_VALUE_SWEEP_SECONDS: "3600" },
          lifecycle,
          metrics: new Metrics(),
        }),
      );
    } catch (error) {
      failure = error;
      log.error({ err: error }, "cost-value: start-up failed");
    } finally {
      await lifecycle.shutdown(1_000);
    }
    expect(failure).toBeDefined();
    expect(capture.text).toContain("start-up failed");
    expect(leaks(capture.text)).toEqual([]);
    expect(leaks(`${String(failure)}\n${inspect(failure, { depth: 8 })}`)).toEqual([]);
  });
});

describe("the redaction itself (what a plain logger would print)", () => {
  /** What libraries put in logs: errors carrying raw credentials. */
  function leakyRecords(): [Record<string, unknown>, string][] {
    const requestError = Object.assign(new Error("HttpError: Bad credentials"), {
      status: 401,
      request: {
        method: "POST",
        url: "https://api.github.com/app/installations/1/access_tokens",
        headers: {
          authorization: `bearer ${jwtsSeen[0] ?? "eyJhbGciOi.eyJpYXQiOjE3.c2lnbmF0dXJlc2ln"}`,
        },
      },
      response: { status: 401, headers: {}, data: { token: TOKEN } },
    });
    return [
      [{ err: requestError }, "a request error with the JWT in its headers"],
      [{ err: new AggregateError([requestError], "handler failed") }, "an AggregateError of it"],
      [{ req: { headers: { authorization: `token ${TOKEN}` } } }, "an incoming request"],
      [{ config: { privateKey: PRIVATE_KEY, secret: WEBHOOK_SECRET } }, "options with credentials"],
      [{ msg: `connecting to ${ENV.DATABASE_URL}` }, "a URL with a password in a message"],
      [{ note: `key was ${PRIVATE_KEY.split("\n")[3]}` }, "a line of the key in free text"],
      [{ note: `loaded ${PRIVATE_KEY}` }, "the whole key in free text"],
      [{ token: TOKEN }, "a token field"],
    ];
  }

  it("each leaky record leaks through a plain pino logger (the control)", () => {
    for (const [record, name] of leakyRecords()) {
      const capture = new Capture();
      pino({ level: "trace" }, capture).error(record, "x");
      expect(leaks(capture.text, { jwts: jwtsSeen }), name).not.toEqual([]);
    }
  });

  it("and none leaks through the app's logger", async () => {
    for (const [record, name] of leakyRecords()) {
      const capture = new Capture();
      (await createLog(ENV, capture)).error(record, "x");
      expect(leaks(capture.text, { jwts: jwtsSeen }), name).toEqual([]);
      expect(capture.text).toMatch(/\[REDACTED|:\*\*\*@/);
    }
  });

  it("the options merge into any pino logger (for hosts that build their own)", () => {
    const capture = new Capture();
    pino({ level: "info", ...redactionOptions(ENV) }, capture).info(
      { headers: { authorization: `token ${TOKEN}` } },
      `secret is ${WEBHOOK_SECRET}`,
    );
    expect(leaks(capture.text)).toEqual([]);
  });
});

describe("the scrubber", () => {
  const scrub = scrubber(secretValues(ENV));
  const otherKey = throwawayPrivateKey();

  it("removes keys it was not told about, raw, JSON-escaped, or cut off before their end", () => {
    for (const text of [
      `key: ${otherKey}`,
      JSON.stringify({ msg: `key: ${otherKey}` }),
      `key: ${otherKey.slice(0, 900)}`,
    ]) {
      const out = scrub(text);
      expect(out).toContain("PRIVATE KEY-----[REDACTED]");
      expect(out).not.toContain(otherKey.split("\n")[2]);
    }
  });

  it("removes JWTs and tokens wherever they are, and leaves ordinary text alone", () => {
    const jwt =
      "eyJhbGciOiJSUzI1NiJ9.eyJpYXQiOjE3OTU5Mjg2MTIsImlzcyI6MTAwMX0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    expect(scrub(`{"auth":"bearer ${jwt}"}`)).toBe('{"auth":"bearer [REDACTED JWT]"}');
    expect(scrub("ghp_abcdefghijklmnopqrstuvwxyz012345 ok")).toBe("gh*_[REDACTED] ok");
    const ordinary =
      '{"msg":"GitHub request: POST https://api.github.com/repos/acme/shop/check-runs - 201","sha":"a1b2c3"}';
    expect(scrub(ordinary)).toBe(ordinary);
  });

  it("stays linear on long adversarial lines (a loose bound that only catches catastrophic backtracking)", () => {
    const n = 200_000;
    const lines = [
      "a-".repeat(n / 2),
      "eyJ-".repeat(n / 4),
      "eyJaaaaaaa.eyJ".repeat(n / 14),
      "a://a:".repeat(n / 6),
      "-----BEGIN RSA PRIVATE KEY-----".repeat(n / 31),
      "x ghs_aaaaaaaaaaaaaaaa".repeat(n / 22),
      '"authorization":"token '.repeat(n / 23),
      "A".repeat(n),
    ];
    const started = performance.now();
    for (const line of lines) scrub(line);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
