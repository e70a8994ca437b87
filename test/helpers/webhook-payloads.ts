/**
 * Real webhook payload shapes from @octokit/webhooks-examples, re-pointed at our test repository
 * and pull request. (The examples lack some actions, e.g. `pull_request.edited`: those are derived
 * from a sibling action, with the fields GitHub adds.)
 */
import { createRequire } from "node:module";

interface ExampleGroup {
  name: string;
  actions: string[];
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const groups = require("@octokit/webhooks-examples/api.github.com/index.json") as ExampleGroup[];

export const INSTALLATION_ID = 4242;

function example(name: string, action: string): Record<string, unknown> {
  const group = groups.find((g) => g.name === name);
  const candidates = group?.examples.filter((e) => e.action === action) ?? [];
  const chosen = candidates.find((e) => e.installation !== undefined) ?? candidates[0];
  if (chosen === undefined) throw new Error(`no ${name}.${action} example`);
  return structuredClone(chosen);
}

export interface Target {
  owner: string;
  repo: string;
  repoId: number;
  number: number;
  headSha: string;
  body?: string;
  draft?: boolean;
  labels?: string[];
}

function repository(payload: Record<string, unknown>, t: Target): void {
  const repo = payload.repository as Record<string, unknown>;
  repo.id = t.repoId;
  repo.name = t.repo;
  repo.full_name = `${t.owner}/${t.repo}`;
  (repo.owner as Record<string, unknown>).login = t.owner;
  payload.installation = {
    id: INSTALLATION_ID,
    node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==",
  };
}

/** A `pull_request` payload for `action` (actions the examples lack derive from opened). */
export function pullRequestPayload(
  action: string,
  t: Target,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const known = groups
    .find((g) => g.name === "pull_request")
    ?.examples.some((e) => e.action === action);
  const payload = example("pull_request", known === true ? action : "opened");
  payload.action = action;
  repository(payload, t);
  const pr = payload.pull_request as Record<string, unknown>;
  pr.number = t.number;
  pr.body = t.body ?? "";
  pr.draft = t.draft ?? false;
  pr.labels = (t.labels ?? []).map((name, i) => ({ id: i + 1, name }));
  (pr.head as Record<string, unknown>).sha = t.headSha;
  const base = pr.base as Record<string, unknown>;
  base.repo = { ...(base.repo as Record<string, unknown>), id: t.repoId, name: t.repo };
  payload.number = t.number;
  return { ...payload, ...extra };
}

/** A `check_suite` payload (`requested`/`rerequested`) for our app at `t.headSha`. */
export function checkSuitePayload(
  action: "requested" | "rerequested",
  t: Target,
  appId: number,
  pullRequests: number[] = [t.number],
): Record<string, unknown> {
  const payload = example("check_suite", action);
  repository(payload, t);
  const suite = payload.check_suite as Record<string, unknown>;
  suite.head_sha = t.headSha;
  (suite.app as Record<string, unknown>).id = appId;
  suite.pull_requests = pullRequests.map((number) => ({
    number,
    head: { sha: t.headSha },
    base: { repo: { id: t.repoId } },
  }));
  return payload;
}

/** A `check_run.rerequested` payload ("Re-run" in the Checks tab). */
export function checkRunPayload(
  t: Target,
  appId: number,
  pullRequests: number[] = [t.number],
): Record<string, unknown> {
  const payload = example("check_run", "rerequested");
  repository(payload, t);
  const run = payload.check_run as Record<string, unknown>;
  run.head_sha = t.headSha;
  run.name = "cost/value";
  (run.app as Record<string, unknown>).id = appId;
  run.pull_requests = pullRequests.map((number) => ({
    number,
    head: { sha: t.headSha },
    base: { repo: { id: t.repoId } },
  }));
  return payload;
}

/** A `milestone` payload (`created`, `edited`, `closed`, `deleted`; edited derives from created). */
export function milestonePayload(
  action: "created" | "edited" | "closed" | "deleted",
  t: Pick<Target, "owner" | "repo" | "repoId">,
  milestone: {
    number: number;
    title: string;
    description?: string;
    dueOn?: string;
    state?: "open" | "closed";
  },
): Record<string, unknown> {
  const payload = example("milestone", action === "edited" ? "created" : action);
  payload.action = action;
  repository(payload, { ...t, number: 0, headSha: "" });
  const m = payload.milestone as Record<string, unknown>;
  m.number = milestone.number;
  m.title = milestone.title;
  m.description = milestone.description ?? "";
  m.due_on = milestone.dueOn ?? null;
  m.state = milestone.state ?? (action === "closed" ? "closed" : "open");
  return payload;
}

/** An `issue_comment.created` payload on issue `issueNumber` by `login`. */
export function commentPayload(
  t: Pick<Target, "owner" | "repo" | "repoId">,
  params: {
    issueNumber: number;
    body: string;
    login: string;
    bot?: boolean;
    milestone?: { number: number; title: string };
  },
): Record<string, unknown> {
  const payload = example("issue_comment", "created");
  repository(payload, { ...t, number: 0, headSha: "" });
  const issue = payload.issue as Record<string, unknown>;
  issue.number = params.issueNumber;
  issue.milestone = params.milestone ? { ...params.milestone, id: params.milestone.number } : null;
  delete issue.pull_request;
  const user = { login: params.login, id: 1, type: params.bot === true ? "Bot" : "User" };
  payload.comment = { ...(payload.comment as Record<string, unknown>), body: params.body, user };
  payload.sender = { ...(payload.sender as Record<string, unknown>), ...user };
  return payload;
}

/** `installation.deleted` for our installation. */
export function installationDeletedPayload(): Record<string, unknown> {
  const payload = example("installation", "deleted");
  (payload.installation as Record<string, unknown>).id = INSTALLATION_ID;
  return payload;
}

/** A `pull_request_review.submitted` payload on `t` by `reviewer` (the examples' shape). */
export function reviewPayload(
  t: Target,
  review: { id: number; reviewer: string; body?: string; state?: string; prAuthor?: string },
): Record<string, unknown> {
  const payload = example("pull_request_review", "submitted");
  repository(payload, t);
  const pr = payload.pull_request as Record<string, unknown>;
  pr.number = t.number;
  pr.user = { ...(pr.user as Record<string, unknown>), login: review.prAuthor ?? "dev" };
  const r = payload.review as Record<string, unknown>;
  r.id = review.id;
  r.user = { ...(r.user as Record<string, unknown>), login: review.reviewer };
  r.body = review.body ?? null;
  r.state = review.state ?? "approved";
  return payload;
}

/** A `workflow_job.completed` payload on `t`'s repository for commit `sha`. */
export function workflowJobPayload(
  t: Target,
  job: { id: number; sha: string; startedAt: string; completedAt: string; labels: string[] },
  options: { private?: boolean } = {},
): Record<string, unknown> {
  const payload = example("workflow_job", "completed");
  repository(payload, t);
  (payload.repository as Record<string, unknown>).private = options.private ?? true;
  const w = payload.workflow_job as Record<string, unknown>;
  w.id = job.id;
  w.head_sha = job.sha;
  w.started_at = job.startedAt;
  w.completed_at = job.completedAt;
  w.labels = job.labels;
  return payload;
}
