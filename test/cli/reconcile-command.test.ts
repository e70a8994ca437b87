/**
 * `cost-value reconcile`: every open PR of every installation evaluated again from GitHub, with
 * the app's real JWT → installation-token auth (a throwaway RSA key), GitHub's listings served
 * per installation token by nock, GraphQL, check runs, issues and comments by the fake GitHub.
 * Runs on PGlite, or on PostgreSQL when DATABASE_URL is set.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type ReconcileOptions,
  type ReconcileReport,
  runReconcileCommand,
} from "../../src/cli/reconcile-command.js";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { claimEvaluation, enqueueEvaluation } from "../../src/db/queue.js";
import { readRollup } from "../../src/db/rollup-read.js";
import { appCredentialsFromEnv, createAppClients } from "../../src/github/app-client.js";
import { captureIo, runCliCaptured } from "../helpers/cli.js";
import { openTestDatabase, type TestDatabase, usingPostgres } from "../helpers/database.js";
import { commitsOf, FakeGitHub, type FakePullRequest } from "../helpers/fake-github/index.js";
import {
  APP_ID,
  instantRetries,
  PINNED_NOW,
  TestOctokit,
  testProbot,
  throwawayPrivateKey,
} from "../helpers/probot.js";
import { pullRequestPayload } from "../helpers/webhook-payloads.js";

const API = "https://api.github.com";
const MILESTONE = {
  number: 3,
  title: "Checkout v2",
  state: "OPEN" as const,
  dueOn: "2026-12-15T00:00:00Z",
  description: "Budget: $100\n",
};

/** Two installations: acme (two repositories) and globex (one). */
const INSTALLATIONS = [
  {
    id: 4242,
    account: "acme",
    repos: [
      { owner: "acme", name: "shop", id: 77 },
      { owner: "acme", name: "api", id: 78 },
    ],
  },
  { id: 5151, account: "globex", repos: [{ owner: "globex", name: "site", id: 90 }] },
];

const VALUE = "## Value\nIssue: #123\nType: defect\nWorth: $8,000\nBudget: $30\n";

function pr(
  owner: string,
  repo: string,
  number: number,
  cost: string,
  extra: Partial<FakePullRequest> = {},
): FakePullRequest {
  const commits = commitsOf(2, (i) => `Work ${i}\n\nAgent-Cost: ${cost} USD\n`);
  return {
    owner,
    repo,
    number,
    title: `PR ${number}`,
    body: VALUE,
    headSha: commits[1]?.sha ?? "",
    commits,
    closingIssues: [{ number: 123 }],
    ...extra,
  };
}

/** The same pull requests (same SHAs) for every fake built in a test. */
function pullRequests(): FakePullRequest[] {
  return [
    pr("acme", "shop", 1, "1.50", { milestone: MILESTONE }),
    pr("acme", "shop", 2, "2.25", { milestone: MILESTONE }),
    pr("acme", "shop", 3, "0.40", { body: "No value section" }),
    pr("acme", "shop", 4, "9.00", { state: "MERGED", milestone: MILESTONE }),
    pr("acme", "api", 5, "0.75"),
    pr("globex", "site", 9, "3.10", {
      milestone: { number: 1, title: "Launch", state: "OPEN" },
    }),
  ];
}

function buildGitHub(prs: readonly FakePullRequest[]): FakeGitHub {
  const github = new FakeGitHub();
  for (const i of INSTALLATIONS) {
    for (const r of i.repos) github.addRepo(r.owner, r.name, {}, r.id);
  }
  for (const p of prs) github.addPullRequest(structuredClone(p));
  github.addIssue({ owner: "acme", repo: "shop", number: 123, body: "The bug" });
  return github;
}

interface Seen {
  tokens: number[];
  listings: string[];
}

/**
 * The app-level endpoints (JWT) and the installation listings (per installation token), one item
 * a page for installations and two for pull requests so paging is exercised. Registered before
 * the fake GitHub, so these answer first.
 */
