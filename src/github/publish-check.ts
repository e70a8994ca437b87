/**
 * Publishing the check run: exactly one write per evaluation. A run already on the head commit
 * (ours, same name) is updated in place; otherwise one is created. The caller passes what the
 * read already knows about existing runs, so no extra request is needed to find them.
 */
import type { CheckOutput } from "../core/render.js";
import { isUncertainWrite } from "./resilience.js";
import type { ExistingCheckRun } from "./snapshot.js";

export type CheckConclusion = "success" | "failure" | "neutral" | "skipped";

/** The subset of Octokit the publisher uses (so tests and other callers can pass a fake). */
export interface ChecksApi {
  request: (route: string, params: Record<string, unknown>) => Promise<{ data: unknown }>;
}

export interface PublishParams {
  owner: string;
  repo: string;
  headSha: string;
  name: string;
  conclusion: CheckConclusion;
  output: CheckOutput;
  /** `pr:<number>`: lets anyone find the PR a run belongs to. */
  externalId: string;
  completedAt: Date;
  existing?: ExistingCheckRun;
  /** Our app id: to recognise our run when a create must be looked up. */
  appId?: number;
}

export interface PublishResult {
  checkRunId: number;
  action: "created" | "updated";
  /** Requests made (1, or up to 3 when a create failed uncertainly and was found, then updated). */
  requests: number;
}

function outputFields(output: CheckOutput): Record<string, string> {
  // GitHub rejects an empty `text`; leave it out instead
  return output.text === ""
    ? { title: output.title, summary: output.summary }
    : { title: output.title, summary: output.summary, text: output.text };
}

export async function publishCheckRun(api: ChecksApi, p: PublishParams): Promise<PublishResult> {
  const body = {
    owner: p.owner,
    repo: p.repo,
    name: p.name,
    status: "completed",
    conclusion: p.conclusion,
    completed_at: p.completedAt.toISOString(),
    external_id: p.externalId,
    output: outputFields(p.output),
  };
  const update = async (id: number): Promise<void> => {
    await api.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...body,
      check_run_id: id,
    });
  };
  if (p.existing !== undefined) {
    await update(p.existing.id);
    return { checkRunId: p.existing.id, action: "updated", requests: 1 };
  }
  const create = async (): Promise<number> => {
    const response = await api.request("POST /repos/{owner}/{repo}/check-runs", {
      ...body,
      head_sha: p.headSha,
      started_at: p.completedAt.toISOString(),
    });
    const id = (response.data as { id?: unknown }).id;
    return typeof id === "number" ? id : 0;
  };
  try {
    return { checkRunId: await create(), action: "created", requests: 1 };
  } catch (error) {
    if (!isUncertainWrite(error)) throw error;
    // the create may have happened before the failure: find it, then update; create only if absent
    const found = findOwnRun(
      await listOwnRuns(api, {
        owner: p.owner,
        repo: p.repo,
        sha: p.headSha,
        name: p.name,
        appId: p.appId,
      }),
      p.name,
      p.appId,
    );
    if (found !== undefined) {
      await update(found.id);
      return { checkRunId: found.id, action: "updated", requests: 3 };
    }
    return { checkRunId: await create(), action: "created", requests: 3 };
  }
}

/** Our run among those on a commit: same name, and our app when we know our id. */
export function findOwnRun(
  runs: readonly ExistingCheckRun[],
  name: string,
  appId: number | undefined,
): ExistingCheckRun | undefined {
  return runs.find((r) => r.name === name && (appId === undefined || r.appId === appId));
}

/**
 * Find our runs on a commit with REST, for the paths where the GraphQL read did not (a stale
 * event whose head moved on, or a read that failed).
 */
export async function listOwnRuns(
  api: ChecksApi,
  params: { owner: string; repo: string; sha: string; name: string; appId: number | undefined },
): Promise<ExistingCheckRun[]> {
  const response = await api.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: params.owner,
    repo: params.repo,
    ref: params.sha,
    check_name: params.name,
    ...(params.appId !== undefined ? { app_id: params.appId } : {}),
    per_page: 100,
  });
  const runs = (response.data as { check_runs?: unknown[] }).check_runs ?? [];
  return runs.flatMap((raw) => {
    const r = raw as { id?: unknown; name?: unknown; status?: unknown; app?: { id?: unknown } };
    if (typeof r.id !== "number" || typeof r.name !== "string") return [];
    return [
      {
        id: r.id,
        name: r.name,
        status: typeof r.status === "string" ? r.status : "completed",
        ...(typeof r.app?.id === "number" ? { appId: r.app.id } : {}),
      },
    ];
  });
}
