/**
 * The API an evaluation uses, built from an installation's Octokit: the one place that turns a
 * client into `{ graphql, request }` (the webhook app, the durable queue, the rollups and the
 * `reconcile` command all use it).
 */
import type { Context } from "probot";
import type { GitHubApi } from "./evaluate.js";
import type { Lease } from "./evaluation-queue.js";
import { guardWrites } from "./resilience.js";

/** What of an installation's Octokit an evaluation calls. */
export type ApiOctokit = Pick<Context["octokit"], "graphql" | "request">;

/**
 * The evaluation's API over `octokit`. Under a lease, a check-run write first checks that the
 * lease still holds for longer than the write's attempt (`timeoutMs`, after its pacing slot: see
 * `guardWrites`), so two workers never both create the PR's run. The rollup's writes are not
 * guarded: they are serialized by the milestone's advisory lock (find, then update) and run while
 * a database transaction holds a connection, where waiting for a lease renewal could deadlock
 * (PGlite has one connection).
 */
export function evaluationApiOf(
  octokit: ApiOctokit,
  guarded?: { lease: Lease; timeoutMs: number },
): GitHubApi {
  const guard =
    guarded !== undefined ? () => guarded.lease.ensureHeld(guarded.timeoutMs) : undefined;
  return {
    graphql: (query, variables) => octokit.graphql(query, variables),
    request: (route, params) =>
      octokit.request(
        route,
        guard !== undefined && /\/check-runs\b/.test(route) ? guardWrites(params, guard) : params,
      ),
  };
}