function serveApp(github: FakeGitHub, seen: Seen, options: { failPulls?: string } = {}): void {
  const scope = nock(API).persist();
  const tokenOf = (auth: unknown): number | undefined => {
    const m = /^token ghs_inst_(\d+)$/.exec(String(auth));
    return m ? Number(m[1]) : undefined;
  };
  const isJwt = (auth: unknown) => /^bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(String(auth));
  const paged = (uri: string, items: unknown[], size: number): [number, unknown, object] => {
    const url = new URL(uri, API);
    const page = Number(url.searchParams.get("page") ?? 1);
    const slice = items.slice((page - 1) * size, page * size);
    if (page * size >= items.length) return [200, slice, {}];
    url.searchParams.set("page", String(page + 1));
    return [200, slice, { link: `<${url}>; rel="next"` }];
  };
  scope.post(/^\/app\/installations\/\d+\/access_tokens$/).reply(function (uri) {
    if (!isJwt(this.req.headers.authorization)) return [401, { message: "JWT expected" }];
    const id = Number(uri.split("/")[3]);
    seen.tokens.push(id);
    return [
      201,
      {
        token: `ghs_inst_${id}`,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { checks: "write", issues: "write", pull_requests: "read" },
        repository_selection: "selected",
      },
    ];
  });
  scope
    .get("/app/installations")
    .query(true)
    .reply(function (uri) {
      if (!isJwt(this.req.headers.authorization)) return [401, { message: "JWT expected" }];
      seen.listings.push("installations");
      return paged(
        uri,
        INSTALLATIONS.map((i) => ({
          id: i.id,
          account: { login: i.account, type: "Organization" },
          suspended_at: null,
        })),
        1,
      );
    });
  scope.get(/^\/app\/installations\/\d+$/).reply(function (uri) {
    if (!isJwt(this.req.headers.authorization)) return [401, { message: "JWT expected" }];
    const i = INSTALLATIONS.find((x) => x.id === Number(uri.split("/")[3]));
    return i === undefined
      ? [404, { message: "Not Found" }]
      : [200, { id: i.id, account: { login: i.account }, suspended_at: null }];
  });
  scope.get(/^\/repos\/[^/]+\/[^/]+\/installation$/).reply(function (uri) {
    if (!isJwt(this.req.headers.authorization)) return [401, { message: "JWT expected" }];
    const [, , owner, name] = uri.split("/");
    const i = INSTALLATIONS.find((x) => x.repos.some((r) => r.owner === owner && r.name === name));
    return i === undefined
      ? [404, { message: "Not Found" }]
      : [200, { id: i.id, account: { login: i.account } }];
  });
  const repoJson = (r: { owner: string; name: string; id: number }) => ({
    id: r.id,
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: { login: r.owner },
    archived: false,
  });
  scope
    .get("/installation/repositories")
    .query(true)
    .reply(function (uri) {
      const id = tokenOf(this.req.headers.authorization);
      const installation = INSTALLATIONS.find((i) => i.id === id);
      if (installation === undefined) return [401, { message: "Bad credentials" }];
      seen.listings.push(`repositories:${id}`);
      const [status, page, headers] = paged(uri, installation.repos.map(repoJson), 1);
      return [status, { total_count: installation.repos.length, repositories: page }, headers];
    });
  const owning = (auth: unknown, owner: string, name: string) => {
    const id = tokenOf(auth);
    return INSTALLATIONS.find((i) => i.id === id)?.repos.find(
      (r) => r.owner === owner && r.name === name,
    );
  };
  scope.get(/^\/repos\/[^/]+\/[^/]+$/).reply(function (uri) {
    const [, , owner = "", name = ""] = uri.split("/");
    const repo = owning(this.req.headers.authorization, owner, name);
    return repo === undefined ? [404, { message: "Not Found" }] : [200, repoJson(repo)];
  });
  scope
    .get(/^\/repos\/[^/]+\/[^/]+\/pulls/)
    .query(true)
    .reply(function (uri) {
      const url = new URL(uri, API);
      const [, , owner = "", name = ""] = url.pathname.split("/");
      // the installation's own token: another installation's would see nothing
      if (owning(this.req.headers.authorization, owner, name) === undefined)
        return [404, { message: "Not Found" }];
      if (options.failPulls === `${owner}/${name}`)
        return [403, { message: "Resource not accessible by integration" }];
      expect(url.searchParams.get("state")).toBe("open");
      seen.listings.push(`pulls:${owner}/${name}`);
      const open = [...github.pulls.values()]
        .filter((p) => p.owner === owner && p.repo === name && (p.state ?? "OPEN") === "OPEN")
        .sort((a, b) => b.number - a.number)
        .map((p) => ({ number: p.number, state: "open", body: p.body, head: { sha: p.headSha } }));
      return paged(uri, open, 2);
    });
}

