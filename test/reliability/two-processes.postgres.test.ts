/**
 * Two app processes (`src/server.ts`, what `npm start` runs) sharing one PostgreSQL under 50
 * concurrent deliveries. PostgreSQL only (PGlite cannot be shared between processes): files named
 * `*.postgres.test.ts` run when DATABASE_URL is set (vitest.config.ts); `.ci/run` runs them in its
 * PostgreSQL pass.
 */
import { describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { sendDelivery } from "../helpers/app-process.js";
import { openTestDatabase } from "../helpers/database.js";
import {
  addPr,
  checkRunsOf,
  fakeGitHub,
  payloadOf,
  processes,
  start,
} from "./processes-fixture.js";

describe("two processes on one PostgreSQL", () => {
  it("50 concurrent deliveries across 10 PRs of one milestone: no duplicates, exact totals", async () => {
    const { github, server } = await fakeGitHub();
    const db = await openTestDatabase();
    try {
      await migrate(db.pool);
      const url = db.url ?? "";
      const env = { DATABASE_URL: url };
      const [a, b] = await Promise.all([start(server, env), start(server, env)]);
      const prs = Array.from({ length: 10 }, (_, i) => addPr(github, 20 + i, 100 + i * 10));
      const actions = ["opened", "synchronize", "edited", "labeled", "reopened"];
      const deliveries = prs.flatMap((pr, i) =>
        actions.map((action, j) => ({
          pr,
          action,
          to: (i + j) % 2 === 0 ? a : b,
          id: `two-${i}-${j}`,
        })),
      );
      expect(deliveries).toHaveLength(50);
      // each delivery also sent twice (GitHub's at-least-once), to the other process
      const answers = await Promise.all(
        deliveries.flatMap((d) =>
          [d.to, d.to === a ? b : a].map((to) =>
            sendDelivery({
              url: to.url,
              secret: to.secret,
              event: "pull_request",
              deliveryId: d.id,
              payload: {
                ...payloadOf(d.pr, d.action),
                ...(d.action === "edited" ? { changes: { body: { from: "" } } } : {}),
              },
            }),
          ),
        ),
      );
      expect(answers.filter((r) => r.status >= 300)).toEqual([]);
      // the queue drains (a request handed to a lease holder is evaluated by it)
      await expect
        .poll(
          async () =>
            (
              await db.pool.query(
                "SELECT count(*)::int AS n FROM evaluation_queue WHERE completed < requested",
              )
            ).rows[0]?.n,
          { timeout: 60_000, interval: 250 },
        )
        .toBe(0);
      for (const pr of prs)
        expect(checkRunsOf(github, pr).map((r) => r.head_sha)).toEqual([pr.headSha]);
      const ledger = await db.pool.query(
        "SELECT count(*)::int AS n, sum(cost_micros)::bigint AS spend FROM pull_requests",
      );
      // 10 PRs × 2 commits × $1.00 + $0.10·i
      expect(ledger.rows[0]).toEqual({ n: 10, spend: String(2 * (10 * 1_000_000 + 45 * 100_000)) });
      // the rollup comment is written once the milestone has been quiet (the scheduler's 5 s, at
      // most 30 s after the first change): wait for it, then there must be exactly one
      const rollupComments = () =>
        github.comments.filter((c) => c.body.startsWith("<!-- cost-value:rollup repository="));
      await expect.poll(() => rollupComments().length, { timeout: 45_000 }).toBeGreaterThan(0);
      const rollups = rollupComments();
      const rollupIssues = github.issues.filter((i) => i.title === "Cost & value: Checkout v2");
      expect(rollupIssues).toHaveLength(1);
      expect(rollups).toHaveLength(1);
      await expect
        .poll(() => github.comments.find((c) => c === rollups[0])?.body ?? "", {
          timeout: 30_000,
        })
        .toContain("**Investment \\$29.00**");
      // the rollup's record commits after GitHub answered the comment's write: wait for it
      const posts = async () =>
        (await db.pool.query("SELECT count(*)::int AS n FROM rollup_posts")).rows[0]?.n;
      await expect.poll(posts, { timeout: 10_000 }).toBe(1);
    } finally {
      for (const p of processes) p.kill("SIGKILL");
      await Promise.all(processes.map((p) => p.exited));
      processes.length = 0;
      await db.close();
    }
  }, 180_000);
});
