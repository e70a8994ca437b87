/**
 * Figure 1: GitHub API calls per evaluation, counted at a fake GitHub HTTP server on 127.0.0.1
 * (test/helpers/fake-github, over HTTP). The app runs in this process: a Probot instance with the
 * real app (`createCostValueApp` with its ledger), real app authentication (JWT → installation
 * token at the fake server) and an Octokit whose base URL is the fake server (GitHub Enterprise
 * style: REST at /api/v3, GraphQL at /api/graphql). Retries and throttling are off (nothing fails
 * here, and Probot's 1 s spacing of writes would only slow the run down; it changes no count).
 *
 * For PRs of 1, 100, 250, 1,000 and 5,000 commits, each in its own milestone (so the rollup is
 * on): the first evaluation (`pull_request.opened`), a re-evaluation of the same head with nothing
 * changed (`check_run.rerequested`), and one with the value statement changed
 * (`pull_request.edited`). The check's calls (reads, write) and the rollup's calls are reported
 * apart. Beside them: what a straightforward REST implementation needs.
 */
import pino from "pino";
import { Probot } from "probot";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { createCostValueApp } from "../../src/github/app.js";
import {
  type Endpoint,
  type FakeCommit,
  FakeGitHub,
  type FakeGitHubServer,
  type FakePullRequest,
} from "../../test/helpers/fake-github/index.js";
import { APP_ID, TestOctokit, throwawayPrivateKey } from "../../test/helpers/probot.js";
import {
  checkRunPayload,
  pullRequestPayload,
  reviewPayload,
  workflowJobPayload,
} from "../../test/helpers/webhook-payloads.js";
import type { BenchContext } from "./common.js";
import { freshPostgresDatabase } from "./process.js";

const OWNER = "acme";
const REPO = "shop";
const REPO_ID = 77;
const body = (worth: string) =>
  `Speeds up checkout.\n\n## Value\n\nIssue: #1\nType: defect\nWorth: ${worth}\nBudget: $300\n`;

/** The check's endpoints; the rest of what an evaluation calls is the rollup's. */
const CHECK_ENDPOINTS: readonly Endpoint[] = ["graphql", "create", "update", "list"];
const WRITE_ENDPOINTS: readonly Endpoint[] = [
  "create",
  "update",
  "issue",
  "comment",
  "comment-update",
];

let shas = 0;
const sha = (): string => `b${(++shas).toString(16).padStart(39, "0")}`;

function commits(n: number): FakeCommit[] {
  return Array.from({ length: n }, (_, i) => ({
    sha: sha(),
    message:
      i % 3 === 0
        ? `Fix rounding (${i})\n\nAgent: claude-code\nAgent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000\n`
        : i % 3 === 1
          ? `Refactor the adapter (${i})\n\nAgent-Cost: 0.72 USD\n`
          : `Add tests (${i})\n`,
    author: { name: "Dev", email: "dev@example.com", login: "dev" },
  }));
}

/** The app's target: 1 read and 1 write up to 100 commits, one more read per further 100. */
const target = (n: number): number => 2 + Math.ceil(Math.max(0, n - 100) / 100);

/**
 * A straightforward REST implementation: GET the PR, list its commits (100 a page), GET the linked
 * issue, GET the config file, POST the check. REST lists at most 250 commits of a PR.
 */
const restCalls = (n: number): number => 4 + Math.max(1, Math.ceil(Math.min(n, 250) / 100));

interface Calls {
  check: number;
  checkReads: number;
  checkWrites: number;
  rollup: number;
  rollupWrites: number;
}

function snapshot(github: FakeGitHub): Map<Endpoint, number> {
  return new Map(github.endpointCounts);
}

function diff(github: FakeGitHub, before: Map<Endpoint, number>): Calls {
  const calls: Calls = { check: 0, checkReads: 0, checkWrites: 0, rollup: 0, rollupWrites: 0 };
  for (const [endpoint, count] of github.endpointCounts) {
    const n = count - (before.get(endpoint) ?? 0);
    if (n === 0 || endpoint === "token") continue;
    const write = WRITE_ENDPOINTS.includes(endpoint);
    if (CHECK_ENDPOINTS.includes(endpoint)) {
      calls.check += n;
      if (write) calls.checkWrites += n;
      else calls.checkReads += n;
    } else {
      calls.rollup += n;
      if (write) calls.rollupWrites += n;
    }
  }
  return calls;
}

