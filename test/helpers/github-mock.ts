/**
 * GitHub for app tests: a transport-independent router (`handle(request) → response`) served over
 * nock (`install()`) or over a real HTTP server on 127.0.0.1 (fake-github-server.ts). GraphQL is
 * answered by a FakeGitHub (data models); the REST endpoints the app uses by in-memory stores that
 * feed back into the fake (so a second evaluation of the same head commit finds the run it must
 * update). Every request is recorded and counted (per endpoint and per installation token); faults
 * can be injected per endpoint: an HTTP error with headers and a message (rate limits), or a hang.
 *
 * Endpoints (their fault names): `graphql`; check runs `create`, `update`, `list`; issues `issue`
 * (create), `issues` (list); comments `comment` (create), `comments` (list), `comment-update`;
 * `permission` (collaborator permission); `pulls` (list open PRs of the fake); `repositories`
 * (`GET /installation/repositories`); app-authenticated (JWT): `token` (installation access
 * token), `installations`, `deliveries` (`GET /app/hook/deliveries`), `redeliver`.
 *
 * `requests` holds the installation-authenticated calls (what an evaluation costs); the
 * app-authenticated ones (token exchange, deliveries, installations) are in `appRequests`.
 * `install()` on nock serves only the first group unless `install({ all: true })`, so tests that
 * answer the token exchange themselves keep doing so.
 *
 * Ids: small by default (check runs and comments from 9000); with `ids: "github"` (the fake's, or
 * the mock's option) above 2^31 like github.com's: check runs from 30,000,000,000, comments from
 * 2,500,000,000. An id is a number while exact and a bigint beyond 2^53; bodies go out through
 * `serializeJson`, which writes both as plain digits (on nock and on the HTTP server), and path ids
 * are matched as digits.
 */
import nock from "nock";
import type { IdStyle } from "./fake-github.js";

/**
 * A REST id: a number while it is exact (up to 2^53), a bigint beyond. Bodies carry it as is;
 * `serializeJson` writes both as unquoted digits, as GitHub does.
 */
export type RestId = number | bigint;

export type { IdStyle };

export interface GitHubMockOptions {
  /**
   * `github` (default unless the fake says otherwise): check runs from 30,000,000,000 and comments
   * from 2,500,000,000, above 2^31 like github.com's. `small`: check runs and comments share one
   * counter from 9000.
   */
  ids?: IdStyle;
  /** The first check run id (any size: above 2^53 it is kept as a bigint). */
  firstCheckRunId?: number | bigint;
  /** The first issue comment id. */
  firstCommentId?: number | bigint;
}

/** `n` as a RestId: a number while exact, a bigint beyond 2^53. */
export function restId(n: bigint): RestId {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

const BIGINT_MARK = "\u0000bigint:";

/**
 * JSON.stringify that writes bigints as plain integer digits (JSON.stringify itself throws on a
 * bigint): each becomes a marked string in a replacer, and the quoted marks are then unquoted.
 */
export function serializeJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "bigint" ? `${BIGINT_MARK}${v}` : v,
  );
  // JSON.stringify escapes the NUL of the mark as \u0000
  return text === undefined ? "" : text.replace(/"\\u0000bigint:(-?\d+)"/g, "$1");
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** GraphQL operation name, for POST /graphql. */
  operation?: string;
  body: unknown;
}

export interface StoredCheckRun {
  /** A number while exact, a bigint beyond 2^53 (compare with `String(id)` for a path id). */
  id: RestId;
  head_sha: string;
  name: string;
  status: string;
  conclusion?: string;
  output?: { title: string; summary: string; text?: string };
  /** Every write to this run, in order. */
  writes: Record<string, unknown>[];
}

