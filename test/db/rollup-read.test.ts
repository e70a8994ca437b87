/**
 * readRollup is one statement (the milestone's PRs read once, lists as JSON): its figures over a
 * realistic milestone, its edge cases (an empty milestone, other currencies, money past 2^53, any
 * title text, another installation) and its plan. The figures at scale: `npm run bench -- --only
 * rollup-scale`. (The first test moved here from test/db/ledger.test.ts.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { upsertMilestone } from "../../src/db/milestones.js";
import { recordPullRequest } from "../../src/db/record.js";
import { readRollup } from "../../src/db/rollup-read.js";
import type { Queryable } from "../../src/db/transaction.js";
import { openTestDatabase, type TestDatabase, usingPostgres } from "../helpers/database.js";
import { exampleMilestone, INSTALLATION, milestone, pr, REPO } from "../helpers/ledger-fixtures.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE installations CASCADE");
});

const scope = { installationId: INSTALLATION, repositoryId: REPO.id, milestoneNumber: 3 };
const rollup = (on: Queryable = db.pool, currency = "USD") =>
  readRollup(on, { ...scope, currency });

/** A Queryable that passes statements through and keeps them. */
function recording(): { on: Queryable; statements: { text: string; values: unknown[] }[] } {
  const statements: { text: string; values: unknown[] }[] = [];
  const on = {
    query: (text: string, values?: unknown[]) => {
      statements.push({ text, values: values ?? [] });
      return db.pool.query(text, values);
    },
  } as Queryable;
  return { on, statements };
}

