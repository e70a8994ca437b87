/**
 * One evaluation of one pull request: read everything (one GraphQL request for PRs of up to 100
 * commits), read the ledger (one statement), run the pure core, publish the check run (one write,
 * none when the output is byte for byte what the run already shows), record it (one statement).
 * The check always ends `completed`: a broken config or a failed read is published as such, with
 * what to do.
 */
import { createHash } from "node:crypto";
import { DEFAULT_CONFIG } from "../config/schema.js";
import { type IssueRef, sameIssue } from "../core/issue-ref.js";
import { type CheckOutput, renderCheckOutput } from "../core/render.js";
import { renderConfigProblems, renderEvaluationFailure } from "../core/render-notices.js";
import { parseValueSection } from "../core/value/section.js";
import { evaluatePullRequest, type Verdict } from "../core/verdict.js";
import { type EvaluationState, forgetCheckOutput, readEvaluationState } from "../db/ledger.js";
import type { GitHubId } from "./github-id.js";
import type { GraphqlErrorEntry } from "./graphql-errors.js";
import {
  type LedgerScope,
  type RollupRefresh,
  recordEvaluation,
  workItemOf,
} from "./ledger-sync.js";
import {
  type CheckConclusion,
  type ChecksApi,
  findOwnRun,
  listOwnRuns,
  publishCheckRun,
} from "./publish-check.js";
import { readIssue, readPullRequest } from "./read.js";
import type { RollupAction } from "./rollups.js";
import type { ExistingCheckRun, GraphqlFn, PullRequestSnapshot } from "./snapshot.js";

export interface GitHubApi extends ChecksApi {
  graphql: GraphqlFn;
}

export interface EvaluationTarget {
  owner: string;
  repo: string;
  number: number;
  /** The head SHA the event is about. */
  headSha: string;
  /** The PR body from the webhook payload, when it has one: lets the read fetch the `Issue:` issue. */
  bodyHint?: string;
  /** The repository's id from the webhook payload (GraphQL's `databaseId` is only 32-bit). */
  repositoryId?: number;
  /** A user asked for a re-run: write the check even when its output is unchanged. */
  rerun?: boolean;
}

export interface EvaluationSettings {
  /** Our GitHub App id: our check runs are the ones of this app. */
  appId?: number;
  now: () => Date;
  /**
   * The ledger (and the installation whose data it is): record the PR, refresh rollups (now, or
   * through a scheduler that coalesces them).
   */
  ledger?: LedgerScope & { rollups?: RollupRefresh };
}

export type EvaluationOutcome =
  | {
      kind: "published";
      conclusion: CheckConclusion;
      checkRunId: GitHubId;
      /** `unchanged`: the run already showed this output; nothing was written. */
      action: "created" | "updated" | "unchanged";
      headSha: string;
      verdict?: Verdict;
      /** GitHub API requests made: reads and the write. */
      requests: number;
      /** What the milestone rollups did (with a ledger). */
      rollups: RollupAction[];
      timings: EvaluationTimings;
      /** GraphQL errors beside the data that the evaluation could do without (debug log). */
      ignoredErrors: GraphqlErrorEntry[];
    }
  | { kind: "failed"; error: unknown; requests: number; timings: EvaluationTimings };

/**
 * Milliseconds spent per phase of one evaluation: `read` and `publish` wait on GitHub, `evaluate`
 * is the pure core (trailer parsing, pricing, verdict), `render` the check's markdown, `ledger`
 * the database (and the rollup it may post).
 */
export interface EvaluationTimings {
  read: number;
  evaluate: number;
  render: number;
  publish: number;
  ledger: number;
}

class PhaseClock {
  readonly timings: EvaluationTimings = { read: 0, evaluate: 0, render: 0, publish: 0, ledger: 0 };

  async time<T>(phase: keyof EvaluationTimings, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[phase] += performance.now() - start;
    }
  }

  timeSync<T>(phase: keyof EvaluationTimings, fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.timings[phase] += performance.now() - start;
    }
  }
}

/** The `Issue:` field of a body, read with the given heading (before the config is known: the default). */
function issueField(body: string, config = DEFAULT_CONFIG): IssueRef | undefined {
  return parseValueSection({ body, where: "PR body", config }).parsed.issue;
}

function absolute(ref: IssueRef, owner: string, repo: string): Required<IssueRef> {
  return { owner: ref.owner ?? owner, repo: ref.repo ?? repo, number: ref.number };
}