/** What the mock needs from the fake GraphQL data (FakeGitHub has it all). */
export interface GraphqlFake {
  answer(body: { query: string; variables?: Record<string, unknown> }): {
    status: number;
    json: unknown;
  };
  addCheckRun(sha: string, run: { id: RestId; name: string; appId: number; status: string }): void;
  /** The fake's id style; the mock's default. */
  readonly ids?: IdStyle;
  /** A pull request's database id (its REST `id`). */
  databaseIdOf?(pr: FakePullLike): number;
  /** Repositories (for `GET /installation/repositories`). */
  readonly repos?: ReadonlyMap<string, { owner: string; repo: string; databaseId: number }>;
  /** Pull requests (for `GET /repos/{o}/{r}/pulls`). */
  readonly pulls?: ReadonlyMap<string, FakePullLike>;
}

interface FakePullLike {
  owner: string;
  repo: string;
  number: number;
  databaseId?: number;
  title?: string;
  body: string;
  draft?: boolean;
  state?: "OPEN" | "CLOSED" | "MERGED";
  author?: string | null;
  baseRef?: string;
  headSha: string;
  labels?: string[];
  milestone?: { number: number; title: string; state: "OPEN" | "CLOSED" };
}

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
export interface MockRequest {
  method: string;
  path: string;
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  body?: unknown;
  /** Absolute base for `Link` headers (e.g. `http://127.0.0.1:PORT/api/v3`); default `baseUrl`. */
  linkBase?: string;
}

export interface MockResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FaultOptions {
  /** Response headers (`retry-after`, `x-ratelimit-remaining`, `x-ratelimit-reset`, …). */
  headers?: Record<string, string>;
  /** The body's `message` (default `injected <status>`). */
  message?: string;
  /** The whole body instead. */
  body?: unknown;
}

type Fault =
  | {
      kind: "error";
      status: number;
      body: unknown;
      headers?: Record<string, string>;
      times: number;
    }
  | { kind: "hang"; ms: number | undefined; times: number };

export interface StoredIssue {
  number: number;
  title: string;
  labels: string[];
  body: string;
  /** The app that created it (undefined: a person). */
  appId?: number;
}

export interface StoredComment {
  /** A number while exact, a bigint beyond 2^53. */
  id: RestId;
  issue_number: number;
  body: string;
  appId?: number;
  edits: number;
}

/** A webhook delivery as `GET /app/hook/deliveries` lists it. */
export interface StoredDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
}

interface Route {
  method: string;
  pattern: RegExp;
  endpoint: Endpoint;
  /** Authenticated as the app (JWT), not as an installation. */
  app?: boolean;
  handle: (r: RouteRequest) => MockResponse;
}

interface RouteRequest {
  path: string;
  url: URL;
  match: RegExpExecArray;
  body: unknown;
  installationToken: string | undefined;
  linkBase: string;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): MockResponse =>
  headers === undefined ? { status, body } : { status, body, headers };

const notFound = (): MockResponse =>
  json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });

/** `/api/v3/x` → `/x`, `/api/graphql` → `/graphql` (GitHub Enterprise-style base URLs). */
export function normalizePath(path: string): string {
  if (path.startsWith("/api/v3/")) return path.slice("/api/v3".length);
  if (path === "/api/graphql" || path.startsWith("/api/graphql?")) return path.slice(4);
  return path;
}

const REPO = "/repos/[^/]+/[^/]+";