let privateKey: string;
let db: TestDatabase;
let github: FakeGitHub;
let seen: Seen;
let prs: FakePullRequest[];

beforeAll(async () => {
  privateKey = throwawayPrivateKey();
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});

function setUp(options: { failPulls?: string } = {}): void {
  nock.cleanAll();
  github = buildGitHub(prs);
  seen = { tokens: [], listings: [] };
  serveApp(github, seen, options);
  github.install();
}

beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE");
  prs = pullRequests();
  setUp();
});

const ENV = () => ({ APP_ID: String(APP_ID), PRIVATE_KEY: privateKey });

function clients() {
  return createAppClients(appCredentialsFromEnv(ENV(), tmpdir()), {
    Octokit: TestOctokit,
    retryPolicy: instantRetries(),
  });
}

async function reconcile(options: ReconcileOptions = {}) {
  const io = captureIo({ cwd: tmpdir(), env: ENV() });
  const code = await runReconcileCommand({ ...options, json: true }, io, {
    clients: clients(),
    database: db,
    now: () => PINNED_NOW,
  });
  const { stdout, stderr } = io.output();
  if (stdout === "") throw new Error(`reconcile printed nothing (exit ${code}): ${stderr}`);
  return { code, stderr, report: JSON.parse(stdout) as ReconcileReport };
}

async function reconcileText(options: ReconcileOptions = {}) {
  const io = captureIo({ cwd: tmpdir(), env: ENV() });
  const code = await runReconcileCommand(options, io, {
    clients: clients(),
    database: db,
    now: () => PINNED_NOW,
  });
  return { code, ...io.output() };
}

const runsOn = (sha: string) => github.checkRuns.filter((r) => r.head_sha === sha);
/** The issues the app created (beside the one the fixture has). */
const rollupIssues = () => github.issues.filter((i) => i.appId === APP_ID);
const headOf = (owner: string, repo: string, number: number): string =>
  github.pulls.get(`${owner}/${repo}#${number}`)?.headSha ?? "";
const OPEN = [
  ["acme", "shop", 1],
  ["acme", "shop", 2],
  ["acme", "shop", 3],
  ["acme", "api", 5],
  ["globex", "site", 9],
] as const;

