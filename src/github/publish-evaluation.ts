/**
 * Step 6 of an evaluation: put the output on the PR's check run, once. Nothing is written when
 * the run on the head already shows this output byte for byte (unless a user asked for a
 * re-run); a run found first, so a retry never leaves two. Also the notice published when the read
 * itself failed.
 */
import { createHash } from "node:crypto";
import { DEFAULT_CONFIG } from "../config/schema.js";
import type { CheckOutput } from "../core/render.js";
import { renderEvaluationFailure } from "../core/render-notices.js";
import type { EvaluationState } from "../db/record.js";
import type { GitHubId } from "./github-id.js";
import { type CheckConclusion, findOwnRun, listOwnRuns, publishCheckRun } from "./publish-check.js";
import type { RestApi } from "./rest-api.js";
import type { ExistingCheckRun, PullRequestSnapshot } from "./snapshot.js";

export interface PublishedCheck {
  checkRunId: GitHubId;
  /** `unchanged`: the run already showed this output; nothing was written. */
  action: "created" | "updated" | "unchanged";
}

/**
 * The hash of what a check run shows (name, conclusion, title, summary, text): a re-evaluation
 * whose output hashes the same as the run's writes nothing.
 */
export function checkOutputHash(name: string, conclusion: string, output: CheckOutput): string {
  const hash = createHash("sha256");
  for (const part of [name, conclusion, output.title, output.summary, output.text]) {
    hash.update(String(part.length)).update(":").update(part);
  }
  return hash.digest("hex");
}

function appIdOf(appId: number | undefined): { appId?: number } {
  return appId !== undefined ? { appId } : {};
}

function existing(
  runs: readonly ExistingCheckRun[],
  name: string,
  appId: number | undefined,
): { existing?: ExistingCheckRun } {
  const run = findOwnRun(runs, name, appId);
  return run !== undefined ? { existing: run } : {};
}

/**
 * Our run on the head commit: the id the ledger kept from the POST that created it (the run of
 * the head it recorded last); else what the read saw (maybe without a usable id: the publisher
 * then looks it up); for a stale event (the PR moved on since), one REST look-up on the current
 * head.
 */
async function runsOnHead(
  api: RestApi,
  snapshot: PullRequestSnapshot,
  state: EvaluationState,
  name: string,
  appId: number | undefined,
): Promise<ExistingCheckRun[]> {
  const headSha = snapshot.headSha;
  if (state.checkRun?.headSha === headSha) {
    return [{ id: state.checkRun.id, name, status: "completed", ...appIdOf(appId) }];
  }
  if (snapshot.checkRunsSha === headSha) return snapshot.checkRuns;
  const { owner, repo } = snapshot.repository;
  return listOwnRuns(api, { owner, repo, sha: headSha, name, appId });
}

export async function publishEvaluation(params: {
  api: RestApi;
  /** The repository as the event names it (where the run is written). */
  repository: { owner: string; repo: string };
  snapshot: PullRequestSnapshot;
  /** What the ledger knows about our run (empty without a ledger). */
  state: EvaluationState;
  name: string;
  conclusion: CheckConclusion;
  output: CheckOutput;
  /** The output's hash: when the run on the head shows it already, nothing is written. */
  outputSha256?: string;
  /** A user asked for a re-run: write even when unchanged. */
  rerun: boolean;
  appId: number | undefined;
  now: () => Date;
  /** Times the look-up of our run (a read) apart from the write. */
  time: { find: <T>(fn: () => Promise<T>) => Promise<T> };
}): Promise<PublishedCheck> {
  const { api, snapshot, state, name, appId } = params;
  const headSha = snapshot.headSha;
  if (
    params.outputSha256 !== undefined &&
    state.checkRun !== undefined &&
    state.checkRun.headSha === headSha &&
    state.checkRun.outputSha256 === params.outputSha256 &&
    !params.rerun
  ) {
    // byte for byte what the run already shows: no write (GitHub's write limit is per installation)
    return { checkRunId: state.checkRun.id, action: "unchanged" };
  }
  const runs = await params.time.find(() => runsOnHead(api, snapshot, state, name, appId));
  const { checkRunId, action } = await publishCheckRun(api, {
    owner: params.repository.owner,
    repo: params.repository.repo,
    headSha,
    name,
    conclusion: params.conclusion,
    output: params.output,
    externalId: `pr:${snapshot.number}`,
    completedAt: params.now(),
    ...existing(runs, name, appId),
    ...appIdOf(appId),
  });
  return { checkRunId, action };
}

function describeError(error: unknown): string {
  if ((error as { reason?: unknown }).reason === "network") {
    return "GitHub could not be reached while the PR was being read";
  }
  const status = (error as { status?: unknown }).status;
  if (status === 403 || status === 429) return `GitHub's rate limit was reached (HTTP ${status})`;
  if (typeof status === "number")
    return `GitHub answered HTTP ${status} while the PR was being read`;
  return "the pull request could not be read";
}

/**
 * The read failed: put a completed run on the head commit that says so (find ours first, so a
 * retry never leaves two). Returns whether it was published; a failure here is only logged by the
 * caller (the evaluation's own error is the one reported).
 */
export async function publishFailureNotice(params: {
  api: RestApi;
  target: { owner: string; repo: string; number: number; headSha: string };
  error: unknown;
  appId: number | undefined;
  now: () => Date;
}): Promise<boolean> {
  const { api, target, appId } = params;
  const name = DEFAULT_CONFIG["check-name"];
  try {
    const runs = await listOwnRuns(api, {
      owner: target.owner,
      repo: target.repo,
      sha: target.headSha,
      name,
      appId,
    });
    await publishCheckRun(api, {
      owner: target.owner,
      repo: target.repo,
      headSha: target.headSha,
      name,
      conclusion: "neutral",
      output: renderEvaluationFailure({ reason: describeError(params.error) }),
      externalId: `pr:${target.number}`,
      completedAt: params.now(),
      ...existing(runs, name, appId),
      ...appIdOf(appId),
    });
    return true;
  } catch {
    return false;
  }
}
