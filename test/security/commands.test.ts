/**
 * `/cost-value` commands: authority is asked of GitHub (the commenter's permission on the
 * repository, never the payload's author_association); bots and this app's own comments are
 * ignored without a single API call; and a user (or everyone together) cannot make the app post
 * more than a few answers a minute on one issue: commands beyond the limit get no reply, make no
 * API call, and are logged. The count is in the database, so it holds across app instances sharing
 * it (two Probot apps here; in PostgreSQL mode each with its own pool, as two processes would
 * have). The clock is pinned and moved by the test.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COMMAND_RATE_LIMITS, decideCommandRate, isBotLogin } from "../../src/core/command.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { createCostValueApp } from "../../src/github/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { commitsOf, FakeGitHub } from "../helpers/fake-github/index.js";
import { APP_ID, instantRetries, PINNED_NOW, TestOctokit } from "../helpers/probot.js";
import { commentPayload, pullRequestPayload } from "../helpers/webhook-payloads.js";

const REPO = { owner: "acme", repo: "shop", repoId: 77 };
const MILESTONE = { number: 3, title: "Checkout v2" };

let db: TestDatabase;
let github: FakeGitHub;
let now: Date;
let logLines: Record<string, unknown>[];
let deliveries = 0;

beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});

/** One app process: its own Probot and app instance, the shared database, a log to read. */
async function appProcess(database: Database = db): Promise<Probot> {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) logLines.push(JSON.parse(line));
      done();
    },
  });
  const probot = new Probot({
    githubToken: "test",
    Octokit: TestOctokit,
    log: pino({ level: "info" }, stream),
  });
  await probot.load(
    createCostValueApp({
      appId: APP_ID,
      now: () => now,
      database,
      retryPolicy: instantRetries(),
    }),
  );
  return probot;
}

let probot: Probot;

beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE"); // command_rate too (its foreign key)
  now = new Date(PINNED_NOW);
  logLines = [];
  github = new FakeGitHub().addRepo("acme", "shop", {}, REPO.repoId);
  const commits = commitsOf(1, () => "Work\n\nAgent-Cost: 14.62 USD\n");
  const pr = github.addPullRequest({
    owner: "acme",
    repo: "shop",
    number: 11,
    body: "## Value\nIssue: #123\nType: defect\nWorth: $8,000\n",
    headSha: commits[0]?.sha ?? "",
    commits,
    closingIssues: [{ number: 123 }],
    milestone: { ...MILESTONE, state: "OPEN" },
  });
  github.install();
  probot = await appProcess();
  await receive(
    probot,
    "pull_request",
    pullRequestPayload("opened", { ...REPO, number: 11, headSha: pr.headSha, body: pr.body }),
  );
  github.reset();
});

function receive(p: Probot, name: string, payload: Record<string, unknown>): Promise<void> {
  return p.receive({ id: `cmd-${++deliveries}`, name, payload } as never);
}

let userIds = 100;
const ids = new Map<string, number>();

function command(
  login: string,
  options: {
    issueNumber?: number;
    body?: string;
    bot?: boolean;
    userType?: string;
    viaApp?: number;
    association?: string;
  } = {},
): Record<string, unknown> {
  const payload = commentPayload(REPO, {
    issueNumber: options.issueNumber ?? 40,
    body: options.body ?? "/cost-value rollup",
    login,
    bot: options.bot ?? false,
    milestone: MILESTONE,
  });
  if (!ids.has(login)) ids.set(login, ++userIds);
  const id = ids.get(login);
  const comment = payload.comment as Record<string, unknown>;
  const user = comment.user as Record<string, unknown>;
  user.id = id;
  (payload.sender as Record<string, unknown>).id = id;
  if (options.userType !== undefined) {
    user.type = options.userType;
    (payload.sender as Record<string, unknown>).type = options.userType;
  }
  comment.performed_via_github_app = options.viaApp !== undefined ? { id: options.viaApp } : null;
  if (options.association !== undefined) comment.author_association = options.association;
  return payload;
}

const replies = (issue = 40) => github.comments.filter((c) => c.issue_number === issue);
const rateLogs = () =>
  logLines.filter((l) => String(l.msg).includes("command ignored: rate limit"));

describe("authority is asked of GitHub", () => {
  const refused = [
    { permission: "read", role_name: "read" },
    { permission: "read", role_name: "triage" },
    { permission: "none", role_name: "none" },
  ];
  for (const p of refused) {
    it(`refuses politely with ${p.role_name} (${p.permission}) permission, even as OWNER by author_association`, async () => {
      github.permissions.set("reader", p);
      await receive(probot, "issue_comment", command("reader", { association: "OWNER" }));
      expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /repos/acme/shop/collaborators/reader/permission",
        "POST /repos/acme/shop/issues/40/comments",
      ]);
      expect(replies()[0]?.body).toContain("Only people with write access");
      expect(replies()[0]?.body).not.toContain("Spend");
    });
  }

  it("refuses someone GitHub does not know as a collaborator (404)", async () => {
    await receive(probot, "issue_comment", command("stranger", { association: "MEMBER" }));
    expect(replies()[0]?.body).toContain("Only people with write access");
  });

  for (const p of [
    { permission: "write", role_name: "write" },
    { permission: "write", role_name: "maintain" },
    { permission: "admin", role_name: "admin" },
  ]) {
    it(`runs the command with ${p.role_name} permission`, async () => {
      github.permissions.set("maria", p);
      await receive(probot, "issue_comment", command("maria", { association: "NONE" }));
      expect(github.requests[0]?.path).toBe("/repos/acme/shop/collaborators/maria/permission");
      expect(replies()[0]?.body).toContain("**Investment \\$14.62**");
    });
  }
});

