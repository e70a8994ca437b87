/** `pull_request.*`: evaluate the PR at the head the event names. */
import type { Probot } from "probot";
import type { EvaluationScheduler } from "../evaluation-scheduler.js";
import { acceptPayload } from "../payload-guard.js";

export const PULL_REQUEST_ACTIONS = [
  "pull_request.opened",
  "pull_request.reopened",
  "pull_request.synchronize",
  "pull_request.edited",
  "pull_request.ready_for_review",
  "pull_request.converted_to_draft",
  "pull_request.labeled",
  "pull_request.unlabeled",
  "pull_request.milestoned",
  "pull_request.demilestoned",
  "pull_request.closed",
] as const;

export function registerPullRequestHandlers(app: Probot, scheduler: EvaluationScheduler): void {
  app.on([...PULL_REQUEST_ACTIONS], async (context) => {
    if (!acceptPayload(context)) return;
    const { pull_request: pr, repository } = context.payload;
    const installation = (context.payload as { installation?: { id?: number } }).installation;
    if (context.payload.action === "edited") {
      const changes = (context.payload as { changes?: Record<string, unknown> }).changes ?? {};
      if (!("body" in changes) && !("title" in changes) && !("base" in changes)) return;
    }
    await scheduler.evaluate({
      octokit: context.octokit,
      installationId: installation?.id,
      repositoryId: repository.id,
      deliveryId: context.id,
      log: context.log,
      target: {
        owner: repository.owner.login,
        repo: repository.name,
        number: pr.number,
        headSha: pr.head.sha,
        bodyHint: pr.body ?? "",
        repositoryId: repository.id,
      },
    });
  });
}
