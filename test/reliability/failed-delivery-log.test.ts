/**
 * One failed delivery, as a new operator meets it: GitHub cannot be reached (DNS fails), and the
 * app behind Probot's real HTTP server logs through the logger `npm start` uses (`createLog`,
 * pretty format as in development). It must log one line per failure, with the delivery id and
 * the cause as it was (`ENOTFOUND api.github.com`), never call it an HTTP 500, and show the
 * payload only at debug, bounded.
 */
import { createHmac } from "node:crypto";
import { Writable } from "node:stream";
import { getTransformStream } from "@probot/pino";
import nock from "nock";
import { Probot, Server } from "probot";
import { describe, expect, it } from "vitest";
import { createCostValueApp } from "../../src/github/app.js";
import { PAYLOAD_LOG_LIMIT } from "../../src/github/failure-log.js";
import { createLog } from "../../src/github/log-redaction.js";
import { APP_ID, freePort, instantRetries, PINNED_NOW, TestOctokit } from "../helpers/probot.js";
import { pullRequestPayload } from "../helpers/webhook-payloads.js";

const SECRET = "whsec-first-hour-1234";

class Capture extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: unknown, _encoding: string, done: () => void): void {
    this.chunks.push(String(chunk));
    done();
  }
  get lines(): string[] {
    return this.chunks
      .join("")
      .split("\n")
      .filter((l) => l !== "");
  }
}

/** GitHub's host does not resolve: every request fails as undici's fetch fails then. */
function githubUnreachable(): void {
  const dns = () =>
    Object.assign(new Error("getaddrinfo ENOTFOUND api.github.com"), {
      code: "ENOTFOUND",
      errno: -3008,
      syscall: "getaddrinfo",
      hostname: "api.github.com",
    });
  nock("https://api.github.com").persist().post(/.*/).replyWithError(dns());
  nock("https://api.github.com").persist().get(/.*/).replyWithError(dns());
  nock("https://api.github.com").persist().patch(/.*/).replyWithError(dns());
}

async function deliverOnce(
  level: string,
): Promise<{ status: number; lines: string[]; payload: string }> {
  const capture = new Capture();
  const log = await createLog({ LOG_LEVEL: level, WEBHOOK_SECRET: SECRET }, capture);
  const port = await freePort();
  const server = new Server({
    host: "127.0.0.1",
    port,
    log,
    Probot: Probot.defaults({ githubToken: "test", secret: SECRET, Octokit: TestOctokit, log }),
  });
  await server.load(
    createCostValueApp({ appId: APP_ID, now: () => PINNED_NOW, retryPolicy: instantRetries() }),
  );
  await server.start();
  githubUnreachable();
  const payload = JSON.stringify(
    pullRequestPayload("opened", {
      owner: "acme",
      repo: "shop",
      repoId: 77,
      number: 7,
      headSha: "a".repeat(40),
      body: "## Value\nWorth: $8,000\n",
    }),
  );
  let status: number;
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: "POST",
      body: payload,
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "d-unreachable-1",
        "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(payload).digest("hex")}`,
      },
    });
    await response.arrayBuffer();
    status = response.status;
  } finally {
    await server.stop();
  }
  return { status, lines: capture.lines, payload };
}

/** The JSON lines as Probot's pretty format (what `npm start` prints outside production). */
async function pretty(lines: string[]): Promise<string[]> {
  const transform = await getTransformStream({ logFormat: "pretty", logLevelInString: false });
  const out: string[] = [];
  transform.on("data", (chunk: unknown) => out.push(String(chunk)));
  const ended = new Promise((resolve) => transform.on("end", resolve));
  for (const line of lines) transform.write(`${line}\n`);
  transform.end();
  await ended;
  return out
    .join("")
    .split("\n")
    .filter((l) => l !== "");
}

const records = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe("a delivery that fails because GitHub cannot be reached", () => {
  it("is logged once, with the delivery id and the cause as it was, without the payload", async () => {
    const { status, lines } = await deliverOnce("info");
    expect(status).toBe(500);
    const errors = records(lines).filter((r) => Number(r.level) >= 50);
    expect(errors).toHaveLength(1);
    const line = JSON.stringify(errors[0]);
    expect(line).toContain("d-unreachable-1");
    expect(line).toContain("acme/shop#7");
    expect(errors[0]?.cause).toBe("ENOTFOUND api.github.com");
    expect(errors[0]?.msg).toBe(
      "cost-value: evaluation failed: GitHub could not be reached: ENOTFOUND api.github.com (POST /graphql, 4 attempts)",
    );
    expect(line).not.toMatch(/HTTP 500/);
    // no payload anywhere at info (the example payload's author is Codertocat)
    expect(lines.join("\n")).not.toContain("Codertocat");
    // the pretty format a new operator sees: a handful of lines, not ~1,500
    const printed = await pretty(lines);
    expect(printed.length).toBeLessThanOrEqual(10);
  });

  it("shows the payload at debug, once and bounded", async () => {
    const { lines, payload } = await deliverOnce("debug");
    expect(payload.length).toBeGreaterThan(PAYLOAD_LOG_LIMIT);
    const withPayload = records(lines).filter((r) => JSON.stringify(r).includes("Codertocat"));
    expect(withPayload).toHaveLength(1);
    expect(withPayload[0]?.level).toBe(20);
    const logged = String(withPayload[0]?.payload);
    expect(logged.length).toBeLessThan(PAYLOAD_LOG_LIMIT + 60);
    expect(logged).toContain(`characters in all)`);
    expect(records(lines).filter((r) => Number(r.level) >= 50)).toHaveLength(1);
  });
});