export class GitHubMock {
  readonly requests: RecordedRequest[] = [];
  /** App-authenticated requests (token exchange, installations, deliveries). */
  readonly appRequests: RecordedRequest[] = [];
  /** Requests no route answers (404). */
  readonly unmatched: RecordedRequest[] = [];
  readonly checkRuns: StoredCheckRun[] = [];
  readonly issues: StoredIssue[] = [];
  readonly comments: StoredComment[] = [];
  /** Collaborator permissions by login (default: none → 404). */
  readonly permissions = new Map<string, { permission: string; role_name: string }>();
  /** Webhook deliveries the app's hook has (newest first, like GitHub). */
  readonly deliveries: StoredDelivery[] = [];
  /** Redelivery attempts asked for, by delivery id. */
  readonly redeliveries: number[] = [];
  /**
   * Called on a redelivery attempt (e.g. to send the delivery to the app again); its result is the
   * status code of the new delivery GitHub lists (`redelivery: true`), default 200.
   */
  onRedeliver: ((delivery: StoredDelivery) => number | undefined) | undefined;
  /** Installations (`GET /app/installations`); a token is issued for any id. */
  readonly installations: { id: number; account: { login: string; type: string } }[] = [];
  /** Requests answered per endpoint (app-authenticated ones included). */
  readonly endpointCounts = new Map<Endpoint, number>();
  /** Requests per credential: an installation's token (`ghs_fake_<id>_<n>`), `jwt`, or `none`. */
  readonly tokenCounts = new Map<string, number>();
  /** Installation tokens issued, by installation id. */
  readonly tokensIssued = new Map<number, number>();
  /** Called on every routed request as it arrives (timing it, tracing it). */
  onRequest:
    | ((request: RecordedRequest & { endpoint: Endpoint; credential: string }) => void)
    | undefined;
  readonly #faults = new Map<string, Fault>();
  readonly #routes: Route[];
  readonly ids: IdStyle;
  /** Check runs and comments share one counter with small ids (as before), not with GitHub's. */
  readonly #nextCheckRunId: { next: bigint };
  readonly #nextCommentId: { next: bigint };
  #nextIssue = 500;
  #nextToken = 0;
  #nextDelivery = 70_000;

  constructor(
    readonly fake: GraphqlFake,
    readonly appId: number,
    readonly baseUrl = "https://api.github.com",
    options: GitHubMockOptions = {},
  ) {
    this.ids = options.ids ?? fake.ids ?? "github";
    const github = this.ids === "github";
    const shared = { next: 9000n };
    this.#nextCheckRunId =
      options.firstCheckRunId !== undefined
        ? { next: BigInt(options.firstCheckRunId) }
        : github
          ? { next: 30_000_000_000n }
          : shared;
    this.#nextCommentId =
      options.firstCommentId !== undefined
        ? { next: BigInt(options.firstCommentId) }
        : github
          ? { next: 2_500_000_000n }
          : shared;
    this.#routes = this.#buildRoutes();
  }

