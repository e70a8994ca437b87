/**
 * Re-evaluating a PR against a GitHub that answers like github.com (issue 13, part 1): check-run
 * ids ~3×10^10 (GraphQL's `databaseId` null plus an "Int cannot represent" error), PR ids only as
 * `fullDatabaseId`, comment ids ~2.5×10^9, and ids beyond 2^53. A body edit, a redelivery, a re-run
 * asked for and a push each end with exactly one check run on the head SHA, updated in place
 * (never a PATCH without an id, never a second create, never a 404), with the ledger (the run's id
 * kept from its POST) and without one (the run's id looked up with one REST call).
 */
import type { Probot } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import {
  commitsOf,
  FakeGitHub,
  type FakePullRequest,
  type RecordedRequest,
} from "../helpers/fake-github/index.js";
import { APP_ID, testProbot } from "../helpers/probot.js";
import {
  checkRunPayload,
  checkSuitePayload,
  pullRequestPayload,
  type Target,
} from "../helpers/webhook-payloads.js";

const BODY = "## Value\nIssue: #12\nType: defect\nWorth: $8,000\nBudget: $300\n";

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});

let deliveries = 0;
const receive = (probot: Probot, name: string, payload: Record<string, unknown>) =>
  probot.receive({ id: `ids-${++deliveries}`, name, payload } as never);

for (const withLedger of [true, false]) {
  for (const firstCheckRunId of [30_000_000_000n, 9_007_199_254_740_993n]) {
    describe(`${withLedger ? "with" : "without"} the ledger, check-run ids from ${firstCheckRunId}`, () => {
      let github: FakeGitHub;
      let probot: Probot;
      let pr: FakePullRequest;

      beforeEach(async () => {
        await db.pool.query("TRUNCATE installations CASCADE");
        github = new FakeGitHub({ ids: "github", firstCheckRunId })
          .addRepo("acme", "shop", {}, 77)
          .install();
        probot = await testProbot(withLedger ? { database: db } : {});
        const commits = commitsOf(2);
        pr = github.addPullRequest({
          owner: "acme",
          repo: "shop",
          number: 7,
          body: BODY,
          headSha: commits.at(-1)?.sha ?? "",
          commits,
          milestone: { number: 3, title: "Checkout v2", state: "OPEN" },
        });
        await receive(probot, "pull_request", pullRequestPayload("opened", target()));
        expect(runsOn(pr.headSha)).toHaveLength(1);
        github.reset();
      });

      const target = (): Target => ({
        owner: "acme",
        repo: "shop",
        repoId: 77,
        number: 7,
        headSha: pr.headSha,
        body: pr.body,
      });
      const runsOn = (sha: string) => github.checkRuns.filter((r) => r.head_sha === sha);
      const checkWrites = (): RecordedRequest[] =>
        github.requests.filter((r) => r.method !== "GET" && /\/check-runs/.test(r.path));

      /** The head's run, updated in place by exactly the PATCHes made, each with its exact id. */
      function expectOneRunUpdatedInPlace(patches: number): void {
        const [run, ...more] = runsOn(pr.headSha);
        expect(more).toEqual([]);
        expect(run).toBeDefined();
        const writes = checkWrites();
        expect(writes.map((w) => w.method)).toEqual(Array(patches).fill("PATCH"));
        for (const w of writes) expect(w.path).toBe(`/repos/acme/shop/check-runs/${run?.id}`);
        expect(github.unmatched).toEqual([]);
        expect(BigInt(run?.id ?? 0)).toBeGreaterThanOrEqual(firstCheckRunId);
      }

      it("the first run's id is kept exactly", () => {
        const [run] = runsOn(pr.headSha);
        expect(String(run?.id)).toBe(String(firstCheckRunId));
      });

      it("a body edit updates the run in place", async () => {
        pr.body = BODY.replace("$8,000", "$9,500");
        await receive(
          probot,
          "pull_request",
          pullRequestPayload("edited", target(), { changes: { body: { from: BODY } } }),
        );
        expectOneRunUpdatedInPlace(1);
        expect(runsOn(pr.headSha)[0]?.output?.title).toContain("$9,500");
      });

      it("a redelivery of the same delivery changes nothing and creates nothing", async () => {
        const payload = pullRequestPayload("opened", target());
        await probot.receive({ id: "same-delivery", name: "pull_request", payload } as never);
        await probot.receive({ id: "same-delivery", name: "pull_request", payload } as never);
        // with the ledger: the output's hash says the run shows it already (no write); without:
        // the run found by REST is rewritten in place
        expectOneRunUpdatedInPlace(withLedger ? 0 : 2);
      });

      it("a re-run asked for on the check run, and on the suite, updates it in place", async () => {
        await receive(probot, "check_run", checkRunPayload(target(), APP_ID));
        await receive(probot, "check_suite", checkSuitePayload("rerequested", target(), APP_ID));
        expectOneRunUpdatedInPlace(2);
      });

      it("a push creates one run on the new head and leaves the old one", async () => {
        const old = pr.headSha;
        const next = commitsOf(1);
        pr.commits.push(...next);
        pr.headSha = next[0]?.sha ?? "";
        await receive(probot, "pull_request", pullRequestPayload("synchronize", target()));
        expect(runsOn(pr.headSha)).toHaveLength(1);
        expect(runsOn(old)).toHaveLength(1);
        expect(checkWrites().map((w) => w.method)).toEqual(["POST"]);
        // and the new head's run is then updated in place
        github.reset();
        pr.body = BODY.replace("$8,000", "$7,000");
        await receive(
          probot,
          "pull_request",
          pullRequestPayload("edited", target(), { changes: { body: { from: BODY } } }),
        );
        expectOneRunUpdatedInPlace(1);
      });

      if (withLedger) {
        it("records the PR's id exactly (fullDatabaseId) and the rollup comment's id", async () => {
          const { rows } = await db.pool.query<{ github_id: string; check_run_id: string }>(
            "SELECT github_id::text, check_run_id::text FROM pull_requests WHERE number = 7",
          );
          expect(rows[0]?.github_id).toBe(String(github.databaseIdOf(pr)));
          expect(rows[0]?.check_run_id).toBe(String(firstCheckRunId));
          const posts = await db.pool.query<{ comment_id: string }>(
            "SELECT comment_id::text FROM rollup_posts",
          );
          const comment = github.comments.find((c) => c.body.startsWith("<!-- cost-value:rollup"));
          expect(posts.rows[0]?.comment_id).toBe(String(comment?.id));
          expect(BigInt(comment?.id ?? 0)).toBeGreaterThan(2n ** 31n);
        });
      }
    });
  }
}
