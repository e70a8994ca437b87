/**
 * The `/cost-value` command handler (`registerCommands`) and its rate stores, through a recording
 * app: who is answered (bots never, without a request), the rate limit taken before any request,
 * the permission asked of GitHub, and each reply (refusal, help, no milestone, no record, the
 * rollup). GitHub is answered by hand; the ledger is the test database. The cross-cutting rules
 * (two instances sharing the count, author_association ignored) are in test/security/commands.
 */
import { describe, expect, it } from "vitest";
import {
  COMMAND_HELP,
  type CommandRateDecision,
  type CommandRateLimits,
} from "../../../src/core/command.js";
import type { CommandKey } from "../../../src/db/command-rate.js";
import { upsertMilestone } from "../../../src/db/milestones.js";
import { recordPullRequest } from "../../../src/db/record.js";
import {
  type CommandRateStore,
  DatabaseCommandRate,
  MemoryCommandRate,
  registerCommands,
} from "../../../src/github/handlers/issue-comment.js";
import { migratedDatabaseForFile } from "../../helpers/database.js";
import { configFileAnswer, handGitHub, OPERATIONS } from "../../helpers/hand-github.js";
import { recordingApp } from "../../helpers/handler-app.js";
import { INSTALLATION, milestone, pr, REPO } from "../../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();

const APP_ID = 1001;
const NOW = new Date("2026-11-28T12:00:00Z");
const LIMITS: CommandRateLimits = { perUserPerIssue: 2, perIssue: 3, windowMs: 60_000 };
const REPLY = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const PERMISSION = "GET /repos/{owner}/{repo}/collaborators/{username}/permission";

/** A store that records each take and allows everything (or what `decide` says). */
function recordingRate(decide: () => CommandRateDecision = () => ({ allowed: true })) {
  const takes: { key: CommandKey; now: Date; limits: CommandRateLimits }[] = [];
  const store: CommandRateStore = {
    take: async (key, now, limits) => {
      takes.push({ key, now, limits });
      return decide();
    },
  };
  return { store, takes };
}

function setup(commandRate: CommandRateStore = recordingRate().store) {
  const recording = recordingApp();
  registerCommands(recording.app, {
    database: database(),
    appId: APP_ID,
    now: () => NOW,
    commandRate,
    commandLimits: LIMITS,
  });
  return recording;
}

/** GitHub: the commenter's permission, the config file (none by default), replies recorded. */
function github(options: { permission?: unknown; config?: string } = {}) {
  const permission = options.permission ?? { permission: "write", role_name: "write" };
  return handGitHub({
    graphql: {
      [OPERATIONS.configFile]: (v) =>
        configFileAnswer(v.repo === REPO.name ? options.config : undefined),
    },
    rest: {
      [PERMISSION]: () => {
        if (permission instanceof Error) throw permission;
        return permission;
      },
    },
  });
}

function comment(
  body: string,
  options: {
    sender?: { id?: number; login?: string; type?: string };
    user?: { login?: string; type?: string };
    viaApp?: number;
    milestone?: number;
    pullRequest?: boolean;
  } = {},
) {
  const sender = { id: 501, login: "maintainer", type: "User", ...options.sender };
  return {
    action: "created",
    installation: { id: INSTALLATION },
    repository: { id: REPO.id, name: REPO.name, owner: { login: REPO.owner } },
    sender,
    issue: {
      number: 40,
      ...(options.milestone !== undefined ? { milestone: { number: options.milestone } } : {}),
      ...(options.pullRequest === true ? { pull_request: { url: "x" } } : {}),
    },
    comment: {
      body,
      user: { login: sender.login, type: sender.type, ...options.user },
      ...(options.viaApp !== undefined ? { performed_via_github_app: { id: options.viaApp } } : {}),
    },
  };
}

const replies = (gh: ReturnType<typeof github>): string[] =>
  gh.restCalls.filter((c) => c.route === REPLY).map((c) => String(c.params.body));

