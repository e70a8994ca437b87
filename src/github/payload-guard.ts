/**
 * The fields each handler reads from a webhook payload, checked before it reads them. GitHub's
 * payloads are signed, but their shape is still outside input (a schema change, a replayed or
 * hand-made delivery): a payload without what a handler needs is logged, naming the missing or
 * mistyped fields, and answered without doing anything (no GitHub write, no ledger change), instead
 * of failing half-way with "Cannot read properties of undefined". Extra fields are fine.
 *
 * Call `acceptPayload(context)` first in every handler: `if (!acceptPayload(context)) return;`.
 */
import { z } from "zod";

const id = z.number().int().positive();
/** A commit id: 40 hex digits (SHA-1) or 64 (SHA-256 repositories). */
const sha = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/, "a commit id (40 hex digits)");
const login = z.string().min(1).max(256);

const repository = z.looseObject({
  id,
  name: z.string().min(1).max(256),
  owner: z.looseObject({ login }),
});
const installation = z.looseObject({ id });
const app = z.looseObject({ id: z.number().int() }).nullish();
const listedPullRequests = z
  .array(
    z.looseObject({
      number: id,
      base: z.looseObject({ repo: z.looseObject({ id: z.number().int() }).nullish() }).nullish(),
    }),
  )
  .nullish();

const pullRequestEvent = z.looseObject({
  action: z.string(),
  installation,
  repository,
  pull_request: z.looseObject({
    number: id,
    head: z.looseObject({ sha }),
    body: z.string().nullish(),
  }),
  changes: z.looseObject({}).nullish(),
});

const checkSuiteEvent = z.looseObject({
  action: z.string(),
  installation,
  repository,
  check_suite: z.looseObject({ head_sha: sha, app, pull_requests: listedPullRequests }),
});

const checkRunEvent = z.looseObject({
  action: z.string(),
  installation,
  repository,
  check_run: z.looseObject({ head_sha: sha, app, pull_requests: listedPullRequests }),
});

const milestoneEvent = z.looseObject({
  action: z.string(),
  installation,
  repository,
  milestone: z.looseObject({
    number: id,
    title: z.string(),
    state: z.string(),
    due_on: z.string().nullish(),
    description: z.string().nullish(),
  }),
});

const user = z.looseObject({ login: z.string().nullish(), type: z.string().nullish() });

const issueCommentEvent = z.looseObject({
  action: z.string(),
  installation,
  repository,
  sender: z.looseObject({ id, login, type: z.string().nullish() }),
  issue: z.looseObject({
    number: id,
    milestone: z.looseObject({ number: id }).nullish(),
  }),
  comment: z.looseObject({
    body: z.string().nullish(),
    user: user.nullish(),
    performed_via_github_app: z.looseObject({ id: z.number().int() }).nullish(),
  }),
});

/** An id that may exceed 2^31 (reviews, jobs): a safe integer, or its digits. */
const bigId = z.union([
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  z.string().regex(/^[0-9]{1,20}$/, "an id (digits)"),
]);

const pullRequestReviewEvent = z.looseObject({
  action: z.string(),
  installation,
  repository,
  pull_request: z.looseObject({ number: id, user: user.nullish() }),
  review: z.looseObject({
    id: bigId,
    user: user.nullish(),
    body: z.string().nullish(),
    state: z.string().nullish(),
    submitted_at: z.string().nullish(),
  }),
});

const workflowJobEvent = z.looseObject({
  action: z.string(),
  installation,
  repository: repository.extend({ private: z.boolean().nullish() }),
  workflow_job: z.looseObject({
    id: bigId,
    head_sha: sha,
    started_at: z.string().nullish(),
    completed_at: z.string().nullish(),
    labels: z.array(z.string()).max(1000).nullish(),
  }),
});

const installationEvent = z.looseObject({ action: z.string(), installation });

const installationRepositoriesEvent = z.looseObject({
  action: z.string(),
  installation,
  repositories_removed: z.array(z.looseObject({ id })).nullish(),
});

/** What each event's handler reads, by event name (`context.name`). */
const SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  pull_request: pullRequestEvent,
  check_suite: checkSuiteEvent,
  check_run: checkRunEvent,
  milestone: milestoneEvent,
  issue_comment: issueCommentEvent,
  pull_request_review: pullRequestReviewEvent,
  workflow_job: workflowJobEvent,
  installation: installationEvent,
  installation_repositories: installationRepositoriesEvent,
};

export type PayloadCheck = { ok: true } | { ok: false; problems: string[] };

const MAX_PROBLEMS = 10;

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join(".") || "the payload";
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
    return `${path} is missing`;
  }
  if (issue.code === "invalid_type") {
    return `${path} has the wrong type (${issue.message.replace(/^Invalid input: /, "")})`;
  }
  return `${path}: ${issue.message}`;
}

/** Whether `payload` has what the handler of `event` reads; if not, what is missing or wrong. */
export function checkPayload(event: string, payload: unknown): PayloadCheck {
  const schema = SCHEMAS[event];
  if (schema === undefined) return { ok: true };
  const result = schema.safeParse(payload);
  if (result.success) return { ok: true };
  const problems = result.error.issues.slice(0, MAX_PROBLEMS).map(describe);
  if (result.error.issues.length > MAX_PROBLEMS) {
    problems.push(`… and ${result.error.issues.length - MAX_PROBLEMS} more`);
  }
  return { ok: false, problems };
}

interface GuardedContext {
  name: string;
  id?: string;
  payload: unknown;
  log: { warn: (fields: Record<string, unknown>, message: string) => void };
}

/**
 * `true` when the handler may go on. Otherwise logs one warning naming the delivery, the event
 * and every missing or mistyped field, and returns `false`: the handler returns without acting.
 */
export function acceptPayload(context: GuardedContext): boolean {
  const check = checkPayload(context.name, context.payload);
  if (check.ok) return true;
  const action = (context.payload as { action?: unknown } | null)?.action;
  const event =
    typeof action === "string" ? `${context.name}.${action.slice(0, 50)}` : context.name;
  context.log.warn(
    { event, delivery: context.id, problems: check.problems },
    `cost-value: ignored a ${event} delivery with an unexpected payload: ${check.problems.join("; ")}`,
  );
  return false;
}
