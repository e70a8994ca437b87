/**
 * Publishing the check run: exactly one write per evaluation. A run already on the head commit
 * (ours, same name) is updated in place; otherwise one is created. The caller passes what the
 * read and the ledger already know about our run, so no extra request is needed to find it.
 */
import type { CheckOutput } from "../core/render.js";
import { type GitHubId, toGitHubId } from "./github-id.js";
import { isUncertainWrite } from "./resilience.js";
import type { RestApi } from "./rest-api.js";
import type { ExistingCheckRun } from "./snapshot.js";

export type CheckConclusion = "success" | "failure" | "neutral" | "skipped";

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
  checkRunId: GitHubId;
  action: "created" | "updated";
  /**
   * Requests made: 1 in the common case; 2 when our run had to be looked up first (its id was
   * unknown or stale); up to 3 when a create failed uncertainly and was looked up, then updated.
   */
  requests: number;
}

function outputFields(output: CheckOutput): Record<string, string> {
  // GitHub rejects an empty `text`; leave it out instead
  return output.text === ""
    ? { title: output.title, summary: output.summary }
    : { title: output.title, summary: output.summary, text: output.text };
}

const statusOf = (error: unknown): unknown => (error as { status?: unknown } | undefined)?.status;

/**
 * Create or update our run on the head commit, never both and never twice: a run whose id is
 * known is updated (PATCH with that id, nothing else); a run known to exist without a usable id,
 * or whose id GitHub no longer knows (404), is looked up by name and app with one REST call and
 * updated; a create is made only when no run of ours is there.
 */
export async function publishCheckRun(api: RestApi, p: PublishParams): Promise<PublishResult> {
  let requests = 0;
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
  const update = async (id: GitHubId): Promise<PublishResult> => {
    requests++;
    await api.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...body,
      check_run_id: id,
    });
    return { checkRunId: id, action: "updated", requests };
  };
  const lookUp = async (): Promise<GitHubId | undefined> => {
    requests++;
    const runs = await listOwnRuns(api, {
      owner: p.owner,
      repo: p.repo,
      sha: p.headSha,
      name: p.name,
      appId: p.appId,
    });
    return findOwnRun(runs, p.name, p.appId)?.id;
  };
  const create = async (): Promise<PublishResult> => {
    requests++;
    const response = await api.request("POST /repos/{owner}/{repo}/check-runs", {
      ...body,
      head_sha: p.headSha,
      started_at: p.completedAt.toISOString(),
    });
    const id = toGitHubId((response.data as { id?: unknown }).id) ?? (await lookUp());
    if (id === undefined) {
      throw new CreatedWithoutIdError(
        `GitHub answered the check run's create for ${p.owner}/${p.repo}@${p.headSha} without an id, and no run named "${p.name}" is listed on that commit`,
      );
    }
    return { checkRunId: id, action: "created", requests };
  };

  let mayExist = p.existing !== undefined;
  if (p.existing?.id !== undefined) {
    try {
      return await update(p.existing.id);
    } catch (error) {
      // an id GitHub does not know (a stale record): find the real run instead
      if (statusOf(error) !== 404) throw error;
      mayExist = true;
    }
  }
  if (mayExist) {
    const found = await lookUp();
    if (found !== undefined) return update(found);
  }
  try {
    return await create();
  } catch (error) {
    // GitHub answered the create (without an id, and the look-up found nothing): the run may
    // exist; a second create could duplicate it
    if (error instanceof CreatedWithoutIdError || !isUncertainWrite(error)) throw error;
    // the create may have happened before the failure: find it, then update; create only if absent
    const found = await lookUp();
    if (found !== undefined) return update(found);
    return create();
  }
}

/** A create GitHub answered without an id: certain, not a failure to repeat. */
class CreatedWithoutIdError extends Error {
  override name = "CreatedWithoutIdError";
}

/**
 * Our run among those on a commit: same name, and our app when we know our id. A run of that
 * name whose app GitHub did not give is returned without its id: it may be ours, and only a
 * look-up by app can tell.
 */
export function findOwnRun(
  runs: readonly ExistingCheckRun[],
  name: string,
  appId: number | undefined,
): ExistingCheckRun | undefined {
  const ours = runs.find((r) => r.name === name && (appId === undefined || r.appId === appId));
  if (ours !== undefined) return ours;
  const unknown = runs.find((r) => r.name === name && r.appId === undefined);
  return unknown !== undefined ? { name: unknown.name, status: unknown.status } : undefined;
}

/**
 * Find our runs on a commit with REST, for the paths where the GraphQL read did not (a stale
 * event whose head moved on, a run id GraphQL could not give, or a read that failed).
 */
export async function listOwnRuns(
  api: RestApi,
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
    const id = toGitHubId(r.id);
    if (id === undefined || typeof r.name !== "string") return [];
    const appId = r.app?.id;
    return [
      {
        id,
        name: r.name,
        status: typeof r.status === "string" ? r.status : "completed",
        ...(typeof appId === "number" && Number.isSafeInteger(appId) ? { appId } : {}),
      },
    ];
  });
}