describe("bots are ignored without an API call", () => {
  const cases: [string, () => Record<string, unknown>][] = [
    ["a Bot sender", () => command("ci[bot]", { bot: true })],
    ["a [bot] login whose type says User", () => command("renovate[bot]", { userType: "User" })],
    ["an app's login in any case", () => command("Cost-Value[BOT]", { userType: "User" })],
    ["this app's own comment", () => command("maria", { viaApp: APP_ID })],
  ];
  for (const [name, make] of cases) {
    it(`ignores ${name}`, async () => {
      github.permissions.set("maria", { permission: "admin", role_name: "admin" });
      await receive(probot, "issue_comment", make());
      expect(github.requests).toEqual([]);
      expect(replies()).toEqual([]);
    });
  }

  it("answers a person whose comment another app posted for them (the control)", async () => {
    github.permissions.set("maria", { permission: "admin", role_name: "admin" });
    await receive(probot, "issue_comment", command("maria", { viaApp: 999 }));
    expect(replies()).toHaveLength(1);
  });

  it("never answers its own reply, even when the reply quotes a command", async () => {
    github.permissions.set("maria", { permission: "admin", role_name: "admin" });
    await receive(
      probot,
      "issue_comment",
      command("cost-value[bot]", { bot: true, viaApp: APP_ID, body: "/cost-value rollup" }),
    );
    expect(github.requests).toEqual([]);
  });
});

describe("rate limit", () => {
  const { perUserPerIssue, perIssue, windowMs } = COMMAND_RATE_LIMITS;

  it(`answers ${perUserPerIssue} commands of a user per issue per minute, then ignores them silently`, async () => {
    github.permissions.set("maria", { permission: "admin", role_name: "admin" });
    for (let i = 0; i < perUserPerIssue; i++) {
      await receive(probot, "issue_comment", command("maria"));
      now = new Date(now.getTime() + 1_000);
    }
    expect(replies()).toHaveLength(perUserPerIssue);
    github.reset();
    await receive(probot, "issue_comment", command("maria"));
    await receive(probot, "issue_comment", command("maria"));
    expect(github.requests).toEqual([]); // no permission check, no reply
    expect(replies()).toHaveLength(perUserPerIssue);
    expect(rateLogs()).toHaveLength(2);
    expect(rateLogs()[0]).toMatchObject({ user: "maria", issue: 40, limit: perUserPerIssue });

    // another issue, and another user on the same issue, are not limited by maria's commands
    github.permissions.set("li", { permission: "write", role_name: "write" });
    await receive(probot, "issue_comment", command("maria", { issueNumber: 41 }));
    await receive(probot, "issue_comment", command("li"));
    expect(replies(41)).toHaveLength(1);
    expect(replies()).toHaveLength(perUserPerIssue + 1);

    // a minute after the first command, maria may ask again
    now = new Date(PINNED_NOW.getTime() + windowMs + 1);
    await receive(probot, "issue_comment", command("maria"));
    expect(replies()).toHaveLength(perUserPerIssue + 2);
  });

  it("counts refused commands too: someone without access cannot make the app post refusals without bound", async () => {
    github.permissions.set("reader", { permission: "read", role_name: "read" });
    for (let i = 0; i < perUserPerIssue + 5; i++)
      await receive(probot, "issue_comment", command("reader"));
    expect(replies()).toHaveLength(perUserPerIssue);
    expect(github.requests.filter((r) => r.path.includes("/permission"))).toHaveLength(
      perUserPerIssue,
    );
  });

  it(`answers at most ${perIssue} commands per issue per minute, whoever asks`, async () => {
    for (let i = 0; i < perIssue + 3; i++) {
      const login = `user${i}`;
      github.permissions.set(login, { permission: "write", role_name: "write" });
      await receive(probot, "issue_comment", command(login));
    }
    expect(replies()).toHaveLength(perIssue);
    expect(rateLogs()).toHaveLength(3);
    expect(rateLogs()[0]).toMatchObject({ limit: perIssue, per: "issue" });
  });
});