async function openBenchDatabase(
  ctx: BenchContext,
): Promise<{ database: Database; kind: string; drop: () => Promise<void> }> {
  if (ctx.databaseUrl !== undefined) {
    const fresh = await freshPostgresDatabase(ctx.databaseUrl, "cv_bench_api_calls");
    const database = await openDatabase({ url: fresh.url });
    return {
      database,
      kind: "PostgreSQL",
      drop: async () => {
        await database.close();
        await fresh.drop();
      },
    };
  }
  const database = await openDatabase({ dataDir: "memory://" });
  return { database, kind: "PGlite", drop: () => database.close() };
}

export async function run(ctx: BenchContext): Promise<void> {
  const sizes = ctx.quick ? [1, 100, 250] : [1, 100, 250, 1_000, 5_000];
  const github = new FakeGitHub().addRepo(OWNER, REPO, {}, REPO_ID);
  github.addIssue({ owner: OWNER, repo: REPO, number: 1, body: "Checkout fails for EU cards." });
  let server: FakeGitHubServer | undefined;
  const db = await openBenchDatabase(ctx);
  try {
    await migrate(db.database.pool);
    server = await github.serve();
    const log = pino({ level: "silent" });
    const probot = new Probot({
      appId: APP_ID,
      privateKey: throwawayPrivateKey(),
      baseUrl: server.restUrl,
      Octokit: TestOctokit,
      log,
    });
    await probot.load(createCostValueApp({ appId: APP_ID, database: db.database }));
    let deliveries = 0;
    const receive = async (name: string, payload: Record<string, unknown>) => {
      await probot.receive({ id: `bench-${++deliveries}`, name, payload } as never);
    };

    const rollups: { n: number; first: Calls; same: Calls; changed: Calls }[] = [];
    for (const [index, n] of sizes.entries()) {
      const number = 10 + index;
      const prCommits = commits(n);
      const pr: FakePullRequest = github.addPullRequest({
        owner: OWNER,
        repo: REPO,
        number,
        title: `PR of ${n} commits`,
        body: body("$8,000"),
        headSha: prCommits.at(-1)?.sha ?? "",
        commits: prCommits,
        closingIssues: [{ number: 1 }],
        milestone: {
          number: 100 + index,
          title: `Release ${index + 1}`,
          state: "OPEN",
          description: "Budget: $5,000\n",
        },
      });
      const where = { owner: OWNER, repo: REPO, repoId: REPO_ID, number, headSha: pr.headSha };

      let before = snapshot(github);
      await receive("pull_request", pullRequestPayload("opened", { ...where, body: pr.body }));
      const first = diff(github, before);
      const published = github.checkRuns.filter((r) => r.head_sha === pr.headSha);
      if (published.length !== 1)
        throw new Error(`expected one check run, found ${published.length}`);

      // the same head again, nothing changed (a label, a redelivery): the run shows it already
      before = snapshot(github);
      await receive("pull_request", pullRequestPayload("labeled", { ...where, body: pr.body }));
      const unchanged = diff(github, before);

      before = snapshot(github);
      await receive("check_run", checkRunPayload(where, APP_ID));
      const same = diff(github, before);

      const old = pr.body;
      pr.body = body("$9,500");
      before = snapshot(github);
      await receive(
        "pull_request",
        pullRequestPayload(
          "edited",
          { ...where, body: pr.body },
          { changes: { body: { from: old } } },
        ),
      );
      const changed = diff(github, before);

      const t = target(n);
      const rest = restCalls(n);
      const over = first.check > t ? ` — OVER TARGET ${t}` : "";
      ctx.record({
        name: `${n} commits: first evaluation`,
        value: first.check,
        unit: "calls",
        note: `${first.checkReads} read + ${first.checkWrites} write; target ${t}${over}; straightforward REST ${rest}${n > 250 ? " and it sees only 250 commits" : ""}`,
      });
      ctx.record({
        name: `${n} commits: re-evaluation, nothing changed`,
        value: unchanged.check,
        unit: "calls",
        note: `${unchanged.checkReads} read + ${unchanged.checkWrites} write (pull_request.labeled: the run already shows this output, its hash is in the ledger)`,
      });
      ctx.record({
        name: `${n} commits: re-evaluation, same head`,
        value: same.check,
        unit: "calls",
        note: `${same.checkReads} read + ${same.checkWrites} write (check_run.rerequested: a re-run asked for is written even when unchanged, in place)`,
      });
      ctx.record({
        name: `${n} commits: straightforward REST`,
        value: rest,
        unit: "calls",
        note:
          n > 250
            ? `get PR, ${Math.ceil(250 / 100)} commit pages (REST stops at 250 of ${n} commits: the cost is wrong), issue, config, create check`
            : `get PR, ${Math.max(1, Math.ceil(n / 100))} commit page(s), issue, config, create check`,
      });
      // investment that arrives later: a review and a CI job, from their payloads alone
      const reads = (c: Calls) => c.checkReads + c.rollup - c.rollupWrites;
      const writes = (c: Calls) => c.checkWrites + c.rollupWrites;
      before = snapshot(github);
      await receive(
        "pull_request_review",
        reviewPayload(where, { id: 3_000_000_000 + n, reviewer: "rev" }),
      );
      const review = diff(github, before);
      before = snapshot(github);
      await receive(
        "workflow_job",
        workflowJobPayload(where, {
          id: 9_000_000_000 + n,
          sha: pr.headSha,
          startedAt: "2026-12-01T10:00:00Z",
          completedAt: "2026-12-01T10:03:10Z",
          labels: ["ubuntu-latest"],
        }),
      );
      const job = diff(github, before);
      ctx.record({
        name: `${n} commits: pull_request_review.submitted, reads`,
        value: reads(review),
        unit: "calls",
        note: `target 0: the review line is re-priced from the payload and the ledger; plus ${writes(review)} write (the milestone's rollup comment, edited now: the bench app has no rollup scheduler)`,
      });
      ctx.record({
        name: `${n} commits: workflow_job.completed, reads`,
        value: reads(job),
        unit: "calls",
        note: `target 0: the CI line is re-priced from the payload and the ledger; plus ${writes(job)} write (the rollup comment)`,
      });
      rollups.push({ n, first, same, changed });
      ctx.log(
        `${n} commits: first ${first.check} (+${first.rollup} rollup), same ${same.check} (+${same.rollup}), changed ${changed.check} (+${changed.rollup}); target ${t}, REST ${rest}`,
      );
    }
    // the rollup's calls do not depend on the PR's size: say so, or show where they differ
    const shape = (r: (typeof rollups)[number]) =>
      `${r.first.rollup}/${r.first.rollupWrites}/${r.same.rollup}/${r.same.rollupWrites}/${r.changed.rollup}/${r.changed.rollupWrites}`;
    const everySize = new Set(rollups.map(shape)).size === 1;
    const sizesNote = everySize
      ? `the same for every PR size (${sizes.join(", ")} commits)`
      : `differs by size: ${rollups.map((r) => `${r.n}: ${shape(r)}`).join("; ")} (first calls/writes, unchanged, changed)`;
    const r0 = rollups[0];
    if (r0 !== undefined) {
      ctx.record({
        name: "rollup writes: first evaluation in a milestone",
        value: r0.first.rollupWrites,
        unit: "writes",
        note: `creates the rollup issue and its comment, after ${r0.first.rollup - r0.first.rollupWrites} read (an existing issue is looked for first); ${sizesNote}`,
      });
      ctx.record({
        name: "rollup writes: re-evaluation, nothing changed",
        value: r0.same.rollupWrites,
        unit: "writes",
        note: `${r0.same.rollup} rollup calls in all (check_run.rerequested)`,
      });
      ctx.record({
        name: "rollup writes: re-evaluation, value changed",
        value: r0.changed.rollupWrites,
        unit: "writes",
        note: `the comment edited in place; ${r0.changed.rollup} rollup call(s) in all, beside the check's (pull_request.edited, Worth changed)`,
      });
    }
    const tokens = [...github.tokensIssued.values()].reduce((a, b) => a + b, 0);
    ctx.record({
      name: "installation token exchanges (whole run)",
      value: tokens,
      unit: "calls",
      note: `${deliveries} deliveries to 1 installation: one POST /app/installations/{id}/access_tokens per installation per hour (Probot caches the token 59 min), not per evaluation; ledger on ${db.kind}; all counted at the fake GitHub's HTTP server`,
    });
    if (github.unmatched.length > 0) {
      throw new Error(
        `the app called endpoints the fake does not serve: ${github.unmatched.map((r) => `${r.method} ${r.path}`).join(", ")}`,
      );
    }
  } finally {
    await server?.close();
    await db.drop();
  }
}
