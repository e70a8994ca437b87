/**
 * What the REST and app routes share: requests and responses whatever the transport, the route
 * table's shape, GitHub's paging (`per_page`, `page`, a `Link` header), and the credential a request
 * carries.
 */

/** The endpoints by the names faults and counts use. */
export type Endpoint =
  | "graphql"
  | "create"
  | "update"
  | "list"
  | "issue"
  | "issues"
  | "comment"
  | "comments"
  | "comment-update"
  | "permission"
  | "pulls"
  | "repositories"
  | "token"
  | "installations"
  | "deliveries"
  | "redeliver";

/** A request, whatever carried it. `path` includes the query; `/api/v3` and `/api/graphql` work. */
export interface GitHubRequest {
  method: string;
  path: string;
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  body?: unknown;
  /** Absolute base for `Link` headers (e.g. `http://127.0.0.1:PORT/api/v3`). */
  linkBase?: string;
}

export interface GitHubResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What a transport serves: the fake GitHub. */
export interface Routable {
  handle(request: GitHubRequest): Promise<GitHubResponse>;
  /** Does a route answer this request (`all`: app-authenticated routes too)? */
  answers(method: string, path: string, all: boolean): boolean;
}

export interface Route {
  method: string;
  pattern: RegExp;
  endpoint: Endpoint;
  /** Authenticated as the app (JWT), not as an installation. */
  app: boolean;
  handle: (r: RouteRequest) => GitHubResponse;
}

export interface RouteRequest {
  path: string;
  url: URL;
  match: RegExpExecArray;
  body: unknown;
  linkBase: string;
}

/** A route on `pattern`, a regular expression source matched against the whole path. */
export const route = (
  method: string,
  pattern: string,
  endpoint: Endpoint,
  handle: Route["handle"],
  app = false,
): Route => ({ method, pattern: new RegExp(`^${pattern}$`), endpoint, handle, app });

/** `/repos/{owner}/{repo}`, owner and repo captured. */
export const REPO = "/repos/([^/]+)/([^/]+)";

export const json = (
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): GitHubResponse => (headers === undefined ? { status, body } : { status, body, headers });

export const notFound = (): GitHubResponse =>
  json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });

/** The owner and repository a `/repos/{owner}/{repo}/…` route matched. */
export function repoOf(r: RouteRequest): { owner: string; repo: string } {
  return {
    owner: decodeURIComponent(r.match[1] ?? ""),
    repo: decodeURIComponent(r.match[2] ?? ""),
  };
}

/** `/api/v3/x` → `/x`, `/api/graphql` → `/graphql` (GitHub Enterprise-style base URLs). */
export function normalizePath(path: string): string {
  if (path.startsWith("/api/v3/")) return path.slice("/api/v3".length);
  if (path === "/api/graphql" || path.startsWith("/api/graphql?")) return path.slice(4);
  return path;
}

/** `items` paged as GitHub does: `per_page` (at most `max`), `page`, a `Link` to next and last. */
export function paged<T>(r: RouteRequest, items: readonly T[], max = 100): GitHubResponse {
  const perPage = Math.min(max, Math.max(1, Number(r.url.searchParams.get("per_page") ?? 30)));
  const page = Math.max(1, Number(r.url.searchParams.get("page") ?? 1));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  if (page * perPage >= items.length) return json(200, slice);
  const next = new URL(`${r.linkBase}${r.url.pathname}${r.url.search}`);
  next.searchParams.set("page", String(page + 1));
  const last = new URL(next);
  last.searchParams.set("page", String(Math.ceil(items.length / perPage)));
  return json(200, slice, { link: `<${next}>; rel="next", <${last}>; rel="last"` });
}

/** `token ghs_…` / `bearer <jwt>` → the token, `jwt`, or `none`. */
export function credentialOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === "") return "none";
  const [scheme, token = ""] = value.split(/\s+/, 2);
  if (scheme?.toLowerCase() === "bearer" && token.split(".").length === 3) return "jwt";
  return token;
}

/** Who wrote an issue or comment, as GitHub's REST shows it (the app's bot, or a person). */
export function authored(appId: number | undefined): Record<string, unknown> {
  return appId !== undefined
    ? { user: { login: "cost-value[bot]", type: "Bot" }, performed_via_github_app: { id: appId } }
    : { user: { login: "someone", type: "User" }, performed_via_github_app: null };
}