describe("who is answered", () => {
  it("nobody for a comment without a command: no slot taken, no request", async () => {
    const rate = recordingRate();
    const { deliver } = setup(rate.store);
    const gh = github();
    await deliver("issue_comment", comment("Looks good; run /cost-value later"), gh.api);
    expect(rate.takes).toEqual([]);
    expect(gh.restCalls).toEqual([]);
  });

  it.each([
    ["a Bot sender", { sender: { type: "Bot" } }],
    ["a [bot] sender login", { sender: { login: "renovate[bot]" } }],
    ["a comment whose author is a Bot", { user: { type: "Bot" } }],
    ["a comment whose author login is [bot]", { user: { login: "cost-value[bot]" } }],
    ["this app's own comment", { viaApp: APP_ID }],
  ])("never %s: no slot taken, no request", async (_name, options) => {
    const rate = recordingRate();
    const { deliver } = setup(rate.store);
    const gh = github();
    await deliver("issue_comment", comment("/cost-value help", options), gh.api);
    expect(rate.takes).toEqual([]);
    expect(gh.restCalls).toEqual([]);
  });

  it("a person whose comment another app posted for them (the control)", async () => {
    const { deliver } = setup();
    const gh = github();
    await deliver("issue_comment", comment("/cost-value help", { viaApp: 7 }), gh.api);
    expect(replies(gh)).toEqual([COMMAND_HELP]);
  });

  it("takes the slot with the issue's key, the clock and the limits, before any request", async () => {
    const rate = recordingRate();
    const { deliver } = setup(rate.store);
    await deliver("issue_comment", comment("/cost-value help"), github().api);
    expect(rate.takes).toEqual([
      {
        key: {
          installationId: INSTALLATION,
          repositoryId: REPO.id,
          issueNumber: 40,
          userId: 501,
          accountLogin: REPO.owner,
        },
        now: NOW,
        limits: LIMITS,
      },
    ]);
  });

  it("beyond the limit: no request at all, one warning saying which limit", async () => {
    const rate = recordingRate(() => ({ allowed: false, reason: "user", limit: 2 }));
    const { deliver, logs } = setup(rate.store);
    const gh = github();
    await deliver("issue_comment", comment("/cost-value rollup"), gh.api);
    expect(gh.restCalls).toEqual([]);
    expect(gh.graphqlCalls).toEqual([]);
    expect(logs).toEqual([
      expect.objectContaining({
        level: "warn",
        fields: expect.objectContaining({ per: "user and issue", limit: 2, windowSeconds: 60 }),
      }),
    ]);
  });
});

describe("authority", () => {
  it.each([
    [{ permission: "read", role_name: "read" }],
    [{ permission: "read", role_name: "triage" }],
    [{ permission: "none", role_name: "" }],
  ])("refuses %o politely, naming the user, and reads nothing more", async (permission) => {
    const { deliver } = setup();
    const gh = github({ permission });
    await deliver("issue_comment", comment("/cost-value rollup"), gh.api);
    expect(gh.restCalls[0]?.params).toMatchObject({ username: "maintainer" });
    expect(replies(gh)).toEqual([
      expect.stringMatching(/^Thanks for asking, @maintainer! Only people with write access/),
    ]);
    expect(gh.graphqlCalls).toEqual([]);
  });

  it("refuses someone GitHub does not know as a collaborator (404)", async () => {
    const { deliver } = setup();
    const gh = github({ permission: Object.assign(new Error("Not Found"), { status: 404 }) });
    await deliver("issue_comment", comment("/cost-value help"), gh.api);
    expect(replies(gh)).toEqual([expect.stringContaining("Only people with write access")]);
  });

  it("fails the delivery when GitHub cannot say (5xx): no answer guessed", async () => {
    const { deliver } = setup();
    const down = Object.assign(new Error("Bad Gateway"), { status: 502 });
    const gh = github({ permission: down });
    await expect(deliver("issue_comment", comment("/cost-value help"), gh.api)).rejects.toBe(down);
    expect(replies(gh)).toEqual([]);
  });

  it.each([
    [{ permission: "admin", role_name: "admin" }],
    [{ permission: "write", role_name: "maintain" }],
    [{ permission: "write", role_name: "write" }],
    // a custom role based on write: its permission decides
    [{ permission: "write", role_name: "deployer" }],
  ])("answers %o", async (permission) => {
    const { deliver } = setup();
    const gh = github({ permission });
    await deliver("issue_comment", comment("/cost-value help"), gh.api);
    expect(replies(gh)).toEqual([COMMAND_HELP]);
  });
});