describe("the rate limit is shared by app instances on one database", () => {
  const { perUserPerIssue, perIssue, windowMs } = COMMAND_RATE_LIMITS;
  const commentPosts = (issue = 40) =>
    github.requests.filter(
      (r) => r.method === "POST" && r.path === `/repos/acme/shop/issues/${issue}/comments`,
    );

  /** A second app instance: in PostgreSQL mode with its own pool, as another process. */
  async function secondInstance(): Promise<{ probot: Probot; close: () => Promise<void> }> {
    if (db.url === undefined) return { probot: await appProcess(db), close: async () => {} };
    const own = await openDatabase({ url: db.url, max: 2 });
    return { probot: await appProcess(own), close: () => own.close() };
  }

  it(`answers a user's commands alternated between two instances ${perUserPerIssue} times in total, not ${perUserPerIssue} per instance`, async () => {
    const second = await secondInstance();
    try {
      github.permissions.set("maria", { permission: "admin", role_name: "admin" });
      const instances = [probot, second.probot];
      for (let i = 0; i < 2 * perUserPerIssue + 2; i++) {
        await receive(instances[i % 2] as Probot, "issue_comment", command("maria"));
        now = new Date(now.getTime() + 1_000);
      }
      expect(commentPosts()).toHaveLength(perUserPerIssue);
      expect(rateLogs()).toHaveLength(perUserPerIssue + 2);
      expect(rateLogs().every((l) => l.user === "maria" && l.limit === perUserPerIssue)).toBe(true);
    } finally {
      await second.close();
    }
  });

  it(`answers at most ${perIssue} commands on an issue in total when many users ask both instances at once`, async () => {
    const second = await secondInstance();
    try {
      const instances = [probot, second.probot];
      const asks = Array.from({ length: perIssue + 6 }, (_, i) => {
        const login = `person${i}`;
        github.permissions.set(login, { permission: "write", role_name: "write" });
        return receive(instances[i % 2] as Probot, "issue_comment", command(login));
      });
      await Promise.all(asks);
      expect(commentPosts()).toHaveLength(perIssue);
      expect(rateLogs()).toHaveLength(6);
      const { rows } = await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM command_rate WHERE issue_number = 40",
      );
      expect(rows[0]?.n).toBe(perIssue);
    } finally {
      await second.close();
    }
  });

  it("deletes the rows older than the window on the next command (on any issue)", async () => {
    github.permissions.set("maria", { permission: "admin", role_name: "admin" });
    const start = now.getTime();
    await receive(probot, "issue_comment", command("maria", { issueNumber: 40 }));
    now = new Date(start + windowMs / 2);
    await receive(probot, "issue_comment", command("maria", { issueNumber: 41 }));
    const rows = async () =>
      (
        await db.pool.query<{ issue_number: number; at: Date }>(
          "SELECT issue_number, at FROM command_rate ORDER BY at",
        )
      ).rows.map((r) => [r.issue_number, r.at.getTime()]);
    expect(await rows()).toEqual([
      [40, start],
      [41, start + windowMs / 2],
    ]);

    // just past the window of the first: it is deleted, the second (still in its window) kept
    now = new Date(start + windowMs + 1);
    await receive(probot, "issue_comment", command("maria", { issueNumber: 42 }));
    expect(await rows()).toEqual([
      [41, start + windowMs / 2],
      [42, start + windowMs + 1],
    ]);
    expect(commentPosts(40)).toHaveLength(1);
    expect(commentPosts(42)).toHaveLength(1);
  });

  it("counts a command of an installation the ledger has no row of yet (the row is created)", async () => {
    await db.pool.query("TRUNCATE installations CASCADE");
    github.permissions.set("maria", { permission: "admin", role_name: "admin" });
    await receive(probot, "issue_comment", command("maria"));
    expect(commentPosts()).toHaveLength(1);
    const { rows } = await db.pool.query<{ n: number; installations: number }>(
      "SELECT count(*)::int AS n, (SELECT count(*)::int FROM installations) AS installations FROM command_rate",
    );
    expect(rows[0]).toEqual({ n: 1, installations: 1 });
  });
});

describe("the rule (pure)", () => {
  it("allows up to the per-user and per-issue limits, then says which one is reached", () => {
    const limits = { perUserPerIssue: 3, perIssue: 10, windowMs: 60_000 };
    expect(decideCommandRate({ byUser: 2, onIssue: 9 }, limits)).toEqual({ allowed: true });
    expect(decideCommandRate({ byUser: 3, onIssue: 3 }, limits)).toEqual({
      allowed: false,
      reason: "user",
      limit: 3,
    });
    expect(decideCommandRate({ byUser: 0, onIssue: 10 }, limits)).toEqual({
      allowed: false,
      reason: "issue",
      limit: 10,
    });
  });

  it("recognizes bot logins", () => {
    expect(isBotLogin("dependabot[bot]")).toBe(true);
    expect(isBotLogin("Cost-Value[BOT]")).toBe(true);
    expect(isBotLogin("bot")).toBe(false);
    expect(isBotLogin("robot-maria")).toBe(false);
    expect(isBotLogin(undefined)).toBe(false);
  });
});