describe("cost-value reconcile", () => {
  it("leaves a PR another instance is evaluating to that instance (its lease): queued for it, not evaluated twice", async () => {
    const key = { installationId: 4242, repositoryId: 77, number: 2 };
    const sha2 = headOf("acme", "shop", 2);
    await enqueueEvaluation(db.pool, { ...key, owner: "acme", repo: "shop", headSha: sha2 });
    expect(await claimEvaluation(db.pool, key, "another-instance", 60_000)).toBeDefined();

    const { code, report } = await reconcile({ repo: "acme/shop" });
    expect(code).toBe(0);
    expect(report.pullRequests.find((p) => p.number === 2)).toMatchObject({
      result: "handed-off",
    });
    expect(runsOn(sha2)).toHaveLength(0); // the lease holder publishes, not reconcile
    expect(report.checkRuns).toEqual({ created: 2, updated: 0, unchanged: 0 });
    // the request is recorded for the lease holder: it evaluates again when it finishes
    const { rows } = await db.pool.query<{ requested: number; completed: number }>(
      "SELECT requested, completed FROM evaluation_queue WHERE number = 2",
    );
    expect(rows).toEqual([{ requested: 2, completed: 0 }]);
    const text = await reconcileText({ repo: "acme/shop" });
    expect(text.stdout).toMatch(
      /acme\/shop#2 {2}\w{7} {2}queued: another instance is evaluating it/,
    );
    expect(text.stdout).toMatch(/left to the instance evaluating them/);
  });

  it("evaluates every open PR of every installation: a missing check is created, an existing one updated in place", async () => {
    // a webhook did reach the app for acme/shop#1: its run exists; the others were missed
    const sha1 = headOf("acme", "shop", 1);
    github.addCheckRun(sha1, { id: 777, name: "cost/value", status: "completed" });

    const { code, report, stderr } = await reconcile();
    expect(stderr).toBe("");
    expect(report.failures).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ installations: 2, repositories: 3 });
    expect(report.checkRuns).toEqual({ created: 4, updated: 1, unchanged: 0 });
    expect(report.pullRequests.map((p) => `${p.repository}#${p.number}`)).toEqual([
      "acme/shop#3",
      "acme/shop#2",
      "acme/shop#1",
      "acme/api#5",
      "globex/site#9",
    ]);
    // one run per open PR's head; #1 kept its run (updated), nothing on the merged PR
    for (const [owner, repo, number] of OPEN)
      expect(runsOn(headOf(owner, repo, number))).toHaveLength(1);
    expect(runsOn(sha1)[0]).toMatchObject({ id: 777, conclusion: "success" });
    expect(runsOn(sha1)[0]?.writes).toHaveLength(1);
    expect(runsOn(headOf("acme", "shop", 3))[0]?.conclusion).toBe("failure"); // no value section
    expect(runsOn(headOf("acme", "shop", 4))).toHaveLength(0);
    // each installation's repositories and PRs read with its own token, pages followed
    expect(seen.tokens.sort()).toEqual([4242, 5151]);
    expect(seen.listings).toEqual([
      "installations",
      "installations",
      "repositories:4242",
      "repositories:4242",
      "pulls:acme/shop",
      "pulls:acme/shop",
      "pulls:acme/api",
      "repositories:5151",
      "pulls:globex/site",
    ]);
    // the ledger has them, and each milestone's rollup was posted once
    const rows = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM pull_requests");
    expect(Number(rows.rows[0]?.n)).toBe(5);
    expect(
      rollupIssues()
        .map((i) => i.title)
        .sort(),
    ).toEqual(["Cost & value: Checkout v2", "Cost & value: Launch"]);
    expect(github.comments).toHaveLength(2);
    expect(report.rollups).toMatchObject({ created: 2 });
  });

  it("running it twice creates nothing new and writes nothing: runs and rollups untouched", async () => {
    const first = await reconcile();
    expect(first.code).toBe(0);
    const runs = github.checkRuns.length;
    const edits = github.comments.map((c) => c.edits);
    github.reset();
    const second = await reconcile();
    expect(second.code).toBe(0);
    expect(second.report.checkRuns).toEqual({ created: 0, updated: 0, unchanged: 5 });
    expect(second.report.rollups).toMatchObject({ created: 0, updated: 0, milestonesChecked: 2 });
    expect(github.checkRuns).toHaveLength(runs);
    expect(rollupIssues()).toHaveLength(2);
    expect(github.comments.map((c) => c.edits)).toEqual(edits);
    // the only writes: a run whose output changed since the first pass (the work item's spend
    // across its PRs, recorded after that PR's first evaluation); no create, no comment
    const writes = github.requests.filter((r) => r.method !== "GET" && r.path !== "/graphql");
    expect(writes.map((w) => w.method)).toEqual(["PATCH"]);
    expect(JSON.stringify(writes[0]?.body)).toContain("across 3 PRs");
    // a third pass: every run already shows its output (the hash the ledger keeps): no write
    github.reset();
    expect((await reconcile()).code).toBe(0);
    expect(github.requests.filter((r) => r.method !== "GET" && r.path !== "/graphql")).toEqual([]);
  });

  it("a PR the ledger records open but GitHub no longer lists (a missed close) is evaluated too", async () => {
    expect((await reconcile()).code).toBe(0);
    const merged = github.pulls.get("acme/shop#2");
    if (merged === undefined) throw new Error("no PR 2");
    merged.state = "MERGED";
    const run = await reconcileText({ repo: "acme/shop" });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /acme\/shop#2 {2}\w{7} {2}success {2}check unchanged .*\(no longer open; was recorded open\)/,
    );
    const row = await db.pool.query<{ state: string }>(
      "SELECT state FROM pull_requests WHERE repository_id = 77 AND number = 2",
    );
    expect(row.rows[0]?.state).toBe("merged");
    expect(run.stdout).toContain(
      "reconcile: 1 installation, 1 repository, 3 pull requests evaluated (1 no longer open)",
    );
    expect(run.stdout).toContain("check runs: 0 created, 0 updated, 3 unchanged");
    expect(run.stdout).toContain("failures: 0");
  });

  it("one PR's failure does not stop the others, and exits 1 naming it", async () => {
    // the first PR read fails on every attempt the retry policy allows
    for (let i = 0; i < 4; i++) github.failNext("CostValuePullRequest", { status: 502, json: {} });
    const run = await reconcileText();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/acme\/shop#3 {2}\w{7} {2}FAILED: GitHub answered HTTP 502/);
    expect(run.stdout).toContain("check runs: 4 created, 0 updated, 0 unchanged");
    expect(run.stdout).toMatch(/failures: 1\n {2}acme\/shop#3: GitHub answered HTTP 502/);
    for (const [owner, repo, number] of OPEN.filter(([, , n]) => n !== 3))
      expect(runsOn(headOf(owner, repo, number))[0]?.status).toBe("completed");
    // as the app does: the PR that could not be read gets a neutral run saying so
    expect(runsOn(headOf("acme", "shop", 3))[0]?.conclusion).toBe("neutral");
  });

  it("a repository whose PRs cannot be listed is a failure; the other repositories go on", async () => {
    setUp({ failPulls: "acme/api" });
    const { code, report } = await reconcile();
    expect(code).toBe(1);
    expect(report.failures).toEqual([
      {
        what: "acme/api",
        reason: expect.stringContaining("its pull requests could not be listed: HTTP 403"),
      },
    ]);
    expect(report.checkRuns.created).toBe(4);
  });

  it("writes the same ledger as webhook-driven evaluation", async () => {
    // webhooks: each open PR's `opened` delivered to the app, into a second database
    const webhookDb = await openTestDatabase();
    try {
      await migrate(webhookDb.pool);
      const probot = await testProbot({ database: webhookDb });
      let n = 0;
      for (const [owner, repo, number] of OPEN) {
        const p = github.pulls.get(`${owner}/${repo}#${number}`);
        const r = github.repos.get(`${owner}/${repo}`);
        const installation = INSTALLATIONS.find((i) => i.account === owner)?.id;
        if (p === undefined || r === undefined) throw new Error("missing fixture");
        await probot.receive({
          id: `d-${++n}`,
          name: "pull_request",
          payload: pullRequestPayload(
            "opened",
            { owner, repo, repoId: r.databaseId, number, headSha: p.headSha, body: p.body },
            { installation: { id: installation } },
          ),
        } as never);
      }
      // reconcile: a fresh GitHub with the same data, into the test's database
      setUp();
      expect((await reconcile()).code).toBe(0);

      const ledger = async (pool: typeof db.pool) =>
        (
          await pool.query(
            `SELECT installation_id::text, repository_id::text, number, github_id::text, title, author, state,
               draft, milestone_number, head_sha, currency, value_complete, value_type, worth_micros::text,
               budget_micros::text, issue_owner, issue_repo, issue_number, cost_micros::text,
               tokens_input::text, commit_count, commits_with_cost, conclusion, evaluated_at
             FROM pull_requests ORDER BY installation_id, repository_id, number`,
          )
        ).rows;
      const viaWebhooks = await ledger(webhookDb.pool);
      expect(viaWebhooks).toHaveLength(5);
      expect(await ledger(db.pool)).toEqual(viaWebhooks);
      const milestones = async (pool: typeof db.pool) =>
        (
          await pool.query(
            "SELECT repository_id::text, number, title, state, budget_micros::text FROM milestones ORDER BY 1, 2",
          )
        ).rows;
      expect(await milestones(db.pool)).toEqual(await milestones(webhookDb.pool));
      const totals = async (
        pool: typeof db.pool,
        installationId: number,
        repositoryId: number,
        milestoneNumber: number,
      ) => {
        const data = await readRollup(pool, {
          installationId,
          repositoryId,
          milestoneNumber,
          currency: "USD",
        });
        return {
          spend: data?.spend,
          worth: data?.worth,
          pullRequests: data?.pullRequests,
          byType: data?.byType,
          workItems: data?.workItems,
        };
      };
      const shop = await totals(db.pool, 4242, 77, 3);
      expect(shop.spend).toBe(7_500_000n); // 2 × 1.50 + 2 × 2.25
      expect(shop).toEqual(await totals(webhookDb.pool, 4242, 77, 3));
      expect(await totals(db.pool, 5151, 90, 1)).toEqual(await totals(webhookDb.pool, 5151, 90, 1));
    } finally {
      await webhookDb.close();
    }
  });

  it("--repo and --installation narrow it down; --dry-run lists and writes nothing", async () => {
    const dry = await reconcileText({ dryRun: true });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      `acme/shop#2  ${headOf("acme", "shop", 2).slice(0, 7)}  would evaluate`,
    );
    expect(dry.stdout).toContain(
      "reconcile (--dry-run): 2 installations, 3 repositories, 5 pull requests to evaluate",
    );
    expect(github.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(github.checkRuns).toEqual([]);

    const one = await reconcile({ repo: "globex/site" });
    expect(one.report).toMatchObject({
      installations: 1,
      repositories: 1,
      checkRuns: { created: 1 },
    });
    expect(seen.tokens).toEqual([4242, 5151, 5151]); // dry run: both; then globex only

    const inst = await reconcile({ installation: "4242" });
    expect(inst.report.pullRequests.map((p) => p.repository)).toEqual([
      "acme/shop",
      "acme/shop",
      "acme/shop",
      "acme/api",
    ]);
  });

  it("refuses what it cannot do, naming the fix (exit 2)", async () => {
    nock(API).get("/app/installations/999").reply(404, { message: "Not Found" });
    const unknown = await reconcileText({ installation: "999" });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("the app has no installation 999");
    const mismatch = await reconcileText({ installation: "5151", repo: "acme/shop" });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(
      "acme/shop belongs to installation 4242, not to --installation 5151",
    );
    const notInstalled = await reconcileText({ repo: "acme/nope" });
    expect(notInstalled.stderr).toContain("the app is not installed on acme/nope");
    for (const [args, message] of [
      [["reconcile", "--repo", "shop"], '--repo "shop" is not owner/name'],
      [["reconcile", "--installation", "acme"], '--installation "acme" is not an installation id'],
    ] as const) {
      const run = await runCliCaptured(args, { cwd: tmpdir(), env: ENV() });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    }
    const noKey = await runCliCaptured(["reconcile"], {
      cwd: mkdtempSync(join(tmpdir(), "cv-reconcile-nokey-")),
      env: { APP_ID: "1001" },
    });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("PRIVATE_KEY is not set");
    // APP_ID from .env in the working directory, like the app
    const dotEnvOnly = mkdtempSync(join(tmpdir(), "cv-reconcile-dotenv-"));
    writeFileSync(join(dotEnvOnly, ".env"), "APP_ID=1001\n");
    const fromDotEnv = await runCliCaptured(["reconcile"], { cwd: dotEnvOnly, env: {} });
    expect(fromDotEnv.code).toBe(2);
    expect(fromDotEnv.stderr).not.toContain("APP_ID is not set");
    expect(fromDotEnv.stderr).toContain("PRIVATE_KEY is not set");
    expect(github.checkRuns).toEqual([]);
  });

  it("opens and migrates the database named by the environment", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "cv-reconcile-env-"));
    const env =
      usingPostgres() && db.url !== undefined
        ? { ...ENV(), DATABASE_URL: db.url }
        : { ...ENV(), COST_VALUE_DATA_DIR: "data" };
    const io = captureIo({ cwd, env });
    const code = await runReconcileCommand({ repo: "acme/api" }, io, {
      clientOptions: { Octokit: TestOctokit, retryPolicy: instantRetries() },
      now: () => PINNED_NOW,
    });
    expect(io.output().stderr).toBe("");
    expect(code).toBe(0);
    expect(io.output().stdout).toContain("check runs: 1 created, 0 updated, 0 unchanged");
    const reopened = usingPostgres() ? db : await openDatabase({ dataDir: join(cwd, "data") });
    try {
      const rows = await reopened.pool.query<{ number: number }>(
        "SELECT number FROM pull_requests WHERE repository_id = 78",
      );
      expect(rows.rows).toEqual([{ number: 5 }]);
    } finally {
      if (reopened !== db) await reopened.close();
    }
  });
});
