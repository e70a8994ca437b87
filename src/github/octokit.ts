/**
 * The Octokit class the server gives Probot: Probot's, with its retry plugin off and its
 * throttling plugin told never to retry. Retries are the app's own (`resilience.ts`): bounded,
 * honouring `retry-after`, and never repeating a create that may have succeeded. Throttling still
 * spaces writes per installation (GitHub's secondary limits).
 */
import { ProbotOctokit } from "probot";

export const CostValueOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: {
    ...(options.throttle as Record<string, unknown> | undefined),
    onRateLimit: () => false,
    onSecondaryRateLimit: () => false,
  },
}));
