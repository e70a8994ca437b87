/**
 * The ledger: what each evaluation recorded, and the aggregates read back from it. Every write
 * recomputes and upserts a PR's record from the source (no counters); every total is a SQL
 * aggregate. Queries always filter on the installation, so one tenant never sees another's data.
 */
import type pg from "pg";
import type { RollupData, RollupPullRequest } from "../core/rollup.js";
import { type Queryable, withTransaction } from "./transaction.js";

export {
  type EvaluationState,
  forgetCheckOutput,
  forgetPullRequest,
  type RecordOptions,
  type RecordResult,
  readEvaluationState,
  recordPullRequest,
} from "./record.js";
export { type Queryable, withTransaction };

export interface IssueKey {
  owner: string;
  repo: string;
  number: number;
}

export interface PullRequestRecord {
  installationId: number;
  repository: { id: number; owner: string; name: string };
  number: number;
  /** GitHub's id of the PR (a decimal string: exact beyond 2^53), when GitHub gave it. */
  githubId?: string;
  title: string;
  author: string;
  state: "open" | "merged" | "closed";
  draft: boolean;
  milestoneNumber?: number;
  headSha: string;
  currency: string;
  valueComplete: boolean;
  valueType?: string;
  worthMicros?: bigint;
  budgetMicros?: bigint;
  worthOrigin?: string;
  budgetOrigin?: string;
  issue?: IssueKey;
  costMicros: bigint;
  tokens: {
    input: number;
    output: number;
    cacheRead: number;
    cacheWrite: number;
    unspecified: number;
  };
  commitCount: number;
  commitsWithCost: number;
  agentCommitsWithoutCost: number;
  unpricedModels: string[];
  conclusion: string;
  /** Our check run's REST id (a decimal string), from the POST that created it. */
  checkRunId?: string;
  /** When the source was read: an older read never overwrites a newer one. */
  evaluatedAt: Date;
  models: {
    model: string;
    priced: boolean;
    costMicros?: bigint;
    tokens: PullRequestRecord["tokens"];
  }[];
  commits: {
    sha: string;
    costSource: string;
    costMicros: bigint;
    agent?: string;
    agentWithoutCost: boolean;
  }[];
  linkedIssues: IssueKey[];
}

export interface MilestoneRecord {
  installationId: number;
  repository: { id: number; owner: string; name: string };
  number: number;
  title: string;
  state: "open" | "closed";
  dueOn?: Date;
  budget?: { micros: bigint; currency: string };
  /** Why the description's `Budget:` line could not be read. */
  budgetProblem?: string;
}

/**
 * Record a repository under an installation; returns whether it now belongs to that installation.
 * A repository recorded under another installation is moved only with `claim`: when its id was
 * read from GitHub with this installation's own token (an evaluation's GraphQL read), never on the
 * word of a payload field. A move drops the other installation's rollup posts of the repository.
 */
async function upsertRepository(
  db: Queryable,
  installationId: number,
  repository: { id: number; owner: string; name: string },
  claim: boolean,
): Promise<boolean> {
  await db.query(
    `INSERT INTO installations (id, account_login) VALUES ($1, $2)
     ON CONFLICT (id) DO NOTHING`,
    [installationId, repository.owner],
  );
  const { rows } = await db.query<{ previous: string | null }>(
    `WITH before AS (SELECT installation_id FROM repositories WHERE id = $1)
     INSERT INTO repositories (id, installation_id, owner, name) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET installation_id = EXCLUDED.installation_id, owner = EXCLUDED.owner,
       name = EXCLUDED.name, updated_at = now()
     WHERE repositories.installation_id = EXCLUDED.installation_id OR $5::boolean
     RETURNING (SELECT installation_id::text FROM before) AS previous`,
    [repository.id, installationId, repository.owner, repository.name, claim],
  );
  const row = rows[0];
  if (row === undefined) return false;
  if (row.previous !== null && Number(row.previous) !== installationId) {
    await db.query("DELETE FROM rollup_posts WHERE repository_id = $1 AND installation_id <> $2", [
      repository.id,
      installationId,
    ]);
  }
  return true;
}

/**
 * Record a milestone of an installation's repository. Returns false, writing nothing, when the
 * repository is recorded under another installation (milestones are keyed by repository).
 */