describe("the replies", () => {
  it("names an unknown command (backticks removed) before the help", async () => {
    const { deliver } = setup();
    const gh = github();
    await deliver("issue_comment", comment("/cost-value ro`ll"), gh.api);
    expect(replies(gh)).toEqual([`\`roll\` is not a cost-value command. ${COMMAND_HELP}`]);
  });

  it("says the issue or PR has no milestone when none is named", async () => {
    const { deliver } = setup();
    const onIssue = github();
    await deliver("issue_comment", comment("/cost-value rollup"), onIssue.api);
    expect(replies(onIssue)).toEqual([expect.stringMatching(/^This issue has no milestone/)]);
    const onPr = github();
    await deliver("issue_comment", comment("/cost-value rollup", { pullRequest: true }), onPr.api);
    expect(replies(onPr)).toEqual([expect.stringMatching(/^This pull request has no milestone/)]);
  });

  it("says no milestone of that title is known, the title escaped", async () => {
    const { deliver } = setup();
    const gh = github();
    await deliver("issue_comment", comment('/cost-value rollup "Q4 <b>plan</b>"'), gh.api);
    const [reply] = replies(gh);
    expect(reply).toContain("has no record of a milestone titled");
    expect(reply).not.toContain("<b>");
  });

  it("says nothing is recorded yet for the issue's milestone the ledger does not know", async () => {
    // (the ledger learns milestones from their PRs' evaluations and from milestone events)
    const { deliver } = setup();
    const gh = github();
    await deliver("issue_comment", comment("/cost-value rollup", { milestone: 3 }), gh.api);
    expect(replies(gh)).toEqual(["cost-value has recorded no pull request in this milestone yet."]);
  });

  it("posts the issue's milestone rollup, as an on-demand copy (not the maintained comment's marker)", async () => {
    await upsertMilestone(database().pool, milestone());
    await recordPullRequest(database().pool, pr(11, { cost: 14.62 }));
    const { deliver } = setup();
    const gh = github();
    await deliver("issue_comment", comment("/cost-value rollup", { milestone: 3 }), gh.api);
    const [reply] = replies(gh);
    expect(reply).toMatch(/^<!-- cost-value:rollup-on-demand -->\n\n/);
    expect(reply).not.toContain("<!-- cost-value:rollup repository=");
    expect(reply).toContain("14.62");
    expect(gh.restCalls.find((c) => c.route === REPLY)?.params.issue_number).toBe(40);
  });

  it("finds a milestone named by title, whatever its case", async () => {
    await upsertMilestone(database().pool, milestone());
    await recordPullRequest(database().pool, pr(11, { cost: 3 }));
    const { deliver } = setup();
    const gh = github();
    await deliver("issue_comment", comment("/cost-value rollup checkout V2"), gh.api);
    expect(replies(gh)[0]).toContain("Checkout v2");
  });

  it("reads the rollup in the repository config's currency", async () => {
    await upsertMilestone(database().pool, milestone({ budget: undefined }));
    await recordPullRequest(database().pool, pr(11, { cost: 5, currency: "EUR" }));
    const { deliver } = setup();
    const euro = github({ config: "currency: EUR\n" });
    await deliver("issue_comment", comment("/cost-value rollup", { milestone: 3 }), euro.api);
    expect(replies(euro)[0]).toContain("€5.00");
    // with the default (USD) the EUR record is not summed as dollars
    const usd = github();
    await deliver("issue_comment", comment("/cost-value rollup", { milestone: 3 }), usd.api);
    expect(replies(usd)[0]).not.toContain("5.00");
  });
});

describe("MemoryCommandRate", () => {
  const key = (userId: number, issueNumber = 40): CommandKey => ({
    installationId: 1,
    repositoryId: 2,
    issueNumber,
    userId,
  });
  const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

  it("allows a user's commands up to the per-user limit, everyone's up to the per-issue one", async () => {
    const rate = new MemoryCommandRate();
    expect(await rate.take(key(1), at(0), LIMITS)).toEqual({ allowed: true });
    expect(await rate.take(key(1), at(1), LIMITS)).toEqual({ allowed: true });
    expect(await rate.take(key(1), at(2), LIMITS)).toEqual({
      allowed: false,
      reason: "user",
      limit: 2,
    });
    expect(await rate.take(key(2), at(3), LIMITS)).toEqual({ allowed: true });
    expect(await rate.take(key(3), at(4), LIMITS)).toEqual({
      allowed: false,
      reason: "issue",
      limit: 3,
    });
    // another issue counts apart
    expect(await rate.take(key(3, 41), at(5), LIMITS)).toEqual({ allowed: true });
  });

  it("counts only answers inside the window, and not the refused ones", async () => {
    const rate = new MemoryCommandRate();
    await rate.take(key(1), at(0), LIMITS);
    await rate.take(key(1), at(30), LIMITS);
    expect((await rate.take(key(1), at(59), LIMITS)).allowed).toBe(false);
    // the first answer left the window; the refusal at 59 s was not counted
    expect((await rate.take(key(1), at(61), LIMITS)).allowed).toBe(true);
    expect((await rate.take(key(1), at(62), LIMITS)).allowed).toBe(false);
  });
});

describe("DatabaseCommandRate", () => {
  it("counts in the database: two stores on one pool share the count", async () => {
    const a = new DatabaseCommandRate(database().pool);
    const b = new DatabaseCommandRate(database().pool);
    const key: CommandKey = {
      installationId: INSTALLATION,
      repositoryId: 2,
      issueNumber: 40,
      userId: 1,
    };
    expect((await a.take(key, NOW, LIMITS)).allowed).toBe(true);
    expect((await b.take(key, NOW, LIMITS)).allowed).toBe(true);
    expect(await a.take(key, NOW, LIMITS)).toEqual({ allowed: false, reason: "user", limit: 2 });
  });
});
