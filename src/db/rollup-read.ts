/**
 * A milestone's rollup read from the ledger: every figure and list a SQL aggregate of one
 * statement.
 */
import { formatIssueRef } from "../core/issue-ref.js";
import type { RollupData, RollupPullRequest } from "../core/rollup.js";
import type { Queryable } from "./transaction.js";

/** A row's linked issue as the core writes it (`#12` in the repository, else `owner/repo#12`). */
const issueOfRow = (
  owner: string | null,
  repo: string | null,
  number: number | null,
  here: { owner: string; repo: string },
): string | undefined =>
  owner === null || repo === null || number === null
    ? undefined
    : formatIssueRef({ owner, repo, number }, here);

/** A PR in a rollup list, as the rollup statement returns it (JSON; money as strings). */
const PR_FIELDS = `number, title, state, invested::text AS spend, value_type, worth_micros::text AS worth,
  issue_owner, issue_repo, issue_number, agent_commits_without_cost`;

interface PrRow {
  number: number;
  title: string;
  state: "open" | "merged" | "closed";
  spend: string;
  value_type: string | null;
  worth: string | null;
  issue_owner: string | null;
  issue_repo: string | null;
  issue_number: number | null;
  agent_commits_without_cost: number;
}

interface RollupRow {
  owner: string;
  name: string;
  title: string;
  state: "open" | "closed";
  due_on: Date | null;
  budget_micros: string | null;
  budget_currency: string | null;
  budget_problem: string | null;
  spend: string;
  worth: string;
  merged: number;
  open: number;
  closed: number;
  first_activity: Date | null;
  by_type: { type: string; spend: string; worth: string; prs: string }[];
  items: {
    issue_owner: string | null;
    issue_repo: string | null;
    issue_number: number | null;
    first_pr: number;
    spend: string;
    budget: string | null;
    worth: string | null;
    prs: string;
  }[];
  costliest: PrRow[];
  without_value: PrRow[];
  without_cost: { number: number; title: string; agent_commits_without_cost: number }[];
  unpriced: { model: string; prs: number }[];
  over_time: { day: string; cumulative: string }[];
  agent_spend: string;
  by_kind: {
    kind: InvestmentKindRow;
    basis: "measured" | "declared" | "estimated";
    minutes: string | null;
    amount: string | null;
    prs: number;
  }[];
}

type InvestmentKindRow = "agents" | "engineering" | "review" | "ci" | "coordination";

/**
 * One milestone's rollup in one statement: the milestone's PRs are read once (the
 * `pull_requests_milestone` index, one heap visit per PR) into a materialized CTE, and every
 * figure and list is aggregated from it; lists come back as JSON, money as decimal strings.
 * (Nine statements, each scanning the PRs again, took 4–8× longer at 1,000,000 PRs: `npm run
 * bench -- --only rollup-scale`.)
 */
