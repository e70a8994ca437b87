/**
 * The statement that records one evaluation (`recordPullRequest` in record.ts): the repository,
 * the milestone, the PR's row, its models, commits and linked issues, and the rollup marks, as one
 * statement (see record.ts). Its parameters are named: `p.number` is the placeholder of
 * `number` (`$3`), given its value by name.
 */
import { NO_WAIT } from "./transaction.js";

/**
 * The record statement's parameters, by name: each one's placeholder is `$` and its position in
 * this list (`p.number` is `$3`), and `recordParameters` gives each its value.
 */
export const RECORD_PARAMETERS = [
  "installationId",
  "repositoryId",
  "number",
  "owner",
  "repo",
  "githubId",
  "title",
  "author",
  "state",
  "draft",
  "milestoneNumber",
  "headSha",
  "currency",
  "valueComplete",
  "valueType",
  "worthMicros",
  "budgetMicros",
  "worthOrigin",
  "budgetOrigin",
  "issueOwner",
  "issueRepo",
  "issueNumber",
  "costMicros",
  "tokensInput",
  "tokensOutput",
  "tokensCacheRead",
  "tokensCacheWrite",
  "tokensUnspecified",
  "commitCount",
  "commitsWithCost",
  "agentCommitsWithoutCost",
  "unpricedModels",
  "conclusion",
  "checkRunId",
  "evaluatedAt",
  "checkOutputSha256",
  "modelNames",
  "modelPriced",
  "modelCostMicros",
  "modelTokensInput",
  "modelTokensOutput",
  "modelTokensCacheRead",
  "modelTokensCacheWrite",
  "modelTokensUnspecified",
  "commitShas",
  "commitCostSources",
  "commitCostMicros",
  "commitAgents",
  "commitAgentWithoutCost",
  "issueOwners",
  "issueRepos",
  "writeMilestone",
  "milestoneTitle",
  "milestoneState",
  "milestoneDueOn",
  "milestoneBudgetMicros",
  "milestoneBudgetCurrency",
  "milestoneBudgetProblem",
  "issueNumbers",
  "markRollups",
  "fixedIssue",
  "changedLines",
  "investmentSettings",
  "lineKinds",
  "lineBases",
  "lineMinutes",
  "lineMicros",
  "lineCurrencies",
  "lineDetails",
  "reviewIds",
  "reviewKeys",
  "reviewMinutes",
  "reviewSubmittedAt",
] as const;
export type RecordParameter = (typeof RECORD_PARAMETERS)[number];
const p = Object.fromEntries(RECORD_PARAMETERS.map((name, i) => [name, `$${i + 1}`])) as Record<
  RecordParameter,
  string
>;

