/**
 * `cost-value redeliver`: the app's failed webhook deliveries, listed through GitHub's cursor
 * paging down to the --since horizon, redelivered once per event, with the app's real JWT auth
 * (a throwaway RSA key) against GitHub mocked with nock.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type HookDelivery,
  planRedeliveries,
  type RedeliverOptions,
  runRedeliverCommand,
} from "../../src/cli/redeliver-command.js";
import { appCredentialsFromEnv, createAppClients } from "../../src/github/app-client.js";
import { captureIo, runCliCaptured } from "../helpers/cli.js";
import { APP_ID, instantRetries, TestOctokit, throwawayPrivateKey } from "../helpers/probot.js";

const API = "https://api.github.com";
const NOW = new Date("2026-11-28T12:00:00.000Z");
const HOUR = 3_600_000;

let privateKey: string;
beforeAll(() => {
  privateKey = throwawayPrivateKey();
});

/** What the test's GitHub saw. */
interface Seen {
  pages: string[];
  posts: number[];
  authorizations: string[];
}

let seen: Seen;
beforeEach(() => {
  seen = { pages: [], posts: [], authorizations: [] };
});

let nextId = 1;
function delivery(
  guid: string,
  hoursAgo: number,
  statusCode: number,
  extra: Partial<HookDelivery> = {},
  now = NOW,
): HookDelivery {
  return {
    id: nextId++,
    guid,
    delivered_at: new Date(now.getTime() - hoursAgo * HOUR).toISOString().replace(/\.\d+Z$/, "Z"),
    redelivery: false,
    status:
      statusCode >= 200 && statusCode < 400
        ? "OK"
        : statusCode === 0
          ? "timed out"
          : "Invalid HTTP Response: 503",
    status_code: statusCode,
    event: "pull_request",
    action: "opened",
    installation_id: 4242,
    repository_id: 77,
    ...extra,
  };
}

/**
 * GitHub's `GET /app/hook/deliveries`: newest first, `pageSize` a page (whatever per_page asks),
 * the next page named by a cursor in the `link` header. `failPosts`: delivery ids whose
 * redelivery request fails with that status.
 */
function serveDeliveries(
  all: HookDelivery[],
  options: { pageSize?: number; failPosts?: Map<number, number> } = {},
): void {
  const sorted = [...all].sort((a, b) => Date.parse(b.delivered_at) - Date.parse(a.delivered_at));
  const pageSize = options.pageSize ?? 3;
  nock(API)
    .persist()
    .get("/app/hook/deliveries")
    .query(true)
    .reply(function (uri) {
      seen.pages.push(uri);
      seen.authorizations.push(String(this.req.headers.authorization));
      const url = new URL(uri, API);
      expect(url.searchParams.get("per_page")).toBe("100");
      const cursor = url.searchParams.get("cursor");
      const from = cursor === null ? 0 : Number(cursor.replace("c", ""));
      const page = sorted.slice(from, from + pageSize);
      const headers: Record<string, string> = {};
      if (from + pageSize < sorted.length) {
        headers.link = `<${API}/app/hook/deliveries?per_page=100&cursor=c${from + pageSize}>; rel="next"`;
      }
      return [200, page, headers];
    });
  nock(API)
    .persist()
    .post(/^\/app\/hook\/deliveries\/\d+\/attempts$/)
    .reply(function (uri) {
      const id = Number(uri.split("/")[4]);
      seen.posts.push(id);
      seen.authorizations.push(String(this.req.headers.authorization));
      const status = options.failPosts?.get(id);
      if (status !== undefined) return [status, { message: `injected ${status}` }];
      return [202, {}];
    });
}

function clients() {
  return createAppClients(
    appCredentialsFromEnv({ APP_ID: String(APP_ID), PRIVATE_KEY: privateKey }, tmpdir()),
    { Octokit: TestOctokit, retryPolicy: instantRetries() },
  );
}

