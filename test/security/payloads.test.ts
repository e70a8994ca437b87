/**
 * Webhook payloads with missing or unexpected fields, for every event the app handles, delivered
 * with `probot.receive()` to the app with its ledger. A payload without what a handler reads (no
 * installation, no repository, a pull request without head, numbers as strings, truncated
 * objects) is answered without a crash, without any GitHub request or ledger write, and with one
 * warning naming the delivery and each missing or mistyped field (src/github/payload-guard.ts).
 * Payloads that are odd but valid (null bodies, extra fields, huge bodies) are handled normally.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { Probot } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { createCostValueApp } from "../../src/github/app.js";
import { acceptPayload, checkPayload } from "../../src/github/payload-guard.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { commitsOf, FakeGitHub, type FakePullRequest } from "../helpers/fake-github/index.js";
import { APP_ID, instantRetries, PINNED_NOW, TestOctokit } from "../helpers/probot.js";
import {
  checkRunPayload,
  checkSuitePayload,
  commentPayload,
  installationDeletedPayload,
  milestonePayload,
  pullRequestPayload,
  type Target,
} from "../helpers/webhook-payloads.js";

const REPO = { owner: "acme", repo: "shop", repoId: 77 };
const MILESTONE = { number: 3, title: "Checkout v2", description: "Budget: $100\n" };

let db: TestDatabase;
let github: FakeGitHub;
let probot: Probot;
let pr: FakePullRequest;
let logs: { level: number; msg: string; problems?: string[]; event?: string }[];
let unhandled: unknown[];
let deliveries = 0;
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
  process.on("unhandledRejection", onUnhandled);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await db.close();
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE");
  github = new FakeGitHub().addRepo("acme", "shop", {}, 77).install();
  github.permissions.set("maria", { permission: "write", role_name: "maintain" });
  const commits = commitsOf(1, () => "Work\n\nAgent-Cost: 1.50 USD\n");
  pr = github.addPullRequest({
    ...{ owner: "acme", repo: "shop", number: 7, title: "PR 7" },
    body: "## Value\nIssue: #12\nType: defect\nWorth: $8,000\n",
    headSha: commits[0]?.sha ?? "",
    commits,
    milestone: { ...MILESTONE, state: "OPEN" as const, dueOn: "2026-12-15T00:00:00Z" },
  });
  logs = [];
  unhandled = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line !== "") logs.push(JSON.parse(line));
      done();
    },
  });
  probot = new Probot({
    githubToken: "test",
    Octokit: TestOctokit,
    log: pino({ level: "info" }, sink),
  });
  await probot.load(
    createCostValueApp({
      appId: APP_ID,
      now: () => PINNED_NOW,
      retryPolicy: instantRetries(),
      database: db,
    }),
  );
});

afterEach(() => {
  expect(unhandled).toEqual([]);
});

const target = (): Target => ({ ...REPO, number: pr.number, headSha: pr.headSha, body: pr.body });

function receive(name: string, payload: unknown): Promise<void> {
  return probot.receive({ id: `payload-${++deliveries}`, name, payload } as never);
}

/** Rows the ledger holds, all tables together. */
async function ledgerRows(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM installations)::int + (SELECT count(*) FROM milestones)::int
          + (SELECT count(*) FROM pull_requests)::int AS n`,
  );
  return rows[0]?.n ?? 0;
}

type Payload = Record<string, unknown>;
const obj = (p: Payload, key: string) => p[key] as Payload;

/** Valid payloads of every event the app handles. */
const EVENTS: Record<string, { name: string; valid: () => Payload; main: string }> = {
  "pull_request.opened": {
    name: "pull_request",
    valid: () => pullRequestPayload("opened", target()),
    main: "pull_request",
  },
  "pull_request.edited": {
    name: "pull_request",
    valid: () => pullRequestPayload("edited", target(), { changes: { body: { from: "x" } } }),
    main: "pull_request",
  },
  "check_suite.requested": {
    name: "check_suite",
    valid: () => checkSuitePayload("requested", target(), APP_ID),
    main: "check_suite",
  },
  "check_suite.rerequested": {
    name: "check_suite",
    valid: () => checkSuitePayload("rerequested", target(), APP_ID),
    main: "check_suite",
  },
  "check_run.rerequested": {
    name: "check_run",
    valid: () => checkRunPayload(target(), APP_ID),
    main: "check_run",
  },
  "milestone.edited": {
    name: "milestone",
    valid: () => milestonePayload("edited", REPO, MILESTONE),
    main: "milestone",
  },
  "milestone.closed": {
    name: "milestone",
    valid: () => milestonePayload("closed", REPO, MILESTONE),
    main: "milestone",
  },
  "milestone.deleted": {
    name: "milestone",
    valid: () => milestonePayload("deleted", REPO, MILESTONE),
    main: "milestone",
  },
  "issue_comment.created": {
    name: "issue_comment",
    valid: () =>
      commentPayload(REPO, {
        issueNumber: 12,
        body: "/cost-value rollup",
        login: "maria",
        milestone: { number: 3, title: "Checkout v2" },
      }),
    main: "comment",
  },
  "installation.deleted": {
    name: "installation",
    valid: () => installationDeletedPayload(),
    main: "installation",
  },
};

/** Ways to break a payload: [case, mutate, field named in the log]. */
function brokenVariants(event: string): [string, (p: Payload) => void, string][] {
  const { main } = EVENTS[event] as { main: string };
  const variants: [string, (p: Payload) => void, string][] = [
    [
      "everything missing",
      (p) => {
        for (const k of Object.keys(p)) if (k !== "action") delete p[k];
      },
      "installation",
    ],
    [
      "installation.id as a string",
      (p) => {
        p.installation = { id: "4242" };
      },
      "installation.id",
    ],
  ];
  if (main === "installation") {
    variants.push(["no installation", (p) => delete p.installation, "installation"]);
    return variants;
  }
  variants.push(
    ["no installation", (p) => delete p.installation, "installation"],
    ["no repository", (p) => delete p.repository, "repository"],
    [
      "a truncated repository",
      (p) => {
        p.repository = { id: 77 };
      },
      "repository.name",
    ],
    [
      "repository.id as a string",
      (p) => {
        obj(p, "repository").id = "77";
      },
      "repository.id",
    ],
  );
  switch (main) {
    case "pull_request":
      variants.push(
        [
          "a pull_request without head",
          (p) => delete obj(p, "pull_request").head,
          "pull_request.head",
        ],
        [
          "a truncated pull_request",
          (p) => {
            p.pull_request = { number: 7 };
          },
          "pull_request.head",
        ],
        [
          "pull_request.number as a string",
          (p) => {
            obj(p, "pull_request").number = "7";
          },
          "pull_request.number",
        ],
        [
          "a head sha that is not a commit id",
          (p) => {
            obj(obj(p, "pull_request"), "head").sha = "main; rm -rf /";
          },
          "pull_request.head.sha",
        ],
      );
      break;
    case "check_suite":
    case "check_run":
      variants.push(
        [`a ${main} without head_sha`, (p) => delete obj(p, main).head_sha, `${main}.head_sha`],
        [
          `${main}.pull_requests[0].number as a string`,
          (p) => {
            (obj(p, main).pull_requests as Payload[])[0] = { number: "7" };
          },
          `${main}.pull_requests.0.number`,
        ],
        [`no ${main}`, (p) => delete p[main], main],
      );
      break;
    case "milestone":
      variants.push(
        [
          "a milestone without number",
          (p) => delete obj(p, "milestone").number,
          "milestone.number",
        ],
        [
          "milestone.number as a string",
          (p) => {
            obj(p, "milestone").number = "3";
          },
          "milestone.number",
        ],
        [
          "a truncated milestone",
          (p) => {
            p.milestone = { number: 3 };
          },
          "milestone.title",
        ],
      );
      break;
    case "comment":
      variants.push(
        ["no sender", (p) => delete p.sender, "sender"],
        ["no issue", (p) => delete p.issue, "issue"],
        ["no comment", (p) => delete p.comment, "comment"],
        [
          "issue.number as a string",
          (p) => {
            obj(p, "issue").number = "12";
          },
          "issue.number",
        ],
        [
          "sender.id as a string",
          (p) => {
            obj(p, "sender").id = "1";
          },
          "sender.id",
        ],
      );
      break;
  }
  return variants;
}

describe.each(Object.keys(EVENTS))("%s", (event) => {
  const { name, valid } = EVENTS[event] as (typeof EVENTS)[string];

  it.each(brokenVariants(event).map(([label, mutate, field]) => [label, mutate, field] as const))(
    "%s: no crash, no write, a log line naming it",
    async (_label, mutate, field) => {
      const payload = valid();
      mutate(payload);
      const before = await ledgerRows();
      await expect(receive(name, payload)).resolves.toBeUndefined();
      expect(github.requests).toEqual([]);
      expect(github.appRequests).toEqual([]);
      expect(await ledgerRows()).toBe(before);
      const warning = logs.find((l) => l.msg.includes(`ignored a ${name}`));
      expect(warning, JSON.stringify(logs.map((l) => l.msg))).toBeDefined();
      expect(warning?.level).toBe(40);
      expect(warning?.msg).toContain(field);
      expect(warning?.problems?.some((p) => p.startsWith(field))).toBe(true);
    },
  );

  it("extra fields everywhere: handled as usual, nothing logged as unexpected", async () => {
    const payload = valid();
    payload.unexpected = { deeply: [{ nested: true }] };
    const main = obj(payload, EVENTS[event]?.main ?? "");
    if (main !== undefined) main.surprise = "x".repeat(10_000);
    obj(payload, "installation").extra = 1;
    await receive(name, payload);
    expect(logs.some((l) => l.msg.includes("unexpected payload"))).toBe(false);
  });
});

describe("odd but valid payloads are handled normally", () => {
  it("a pull request with a null body gets its check (failure: no value statement)", async () => {
    pr.body = "";
    const payload = pullRequestPayload("opened", target());
    obj(payload, "pull_request").body = null;
    await receive("pull_request", payload);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]?.conclusion).toBe("failure");
  });

  it("a pull request with a 2 MB hostile body: the check is published within GitHub's limits", async () => {
    pr.body = `## Value\nIssue: #12\nType: defect\nWorth: $8,000\n${"@octocat <!-- x --> | `` ` ``\n".repeat(70_000)}`;
    const payload = pullRequestPayload("opened", target());
    await receive("pull_request", payload);
    const run = github.checkRuns[0];
    expect(run?.conclusion).toBe("success");
    expect(run?.output?.summary.length).toBeLessThanOrEqual(65_535);
  });

  it("a comment with a null body, and one of 1 MB without a command: no request at all", async () => {
    const nullBody = commentPayload(REPO, { issueNumber: 12, body: "", login: "maria" });
    obj(nullBody, "comment").body = null;
    await receive("issue_comment", nullBody);
    await receive(
      "issue_comment",
      commentPayload(REPO, {
        issueNumber: 12,
        body: "x /cost-value\n".repeat(75_000),
        login: "maria",
      }),
    );
    expect(github.requests).toEqual([]);
  });

  it("a milestone with a null description and one of 1 MB: recorded, no budget, no crash", async () => {
    const payload = milestonePayload("edited", REPO, MILESTONE);
    obj(payload, "milestone").description = null;
    await receive("milestone", payload);
    const huge = milestonePayload("edited", REPO, {
      ...MILESTONE,
      description: "Budget: x\n".repeat(100_000),
    });
    await receive("milestone", huge);
    const { rows } = await db.pool.query<{ budget_problem: string | null }>(
      "SELECT budget_problem FROM milestones",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.budget_problem).toMatch(/line 1\b/);
  });
});