export async function evaluateAndPublish(
  api: GitHubApi,
  target: EvaluationTarget,
  settings: EvaluationSettings,
): Promise<EvaluationOutcome> {
  const { owner, repo } = target;
  let requests = 0;
  const clock = new PhaseClock();
  const ledger = settings.ledger;
  // the moment the source is read: a record from an earlier read never overwrites a later one
  const evaluatedAt = settings.now();
  let snapshot: PullRequestSnapshot;
  try {
    const hint = target.bodyHint !== undefined ? issueField(target.bodyHint) : undefined;
    snapshot = await clock.time("read", () =>
      readPullRequest(api.graphql, {
        owner,
        repo,
        number: target.number,
        headSha: target.headSha,
        ...(target.repositoryId !== undefined ? { repositoryId: target.repositoryId } : {}),
        ...(hint !== undefined ? { issueHint: absolute(hint, owner, repo) } : {}),
      }),
    );
    requests += snapshot.requests;
  } catch (error) {
    requests++;
    requests += await clock.time("publish", () =>
      publishFailureNotice(api, target, settings, error),
    );
    return { kind: "failed", error, requests, timings: clock.timings };
  }

  const headSha = snapshot.headSha;
  const prKey =
    ledger !== undefined
      ? {
          installationId: ledger.installationId,
          repositoryId: snapshot.repository.id,
          number: snapshot.number,
        }
      : undefined;
  try {
    if (!snapshot.config.ok) {
      const name = DEFAULT_CONFIG["check-name"];
      const state =
        ledger !== undefined && prKey !== undefined
          ? await clock.time("ledger", () => readEvaluationState(ledger.pool, prKey))
          : {};
      const runs = await clock.time("read", () => runsOnHead(api, snapshot, state, name, settings));
      requests += runs.requests;
      const problems = snapshot.config.problems;
      const files = snapshot.config.files;
      const output = clock.timeSync("render", () =>
        renderConfigProblems({
          problems,
          files: files
            .filter((f) => f.text !== undefined)
            .map((f) => `${f.owner}/${f.repo}:${f.path}`),
        }),
      );
      const { requests: writes, ...result } = await clock.time("publish", () =>
        publishCheckRun(api, {
          owner,
          repo,
          headSha,
          name,
          conclusion: "failure",
          output,
          externalId: `pr:${snapshot.number}`,
          completedAt: settings.now(),
          ...existing(runs.runs, name, settings.appId),
          ...appIdOf(settings),
        }),
      );
      requests += writes;
      // the run no longer shows the output whose hash the ledger keeps
      if (ledger !== undefined && prKey !== undefined && state.checkRun?.outputSha256) {
        await clock.time("ledger", () => forgetCheckOutput(ledger.pool, prKey));
      }
      return {
        kind: "published",
        conclusion: "failure",
        ...result,
        headSha,
        requests,
        rollups: [],
        timings: clock.timings,
        ignoredErrors: snapshot.ignoredErrors,
      };
    }
    const config = snapshot.config.config;
    const name = config["check-name"];

    // The `Issue:` field read with the real heading may name an issue the read did not fetch.
    const linkedIssues = [...snapshot.linkedIssues];
    const named = issueField(snapshot.body, config);
    if (named !== undefined) {
      const ref = absolute(named, owner, repo);
      const context = { owner, repo };
      const known =
        linkedIssues.some((i) => sameIssue(i.ref, ref, context)) ||
        snapshot.unavailableIssues.some((i) => sameIssue(i, ref, context));
      if (!known) {
        const issue = await clock.time("read", () => readIssue(api.graphql, ref));
        requests++;
        if (issue !== undefined) linkedIssues.push(issue);
      }
    }

    // the ledger, in one statement: our run on the PR (and its output's hash), the work item's spend
    const workItemKey =
      ledger !== undefined ? workItemOf(snapshot, linkedIssues, config) : undefined;
    const state: EvaluationState =
      ledger !== undefined && prKey !== undefined
        ? await clock.time("ledger", () =>
            readEvaluationState(ledger.pool, {
              ...prKey,
              ...(workItemKey !== undefined ? { workItem: workItemKey } : {}),
            }),
          )
        : {};
    const verdict = clock.timeSync("evaluate", () =>
      evaluatePullRequest({
        pr: {
          ...(state.workItem !== undefined ? { workItem: state.workItem } : {}),
          repository: { owner, repo },
          number: snapshot.number,
          title: snapshot.title,
          body: snapshot.body,
          author: snapshot.author,
          labels: snapshot.labels,
          draft: snapshot.draft,
          commits: snapshot.commits,
          linkedIssues,
        },
        config,
      }),
    );
    const output = clock.timeSync("render", () =>
      renderCheckOutput(verdict, {
        repository: { owner, repo },
        currency: config.currency,
        valueHeading: config.value.heading,
      }),
    );
    const outputSha256 = checkOutputHash(name, verdict.conclusion, output);
    let result: { checkRunId: GitHubId; action: "created" | "updated" | "unchanged" };
    if (
      state.checkRun !== undefined &&
      state.checkRun.headSha === headSha &&
      state.checkRun.outputSha256 === outputSha256 &&
      target.rerun !== true
    ) {
      // byte for byte what the run already shows: no write (GitHub's write limit is per installation)
      result = { checkRunId: state.checkRun.id, action: "unchanged" };
    } else {
      const runs = await clock.time("read", () => runsOnHead(api, snapshot, state, name, settings));
      requests += runs.requests;
      const { requests: writes, ...published } = await clock.time("publish", () =>
        publishCheckRun(api, {
          owner,
          repo,
          headSha,
          name,
          conclusion: verdict.conclusion,
          output,
          externalId: `pr:${snapshot.number}`,
          completedAt: settings.now(),
          ...existing(runs.runs, name, settings.appId),
          ...appIdOf(settings),
        }),
      );
      requests += writes;
      result = published;
    }
    const rollups =
      ledger !== undefined
        ? await clock.time("ledger", () =>
            recordEvaluation(api, ledger, {
              snapshot,
              verdict,
              linkedIssues,
              config,
              checkRunId: result.checkRunId,
              checkOutputSha256: outputSha256,
              evaluatedAt,
              rollups: ledger.rollups ?? {
                mode: "now",
                ...(settings.appId !== undefined ? { appId: settings.appId } : {}),
                now: settings.now,
              },
            }),
          )
        : [];
    return {
      kind: "published",
      conclusion: verdict.conclusion,
      ...result,
      headSha,
      verdict,
      requests,
      rollups,
      timings: clock.timings,
      ignoredErrors: snapshot.ignoredErrors,
    };
  } catch (error) {
    requests++;
    return { kind: "failed", error, requests, timings: clock.timings };
  }
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

/**
 * Our run on the head commit: the id the ledger kept from the POST that created it (the run of
 * the head it recorded last); else what the read saw (maybe without a usable id: the publisher
 * then looks it up); for a stale event (the PR moved on since), one REST look-up on the current
 * head.
 */
async function runsOnHead(
  api: GitHubApi,
  snapshot: PullRequestSnapshot,
  state: EvaluationState,
  name: string,
  settings: EvaluationSettings,
): Promise<{ runs: ExistingCheckRun[]; requests: number }> {
  const headSha = snapshot.headSha;
  if (state.checkRun?.headSha === headSha) {
    const { id } = state.checkRun;
    return { runs: [{ id, name, status: "completed", ...appIdOf(settings) }], requests: 0 };
  }
  if (snapshot.checkRunsSha === headSha) return { runs: snapshot.checkRuns, requests: 0 };
  const { owner, repo } = snapshot.repository;
  const runs = await listOwnRuns(api, { owner, repo, sha: headSha, name, appId: settings.appId });
  return { runs, requests: 1 };
}

function appIdOf(settings: EvaluationSettings): { appId?: number } {
  return settings.appId !== undefined ? { appId: settings.appId } : {};
}

function existing(
  runs: PullRequestSnapshot["checkRuns"],
  name: string,
  appId: number | undefined,
): { existing?: PullRequestSnapshot["checkRuns"][number] } {
  const run = findOwnRun(runs, name, appId);
  return run !== undefined ? { existing: run } : {};
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
 * retry never leaves two). Returns the requests made; a failure here is only logged by the caller.
 */
async function publishFailureNotice(
  api: GitHubApi,
  target: EvaluationTarget,
  settings: EvaluationSettings,
  error: unknown,
): Promise<number> {
  const name = DEFAULT_CONFIG["check-name"];
  let requests = 0;
  try {
    const runs = await listOwnRuns(api, {
      owner: target.owner,
      repo: target.repo,
      sha: target.headSha,
      name,
      appId: settings.appId,
    });
    requests++;
    const published = await publishCheckRun(api, {
      owner: target.owner,
      repo: target.repo,
      headSha: target.headSha,
      name,
      conclusion: "neutral",
      output: renderEvaluationFailure({ reason: describeError(error) }),
      externalId: `pr:${target.number}`,
      completedAt: settings.now(),
      ...existing(runs, name, settings.appId),
      ...appIdOf(settings),
    });
    requests += published.requests;
    // the run no longer shows the output whose hash the ledger keeps
    const ledger = settings.ledger;
    if (ledger !== undefined && target.repositoryId !== undefined) {
      await forgetCheckOutput(ledger.pool, {
        installationId: ledger.installationId,
        repositoryId: target.repositoryId,
        number: target.number,
      }).catch(() => undefined);
    }
  } catch {
    requests++;
  }
  return requests;
}