export const RECORD = `
WITH
${NO_WAIT},
installation AS (
  INSERT INTO installations (id, account_login) VALUES (${p.installationId}, ${p.owner}) ON CONFLICT (id) DO NOTHING
),
repository_before AS (SELECT installation_id FROM repositories WHERE id = ${p.repositoryId}),
repository AS (
  INSERT INTO repositories (id, installation_id, owner, name) VALUES (${p.repositoryId}, ${p.installationId}, ${p.owner}, ${p.repo})
  ON CONFLICT (id) DO UPDATE SET installation_id = EXCLUDED.installation_id, owner = EXCLUDED.owner,
    name = EXCLUDED.name, updated_at = now()
  WHERE (repositories.installation_id, repositories.owner, repositories.name)
    IS DISTINCT FROM (EXCLUDED.installation_id, EXCLUDED.owner, EXCLUDED.name)
),
moved_posts AS (
  DELETE FROM rollup_posts WHERE repository_id = ${p.repositoryId} AND installation_id <> ${p.installationId}
    AND EXISTS (SELECT 1 FROM repository_before WHERE installation_id <> ${p.installationId})
),
milestone AS (
  INSERT INTO milestones (repository_id, number, title, state, due_on, budget_micros, budget_currency,
    budget_problem)
  SELECT ${p.repositoryId}, ${p.milestoneNumber}, ${p.milestoneTitle}, ${p.milestoneState}, ${p.milestoneDueOn}, ${p.milestoneBudgetMicros}, ${p.milestoneBudgetCurrency}, ${p.milestoneBudgetProblem} WHERE ${p.milestoneNumber}::int IS NOT NULL AND ${p.writeMilestone}::boolean
  ON CONFLICT (repository_id, number) DO UPDATE SET title = EXCLUDED.title, state = EXCLUDED.state,
    due_on = EXCLUDED.due_on, budget_micros = EXCLUDED.budget_micros,
    budget_currency = EXCLUDED.budget_currency, budget_problem = EXCLUDED.budget_problem,
    updated_at = now()
  WHERE (milestones.title, milestones.state, milestones.due_on, milestones.budget_micros,
         milestones.budget_currency, milestones.budget_problem)
    IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.state, EXCLUDED.due_on, EXCLUDED.budget_micros,
         EXCLUDED.budget_currency, EXCLUDED.budget_problem)
),
pr_before AS (
  SELECT milestone_number FROM pull_requests
  WHERE installation_id = ${p.installationId} AND repository_id = ${p.repositoryId} AND number = ${p.number}
),
pr AS (
  INSERT INTO pull_requests (installation_id, repository_id, number, github_id, title, author, state,
    draft, milestone_number, head_sha, currency, value_complete, value_type, worth_micros,
    budget_micros, worth_origin, budget_origin, issue_owner, issue_repo, issue_number, cost_micros,
    tokens_input, tokens_output, tokens_cache_read, tokens_cache_write, tokens_unspecified,
    commit_count, commits_with_cost, agent_commits_without_cost, unpriced_models, conclusion,
    check_run_id, evaluated_at, check_output_sha256, changed_lines, investment_settings)
  VALUES (${p.installationId}, ${p.repositoryId}, ${p.number}, ${p.githubId}, ${p.title}, ${p.author}, ${p.state}, ${p.draft}, ${p.milestoneNumber}, ${p.headSha}, ${p.currency}, ${p.valueComplete}, ${p.valueType}, ${p.worthMicros}, ${p.budgetMicros}, ${p.worthOrigin}, ${p.budgetOrigin}, ${p.issueOwner}, ${p.issueRepo}, ${p.issueNumber},
    ${p.costMicros}, ${p.tokensInput}, ${p.tokensOutput}, ${p.tokensCacheRead}, ${p.tokensCacheWrite}, ${p.tokensUnspecified}, ${p.commitCount}, ${p.commitsWithCost}, ${p.agentCommitsWithoutCost}, ${p.unpricedModels}, ${p.conclusion}, ${p.checkRunId}, ${p.evaluatedAt}, ${p.checkOutputSha256}, ${p.changedLines}, ${p.investmentSettings}::jsonb)
  ON CONFLICT (installation_id, repository_id, number) DO UPDATE SET
    github_id = COALESCE(EXCLUDED.github_id, pull_requests.github_id), title = EXCLUDED.title,
    author = EXCLUDED.author, state = EXCLUDED.state, draft = EXCLUDED.draft,
    milestone_number = EXCLUDED.milestone_number, head_sha = EXCLUDED.head_sha,
    currency = EXCLUDED.currency, value_complete = EXCLUDED.value_complete,
    value_type = EXCLUDED.value_type, worth_micros = EXCLUDED.worth_micros,
    budget_micros = EXCLUDED.budget_micros, worth_origin = EXCLUDED.worth_origin,
    budget_origin = EXCLUDED.budget_origin, issue_owner = EXCLUDED.issue_owner,
    issue_repo = EXCLUDED.issue_repo, issue_number = EXCLUDED.issue_number,
    cost_micros = EXCLUDED.cost_micros, tokens_input = EXCLUDED.tokens_input,
    tokens_output = EXCLUDED.tokens_output, tokens_cache_read = EXCLUDED.tokens_cache_read,
    tokens_cache_write = EXCLUDED.tokens_cache_write,
    tokens_unspecified = EXCLUDED.tokens_unspecified, commit_count = EXCLUDED.commit_count,
    commits_with_cost = EXCLUDED.commits_with_cost,
    agent_commits_without_cost = EXCLUDED.agent_commits_without_cost,
    unpriced_models = EXCLUDED.unpriced_models, conclusion = EXCLUDED.conclusion,
    check_run_id = COALESCE(EXCLUDED.check_run_id, pull_requests.check_run_id),
    check_output_sha256 = EXCLUDED.check_output_sha256,
    changed_lines = EXCLUDED.changed_lines, investment_settings = EXCLUDED.investment_settings,
    evaluated_at = EXCLUDED.evaluated_at, updated_at = now()
  WHERE pull_requests.evaluated_at <= EXCLUDED.evaluated_at
  RETURNING 1
),
model_rows AS (
  SELECT * FROM unnest(${p.modelNames}::text[], ${p.modelPriced}::boolean[], ${p.modelCostMicros}::bigint[], ${p.modelTokensInput}::bigint[], ${p.modelTokensOutput}::bigint[],
    ${p.modelTokensCacheRead}::bigint[], ${p.modelTokensCacheWrite}::bigint[], ${p.modelTokensUnspecified}::bigint[])
    AS m(model, priced, cost_micros, tokens_input, tokens_output, tokens_cache_read,
      tokens_cache_write, tokens_unspecified)
),
models_gone AS (
  DELETE FROM pull_request_models p
  WHERE p.installation_id = ${p.installationId} AND p.repository_id = ${p.repositoryId} AND p.number = ${p.number}
    AND EXISTS (SELECT 1 FROM pr) AND p.model NOT IN (SELECT model FROM model_rows)
),
models AS (
  INSERT INTO pull_request_models (installation_id, repository_id, number, model, priced, cost_micros,
    tokens_input, tokens_output, tokens_cache_read, tokens_cache_write, tokens_unspecified)
  SELECT ${p.installationId}, ${p.repositoryId}, ${p.number}, m.* FROM model_rows m WHERE EXISTS (SELECT 1 FROM pr)
  ON CONFLICT (installation_id, repository_id, number, model) DO UPDATE SET
    priced = EXCLUDED.priced, cost_micros = EXCLUDED.cost_micros,
    tokens_input = EXCLUDED.tokens_input, tokens_output = EXCLUDED.tokens_output,
    tokens_cache_read = EXCLUDED.tokens_cache_read, tokens_cache_write = EXCLUDED.tokens_cache_write,
    tokens_unspecified = EXCLUDED.tokens_unspecified
  WHERE (pull_request_models.priced, pull_request_models.cost_micros,
         pull_request_models.tokens_input, pull_request_models.tokens_output,
         pull_request_models.tokens_cache_read, pull_request_models.tokens_cache_write,
         pull_request_models.tokens_unspecified)
    IS DISTINCT FROM (EXCLUDED.priced, EXCLUDED.cost_micros, EXCLUDED.tokens_input,
         EXCLUDED.tokens_output, EXCLUDED.tokens_cache_read, EXCLUDED.tokens_cache_write,
         EXCLUDED.tokens_unspecified)
),
commit_rows AS (
  SELECT * FROM unnest(${p.commitShas}::text[], ${p.commitCostSources}::text[], ${p.commitCostMicros}::bigint[], ${p.commitAgents}::text[], ${p.commitAgentWithoutCost}::boolean[])
    AS c(sha, cost_source, cost_micros, agent, agent_without_cost)
),
-- commits are shared by PRs: only what changed is written (an unchanged commit costs one primary-
-- key look-up: a scalar subquery per row, which the planner cannot turn into a scan of every
-- commit of the repository), in SHA order (one lock order for PRs sharing commits)
commit_upsert AS (
  INSERT INTO commits (repository_id, sha, cost_source, cost_micros, agent, agent_without_cost)
  SELECT ${p.repositoryId}, c.* FROM commit_rows c
  WHERE EXISTS (SELECT 1 FROM pr)
    AND (SELECT ROW(x.cost_source, x.cost_micros, x.agent, x.agent_without_cost) FROM commits x
         WHERE x.repository_id = ${p.repositoryId} AND x.sha = c.sha)
      IS DISTINCT FROM ROW(c.cost_source, c.cost_micros, c.agent, c.agent_without_cost)
  ORDER BY sha
  ON CONFLICT (repository_id, sha) DO UPDATE SET cost_source = EXCLUDED.cost_source,
    cost_micros = EXCLUDED.cost_micros, agent = EXCLUDED.agent,
    agent_without_cost = EXCLUDED.agent_without_cost
),
-- the PR's list of commits: gone ones deleted, moved ones renumbered, new ones inserted
positions AS (
  SELECT DISTINCT ON (sha) sha, position::int AS position
  FROM unnest(${p.commitShas}::text[]) WITH ORDINALITY AS c(sha, position) ORDER BY sha, position
),
commits_gone AS (
  DELETE FROM pull_request_commits p
  WHERE p.installation_id = ${p.installationId} AND p.repository_id = ${p.repositoryId} AND p.number = ${p.number}
    AND EXISTS (SELECT 1 FROM pr)
    AND p.sha IN (
      SELECT sha FROM pull_request_commits
      WHERE installation_id = ${p.installationId} AND repository_id = ${p.repositoryId} AND number = ${p.number}
      EXCEPT SELECT sha FROM positions)
),
commits_moved AS (
  UPDATE pull_request_commits p SET position = c.position FROM positions c
  WHERE p.installation_id = ${p.installationId} AND p.repository_id = ${p.repositoryId} AND p.number = ${p.number}
    AND EXISTS (SELECT 1 FROM pr) AND p.sha = c.sha AND p.position <> c.position
),
commits_new AS (
  INSERT INTO pull_request_commits (installation_id, repository_id, number, sha, position)
  SELECT ${p.installationId}, ${p.repositoryId}, ${p.number}, c.sha, c.position FROM positions c
  WHERE EXISTS (SELECT 1 FROM pr) AND NOT EXISTS (
    SELECT 1 FROM pull_request_commits p
    WHERE p.installation_id = ${p.installationId} AND p.repository_id = ${p.repositoryId} AND p.number = ${p.number} AND p.sha = c.sha)
  ON CONFLICT DO NOTHING
),
-- the PR's investment lines (one per kind): gone ones deleted, changed ones written
line_rows AS (
  SELECT * FROM unnest(${p.lineKinds}::text[], ${p.lineBases}::text[], ${p.lineMinutes}::int[],
    ${p.lineMicros}::bigint[], ${p.lineCurrencies}::text[], ${p.lineDetails}::text[])
    AS l(kind, basis, minutes, amount_micros, currency, detail)
),
lines_gone AS (
  DELETE FROM pull_request_investment p
  WHERE p.installation_id = ${p.installationId} AND p.repository_id = ${p.repositoryId} AND p.number = ${p.number}
    AND EXISTS (SELECT 1 FROM pr) AND p.kind NOT IN (SELECT kind FROM line_rows)
),
lines_upsert AS (
  INSERT INTO pull_request_investment (installation_id, repository_id, number, kind, basis, minutes,
    amount_micros, currency, detail)
  SELECT ${p.installationId}, ${p.repositoryId}, ${p.number}, l.* FROM line_rows l WHERE EXISTS (SELECT 1 FROM pr)
  ON CONFLICT (installation_id, repository_id, number, kind) DO UPDATE SET basis = EXCLUDED.basis,
    minutes = EXCLUDED.minutes, amount_micros = EXCLUDED.amount_micros,
    currency = EXCLUDED.currency, detail = EXCLUDED.detail
  WHERE (pull_request_investment.basis, pull_request_investment.minutes,
         pull_request_investment.amount_micros, pull_request_investment.currency,
         pull_request_investment.detail)
    IS DISTINCT FROM (EXCLUDED.basis, EXCLUDED.minutes, EXCLUDED.amount_micros, EXCLUDED.currency,
         EXCLUDED.detail)
),
-- reviews the read saw (events add the ones submitted later; a review is never removed)
reviews_upsert AS (
  INSERT INTO pull_request_reviews (repository_id, number, review_id, reviewer_key, declared_minutes,
    submitted_at)
  SELECT ${p.repositoryId}, ${p.number}, r.* FROM unnest(${p.reviewIds}::bigint[], ${p.reviewKeys}::text[],
    ${p.reviewMinutes}::int[], ${p.reviewSubmittedAt}::timestamptz[])
    AS r(review_id, reviewer_key, declared_minutes, submitted_at)
  WHERE EXISTS (SELECT 1 FROM pr)
  ON CONFLICT (repository_id, number, review_id) DO UPDATE SET
    declared_minutes = EXCLUDED.declared_minutes
  WHERE pull_request_reviews.declared_minutes IS DISTINCT FROM EXCLUDED.declared_minutes
),
issue_rows AS (
  SELECT DISTINCT * FROM unnest(${p.issueOwners}::text[], ${p.issueRepos}::text[], ${p.issueNumbers}::int[])
    AS i(issue_owner, issue_repo, issue_number)
),
issues_gone AS (
  DELETE FROM pull_request_issues p
  WHERE p.installation_id = ${p.installationId} AND p.repository_id = ${p.repositoryId} AND p.number = ${p.number}
    AND EXISTS (SELECT 1 FROM pr)
    AND (p.issue_owner, p.issue_repo, p.issue_number) NOT IN (SELECT * FROM issue_rows)
),
issues_new AS (
  INSERT INTO pull_request_issues (installation_id, repository_id, number, issue_owner, issue_repo,
    issue_number)
  SELECT ${p.installationId}, ${p.repositoryId}, ${p.number}, i.* FROM issue_rows i WHERE EXISTS (SELECT 1 FROM pr)
  ON CONFLICT DO NOTHING
),
touched AS (
  SELECT ${p.milestoneNumber}::int AS milestone_number WHERE ${p.milestoneNumber}::int IS NOT NULL
  UNION
  SELECT milestone_number FROM pr_before
  WHERE milestone_number IS NOT NULL AND milestone_number IS DISTINCT FROM ${p.milestoneNumber}::int
),
marks AS (
  INSERT INTO rollup_refresh (installation_id, repository_id, milestone_number, owner, repo, currency,
    fixed_issue)
  SELECT ${p.installationId}, ${p.repositoryId}, t.milestone_number, ${p.owner}, ${p.repo}, ${p.currency}, ${p.fixedIssue} FROM touched t
  WHERE ${p.markRollups}::boolean AND EXISTS (SELECT 1 FROM pr)
  ON CONFLICT (installation_id, repository_id, milestone_number) DO UPDATE SET
    requested = rollup_refresh.requested + 1, last_requested_at = now(), owner = EXCLUDED.owner,
    repo = EXCLUDED.repo, currency = EXCLUDED.currency, fixed_issue = EXCLUDED.fixed_issue,
    attempts = 0, not_before = now(), last_error = NULL
  RETURNING milestone_number
)
SELECT EXISTS (SELECT 1 FROM pr) AS recorded,
  (SELECT milestone_number FROM pr_before) AS previous,
  ARRAY(SELECT milestone_number FROM marks ORDER BY 1) AS marked,
  (SELECT v FROM no_wait) AS synchronous_commit`;