describe("checkPayload and acceptPayload", () => {
  it("name every missing or mistyped field, at most 10 and a count", () => {
    expect(
      checkPayload("pull_request", { action: "opened", pull_request: { number: "7" } }),
    ).toEqual({
      ok: false,
      problems: [
        "installation is missing",
        "repository is missing",
        "pull_request.number has the wrong type (expected number, received string)",
        "pull_request.head is missing",
      ],
    });
    expect(checkPayload("pull_request", null)).toMatchObject({ ok: false });
    expect(checkPayload("ping", {})).toEqual({ ok: true }); // events no handler reads
    const many = checkPayload("issue_comment", {
      action: 1,
      installation: { id: "x" },
      repository: { id: "x", name: 1, owner: { login: 2 } },
      sender: { id: "x", login: 3, type: 4 },
      issue: { number: "x", milestone: "x" },
      comment: { body: 5, user: 6 },
    });
    expect(many.ok).toBe(false);
    if (!many.ok) {
      expect(many.problems).toHaveLength(11);
      expect(many.problems.at(-1)).toMatch(/^… and \d+ more$/);
    }
  });

  it("log one warning with the delivery and the event, and let valid payloads through", () => {
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const log = {
      warn: (fields: Record<string, unknown>, message: string) =>
        warnings.push({ fields, message }),
    };
    expect(
      acceptPayload({ name: "check_run", id: "d-1", payload: { action: "rerequested" }, log }),
    ).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ event: "check_run.rerequested", delivery: "d-1" });
    expect(warnings[0]?.message).toMatch(
      /^cost-value: ignored a check_run\.rerequested delivery with an unexpected payload: installation is missing; /,
    );
    const ok = checkRunPayload(target(), APP_ID);
    expect(acceptPayload({ name: "check_run", id: "d-2", payload: ok, log })).toBe(true);
    expect(warnings).toHaveLength(1);
  });
});
