/**
 * `check_suite.requested`/`rerequested` and `check_run.rerequested`: evaluate the PRs of a commit.
 * A request that is not for our app is ignored; a re-run writes the check even when unchanged.
 */
import type { Context, Probot } from "probot";
import type { EvaluationScheduler } from "../evaluation-scheduler.js";
import { acceptPayload } from "../payload-guard.js";
import { findPullRequestsForCommit } from "../read.js";

type PullRequestRefs = readonly { number: number; base?: { repo?: { id?: number } } }[];

async function evaluateCommit(
  scheduler: EvaluationScheduler,
  context: Context,
  params: { sha: string; pullRequests: PullRequestRefs; mode: "requested" | "rerequested" },
): Promise<void> {
  const { sha, mode } = params;
  const payload = context.payload as {
    installation?: { id?: number };
    repository: { id: number; name: string; owner: { login: string } };
  };
  const repository = payload.repository;
  const owner = repository.owner.login;
  const repo = repository.name;
  // PRs listed in the payload that target this repository; none for forks: look them up
  let numbers = params.pullRequests
    .filter((p) => p.base?.repo?.id === undefined || p.base.repo.id === repository.id)
    .map((p) => p.number);
  if (mode === "requested") {
    // a push: pull_request.synchronize brings the same news; skip what it already evaluated.
    // No PR listed means a branch without a PR (forks get no check_suite events at all).
    numbers = numbers.filter(
      (number) => !scheduler.recentlyEvaluated({ owner, repo, number }, sha),
    );
  } else if (numbers.length === 0) {
    numbers = await findPullRequestsForCommit(
      (query, variables) => context.octokit.graphql(query, variables),
      { owner, repo, sha },
    );
  }
  for (const number of numbers) {
    await scheduler.evaluate({
      octokit: context.octokit,
      installationId: payload.installation?.id,
      repositoryId: repository.id,
      deliveryId: context.id,
      log: context.log,
      target: {
        owner,
        repo,
        number,
        headSha: sha,
        repositoryId: repository.id,
        // a user asked for it: the check is written even when its output is unchanged
        ...(mode === "rerequested" ? { rerun: true } : {}),
      },
    });
  }
}

export function registerCheckSuiteHandlers(
  app: Probot,
  scheduler: EvaluationScheduler,
  appId: number | undefined,
): void {
  const isOurs = (appIdInPayload: number | undefined): boolean =>
    appId === undefined || appIdInPayload === appId;

  app.on(["check_suite.requested", "check_suite.rerequested"], async (context) => {
    if (!acceptPayload(context)) return;
    const suite = context.payload.check_suite;
    if (!isOurs(suite.app?.id ?? undefined)) return;
    await evaluateCommit(scheduler, context, {
      sha: suite.head_sha,
      pullRequests: suite.pull_requests ?? [],
      mode: context.payload.action === "requested" ? "requested" : "rerequested",
    });
  });

  app.on("check_run.rerequested", async (context) => {
    if (!acceptPayload(context)) return;
    const run = context.payload.check_run;
    if (!isOurs(run.app?.id ?? undefined)) return;
    await evaluateCommit(scheduler, context, {
      sha: run.head_sha,
      pullRequests: run.pull_requests ?? [],
      mode: "rerequested",
    });
  });
}
