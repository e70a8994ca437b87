/**
 * The Octokit class the server gives Probot: Probot's, with its retry and throttling plugins off,
 * and GitHub's pacing done by the app instead (`pacing.ts`, applied by `applyResilience`).
 *
 * Why not Octokit's throttling plugin: it sits inside our `applyResilience` hook (plugins wrap
 * `request` when the Octokit is built; `applyResilience` wraps it afterwards, so it is the outer
 * layer), so the per-attempt timeout started before a request waited in the plugin's queue, and a
 * burst of deliveries on one installation timed out in the queue (issue 13). It also put every
 * GraphQL query on the 1-per-second write limiter, though a query creates nothing, doubling a
 * burst's time. Our pacer is taken first, then the attempt's clock starts; it paces only what
 * GitHub paces, per installation, shared by all Octokits of the process (webhook Octokits are
 * made per event), and honours `retry-after`, secondary limits, primary limits and GraphQL's
 * points per minute.
 */
import { ProbotOctokit } from "probot";
import { attachPacer, installationKey } from "./pacing.js";

/** Attach the pacer of the installation this Octokit acts for (or the app's, authenticated as the app). */
function installationPacing(octokit: object, options: { auth?: unknown }): Record<string, never> {
  const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
  attachPacer(
    octokit,
    typeof installationId === "number" || typeof installationId === "string"
      ? installationKey(installationId)
      : "app",
  );
  return {};
}

export const CostValueOctokit = ProbotOctokit.plugin(installationPacing).defaults(
  (options: Record<string, unknown>) => ({
    ...options,
    retry: { enabled: false },
    // the function form: Probot's own throttle options would override an object form
    throttle: { ...(options.throttle as Record<string, unknown> | undefined), enabled: false },
  }),
);