const ROLLUP_SQL = `
WITH prs AS MATERIALIZED (
  SELECT number, title, state, cost_micros, value_type, worth_micros, budget_micros, issue_owner, issue_repo,
         issue_number, agent_commits_without_cost, value_complete, unpriced_models, created_at,
         -- the PR's total investment: its priced lines in its currency (agent cost before any line)
         COALESCE((SELECT sum(i.amount_micros) FROM pull_request_investment i
                   WHERE i.installation_id = p.installation_id AND i.repository_id = p.repository_id
                     AND i.number = p.number AND i.currency = p.currency), cost_micros) AS invested
  FROM pull_requests p
  WHERE installation_id = $1 AND repository_id = $2 AND milestone_number = $3 AND currency = $4
), items AS MATERIALIZED (
  -- worth once per work item: the largest worth stated by its PRs; PRs with no issue count alone
  SELECT COALESCE(lower(issue_owner) || '/' || lower(issue_repo) || '#' || issue_number, 'pr:' || number) AS item,
         min(issue_owner) AS issue_owner, min(issue_repo) AS issue_repo, min(issue_number) AS issue_number,
         min(number) AS first_pr, sum(invested) AS spend, max(budget_micros) AS budget,
         max(worth_micros) AS worth, count(*) AS prs, min(value_type) AS value_type
  FROM prs GROUP BY 1
)
SELECT r.owner, r.name, m.title, m.state, m.due_on, m.budget_micros::text, m.budget_currency, m.budget_problem,
  t.spend, t.agent_spend, t.merged, t.open, t.closed, t.first_activity,
  (SELECT COALESCE(sum(worth), 0)::text FROM items) AS worth,
  (SELECT COALESCE(json_agg(json_build_object('type', type, 'spend', spend::text, 'worth', worth::text,
            'prs', prs::text) ORDER BY spend DESC, type), '[]')
   FROM (SELECT COALESCE(value_type, '(no type)') AS type, sum(spend) AS spend,
                COALESCE(sum(worth), 0) AS worth, sum(prs) AS prs
         FROM items GROUP BY 1) b) AS by_type,
  (SELECT COALESCE(json_agg(json_build_object('issue_owner', issue_owner, 'issue_repo', issue_repo,
            'issue_number', issue_number, 'first_pr', first_pr, 'spend', spend::text, 'budget', budget::text,
            'worth', worth::text, 'prs', prs::text) ORDER BY spend DESC, item), '[]')
   FROM (SELECT * FROM items ORDER BY spend DESC, item LIMIT 200) i) AS items,
  (SELECT COALESCE(json_agg(p ORDER BY p.cost DESC, p.number), '[]')
   FROM (SELECT ${PR_FIELDS}, invested AS cost FROM prs WHERE invested > 0
         ORDER BY invested DESC, number LIMIT 10) p) AS costliest,
  (SELECT COALESCE(json_agg(p ORDER BY p.number), '[]')
   FROM (SELECT ${PR_FIELDS} FROM prs WHERE NOT value_complete ORDER BY number LIMIT 200) p) AS without_value,
  (SELECT COALESCE(json_agg(p ORDER BY p.agent_commits_without_cost DESC, p.number), '[]')
   FROM (SELECT number, title, agent_commits_without_cost FROM prs WHERE agent_commits_without_cost > 0
         ORDER BY agent_commits_without_cost DESC, number LIMIT 200) p) AS without_cost,
  (SELECT COALESCE(json_agg(u ORDER BY u.prs DESC, u.model), '[]')
   FROM (SELECT model, count(*) AS prs FROM prs, unnest(unpriced_models) AS model
         GROUP BY model ORDER BY count(*) DESC, model LIMIT 200) u) AS unpriced,
  (SELECT COALESCE(json_agg(json_build_object('day', day, 'cumulative', cumulative::text) ORDER BY day), '[]')
   FROM (SELECT day, sum(spend) OVER (ORDER BY day) AS cumulative FROM (
           SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, sum(invested) AS spend
           FROM prs GROUP BY 1) d) o) AS over_time,
  (SELECT COALESCE(json_agg(json_build_object('kind', kind, 'basis', basis, 'minutes', minutes::text,
            'amount', amount::text, 'prs', prs) ORDER BY kind, basis), '[]')
   FROM (SELECT i.kind, i.basis, sum(i.minutes) AS minutes,
                sum(i.amount_micros) FILTER (WHERE i.currency = $4) AS amount, count(*) AS prs
         FROM pull_request_investment i JOIN prs ON prs.number = i.number
         WHERE i.installation_id = $1 AND i.repository_id = $2
         GROUP BY i.kind, i.basis) k) AS by_kind
FROM milestones m JOIN repositories r ON r.id = m.repository_id
  CROSS JOIN (SELECT COALESCE(sum(invested), 0)::text AS spend,
                     COALESCE(sum(cost_micros), 0)::text AS agent_spend,
                     count(*) FILTER (WHERE state = 'merged')::int AS merged,
                     count(*) FILTER (WHERE state = 'open')::int AS open,
                     count(*) FILTER (WHERE state = 'closed')::int AS closed,
                     min(created_at) AS first_activity
              FROM prs) t
WHERE r.installation_id = $1 AND m.repository_id = $2 AND m.number = $3`;

