/** Start-up checks on the environment, with messages that say what to set. */

export class UnsafeEnvironmentError extends Error {
  override name = "UnsafeEnvironmentError";
}

/**
 * Probot silently uses the webhook secret "development" when WEBHOOK_SECRET is not set: anyone
 * could then send the app forged deliveries. Refuse that in production.
 */
export function assertSafeEnvironment(env: Readonly<Record<string, string | undefined>>): void {
  if (env.NODE_ENV !== "production") return;
  const secret = env.WEBHOOK_SECRET;
  if (secret === undefined || secret === "" || secret === "development") {
    throw new UnsafeEnvironmentError(
      'cost-value refuses to start: WEBHOOK_SECRET is not set (or is Probot\'s default "development") while NODE_ENV=production. Set WEBHOOK_SECRET to the secret of your GitHub App (Settings → Developer settings → GitHub Apps → cost-value → Webhook secret), e.g. generated with `openssl rand -hex 32`.',
    );
  }
}