export async function upsertMilestone(db: Queryable, m: MilestoneRecord): Promise<boolean> {
  if (!(await upsertRepository(db, m.installationId, m.repository, false))) return false;
  await db.query(
    `INSERT INTO milestones (repository_id, number, title, state, due_on, budget_micros, budget_currency,
       budget_problem)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (repository_id, number) DO UPDATE SET title = EXCLUDED.title, state = EXCLUDED.state,
       due_on = EXCLUDED.due_on, budget_micros = EXCLUDED.budget_micros,
       budget_currency = EXCLUDED.budget_currency, budget_problem = EXCLUDED.budget_problem,
       updated_at = now()`,
    [
      m.repository.id,
      m.number,
      m.title,
      m.state,
      m.dueOn ?? null,
      m.budget?.micros.toString() ?? null,
      m.budget?.currency ?? null,
      m.budgetProblem ?? null,
    ],
  );
  return true;
}

/** Forget an installation's milestone and where its rollup was posted. */
export async function deleteMilestone(
  db: Queryable,
  params: { installationId: number; repositoryId: number; number: number },
): Promise<void> {
  const args = [params.installationId, params.repositoryId, params.number];
  await db.query(
    `DELETE FROM milestones m USING repositories r
     WHERE r.id = m.repository_id AND r.installation_id = $1 AND m.repository_id = $2 AND m.number = $3`,
    args,
  );
  await db.query(
    "DELETE FROM rollup_posts WHERE installation_id = $1 AND repository_id = $2 AND milestone_number = $3",
    args,
  );
}

/** Tables with an installation_id and/or a repository_id column (read from the catalog). */
async function scopedTables(
  db: Queryable,
): Promise<{ name: string; installation: boolean; repository: boolean }[]> {
  const { rows } = await db.query<{ name: string; installation: boolean; repository: boolean }>(
    `SELECT c.table_name AS name,
            bool_or(c.column_name = 'installation_id') AS installation,
            bool_or(c.column_name = 'repository_id') AS repository
     FROM information_schema.columns c
     JOIN information_schema.tables t
       ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = current_schema() AND c.column_name IN ('installation_id', 'repository_id')
     GROUP BY c.table_name ORDER BY c.table_name`,
  );
  return rows;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export interface PurgeOptions {
  /** Rows per DELETE statement (each commits on its own: short locks, bounded WAL per commit). */
  batchRows?: number;
  /** Asked between batches: true stops the purge (it is resumed by `resumePurges`). */
  stop?: () => boolean;
}

/**
 * Delete everything of an installation (the app was uninstalled): the rows of every table with an
 * installation_id column, found in the catalog so a table added later is not forgotten; the rows
 * keyed only by its repositories (commits, milestones); its repositories; the installation. In
 * batches, children before parents, after a row in `installation_purges` that is deleted last: a
 * purge cut short is finished by `resumePurges` (the sweep). Returns the rows deleted, or
 * undefined when stopped.
 */
export async function deleteInstallation(
  db: Queryable,
  installationId: number,
  options: PurgeOptions = {},
): Promise<number | undefined> {
  const batch = options.batchRows ?? 5_000;
  await db.query(
    "INSERT INTO installation_purges (installation_id) VALUES ($1) ON CONFLICT DO NOTHING",
    [installationId],
  );
  const tables = await scopedTables(db);
  const byInstallation = tables.filter(
    (t) => t.installation && t.name !== "repositories" && t.name !== "installation_purges",
  );
  const byRepository = tables.filter((t) => t.repository && !t.installation);
  // pull_requests after the tables that reference it (its children are gone: no cascades)
  byInstallation.sort(
    (a, b) => Number(a.name === "pull_requests") - Number(b.name === "pull_requests"),
  );
  let deleted = 0;
  const inBatches = async (table: string, where: string): Promise<boolean> => {
    for (;;) {
      if (options.stop?.() === true) return false;
      const result = await db.query(
        `DELETE FROM ${quoteIdent(table)} WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM ${quoteIdent(table)} WHERE ${where} LIMIT $2))`,
        [installationId, batch],
      );
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < batch) return true;
    }
  };
  for (const table of byInstallation) {
    if (!(await inBatches(table.name, "installation_id = $1"))) return undefined;
  }
  for (const table of byRepository) {
    const mine =
      "repository_id = ANY(ARRAY(SELECT id FROM repositories WHERE installation_id = $1))";
    if (!(await inBatches(table.name, mine))) return undefined;
  }
  const repositories = await db.query("DELETE FROM repositories WHERE installation_id = $1", [
    installationId,
  ]);
  const installation = await db.query("DELETE FROM installations WHERE id = $1", [installationId]);
  await db.query("DELETE FROM installation_purges WHERE installation_id = $1", [installationId]);
  return deleted + (repositories.rowCount ?? 0) + (installation.rowCount ?? 0);
}

