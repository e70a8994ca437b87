/**
 * One evaluation of one pull request, as a numbered pipeline (docs/architecture.md):
 *
 * 1. read the PR: one GraphQL request for PRs of up to 100 commits (`read.ts`)
 * 2. resolve its value statement, once (`resolve-value.ts`)
 * 3. fetch the issue `Issue:` names only when the read lacked it (`resolve-value.ts`)
 * 4. look up our run and the work item's spend in the ledger: one statement (`ledger-sync.ts`)
 * 5. decide the verdict, from the resolved statement (`core/verdict.ts`), and render it
 * 6. publish the check run once: no write when the output is byte for byte what the run already
 *    shows (`publish-evaluation.ts`)
 * 7. record the evaluation and its rollups (`ledger-sync.ts`)
 *
 * The check always ends `completed`: a broken config or a failed read is published as such, with
 * what to do. Time per phase and API requests are measured around the steps
 * (`evaluation-meters.ts`), not inside them.
 */

import type { Config } from "../config/schema.js";
import { DEFAULT_CONFIG } from "../config/schema.js";
import { absoluteIssue } from "../core/issue-ref.js";
import { renderCheckOutput } from "../core/render.js";
import { renderConfigProblems } from "../core/render-notices.js";
import { analyzePrBody, type BodyAnalysis } from "../core/value/resolve.js";
import { evaluatePullRequest, type Verdict } from "../core/verdict.js";
import { countRequests, type EvaluationTimings, PhaseClock } from "./evaluation-meters.js";
import type { GitHubId } from "./github-id.js";
import type { GraphqlErrorEntry } from "./graphql-errors.js";
import {
  forgetPublishedOutput,
  type LedgerScope,
  ledgerKey,
  type RollupRefresh,
  readLedgerState,
  recordEvaluation,
  workItemOf,
} from "./ledger-sync.js";
import type { CheckConclusion } from "./publish-check.js";
import { checkOutputHash, publishEvaluation, publishFailureNotice } from "./publish-evaluation.js";
import { readPullRequest } from "./read.js";
import { resolvePullRequestValue } from "./resolve-value.js";
import type { RestApi } from "./rest-api.js";
import { mergeReviews, storedReviews } from "./reviews.js";
import type { RollupAction } from "./rollups.js";
import type { ConfigResolution, GraphqlFn, PullRequestSnapshot } from "./snapshot.js";

export interface GitHubApi extends RestApi {
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
      /** GitHub API requests made: reads and the write (a rollup refresh's are not counted). */
      requests: number;
      /** What the milestone rollups did (with a ledger). */
      rollups: RollupAction[];
      timings: EvaluationTimings;
      /** GraphQL errors beside the data that the evaluation could do without (debug log). */
      ignoredErrors: GraphqlErrorEntry[];
    }
  | { kind: "failed"; error: unknown; requests: number; timings: EvaluationTimings };

/**
 * Step 1: read the PR, and the issue the payload's body names (read with the default value
 * settings; that analysis is kept, so step 2 does not read the same body again when the
 * repository's config reads it alike).
 */
async function readStep(
  api: GitHubApi,
  target: EvaluationTarget,
): Promise<{ snapshot: PullRequestSnapshot; bodyHint?: BodyAnalysis }> {
  const { owner, repo } = target;
  const bodyHint =
    target.bodyHint !== undefined ? analyzePrBody(target.bodyHint, DEFAULT_CONFIG) : undefined;
  const hint = bodyHint?.analysis.section.parsed.issue;
  const snapshot = await readPullRequest(api.graphql, {
    owner,
    repo,
    number: target.number,
    headSha: target.headSha,
    ...(target.repositoryId !== undefined ? { repositoryId: target.repositoryId } : {}),
    ...(hint !== undefined ? { issueHint: absoluteIssue(hint, owner, repo) } : {}),
  });
  return { snapshot, ...(bodyHint !== undefined ? { bodyHint } : {}) };
}

interface Run {
  /** The API with its requests counted (reads and the check-run write). */
  api: GitHubApi;
  /** The same API uncounted: a rollup refresh's requests are its own. */
  rollupApi: GitHubApi;
  /** When the source was read: a record from an earlier read never overwrites a later one. */
  evaluatedAt: Date;
  target: EvaluationTarget;
  settings: EvaluationSettings;
  clock: PhaseClock;
  snapshot: PullRequestSnapshot;
  /** The payload's body as step 1 analysed it (reused by step 2 when it applies). */
  bodyHint?: BodyAnalysis;
}

type Published = Omit<Extract<EvaluationOutcome, { kind: "published" }>, "requests" | "timings">;

export async function evaluateAndPublish(
  api: GitHubApi,
  target: EvaluationTarget,
  settings: EvaluationSettings,
): Promise<EvaluationOutcome> {
  const clock = new PhaseClock();
  const counted = countRequests(api);
  const failed = (error: unknown): EvaluationOutcome => ({
    kind: "failed",
    error,
    requests: counted.count(),
    timings: clock.timings,
  });
  const evaluatedAt = settings.now();
  let snapshot: PullRequestSnapshot;
  let bodyHint: BodyAnalysis | undefined;
  try {
    ({ snapshot, bodyHint } = await clock.time("read", () => readStep(counted.api, target)));
  } catch (error) {
    await clock.time("publish", () => noticeReadFailure(counted.api, target, settings, error));
    return failed(error);
  }
  try {
    const run: Run = {
      api: counted.api,
      rollupApi: api,
      evaluatedAt,
      target,
      settings,
      clock,
      snapshot,
      ...(bodyHint !== undefined ? { bodyHint } : {}),
    };
    const published = snapshot.config.ok
      ? await evaluateWithConfig(run, snapshot.config.config)
      : await publishConfigProblems(run, snapshot.config);
    return { ...published, requests: counted.count(), timings: clock.timings };
  } catch (error) {
    return failed(error);
  }
}

