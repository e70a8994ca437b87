/**
 * Writes in a burst (issue 13, part 3) and database round trips per delivery (part 5). GitHub
 * limits an installation's content-creating requests, so:
 * - a re-evaluation whose check output is byte for byte what the run shows writes nothing (the
 *   output's hash is in the ledger), except when a user asked for a re-run;
 * - rollup edits are coalesced per milestone: a burst of N evaluations edits the rollup a few
 *   times, the last edit shows the final totals, and a pending edit survives a stop (the next
 *   instance's sweep does it);
 * - a delivery costs at most 6 SQL statements (counted, not timed).
 */
import type pg from "pg";
import type { Probot } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import type { CostValueOptions } from "../../src/github/app.js";
import { Lifecycle } from "../../src/github/lifecycle.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import {
  commitsOf,
  FakeGitHub,
  type FakePullRequest,
  fakeSha,
} from "../helpers/fake-github/index.js";
import { APP_ID, testProbot } from "../helpers/probot.js";
import {
  checkRunPayload,
  checkSuitePayload,
  pullRequestPayload,
  type Target,
} from "../helpers/webhook-payloads.js";

const REPO = { owner: "acme", repo: "shop", repoId: 77 };
const MILESTONE = { number: 3, title: "Checkout v2", state: "OPEN" as const };

let db: TestDatabase;
let github: FakeGitHub;
let deliveries = 0;

beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE");
  github = new FakeGitHub().addRepo("acme", "shop", {}, 77).install();
});

function addPr(number: number, cost: string, overrides: Partial<FakePullRequest> = {}) {
  const commits = commitsOf(1, () => `Work\n\nAgent-Cost: ${cost} USD\n`);
  return github.addPullRequest({
    owner: "acme",
    repo: "shop",
    number,
    title: `PR ${number}`,
    body: "## Value\nIssue: #123\nType: defect\nWorth: $8,000\n",
    headSha: commits[0]?.sha ?? fakeSha(),
    commits,
    closingIssues: [{ number: 123 }],
    ...overrides,
  });
}

const target = (pr: FakePullRequest): Target => ({
  ...REPO,
  number: pr.number,
  headSha: pr.headSha,
  body: pr.body,
});

const receive = (probot: Probot, name: string, payload: Record<string, unknown>) =>
  probot.receive({ id: `w-${++deliveries}`, name, payload } as never);

const checkWrites = () =>
  github.requests.filter((r) => r.method !== "GET" && /\/check-runs/.test(r.path));

describe("a check whose output did not change is not written again", () => {
  it("writes nothing for the same output, and writes on a re-run asked for on GitHub", async () => {
    const probot = await testProbot({ database: db });
    const pr = addPr(11, "1.50");
    await receive(probot, "pull_request", pullRequestPayload("opened", target(pr)));
    expect(github.checkRuns).toHaveLength(1);

    github.reset();
    await receive(probot, "pull_request", pullRequestPayload("labeled", target(pr)));
    expect(github.count()).toEqual({ total: 1, reads: 1, writes: 0 });

    // "Re-run" on the check run, then on the suite: written although unchanged, in place
    for (const payload of [
      checkRunPayload(target(pr), APP_ID),
      checkSuitePayload("rerequested", target(pr), APP_ID),
    ]) {
      github.reset();
      await receive(probot, payload.check_run ? "check_run" : "check_suite", payload);
      expect(checkWrites().map((r) => r.method)).toEqual(["PATCH"]);
    }
    // the re-run was honoured once: the next unchanged evaluation writes nothing again
    github.reset();
    await receive(
      probot,
      "pull_request",
      pullRequestPayload("edited", target(pr), {
        changes: { body: { from: "" } },
      }),
    );
    expect(checkWrites()).toEqual([]);
    expect(github.checkRuns).toHaveLength(1);
  });

  it("writes again after a config problem was published over the run, once the config is fixed", async () => {
    const probot = await testProbot({ database: db });
    const pr = addPr(11, "1.50");
    await receive(probot, "pull_request", pullRequestPayload("opened", target(pr)));
    const good = github.checkRuns[0]?.output?.title;
    github.addRepo("acme", "shop", { ".github/cost-value.yml": "currency: [not, a, code]\n" }, 77);
    await receive(probot, "pull_request", pullRequestPayload("labeled", target(pr)));
    expect(github.checkRuns[0]?.conclusion).toBe("failure");
    github.addRepo("acme", "shop", {}, 77);
    github.reset();
    await receive(probot, "pull_request", pullRequestPayload("labeled", target(pr)));
    expect(checkWrites().map((r) => r.method)).toEqual(["PATCH"]);
    expect(github.checkRuns[0]?.output?.title).toBe(good);
    expect(github.checkRuns).toHaveLength(1);
  });
});