/** Finish the purges cut short (see `deleteInstallation`); returns the installations finished. */
export async function resumePurges(db: Queryable, options: PurgeOptions = {}): Promise<number[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT installation_id::text AS id FROM installation_purges ORDER BY requested_at",
  );
  const finished: number[] = [];
  for (const row of rows) {
    if ((await deleteInstallation(db, Number(row.id), options)) === undefined) break;
    finished.push(Number(row.id));
  }
  return finished;
}

/**
 * Delete everything of one repository of an installation (it was removed from the installation):
 * the rows of every table with a repository_id column (scoped to the installation where the
 * table has one; otherwise only when the repository is this installation's), then the repository.
 */
export async function deleteRepository(
  db: Queryable,
  params: { installationId: number; repositoryId: number },
): Promise<void> {
  const args = [params.installationId, params.repositoryId];
  for (const table of await scopedTables(db)) {
    if (!table.repository) continue;
    await db.query(
      table.installation
        ? `DELETE FROM ${quoteIdent(table.name)} WHERE installation_id = $1 AND repository_id = $2`
        : `DELETE FROM ${quoteIdent(table.name)} WHERE repository_id = $2
             AND EXISTS (SELECT 1 FROM repositories WHERE id = $2 AND installation_id = $1)`,
      args,
    );
  }
  await db.query("DELETE FROM repositories WHERE installation_id = $1 AND id = $2", args);
}

export async function findMilestoneByTitle(
  db: Queryable,
  params: { installationId: number; repositoryId: number; title: string },
): Promise<number | undefined> {
  const { rows } = await db.query<{ number: number }>(
    `SELECT m.number FROM milestones m JOIN repositories r ON r.id = m.repository_id
     WHERE r.installation_id = $1 AND m.repository_id = $2 AND lower(m.title) = lower($3)
     ORDER BY m.number DESC LIMIT 1`,
    [params.installationId, params.repositoryId, params.title.trim()],
  );
  return rows[0]?.number;
}

/** The repository's open milestones in the ledger. */
export async function openMilestones(
  db: Queryable,
  installationId: number,
  repositoryId: number,
): Promise<number[]> {
  const { rows } = await db.query<{ number: number }>(
    `SELECT m.number FROM milestones m JOIN repositories r ON r.id = m.repository_id
     WHERE r.installation_id = $1 AND m.repository_id = $2 AND m.state = 'open' ORDER BY m.number`,
    [installationId, repositoryId],
  );
  return rows.map((r) => r.number);
}

const issueLabel = (
  owner: string | null,
  repo: string | null,
  number: number | null,
  here: { owner: string; repo: string },
): string | undefined => {
  if (owner === null || repo === null || number === null) return undefined;
  return owner.toLowerCase() === here.owner.toLowerCase() &&
    repo.toLowerCase() === here.repo.toLowerCase()
    ? `#${number}`
    : `${owner}/${repo}#${number}`;
};

/** A PR in a rollup list, as the rollup statement returns it (JSON; money as strings). */
const PR_FIELDS = `number, title, state, cost_micros::text AS spend, value_type, worth_micros::text AS worth,
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
}

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
         issue_number, agent_commits_without_cost, value_complete, unpriced_models, created_at
  FROM pull_requests
  WHERE installation_id = $1 AND repository_id = $2 AND milestone_number = $3 AND currency = $4
), items AS MATERIALIZED (
  -- worth once per work item: the largest worth stated by its PRs; PRs with no issue count alone
  SELECT COALESCE(lower(issue_owner) || '/' || lower(issue_repo) || '#' || issue_number, 'pr:' || number) AS item,
         min(issue_owner) AS issue_owner, min(issue_repo) AS issue_repo, min(issue_number) AS issue_number,
         min(number) AS first_pr, sum(cost_micros) AS spend, max(budget_micros) AS budget,
         max(worth_micros) AS worth, count(*) AS prs, min(value_type) AS value_type
  FROM prs GROUP BY 1
)
SELECT r.owner, r.name, m.title, m.state, m.due_on, m.budget_micros::text, m.budget_currency, m.budget_problem,
  t.spend, t.merged, t.open, t.closed, t.first_activity,
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
   FROM (SELECT ${PR_FIELDS}, cost_micros AS cost FROM prs WHERE cost_micros > 0
         ORDER BY cost_micros DESC, number LIMIT 10) p) AS costliest,
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
           SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, sum(cost_micros) AS spend
           FROM prs GROUP BY 1) d) o) AS over_time
FROM milestones m JOIN repositories r ON r.id = m.repository_id
  CROSS JOIN (SELECT COALESCE(sum(cost_micros), 0)::text AS spend,
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
    const issue = issueLabel(row.issue_owner, row.issue_repo, row.issue_number, here);
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
      label: issueLabel(r.issue_owner, r.issue_repo, r.issue_number, here) ?? `PR #${r.first_pr}`,
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
  };
}