/** Steps 2 to 7, once the PR and a valid config are read. */
async function evaluateWithConfig(run: Run, config: Config): Promise<Published> {
  const { api, target, settings, clock, snapshot, evaluatedAt } = run;
  const ledger = settings.ledger;
  const repository = { owner: target.owner, repo: target.repo };
  // 2, 3: the value statement, resolved once (again only with an issue fetched for it)
  const { value, linkedIssues } = await resolvePullRequestValue({
    graphql: api.graphql,
    snapshot,
    repository,
    config,
    ...(run.bodyHint !== undefined ? { prAnalysis: run.bodyHint } : {}),
    time: {
      resolve: (fn) => clock.timeSync("evaluate", fn),
      fetch: (fn) => clock.time("read", fn),
    },
  });
  // 4: our run on the PR (and its output's hash), the work item's spend, the PR's reviews and CI
  const state =
    ledger !== undefined
      ? await clock.time("ledger", () =>
          readLedgerState(
            ledger,
            ledgerKey(ledger, snapshot),
            workItemOf(value, snapshot),
            snapshot.commits.map((c) => c.sha),
          ),
        )
      : {};
  const read = storedReviews(snapshot.reviews, config.investment["day-hours"]);
  const reviews = mergeReviews(read.reviews, state.reviews ?? []);
  // 5: the verdict, from the statement resolved above, and its rendering
  const verdict = clock.timeSync("evaluate", () =>
    evaluatePullRequest({
      pr: {
        ...(state.workItem !== undefined ? { workItem: state.workItem } : {}),
        repository,
        number: snapshot.number,
        title: snapshot.title,
        body: snapshot.body,
        author: snapshot.author,
        labels: snapshot.labels,
        draft: snapshot.draft,
        commits: snapshot.commits,
        linkedIssues,
        ...(snapshot.changedLines !== undefined ? { changedLines: snapshot.changedLines } : {}),
        reviews,
        reviewProblems: read.problems,
        ci: state.ci ?? [],
      },
      value,
      config,
      now: evaluatedAt,
    }),
  );
  const output = clock.timeSync("render", () =>
    renderCheckOutput(verdict, {
      repository,
      currency: config.currency,
      valueHeading: config.value.heading,
    }),
  );
  const name = config["check-name"];
  const outputSha256 = checkOutputHash(name, verdict.conclusion, output);
  // 6: publish once (or not at all when unchanged)
  const published = await clock.time("publish", () =>
    publishEvaluation({
      api,
      repository,
      snapshot,
      state,
      name,
      conclusion: verdict.conclusion,
      output,
      outputSha256,
      rerun: target.rerun === true,
      appId: settings.appId,
      now: settings.now,
      time: { find: (fn) => clock.time("read", fn) },
    }),
  );
  // 7: record, and refresh or schedule the rollups
  const rollups =
    ledger !== undefined
      ? await clock.time("ledger", () =>
          recordEvaluation(run.rollupApi, ledger, {
            snapshot,
            verdict,
            linkedIssues,
            config,
            checkRunId: published.checkRunId,
            checkOutputSha256: outputSha256,
            evaluatedAt,
            reviews,
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
    ...published,
    headSha: snapshot.headSha,
    verdict,
    rollups,
    ignoredErrors: snapshot.ignoredErrors,
  };
}

/** The config could not be used: publish what is wrong with it (steps 4 and 6 only). */
async function publishConfigProblems(
  run: Run,
  broken: Extract<ConfigResolution, { ok: false }>,
): Promise<Published> {
  const { api, target, settings, clock, snapshot } = run;
  const ledger = settings.ledger;
  const name = DEFAULT_CONFIG["check-name"];
  const key = ledger !== undefined ? ledgerKey(ledger, snapshot) : undefined;
  const state =
    ledger !== undefined && key !== undefined
      ? await clock.time("ledger", () => readLedgerState(ledger, key))
      : {};
  const { problems, files } = broken;
  const output = clock.timeSync("render", () =>
    renderConfigProblems({
      problems,
      files: files.filter((f) => f.text !== undefined).map((f) => `${f.owner}/${f.repo}:${f.path}`),
    }),
  );
  const published = await clock.time("publish", () =>
    publishEvaluation({
      api,
      repository: { owner: target.owner, repo: target.repo },
      snapshot,
      state,
      name,
      conclusion: "failure",
      output,
      rerun: target.rerun === true,
      appId: settings.appId,
      now: settings.now,
      time: { find: (fn) => clock.time("read", fn) },
    }),
  );
  // the run no longer shows the output whose hash the ledger keeps
  if (ledger !== undefined && key !== undefined && state.checkRun?.outputSha256) {
    await clock.time("ledger", () => forgetPublishedOutput(ledger, key));
  }
  return {
    kind: "published",
    conclusion: "failure",
    ...published,
    headSha: snapshot.headSha,
    rollups: [],
    ignoredErrors: snapshot.ignoredErrors,
  };
}

/** The read failed: a notice on the head commit, and the ledger's output hash forgotten. */
async function noticeReadFailure(
  api: GitHubApi,
  target: EvaluationTarget,
  settings: EvaluationSettings,
  error: unknown,
): Promise<void> {
  const published = await publishFailureNotice({
    api,
    target,
    error,
    appId: settings.appId,
    now: settings.now,
  });
  const ledger = settings.ledger;
  if (published && ledger !== undefined && target.repositoryId !== undefined) {
    await forgetPublishedOutput(ledger, {
      installationId: ledger.installationId,
      repositoryId: target.repositoryId,
      number: target.number,
    }).catch(() => undefined);
  }
}