  /**
   * Make the next `times` requests to `endpoint` fail with `status` (and, with `options`, these
   * headers and this message). One fault per endpoint: a new one replaces the last.
   */
  fail(endpoint: Endpoint, status: number, times = 1, options: FaultOptions = {}): this {
    const body = options.body ?? { message: options.message ?? `injected ${status}` };
    this.#faults.set(endpoint, {
      kind: "error",
      status,
      times,
      body,
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
    });
    return this;
  }

  /**
   * GitHub's rate-limit answers. `primary`: 403, `x-ratelimit-remaining: 0` and a reset
   * `resetSeconds` ahead. `secondary`: 403 with `retry-after` and GitHub's message (`status` 429
   * works too).
   */
  rateLimit(
    endpoint: Endpoint,
    kind: "primary" | "secondary",
    options: {
      times?: number;
      retryAfterSeconds?: number;
      resetSeconds?: number;
      status?: number;
    } = {},
  ): this {
    const status = options.status ?? 403;
    if (kind === "primary") {
      const reset = Math.floor(Date.now() / 1000) + (options.resetSeconds ?? 60);
      return this.fail(endpoint, status, options.times ?? 1, {
        message: "API rate limit exceeded for installation ID 4242.",
        headers: {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-used": "5000",
          "x-ratelimit-reset": String(reset),
          "x-ratelimit-resource": "core",
        },
      });
    }
    return this.fail(endpoint, status, options.times ?? 1, {
      message:
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
      headers: { "retry-after": String(options.retryAfterSeconds ?? 60) },
    });
  }

  /**
   * The next `times` requests to `endpoint` hang: answered normally after `ms` (the request takes
   * effect then, even if the client gave up: a timed-out create may have happened), or never when
   * `ms` is left out (no effect; the connection stays open until the client or server closes it).
   */
  hang(endpoint: Endpoint, options: { ms?: number; times?: number } = {}): this {
    this.#faults.set(endpoint, { kind: "hang", ms: options.ms, times: options.times ?? 1 });
    return this;
  }

  #fault(endpoint: string): Fault | undefined {
    const fault = this.#faults.get(endpoint);
    if (fault === undefined || fault.times <= 0) return undefined;
    fault.times--;
    return fault;
  }

  /** Requests made so far (installation-authenticated), by kind. */
  count(): { total: number; reads: number; writes: number } {
    const writes =
      this.requests.filter((r) => r.method === "POST" && r.path !== "/graphql").length +
      this.requests.filter((r) => r.method === "PATCH").length;
    return { total: this.requests.length, reads: this.requests.length - writes, writes };
  }

  /** Forget the requests and counts (the stores stay). */
  reset(): void {
    this.requests.length = 0;
    this.appRequests.length = 0;
    this.unmatched.length = 0;
    this.endpointCounts.clear();
    this.tokenCounts.clear();
    this.tokensIssued.clear();
  }

  /** Add a delivery to the hook's list (newest first); returns it. */
  addDelivery(
    d: Partial<StoredDelivery> & { guid: string; event: string; status_code?: number },
  ): StoredDelivery {
    const status_code = d.status_code ?? 200;
    const delivery: StoredDelivery = {
      ...d,
      id: d.id ?? this.#nextDelivery++,
      delivered_at: d.delivered_at ?? new Date().toISOString(),
      redelivery: d.redelivery ?? false,
      duration: d.duration ?? 0.1,
      status: d.status ?? (status_code < 400 ? "OK" : "Internal Server Error"),
      action: d.action ?? null,
      installation_id: d.installation_id ?? null,
      repository_id: d.repository_id ?? null,
      status_code,
    };
    this.deliveries.unshift(delivery);
    return delivery;
  }

  /** Does a route answer this request (`all`: app-authenticated routes too)? */
  answers(method: string, path: string, all = true): boolean {
    const route = this.#route(method, normalizePath(path));
    return route !== undefined && (all || route.route.app !== true);
  }

  #route(method: string, path: string): { route: Route; match: RegExpExecArray } | undefined {
    const pathname = path.split("?")[0] ?? path;
    for (const route of this.#routes) {
      if (route.method !== method.toUpperCase()) continue;
      const match = route.pattern.exec(pathname);
      if (match !== null) return { route, match };
    }
    return undefined;
  }

  /** Answer one request (any transport). Hangs as told; unknown routes answer 404. */
  async handle(request: MockRequest): Promise<MockResponse> {
    const method = request.method.toUpperCase();
    const path = normalizePath(request.path);
    const body = method === "GET" || method === "HEAD" ? undefined : request.body;
    const found = this.#route(method, path);
    const recorded: RecordedRequest = { method, path, body };
    if (found === undefined) {
      this.unmatched.push(recorded);
      return notFound();
    }
    const { route, match } = found;
    if (route.endpoint === "graphql" && body !== undefined) {
      const query = (body as { query?: unknown }).query;
      const operation =
        typeof query === "string" ? /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] : undefined;
      if (operation !== undefined) recorded.operation = operation;
    }
    (route.app === true ? this.appRequests : this.requests).push(recorded);
    this.endpointCounts.set(route.endpoint, (this.endpointCounts.get(route.endpoint) ?? 0) + 1);
    const credential = credentialOf(request.headers?.authorization);
    this.tokenCounts.set(credential, (this.tokenCounts.get(credential) ?? 0) + 1);
    this.onRequest?.({ ...recorded, endpoint: route.endpoint, credential });
    const fault = this.#fault(route.endpoint);
    if (fault?.kind === "error") {
      return json(fault.status, fault.body, fault.headers);
    }
    if (fault?.kind === "hang") {
      if (fault.ms === undefined) return new Promise<MockResponse>(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    return route.handle({
      path,
      url: new URL(path, "https://api.github.com"),
      match,
      body,
      installationToken: credential.startsWith("ghs_") ? credential : undefined,
      linkBase: request.linkBase ?? this.baseUrl,
    });
  }

  /**
   * Serve the router on nock at `baseUrl` (persisting). Without `all`, only the
   * installation-authenticated endpoints: the token exchange and other app endpoints are left to
   * the test's own interceptors.
   */
  install(options: { all?: boolean } = {}): void {
    const scope = nock(this.baseUrl).persist();
    const all = options.all === true;
    for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
      const mock = this;
      scope
        .intercept((uri: string) => mock.answers(method, uri, all), method)
        .reply(async function (this: nock.ReplyFnContext, uri, body) {
          const headers: Record<string, string | string[] | undefined> = {};
          for (const [k, v] of Object.entries(this.req.headers)) headers[k.toLowerCase()] = v;
          const response = await mock.handle({ method, path: uri, headers, body });
          return [
            response.status,
            // a string, so bigint ids go out as plain digits
            response.body === undefined ? "" : serializeJson(response.body),
            { "content-type": "application/json; charset=utf-8", ...response.headers },
          ];
        });
    }
  }

  #paged<T>(r: RouteRequest, items: readonly T[], max = 100): MockResponse {
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

  #buildRoutes(): Route[] {
    const authored = (appId: number | undefined) =>
      appId !== undefined
        ? {
            user: { login: "cost-value[bot]", type: "Bot" },
            performed_via_github_app: { id: appId },
          }
        : { user: { login: "someone", type: "User" }, performed_via_github_app: null };
    const route = (
      method: string,
      pattern: string,
      endpoint: Endpoint,
      handle: Route["handle"],
      app = false,
    ): Route => ({ method, pattern: new RegExp(`^${pattern}$`), endpoint, handle, app });

    return [
      route("POST", "/graphql", "graphql", (r) => {
        const { status, json: answer } = this.fake.answer(
          r.body as { query: string; variables?: Record<string, unknown> },
        );
        return json(status, answer);
      }),
      route("POST", `${REPO}/check-runs`, "create", (r) => {
        const b = r.body as Record<string, unknown>;
        const run: StoredCheckRun = {
          id: restId(this.#nextCheckRunId.next++),
          head_sha: String(b.head_sha),
          name: String(b.name),
          status: String(b.status ?? "queued"),
          writes: [b],
          ...(typeof b.conclusion === "string" ? { conclusion: b.conclusion } : {}),
          ...(b.output ? { output: b.output as StoredCheckRun["output"] } : {}),
        };
        this.checkRuns.push(run);
        this.fake.addCheckRun(run.head_sha, {
          id: run.id,
          name: run.name,
          appId: this.appId,
          status: run.status,
        });
        return json(201, {
          id: run.id,
          head_sha: run.head_sha,
          name: run.name,
          status: run.status,
        });
      }),
      route("PATCH", `${REPO}/check-runs/(\\d+)`, "update", (r) => {
        // exact, as digits: an id beyond 2^53 is not a JS number
        const run = this.checkRuns.find((c) => String(c.id) === r.match[1]);
        if (run === undefined) return json(404, { message: "Not Found" });
        const id = run.id;
        const b = r.body as Record<string, unknown>;
        run.writes.push(b);
        if (typeof b.status === "string") run.status = b.status;
        if (typeof b.conclusion === "string") run.conclusion = b.conclusion;
        if (b.output) run.output = b.output as StoredCheckRun["output"];
        return json(200, { id, status: run.status });
      }),
      route("GET", `${REPO}/commits/([0-9a-f]+)/check-runs`, "list", (r) => {
        const sha = r.match[1];
        const name = r.url.searchParams.get("check_name");
        const appId = r.url.searchParams.get("app_id");
        const runs = this.checkRuns.filter(
          (c) =>
            c.head_sha === sha &&
            (name === null || c.name === name) &&
            (appId === null || Number(appId) === this.appId),
        );
        return json(200, {
          total_count: runs.length,
          check_runs: runs.map((c) => ({
            id: c.id,
            name: c.name,
            head_sha: c.head_sha,
            status: c.status,
            conclusion: c.conclusion ?? null,
            app: { id: this.appId },
          })),
        });
      }),
      route("POST", `${REPO}/issues`, "issue", (r) => {
        const b = r.body as { title: string; labels?: string[]; body?: string };
        const issue: StoredIssue = {
          number: this.#nextIssue++,
          title: b.title,
          labels: b.labels ?? [],
          body: b.body ?? "",
          appId: this.appId,
        };
        this.issues.push(issue);
        return json(201, { number: issue.number, title: issue.title });
      }),
      route("GET", `${REPO}/issues`, "issues", (r) => {
        const label = r.url.searchParams.get("labels");
        const found = this.issues.filter((i) => label === null || i.labels.includes(label));
        return json(
          200,
          found.map((i) => ({
            number: i.number,
            title: i.title,
            labels: i.labels.map((name) => ({ name })),
            ...authored(i.appId),
          })),
        );
      }),
      route("POST", `${REPO}/issues/(\\d+)/comments`, "comment", (r) => {
        const comment: StoredComment = {
          id: restId(this.#nextCommentId.next++),
          issue_number: Number(r.match[1]),
          body: (r.body as { body: string }).body,
          appId: this.appId,
          edits: 0,
        };
        this.comments.push(comment);
        return json(201, { id: comment.id });
      }),
      route("GET", `${REPO}/issues/(\\d+)/comments`, "comments", (r) => {
        const issueNumber = Number(r.match[1]);
        return json(
          200,
          this.comments
            .filter((c) => c.issue_number === issueNumber)
            .map((c) => ({ id: c.id, body: c.body, ...authored(c.appId) })),
        );
      }),
      route("PATCH", `${REPO}/issues/comments/(\\d+)`, "comment-update", (r) => {
        const comment = this.comments.find((c) => String(c.id) === r.match[1]);
        if (comment === undefined) return json(404, { message: "Not Found" });
        comment.body = (r.body as { body: string }).body;
        comment.edits++;
        return json(200, { id: comment.id });
      }),
      route("GET", `${REPO}/collaborators/([^/]+)/permission`, "permission", (r) => {
        const login = decodeURIComponent(r.match[1] ?? "");
        const permission = this.permissions.get(login);
        return permission === undefined
          ? json(404, { message: "Not Found" })
          : json(200, { ...permission, user: { login } });
      }),
      route("GET", "/repos/([^/]+)/([^/]+)/pulls", "pulls", (r) => {
        const owner = decodeURIComponent(r.match[1] ?? "").toLowerCase();
        const repo = decodeURIComponent(r.match[2] ?? "").toLowerCase();
        const state = r.url.searchParams.get("state") ?? "open";
        const pulls = [...(this.fake.pulls?.values() ?? [])]
          .filter((p) => p.owner.toLowerCase() === owner && p.repo.toLowerCase() === repo)
          .filter((p) => state === "all" || (state === "open") === ((p.state ?? "OPEN") === "OPEN"))
          .sort((a, b) => b.number - a.number)
          .map((p) => restPull(p, this.fake));
        return this.#paged(r, pulls);
      }),
      route("GET", "/installation/repositories", "repositories", (r) => {
        const repos = [...(this.fake.repos?.values() ?? [])].map((repo) => ({
          id: repo.databaseId,
          name: repo.repo,
          full_name: `${repo.owner}/${repo.repo}`,
          owner: { login: repo.owner },
          private: true,
        }));
        const response = this.#paged(r, repos);
        return { ...response, body: { total_count: repos.length, repositories: response.body } };
      }),
      route(
        "POST",
        "/app/installations/(\\d+)/access_tokens",
        "token",
        (r) => {
          const id = Number(r.match[1]);
          this.tokensIssued.set(id, (this.tokensIssued.get(id) ?? 0) + 1);
          return json(201, {
            token: `ghs_fake_${id}_${++this.#nextToken}`,
            expires_at: new Date(Date.now() + 3600_000).toISOString(),
            permissions: { checks: "write", issues: "write", pull_requests: "read" },
            repository_selection: "all",
          });
        },
        true,
      ),
      route(
        "GET",
        "/app/installations",
        "installations",
        (r) => this.#paged(r, this.installations),
        true,
      ),
      route(
        "GET",
        "/app/hook/deliveries",
        "deliveries",
        (r) => {
          // GitHub pages deliveries with a cursor (here: the index of the next one)
          const perPage = Math.min(100, Number(r.url.searchParams.get("per_page") ?? 30));
          const from = Number(r.url.searchParams.get("cursor") ?? 0);
          const newestFirst = [...this.deliveries].sort(
            (a, b) => Date.parse(b.delivered_at) - Date.parse(a.delivered_at),
          );
          const slice = newestFirst.slice(from, from + perPage);
          if (from + perPage >= newestFirst.length) return json(200, slice);
          const next = new URL(`${r.linkBase}${r.url.pathname}${r.url.search}`);
          next.searchParams.set("cursor", String(from + perPage));
          return json(200, slice, { link: `<${next}>; rel="next"` });
        },
        true,
      ),
      route(
        "POST",
        "/app/hook/deliveries/(\\d+)/attempts",
        "redeliver",
        (r) => {
          const id = Number(r.match[1]);
          const delivery = this.deliveries.find((d) => d.id === id);
          if (delivery === undefined) return notFound();
          this.redeliveries.push(id);
          const status_code = this.onRedeliver?.(delivery) ?? 200;
          const { id: _old, delivered_at: _at, status: _status, ...same } = delivery;
          this.addDelivery({ ...same, redelivery: true, status_code });
          return json(202, {});
        },
        true,
      ),
    ];
  }
}