/** Count every statement sent through the pool (pool.query and checked-out clients). */
function countingDatabase(inner: TestDatabase): { database: TestDatabase; statements: string[] } {
  const statements: string[] = [];
  const record = (args: unknown[]) => {
    const text = args[0];
    statements.push(typeof text === "string" ? text : String((text as { text?: string }).text));
  };
  const pool = new Proxy(inner.pool, {
    get(target, property, receiver) {
      if (property === "query") {
        return (...args: unknown[]) => {
          record(args);
          return (target.query as (...a: unknown[]) => unknown)(...args);
        };
      }
      if (property === "connect") {
        return async () => {
          const client = await target.connect();
          return new Proxy(client, {
            get(c, p, r) {
              if (p === "query") {
                return (...args: unknown[]) => {
                  record(args);
                  return (c.query as (...a: unknown[]) => unknown)(...args);
                };
              }
              return Reflect.get(c, p, r);
            },
          });
        };
      }
      return Reflect.get(target, property, receiver);
    },
  }) as pg.Pool;
  return { database: { ...inner, pool }, statements };
}

describe("database round trips per delivery", () => {
  it("a delivery costs at most 6 statements (enqueue and lease, the ledger read, the record, finish)", async () => {
    const { database, statements } = countingDatabase(db);
    const probot = await testProbot({ database });
    const pr = addPr(11, "1.50", { commits: commitsOf(100) });
    pr.headSha = pr.commits.at(-1)?.sha ?? "";
    await receive(probot, "pull_request", pullRequestPayload("opened", target(pr)));
    const first = statements.length;
    // a new head: the record changes (a new commit), a new check run is created
    const next = commitsOf(1);
    pr.commits.push(...next);
    pr.headSha = next[0]?.sha ?? "";
    statements.length = 0;
    await receive(probot, "pull_request", pullRequestPayload("synchronize", target(pr)));
    expect(statements.length, statements.join("\n---\n")).toBeLessThanOrEqual(6);
    expect(first).toBeLessThanOrEqual(6);
    expect(statements.length).toBe(4);
  });
});

describe("rollup edits coalesced per milestone", () => {
  /**
   * N evaluations finishing `gapMs` apart, as they do on GitHub in a burst (each one's write waits
   * its turn: about one per second per installation).
   */
  async function burst(probot: Probot, n: number, gapMs = 0): Promise<FakePullRequest[]> {
    const prs = Array.from({ length: n }, (_, i) =>
      addPr(100 + i, "1.00", { milestone: MILESTONE }),
    );
    for (const pr of prs) {
      await receive(probot, "pull_request", pullRequestPayload("opened", target(pr)));
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
    return prs;
  }

  const rollupWrites = () =>
    github.requests.filter((r) => r.method !== "GET" && /\/issues\/(\d+\/)?comments/.test(r.path));

  async function until(check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
    const stop = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > stop) throw new Error("timed out waiting");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const pendingMarks = async () =>
    Number((await db.pool.query("SELECT count(*) AS n FROM rollup_refresh")).rows[0].n);

  it("20 evaluations in one milestone: at most 3 comment writes, the last with the final totals", async () => {
    const lifecycle = new Lifecycle();
    const options: CostValueOptions = {
      database: db,
      lifecycle,
      // a burst of ~2 s: no quiet moment inside it, one refresh at the latest after 1.5 s
      rollups: { quietMs: 400, maxWaitMs: 1_500 },
    };
    const probot = await testProbot(options);
    await burst(probot, 20, 100);
    await until(async () => (await pendingMarks()) === 0 && rollupWrites().length > 0);
    await lifecycle.shutdown(5_000);
    expect(rollupWrites().length).toBeLessThanOrEqual(3);
    const comment = github.comments.find((c) => c.body.startsWith("<!-- cost-value:rollup"));
    expect(comment?.body).toContain("**Investment \\$20.00**");
    // nothing else would change it: every mark was cleared
    expect(await pendingMarks()).toBe(0);
  });

  it("an edit pending when the process stops is done by the next instance's sweep", async () => {
    const first = new Lifecycle();
    const probot = await testProbot({
      database: db,
      lifecycle: first,
      rollups: { quietMs: 60_000, maxWaitMs: 60_000 },
    });
    await burst(probot, 3);
    await first.shutdown(5_000); // the timer never fired
    expect(rollupWrites()).toEqual([]);
    expect(await pendingMarks()).toBe(1);

    // a restart: quiet since the last mark → due; the sweep runs at start
    const second = new Lifecycle();
    await testProbot({
      database: db,
      lifecycle: second,
      rollups: { quietMs: 0, maxWaitMs: 60_000 },
      queue: { sweepIntervalMs: 50 },
    });
    await until(async () => (await pendingMarks()) === 0);
    await second.shutdown(5_000);
    const comment = github.comments.find((c) => c.body.startsWith("<!-- cost-value:rollup"));
    expect(comment?.body).toContain("**Investment \\$3.00**");
  });
});
