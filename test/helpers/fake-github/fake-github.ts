/**
 * The fake GitHub: its stores (state.ts), GraphQL executed against GitHub's schema (graphql.ts),
 * the REST and app endpoints (rest-routes.ts, app-routes.ts), all answered by one `handle(request)`
 * that records, counts and injects faults, served on nock or over HTTP.
 *
 * Recording: `requests` holds the installation-authenticated calls (what an evaluation costs,
 * GraphQL documents answered through `answer()` / `graphqlFn()` included); the app-authenticated
 * ones (token exchange, deliveries, installations) are in `appRequests`; `install()` on nock serves
 * only the first group unless `install({ all: true })`, so tests that answer the token exchange
 * themselves keep doing so.
 */
import { GraphqlResponseError } from "@octokit/graphql";
import type { GraphqlFn } from "../../../src/github/snapshot.js";
import { appRoutes } from "./app-routes.js";
import { type FaultOptions, Faults, type RateLimitOptions } from "./faults.js";
import {
  type GraphqlAnswer,
  type GraphqlBody,
  GraphqlEndpoint,
  type Variables,
} from "./graphql.js";
import { type FakeGitHubServer, type ServeOptions, serveHttp } from "./http.js";
import { type InstallOptions, installOnNock } from "./nock.js";
import { restRoutes } from "./rest-routes.js";
import {
  credentialOf,
  type Endpoint,
  type GitHubRequest,
  type GitHubResponse,
  json,
  normalizePath,
  notFound,
  type Route,
} from "./routes.js";
import { type FakeGitHubOptions, GitHubState } from "./state.js";

export interface RecordedRequest {
  method: string;
  path: string;
  /** GraphQL operation name, for POST /graphql. */
  operation?: string;
  /** GraphQL variables, for POST /graphql. */
  variables?: Variables;
  body: unknown;
}

export class FakeGitHub extends GitHubState {
  /** Installation-authenticated requests (and GraphQL answered in-process), in order. */
  readonly requests: RecordedRequest[] = [];
  /** App-authenticated requests (token exchange, installations, deliveries). */
  readonly appRequests: RecordedRequest[] = [];
  /** Requests no route answers (404). */
  readonly unmatched: RecordedRequest[] = [];
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
  readonly #graphql: GraphqlEndpoint;
  readonly #faults = new Faults();
  readonly #routes: Route[];

  constructor(options: FakeGitHubOptions = {}) {
    super(options);
    this.#graphql = new GraphqlEndpoint(this, options.invalidDocuments);
    this.#routes = [
      ...restRoutes(this, (body) => this.#graphql.answer(body)),
      ...appRoutes(this, (id) => this.tokensIssued.set(id, (this.tokensIssued.get(id) ?? 0) + 1)),
    ];
  }

  /** GraphQL documents that did not validate (or whose variables did not fit), with the errors. */
  get invalidDocuments(): GraphqlEndpoint["invalidDocuments"] {
    return this.#graphql.invalidDocuments;
  }

  // --- faults ---

  /**
   * Answer the next GraphQL request for `operation` with `answer` instead (a 502, a `RATE_LIMITED`
   * error body, …), whatever carried it. The request is still recorded; the document must still
   * validate.
   */
  failNext(operation: string, answer: GraphqlAnswer): this {
    this.#graphql.failNext(operation, answer);
    return this;
  }

  /**
   * Make the next `times` requests to `endpoint` (over nock or HTTP) fail with `status` (and, with
   * `options`, these headers and this message). One fault per endpoint: a new one replaces the last.
   */
  fail(endpoint: Endpoint, status: number, times = 1, options: FaultOptions = {}): this {
    this.#faults.error(endpoint, status, times, options);
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
    options: RateLimitOptions = {},
  ): this {
    this.#faults.rateLimit(endpoint, kind, options);
    return this;
  }

  /**
   * The next `times` requests to `endpoint` hang: answered normally after `ms` (the request takes
   * effect then, even if the client gave up: a timed-out create may have happened), or never when
   * `ms` is left out (no effect; the connection stays open until the client or server closes it).
   */
  hang(endpoint: Endpoint, options: { ms?: number; times?: number } = {}): this {
    this.#faults.hang(endpoint, options.ms, options.times ?? 1);
    return this;
  }