export interface RollupPost {
  issueNumber: number;
  /** The rollup comment's REST id (a decimal string). */
  commentId?: string;
  bodySha256?: string;
  finalPosted: boolean;
}

export async function readRollupPost(
  db: Queryable,
  params: { installationId: number; repositoryId: number; milestoneNumber: number },
): Promise<RollupPost | undefined> {
  const { rows } = await db.query<{
    issue_number: number;
    comment_id: string | null;
    body_sha256: string | null;
    final_posted: boolean;
  }>(
    `SELECT issue_number, comment_id::text, body_sha256, final_posted FROM rollup_posts
     WHERE installation_id = $1 AND repository_id = $2 AND milestone_number = $3`,
    [params.installationId, params.repositoryId, params.milestoneNumber],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    issueNumber: row.issue_number,
    ...(row.comment_id !== null ? { commentId: row.comment_id } : {}),
    ...(row.body_sha256 !== null ? { bodySha256: row.body_sha256 } : {}),
    finalPosted: row.final_posted,
  };
}

export async function saveRollupPost(
  db: Queryable,
  params: { installationId: number; repositoryId: number; milestoneNumber: number } & RollupPost,
): Promise<void> {
  await db.query(
    `INSERT INTO rollup_posts (installation_id, repository_id, milestone_number, issue_number, comment_id,
       body_sha256, final_posted)
     VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (repository_id, milestone_number) DO UPDATE SET issue_number = EXCLUDED.issue_number,
       comment_id = EXCLUDED.comment_id, body_sha256 = EXCLUDED.body_sha256,
       final_posted = EXCLUDED.final_posted, updated_at = now()
     WHERE rollup_posts.installation_id = EXCLUDED.installation_id`,
    [
      params.installationId,
      params.repositoryId,
      params.milestoneNumber,
      params.issueNumber,
      params.commentId ?? null,
      params.bodySha256 ?? null,
      params.finalPosted,
    ],
  );
}

/** Run `task` holding the milestone's advisory lock, in one transaction on one client. */
export async function withMilestoneLock<T>(
  pool: pg.Pool,
  params: { repositoryId: number; milestoneNumber: number },
  task: (db: Queryable) => Promise<T>,
): Promise<T> {
  return withTransaction(pool, async (db) => {
    // two int4 keys: the repository id folded to 32 bits, and the milestone number
    await db.query("SELECT pg_advisory_xact_lock($1::int, $2::int)", [
      params.repositoryId % 2_147_483_647,
      params.milestoneNumber,
    ]);
    return task(db);
  });
}

/** A repository by name (operators name repositories; the ledger keys them by id). */
export async function findRepository(
  db: Queryable,
  owner: string,
  name: string,
): Promise<{ id: number; installationId: number } | undefined> {
  const { rows } = await db.query<{ id: string; installation_id: string }>(
    `SELECT id::text, installation_id::text FROM repositories
     WHERE lower(owner) = lower($1) AND lower(name) = lower($2) ORDER BY updated_at DESC LIMIT 1`,
    [owner, name],
  );
  const row = rows[0];
  return row === undefined
    ? undefined
    : { id: Number(row.id), installationId: Number(row.installation_id) };
}

/**
 * The currency a milestone's PRs were recorded in (the config's, at the time); only the
 * installation's PRs when `installationId` is given.
 */
export async function milestoneCurrency(
  db: Queryable,
  params: { installationId?: number; repositoryId: number; milestoneNumber: number },
): Promise<string | undefined> {
  const { rows } = await db.query<{ currency: string }>(
    `SELECT currency FROM pull_requests WHERE repository_id = $1 AND milestone_number = $2
       AND ($3::bigint IS NULL OR installation_id = $3)
     GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1`,
    [params.repositoryId, params.milestoneNumber, params.installationId ?? null],
  );
  return rows[0]?.currency;
}