async function redeliver(options: RedeliverOptions) {
  const io = captureIo({ cwd: tmpdir(), env: {} });
  const code = await runRedeliverCommand(options, io, { clients: clients(), now: () => NOW });
  return { code, ...io.output() };
}

describe("cost-value redeliver", () => {
  it("pages back to the --since horizon only, and redelivers each failed event once", async () => {
    const a1 = delivery("guid-a", 1, 503); // failed, never redelivered → redeliver
    const b1 = delivery("guid-b", 5, 0); // timed out …
    const b2 = delivery("guid-b", 4, 200, { redelivery: true }); // … then redelivered OK → skip
    const c1 = delivery("guid-c", 6, 200); // fine → not listed
    const d1 = delivery("guid-d", 8, 500); // failed …
    const d2 = delivery("guid-d", 7, 502, { redelivery: true }); // … and its redelivery too → once
    const e1 = delivery("guid-e", 23, 404); // failed, just inside 24h
    const old1 = delivery("guid-old", 30, 500); // failed, outside the window
    const old2 = delivery("guid-older", 40, 500);
    const old3 = delivery("guid-oldest", 50, 500);
    const old4 = delivery("guid-ancient", 60, 500);
    serveDeliveries([a1, b1, b2, c1, d1, d2, e1, old1, old2, old3, old4], { pageSize: 3 });

    const run = await redeliver({});
    expect(run.code).toBe(0);
    // pages: [a1 b2 b1] [c1 d2 d1] [e1 old1 old2] — the third reaches past 24h: no fourth
    expect(seen.pages).toHaveLength(3);
    // oldest first, the latest failed attempt of each event
    expect(seen.posts).toEqual([e1.id, d2.id, a1.id]);
    expect(run.stdout).toContain(
      `guid-b  pull_request.opened  ${b1.delivered_at}  timed out  → skipped: redelivered OK at ${b2.delivered_at}`,
    );
    expect(run.stdout).toContain(
      `guid-d  pull_request.opened  ${d2.delivered_at}  HTTP 502, Invalid HTTP Response: 503 (2 attempts)  → redelivered`,
    );
    expect(run.stdout).toContain("guid-a");
    expect(run.stdout).not.toContain("guid-c");
    expect(run.stdout).not.toContain("guid-old");
    expect(run.stdout).toContain(
      "4 events failed: 3 redelivered, 0 failed to redeliver, 1 skipped",
    );
    // app endpoints are called with the app's JWT (iss = APP_ID), never an installation token
    for (const auth of seen.authorizations) {
      expect(auth).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      const payload = JSON.parse(
        Buffer.from(auth.split(" ")[1]?.split(".")[1] ?? "", "base64url").toString(),
      ) as { iss: unknown };
      expect(String(payload.iss)).toBe(String(APP_ID));
    }
  });

  it("goes further back with --since, and refuses a bad --since naming the accepted forms", async () => {
    const recent = delivery("guid-1", 2, 500);
    const older = delivery("guid-2", 30, 500);
    const oldest = delivery("guid-3", 70, 500);
    serveDeliveries([recent, older, oldest], { pageSize: 1 });
    const run = await redeliver({ since: "2d", dryRun: true });
    expect(run.code).toBe(0);
    expect(seen.posts).toEqual([]);
    expect(run.stdout).toContain("guid-1");
    expect(run.stdout).toContain("guid-2");
    expect(run.stdout).not.toContain("guid-3");
    expect(run.stdout).toContain("would redeliver (--dry-run)");
    expect(run.stdout).toContain("2 would be redelivered (--dry-run)");
    expect(seen.pages).toHaveLength(3);

    const iso = await redeliver({ since: "2026-11-28T09:00:00Z", dryRun: true });
    expect(iso.stdout).toContain("guid-1");
    expect(iso.stdout).not.toContain("guid-2");

    for (const bad of ["yesterday", "24", "-3h", "2026-13-45"]) {
      const refused = await runCliCaptured(["redeliver", "--since", bad], {
        cwd: tmpdir(),
        env: { APP_ID: String(APP_ID), PRIVATE_KEY: privateKey },
      });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`--since "${bad}" is neither an ISO time`);
      expect(refused.stderr).toContain("30m, 2h, 3d");
    }
    const future = await redeliver({ since: "2027-01-01" });
    expect(future.code).toBe(2);
    expect(future.stderr).toContain("is in the future");
  });

  it("exits 1 when one redelivery request fails, and still makes the others", async () => {
    const a = delivery("guid-a", 1, 500);
    const b = delivery("guid-b", 2, 500);
    const c = delivery("guid-c", 3, 500);
    serveDeliveries([a, b, c], { failPosts: new Map([[b.id, 422]]) });
    const run = await redeliver({});
    expect(run.code).toBe(1);
    expect(seen.posts).toEqual([c.id, b.id, a.id]);
    expect(run.stdout).toMatch(/guid-b .* → FAILED: .*422/);
    expect(run.stdout).toContain("2 redelivered, 1 failed to redeliver");
    expect(run.stderr).toContain("1 redelivery request failed; run again later");
  });

  it("a 5xx on a redelivery request is not repeated blindly (it may have been accepted)", async () => {
    const a = delivery("guid-a", 1, 500);
    serveDeliveries([a], { failPosts: new Map([[a.id, 502]]) });
    const run = await redeliver({});
    expect(run.code).toBe(1);
    expect(seen.posts).toEqual([a.id]);
  });

  it("leaves an event alone once it has failed --max-attempts times", async () => {
    const tries = [5, 4, 3].map((h, i) => delivery("guid-x", h, 500, { redelivery: i > 0 }));
    serveDeliveries(tries);
    const three = await redeliver({ maxAttempts: "3" });
    expect(three.code).toBe(0);
    expect(seen.posts).toEqual([]);
    expect(three.stdout).toContain("skipped: failed 3 times; not retried (--max-attempts 3)");
    const four = await redeliver({ maxAttempts: "4" });
    expect(seen.posts).toEqual([tries[2]?.id]);
    expect(four.stdout).toContain("(3 attempts)  → redelivered");
    const bad = await redeliver({ maxAttempts: "0" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-attempts");
  });

  it("prints JSON for machines", async () => {
    const a = delivery("guid-a", 1, 503, { action: null, event: "check_suite" });
    const ok = delivery("guid-ok", 2, 200);
    serveDeliveries([a, ok]);
    const run = await redeliver({ json: true });
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as {
      since: string;
      inWindow: number;
      redelivered: number;
      deliveries: { guid: string; event: string; action: null; result: string }[];
    };
    expect(parsed.since).toBe("2026-11-27T12:00:00.000Z");
    expect(parsed.inWindow).toBe(2);
    expect(parsed.redelivered).toBe(1);
    expect(parsed.deliveries).toEqual([
      expect.objectContaining({
        guid: "guid-a",
        event: "check_suite",
        action: null,
        result: "redelivered",
      }),
    ]);
  });

  it("runs from the command line with the app's environment, and never prints the key or a token", async () => {
    const now = new Date();
    const a = delivery("guid-live", 1, 503, {}, now);
    serveDeliveries([a, delivery("guid-fine", 2, 200, {}, now)]);
    const dir = mkdtempSync(join(tmpdir(), "cv-redeliver-"));
    writeFileSync(join(dir, "app.pem"), privateKey);
    const run = await runCliCaptured(["redeliver"], {
      cwd: dir,
      env: { APP_ID: String(APP_ID), PRIVATE_KEY_PATH: "app.pem" },
    });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(seen.posts).toEqual([a.id]);
    const printed = run.stdout + run.stderr;
    expect(printed).not.toContain("PRIVATE KEY");
    expect(printed).not.toContain(privateKey.split("\n")[1] ?? "-");
    expect(printed).not.toMatch(/bearer|ghs_/i);
  });

  it("reads APP_ID and the key from .env in the working directory, as the app does; the environment wins", async () => {
    const now = new Date();
    const a = delivery("guid-dotenv", 1, 503, {}, now);
    serveDeliveries([a]);
    const dir = mkdtempSync(join(tmpdir(), "cv-redeliver-dotenv-"));
    writeFileSync(join(dir, "app.pem"), privateKey);
    writeFileSync(
      join(dir, ".env"),
      `# as Probot's set-up writes it\nAPP_ID=${APP_ID}\nPRIVATE_KEY_PATH=app.pem\nWEBHOOK_SECRET=x\n`,
    );
    const run = await runCliCaptured(["redeliver"], { cwd: dir, env: {} });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(seen.posts).toEqual([a.id]);
    // a variable set in the environment is not replaced by the file's
    const overridden = await runCliCaptured(["redeliver"], {
      cwd: dir,
      env: { APP_ID: "not-a-number" },
    });
    expect(overridden.code).toBe(2);
    expect(overridden.stderr).toContain(
      "APP_ID must be the app's numeric App ID (shown in the GitHub App's settings (Settings → Developer settings → GitHub Apps → cost-value)), not \"not-a-number\"",
    );
  });

  it("names the missing variable and how to set it", async () => {
    const empty = mkdtempSync(join(tmpdir(), "cv-redeliver-empty-"));
    const noId = await runCliCaptured(["redeliver"], {
      cwd: empty,
      env: { PRIVATE_KEY: privateKey },
    });
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain(
      `APP_ID is not set (neither in the environment nor in ${join(empty, ".env")}). Set it to the App ID shown in the GitHub App's settings`,
    );
    const badId = await runCliCaptured(["redeliver"], {
      cwd: empty,
      env: { APP_ID: "cost-value", PRIVATE_KEY: privateKey },
    });
    expect(badId.stderr).toContain("APP_ID must be the app's numeric App ID");
    const noKey = await runCliCaptured(["redeliver"], { cwd: empty, env: { APP_ID: "1001" } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain(
      "PRIVATE_KEY is not set. Set PRIVATE_KEY to the content of the app's private key",
    );
    expect(noKey.stderr).toContain("PRIVATE_KEY_PATH");
    const badPath = await runCliCaptured(["redeliver"], {
      cwd: empty,
      env: { APP_ID: "1001", PRIVATE_KEY_PATH: "nope.pem" },
    });
    expect(badPath.stderr).toContain("PRIVATE_KEY_PATH names a file that does not exist (nope.pem");
    const notPem = await runCliCaptured(["redeliver"], {
      cwd: empty,
      env: { APP_ID: "1001", PRIVATE_KEY: "secret-but-not-a-key" },
    });
    expect(notPem.code).toBe(2);
    expect(notPem.stderr).toContain("PRIVATE_KEY is not a PEM private key");
    expect(notPem.stderr).not.toContain("secret-but-not-a-key");
    // no request left the machine
    expect(seen.pages).toEqual([]);
  });
});

describe("planRedeliveries", () => {
  it("redelivers the latest failed attempt of an event, unless a success came after it", () => {
    const first = delivery("g", 3, 500);
    const ok = delivery("g", 2, 200, { redelivery: true });
    const again = delivery("g", 1, 500, { redelivery: true }); // failed again after a success
    expect(planRedeliveries([again, ok, first], 5)).toEqual([
      expect.objectContaining({
        guid: "g",
        deliveryId: again.id,
        failedAttempts: 2,
        result: "would-redeliver",
      }),
    ]);
    expect(planRedeliveries([ok, first], 5)).toEqual([
      expect.objectContaining({ result: "skipped", deliveryId: first.id }),
    ]);
    expect(planRedeliveries([delivery("h", 1, 302)], 5)).toEqual([]);
    expect(planRedeliveries([delivery("h", 1, 200, { status: "Timeout" })], 5)).toHaveLength(1);
  });
});