  // --- what was asked ---

  /** Requests made so far (installation-authenticated), by kind. */
  count(): { total: number; reads: number; writes: number } {
    const writes = this.requests.filter(
      (r) => (r.method === "POST" && r.path !== "/graphql") || r.method === "PATCH",
    ).length;
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

  // --- answering ---

  /** Does a route answer this request (`all`: app-authenticated routes too)? */
  answers(method: string, path: string, all = true): boolean {
    const found = this.#route(method, normalizePath(path));
    return found !== undefined && (all || !found.route.app);
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
  async handle(request: GitHubRequest): Promise<GitHubResponse> {
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
    if (route.endpoint === "graphql") this.#describeGraphql(recorded);
    (route.app ? this.appRequests : this.requests).push(recorded);
    this.#count(route.endpoint);
    const credential = credentialOf(request.headers?.authorization);
    this.tokenCounts.set(credential, (this.tokenCounts.get(credential) ?? 0) + 1);
    this.onRequest?.({ ...recorded, endpoint: route.endpoint, credential });
    const fault = this.#faults.take(route.endpoint);
    if (fault?.kind === "error") return json(fault.status, fault.body, fault.headers);
    if (fault?.kind === "hang") {
      if (fault.ms === undefined) return new Promise<GitHubResponse>(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    return route.handle({
      path,
      url: new URL(path, "https://api.github.com"),
      match,
      body,
      linkBase: request.linkBase ?? "https://api.github.com",
    });
  }

  #count(endpoint: Endpoint): void {
    this.endpointCounts.set(endpoint, (this.endpointCounts.get(endpoint) ?? 0) + 1);
  }

  /** A GraphQL request's operation and variables, recorded beside its body. */
  #describeGraphql(recorded: RecordedRequest): void {
    const operation = this.#graphql.operationOf(recorded.body);
    if (operation) recorded.operation = operation;
    const variables = (recorded.body as { variables?: Variables | null } | undefined)?.variables;
    recorded.variables = variables ?? {};
  }

  /**
   * Answer a GraphQL body as GitHub would (`{ status, json }`), recorded as a request; for a
   * transport of the test's own, e.g. nock:
   * `nock(…).post("/graphql").reply((_, body) => { const a = github.answer(body); return [a.status, a.json]; })`.
   * `failNext` applies; the endpoint faults (`fail`, `hang`) are for `handle`.
   */
  answer(body: GraphqlBody): GraphqlAnswer {
    const recorded: RecordedRequest = { method: "POST", path: "/graphql", body };
    this.#describeGraphql(recorded);
    this.requests.push(recorded);
    this.#count("graphql");
    return this.#graphql.answer(body);
  }

  /** An `octokit.graphql`-like function: throws GraphqlResponseError when errors are present. */
  graphqlFn(): GraphqlFn {
    return async (query, variables = {}) => {
      const { status, json: body } = this.answer({ query, variables });
      if (status !== 200) throw Object.assign(new Error(`HTTP ${status}`), { status });
      const answer = body as { data?: unknown; errors?: unknown[] };
      if (answer.errors !== undefined && answer.errors.length > 0) {
        throw new GraphqlResponseError(
          { method: "POST", url: "/graphql", query, ...variables } as never,
          {} as never,
          answer as never,
        );
      }
      return answer.data;
    };
  }

  // --- transports ---

  /**
   * Serve this GitHub on nock at `baseUrl` (default `https://api.github.com`, persisting). Without
   * `all`, only the installation-authenticated endpoints: the token exchange and other app
   * endpoints are left to the test's own interceptors.
   */
  install(options: InstallOptions = {}): this {
    installOnNock(this, options);
    return this;
  }

  /** Serve this GitHub over HTTP on 127.0.0.1 (a free port); close the server when done. */
  serve(options: ServeOptions = {}): Promise<FakeGitHubServer> {
    return serveHttp(this, options);
  }
}