/** Everything a milestone's rollup shows, computed with SQL aggregates (one statement). */
export async function readRollup(
  db: Queryable,
  params: {
    installationId: number;
    repositoryId: number;
    milestoneNumber: number;
    currency: string;
  },
): Promise<RollupData | undefined> {
  const { rows } = await db.query<RollupRow>(ROLLUP_SQL, [
    params.installationId,
    params.repositoryId,
    params.milestoneNumber,
    params.currency,
  ]);
  const ms = rows[0];
  if (ms === undefined) return undefined;
  const here = { owner: ms.owner, repo: ms.name };
  const toPr = (row: PrRow): RollupPullRequest => {
    const issue = issueOfRow(row.issue_owner, row.issue_repo, row.issue_number, here);
    return {
      number: row.number,
      title: row.title,
      state: row.state,
      spend: BigInt(row.spend),
      ...(row.value_type !== null ? { valueType: row.value_type } : {}),
      ...(row.worth !== null ? { worth: BigInt(row.worth) } : {}),
      ...(issue !== undefined ? { issue } : {}),
      agentCommitsWithoutCost: row.agent_commits_without_cost,
    };
  };
  const budget =
    ms.budget_micros !== null && ms.budget_currency === params.currency
      ? BigInt(ms.budget_micros)
      : undefined;
  return {
    repository: here,
    milestone: {
      number: params.milestoneNumber,
      title: ms.title,
      state: ms.state,
      ...(ms.due_on !== null ? { dueOn: new Date(ms.due_on) } : {}),
      ...(budget !== undefined ? { budget } : {}),
      ...(ms.budget_problem !== null ? { budgetProblem: ms.budget_problem } : {}),
    },
    currency: params.currency,
    spend: BigInt(ms.spend),
    worth: BigInt(ms.worth),
    pullRequests: { merged: ms.merged, open: ms.open, closed: ms.closed },
    ...(ms.first_activity !== null ? { firstActivity: new Date(ms.first_activity) } : {}),
    byType: ms.by_type.map((r) => ({
      type: r.type,
      spend: BigInt(r.spend),
      worth: BigInt(r.worth),
      pullRequests: Number(r.prs),
    })),
    workItems: ms.items.map((r) => ({
      label: issueOfRow(r.issue_owner, r.issue_repo, r.issue_number, here) ?? `PR #${r.first_pr}`,
      spend: BigInt(r.spend),
      ...(r.budget !== null ? { budget: BigInt(r.budget) } : {}),
      ...(r.worth !== null ? { worth: BigInt(r.worth) } : {}),
      pullRequests: Number(r.prs),
    })),
    costliest: ms.costliest.map(toPr),
    withoutValue: ms.without_value.map(toPr),
    agentWorkWithoutCost: ms.without_cost.map((r) => ({
      number: r.number,
      title: r.title,
      commits: r.agent_commits_without_cost,
    })),
    unpricedModels: ms.unpriced.map((r) => ({ model: r.model, pullRequests: Number(r.prs) })),
    spendOverTime: ms.over_time.map((r) => ({ day: r.day, cumulative: BigInt(r.cumulative) })),
    agentSpend: BigInt(ms.agent_spend),
    byKind: ms.by_kind.map((r) => ({
      kind: r.kind,
      basis: r.basis,
      minutes: Number(r.minutes ?? "0"),
      ...(r.amount !== null ? { amount: BigInt(r.amount) } : {}),
      pullRequests: r.prs,
    })),
  };
}
