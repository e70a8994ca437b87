/**
 * The Octokit class the server gives Probot: Probot's, with its retry plugin off and its
 * throttling plugin told never to retry. Retries are the app's own (`resilience.ts`): bounded,
 * honouring `retry-after`, and never repeating a create that may have succeeded. Throttling still
 * spaces writes per installation (GitHub's secondary limits).
 */
import { ProbotOctokit } from "probot";

export const CostValueOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => {
  // Probot's webhook Octokits (octokit-auth-probot "event-octokit") get no throttle id, so every
  // installation shared one limiter ("no-id"): one write or GraphQL call per second for the whole
  // process. Key the limiter by installation, as `probot.auth(id)` does.
  const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
  return {
    ...options,
    retry: { enabled: false },
    throttle: {
      ...(options.throttle as Record<string, unknown> | undefined),
      ...(installationId !== undefined ? { id: `installation-${String(installationId)}` } : {}),
      onRateLimit: () => false,
      onSecondaryRateLimit: () => false,
    },
  };
});