describe(`readRollup's statement (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("computes a milestone's rollup with SQL aggregates, worth counted once per work item", async () => {
    const { milestone: m, prs } = exampleMilestone();
    await upsertMilestone(db.pool, m);
    for (const p of prs) await recordPullRequest(db.pool, p);
    const data = await rollup();
    expect(data).toBeDefined();
    if (data === undefined) return;
    expect(data.spend).toBe(61_050_000n); // 14.62 + 12.48 + 9.10 + 3.05 + 21.40 + 0 + 0.40
    // #123 worth $8,000 once (two PRs), #130 $20,000, #131 $5,000, #140 $1,000
    expect(data.worth).toBe(34_000_000_000n);
    expect(data.pullRequests).toEqual({ merged: 3, open: 3, closed: 1 });
    expect(data.milestone).toMatchObject({ title: "Checkout v2", budget: 100_000_000n });
    expect(data.workItems[0]).toMatchObject({
      label: "#123",
      spend: 27_100_000n,
      budget: 30_000_000n,
      pullRequests: 2,
    });
    expect(data.byType.find((t) => t.type === "defect")).toMatchObject({
      spend: 27_100_000n,
      worth: 8_000_000_000n,
      pullRequests: 2,
    });
    expect(data.costliest.map((p) => p.number)).toEqual([16, 11, 12, 14, 15, 18]);
    expect(data.withoutValue.map((p) => p.number)).toEqual([16, 17]);
    expect(data.agentWorkWithoutCost).toEqual([
      { number: 17, title: "Tidy checkout styles", commits: 2 },
    ]);
    expect(data.unpricedModels).toEqual([{ model: "acme/local-llm", pullRequests: 1 }]);
    expect(data.spendOverTime.at(-1)?.cumulative).toBe(61_050_000n);
  });

  it("is read only by the installation that owns the milestone", async () => {
    await upsertMilestone(db.pool, milestone());
    await recordPullRequest(db.pool, pr(1, { cost: 5 }));
    const other = { id: 88, owner: "globex", name: "shop" };
    await upsertMilestone(db.pool, milestone({ installationId: 9, repository: other }));
    await recordPullRequest(db.pool, pr(1, { cost: 50, installationId: 9, repository: other }));
    expect((await rollup())?.spend).toBe(5_000_000n);
    // installation 9 cannot read acme/shop's milestone
    expect(
      await readRollup(db.pool, { ...scope, installationId: 9, currency: "USD" }),
    ).toBeUndefined();
  });

  it("reads a milestone with no PRs: zeros and empty lists", async () => {
    await upsertMilestone(db.pool, milestone());
    const data = await rollup();
    expect(data).toEqual({
      repository: { owner: REPO.owner, repo: REPO.name },
      milestone: {
        number: 3,
        title: "Checkout v2",
        state: "open",
        dueOn: new Date("2026-12-15T00:00:00Z"),
        budget: 100_000_000n,
      },
      currency: "USD",
      spend: 0n,
      worth: 0n,
      pullRequests: { merged: 0, open: 0, closed: 0 },
      byType: [],
      workItems: [],
      costliest: [],
      withoutValue: [],
      agentWorkWithoutCost: [],
      unpricedModels: [],
      spendOverTime: [],
      agentSpend: 0n,
      byKind: [],
    });
    expect(await readRollup(db.pool, { ...scope, milestoneNumber: 4, currency: "USD" })).toBe(
      undefined,
    );
  });

  it("counts only the rollup's currency, and shows a budget only in it", async () => {
    await upsertMilestone(db.pool, milestone());
    await recordPullRequest(db.pool, pr(1, { cost: 5, worth: 100 }));
    await recordPullRequest(db.pool, pr(2, { cost: 70, worth: 900, currency: "EUR" }));
    const usd = await rollup();
    expect(usd).toMatchObject({ spend: 5_000_000n, worth: 100_000_000n });
    expect(usd?.costliest.map((p) => p.number)).toEqual([1]);
    const eur = await rollup(db.pool, "EUR");
    expect(eur).toMatchObject({ spend: 70_000_000n, worth: 900_000_000n });
    expect(eur?.milestone.budget).toBeUndefined(); // the milestone's budget is in USD
  });

  it("keeps money exact past 2^53 micro-units and titles exactly as written", async () => {
    await upsertMilestone(db.pool, milestone({ title: 'Q3 "big" \\ push 🚀' }));
    const huge = 2n ** 53n + 1n; // not representable as a JavaScript number
    const title = 'Quote " backslash \\ tab\t newline\n emoji 🚀 <b>&amp;</b>';
    await recordPullRequest(db.pool, {
      ...pr(1, { title, worth: 1 }),
      costMicros: huge,
      worthMicros: huge,
    });
    await recordPullRequest(db.pool, { ...pr(2, { title: "second", worth: 1 }), costMicros: huge });
    const data = await rollup();
    expect(data?.milestone.title).toBe('Q3 "big" \\ push 🚀');
    expect(data?.spend).toBe(huge * 2n);
    expect(data?.worth).toBe(huge + 1_000_000n);
    expect(data?.costliest.map((p) => [p.title, p.spend])).toEqual([
      [title, huge],
      ["second", huge],
    ]);
    expect(data?.costliest[0]?.worth).toBe(huge);
    expect(data?.workItems.map((w) => w.spend)).toEqual([huge, huge]);
    expect(data?.byType).toEqual([
      { type: "defect", spend: huge * 2n, worth: huge + 1_000_000n, pullRequests: 2 },
    ]);
    expect(data?.spendOverTime.at(-1)?.cumulative).toBe(huge * 2n);
  });

  it("is one statement, reading the PRs through the milestone index", async () => {
    await upsertMilestone(db.pool, milestone());
    // 400 PRs over 10 milestones (40 of them in milestone 3), then statistics
    await db.pool.query(
      `INSERT INTO pull_requests (installation_id, repository_id, number, state, milestone_number, head_sha,
         currency, cost_micros, conclusion, evaluated_at, issue_owner, issue_repo, issue_number)
       SELECT $1, $2, n, 'open', 1 + n % 10, md5(n::text), 'USD', CASE WHEN n % 10 = 2 THEN 1000000 * n / 10 ELSE 1 END,
              'success', now(), 'acme', 'shop', n
       FROM generate_series(1, 400) AS n`,
      [INSTALLATION, REPO.id],
    );
    await db.pool.query("ANALYZE pull_requests");
    const rec = recording();
    // n = 2, 12, …, 392: $0.2 + $1.2 + … + $39.2 = $788
    expect((await rollup(rec.on))?.spend).toBe(788_000_000n);
    expect(rec.statements).toHaveLength(1);
    const statement = rec.statements[0];
    if (statement === undefined) return;
    const client = await db.pool.connect();
    try {
      // a tiny table: forbid the sequential scan, so the plan shows whether an index can serve
      await client.query("SET enable_seqscan = off");
      const { rows } = await client.query<{ "QUERY PLAN": string }>(
        `EXPLAIN ${statement.text}`,
        statement.values,
      );
      const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).toMatch(/pull_requests_milestone/);
      expect(plan).not.toMatch(/Seq Scan on pull_requests/);
      // the PRs are read once, whatever the number of figures and lists
      expect(plan.match(/ on pull_requests\b/g)).toHaveLength(1);
    } finally {
      await client.query("RESET enable_seqscan");
      client.release();
    }
  });
});
