/**
 * The GitHub App manifest that set-up mode's "Register GitHub App" button posts to GitHub
 * (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest):
 * app.yml (name, description, permissions, events) plus what only the running server knows, filled
 * in the way Probot does it: the webhook URL is WEBHOOK_PROXY_URL when set (a smee.io channel),
 * else the address the set-up page was opened on with the webhook path
 * (`https://HOST/api/github/webhooks`); the redirect comes back to this server's `/probot/setup`.
 * A `hook_attributes.url` written in app.yml wins over both (an operator's explicit choice).
 */
import type { IncomingMessage } from "node:http";

export interface AppManifestParams {
  /** app.yml, parsed. */
  appYml: Record<string, unknown>;
  /** Where the set-up page was opened: `https://host[:port]`, no trailing slash. */
  baseUrl: string;
  /** Probot's webhook path (WEBHOOK_PATH, default `/api/github/webhooks`). */
  webhookPath: string;
  /** WEBHOOK_PROXY_URL, if any. */
  webhookProxyUrl?: string | undefined;
}

export function appManifest(params: AppManifestParams): Record<string, unknown> {
  const { appYml, baseUrl, webhookPath, webhookProxyUrl } = params;
  const hook =
    typeof appYml.hook_attributes === "object" && appYml.hook_attributes !== null
      ? (appYml.hook_attributes as Record<string, unknown>)
      : {};
  const path = webhookPath.startsWith("/") ? webhookPath : `/${webhookPath}`;
  const url =
    typeof hook.url === "string" && hook.url.trim() !== ""
      ? hook.url
      : webhookProxyUrl?.trim() || `${baseUrl}${path}`;
  return {
    version: "v1",
    redirect_url: `${baseUrl}/probot/setup`,
    ...appYml,
    hook_attributes: { ...hook, url },
  };
}

/**
 * The origin a request was sent to, as the browser saw it: X-Forwarded-Proto/-Host (a reverse
 * proxy) when present, else the Host header and whether the socket is TLS.
 */
export function requestBaseUrl(req: Pick<IncomingMessage, "headers" | "socket">): string {
  const first = (value: string | string[] | undefined): string | undefined =>
    (Array.isArray(value) ? value[0] : value)?.split(",")[0]?.trim() || undefined;
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const protocol = first(req.headers["x-forwarded-proto"]) ?? (encrypted ? "https" : "http");
  const host = first(req.headers["x-forwarded-host"]) ?? req.headers.host ?? "localhost:3000";
  return `${protocol}://${host}`;
}

/** GitHub's "new app" page the manifest is posted to (GitHub Enterprise and organizations too). */
export function createAppUrl(env: Readonly<Record<string, string | undefined>>): string {
  const host = env.GHE_HOST || "github.com";
  const organization = env.GH_ORG ? `/organizations/${env.GH_ORG}` : "";
  return `${env.GHE_PROTOCOL || "https"}://${host}${organization}/settings/apps/new`;
}