/** `token ghs_…` / `bearer <jwt>` → the token, `jwt`, or `none`. */
function credentialOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === "") return "none";
  const [scheme, token = ""] = value.split(/\s+/, 2);
  if (scheme?.toLowerCase() === "bearer" && token.split(".").length === 3) return "jwt";
  return token;
}

function restPull(p: FakePullLike, fake: GraphqlFake): Record<string, unknown> {
  const repo = fake.repos?.get(`${p.owner}/${p.repo}`.toLowerCase());
  const state = (p.state ?? "OPEN") === "OPEN" ? "open" : "closed";
  const id = fake.databaseIdOf?.(p);
  return {
    ...(id !== undefined ? { id } : {}),
    number: p.number,
    state,
    title: p.title ?? "A pull request",
    body: p.body,
    draft: p.draft ?? false,
    user: p.author === null ? null : { login: p.author ?? "dev" },
    labels: (p.labels ?? []).map((name, i) => ({ id: i + 1, name })),
    milestone: p.milestone
      ? {
          number: p.milestone.number,
          title: p.milestone.title,
          state: p.milestone.state.toLowerCase(),
        }
      : null,
    merged_at: p.state === "MERGED" ? "2026-01-01T00:00:00Z" : null,
    head: { sha: p.headSha, ref: `pr-${p.number}` },
    base: {
      ref: p.baseRef ?? "main",
      repo: { id: repo?.databaseId ?? 0, name: p.repo, owner: { login: p.owner } },
    },
  };
}
