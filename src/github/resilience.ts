/**
 * What the app does when GitHub's API fails: bounded retries that honour `retry-after`, applied
 * to every request of an event's Octokit (REST and GraphQL) with `octokit.hook.wrap`.
 *
 * - Rate limits (429; 403 with `x-ratelimit-remaining: 0`, `retry-after` or a rate-limit message;
 *   GraphQL `RATE_LIMITED`): GitHub refused the request, so any request is retried, after
 *   `retry-after` (or until `x-ratelimit-reset`), when that wait fits the budget; else it fails at
 *   once with a {@link GitHubUnavailableError} that says when to try again.
 * - 5xx, timeouts and network errors: reads (GET, GraphQL queries) and idempotent writes (PATCH,
 *   PUT, DELETE) are retried with exponential backoff. A POST that creates something is never
 *   repeated blindly: it may have succeeded before failing, so the caller finds, then updates
 *   (see {@link isUncertainWrite} and `publishCheckRun`).
 * - Everything else (404, 422, …) fails at once.
 *
 * Probot's own retry plugin is switched off per request (`request.retries = 0`) so retries are
 * never stacked, and its throttling plugin is told not to retry (see `octokit.ts`).
 */

import { readBody, wantsRawBody } from "./response-body.js";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff for 5xx and timeouts; doubled per retry (with jitter). */
  baseDelayMs: number;
  /** The longest single wait accepted (a longer `retry-after` fails at once). */
  maxDelayMs: number;
  /** All waiting of one call together. */
  budgetMs: number;
  /** One attempt's time limit. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  budgetMs: 30_000,
  timeoutMs: 15_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

export type CallOutcome = "ok" | "rate-limited" | "server-error" | "timeout" | "client-error";

export interface ApiObserver {
  /** Every attempt, with its outcome and the rate limit GitHub reported (when it did). */
  onAttempt?(info: {
    method: string;
    route: string;
    outcome: CallOutcome;
    status?: number;
    rateLimitRemaining?: number;
    retryInMs?: number;
  }): void;
}

/** GitHub could not be used (rate-limited or failing) after the retries this policy allows. */
export class GitHubUnavailableError extends Error {
  override name = "GitHubUnavailableError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: "rate-limited" | "server-error" | "timeout",
    /** When a rate limit lifts (ms since epoch), if GitHub said. */
    readonly retryAt?: number,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

interface RequestOptions {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  request?: Record<string, unknown>;
  [key: string]: unknown;
}

interface HttpError {
  status?: number;
  name?: string;
  code?: string;
  message?: string;
  response?: { headers?: Record<string, unknown>; data?: unknown };
  headers?: Record<string, unknown>;
  errors?: { type?: string }[];
}

function header(error: HttpError, name: string): string | undefined {
  const value = (error.response?.headers ?? error.headers)?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

export type Fault =
  | { kind: "rate-limit"; waitMs: number | undefined }
  | { kind: "transient"; reason: "server-error" | "timeout" }
  | { kind: "permanent" };

/** What kind of failure an Octokit error is (pure: exported for tests). */
export function classify(error: unknown, nowMs: number): Fault {
  const e = (error ?? {}) as HttpError;
  const status = typeof e.status === "number" ? e.status : undefined;
  const message = `${e.message ?? ""} ${JSON.stringify(e.response?.data ?? "")}`;
  const retryAfter = Number(header(e, "retry-after"));
  const reset = Number(header(e, "x-ratelimit-reset"));
  const waitMs =
    Number.isFinite(retryAfter) && retryAfter >= 0 && header(e, "retry-after") !== undefined
      ? retryAfter * 1000
      : header(e, "x-ratelimit-remaining") === "0" && Number.isFinite(reset) && reset > 0
        ? Math.max(0, reset * 1000 - nowMs)
        : undefined;
  if (e.errors?.some((x) => x.type === "RATE_LIMITED")) return { kind: "rate-limit", waitMs };
  if (
    status === 429 ||
    (status === 403 &&
      (header(e, "x-ratelimit-remaining") === "0" ||
        header(e, "retry-after") !== undefined ||
        /rate limit/i.test(message)))
  ) {
    // GitHub: for a secondary limit without retry-after, wait at least a minute
    return { kind: "rate-limit", waitMs: waitMs ?? (/secondary/i.test(message) ? 60_000 : waitMs) };
  }
  if (
    e.name === "AbortError" ||
    e.name === "TimeoutError" ||
    /timeout|timed out|aborted/i.test(e.message ?? "")
  ) {
    return { kind: "transient", reason: "timeout" };
  }
  if (status === undefined || status >= 500 || status === 0) {
    // network errors surface without a status (or as Octokit's 500 "fetch failed")
    if (status === undefined && e.errors !== undefined) return { kind: "permanent" };
    return { kind: "transient", reason: "server-error" };
  }
  return { kind: "permanent" };
}

/** A create (POST) that failed in a way that may have happened after GitHub applied it. */
export function isUncertainWrite(error: unknown): boolean {
  return (
    (error as { uncertainWrite?: unknown } | undefined)?.uncertainWrite === true ||
    classify(error, Date.now()).kind === "transient"
  );
}

function isSafeToRepeat(method: string, url: string): boolean {
  if (method !== "POST") return true; // GET, PATCH, PUT, DELETE are idempotent
  return /\/graphql$/.test(url); // the app's GraphQL documents are all queries
}

function describe(method: string, url: string): string {
  return `${method} ${url.replace(/^https?:\/\/[^/]+/, "")}`;
}

function rateLimitRemaining(headers: Record<string, unknown> | undefined): number | undefined {
  const value = Number(headers?.["x-ratelimit-remaining"]);
  return headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(value)
    ? value
    : undefined;
}

type RequestFn = (
  options: RequestOptions,
) => Promise<{ headers?: Record<string, unknown>; data?: unknown; status?: number }>;

/** GraphQL answers a rate limit with HTTP 200 and an error of type RATE_LIMITED. */
function graphqlRateLimited(
  url: string,
  response: { headers?: Record<string, unknown>; data?: unknown },
): HttpError | undefined {
  if (!/\/graphql$/.test(url)) return undefined;
  const errors = (response.data as { errors?: { type?: string }[] } | undefined)?.errors;
  if (!Array.isArray(errors) || !errors.some((e) => e?.type === "RATE_LIMITED")) return undefined;
  return Object.assign(new Error("GraphQL rate limit (RATE_LIMITED)"), {
    status: 200,
    errors,
    response: { headers: response.headers ?? {}, data: response.data },
  });
}

interface Hookable {
  hook: {
    wrap(name: "request", wrapper: (request: RequestFn, options: RequestOptions) => unknown): void;
  };
}

const applied = new WeakSet<object>();

/** Put the retry policy on an Octokit instance (once; later calls are no-ops). */
export function applyResilience(
  octokit: object,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  observer: ApiObserver = {},
): void {
  if (applied.has(octokit)) return;
  applied.add(octokit);
  (octokit as Hookable).hook.wrap("request", async (request, options) => {
    const method = String(options.method ?? "GET").toUpperCase();
    const url = String(options.url ?? "");
    const route = describe(method, url);
    const started = policy.now();
    const rawBody = wantsRawBody(options.request as Record<string, unknown> | undefined);
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const signal = AbortSignal.timeout(policy.timeoutMs);
      try {
        // mutated in place: before-after-hook hands every layer the same options object
        options.request = {
          ...(options.request ?? {}),
          retries: 0,
          signal,
          // parsed here with JSON.parse (see response-body.ts), not by Octokit
          ...(rawBody ? {} : { parseSuccessResponseBody: false }),
        };
        const response = await request(options);
        if (!rawBody) {
          response.data = await readBody(response.data, response.headers ?? {});
        }
        const limited = graphqlRateLimited(url, response);
        if (limited !== undefined) throw limited;
        const remaining = rateLimitRemaining(response.headers);
        observer.onAttempt?.({
          method,
          route,
          outcome: "ok",
          ...(remaining !== undefined ? { rateLimitRemaining: remaining } : {}),
        });
        return response;
      } catch (error) {
        const e = error as HttpError;
        const status = typeof e.status === "number" ? e.status : undefined;
        const remaining = rateLimitRemaining(e.response?.headers);
        const fault = classify(error, policy.now());
        const outcome: CallOutcome =
          fault.kind === "rate-limit"
            ? "rate-limited"
            : fault.kind === "transient"
              ? fault.reason
              : "client-error";
        const report = (retryInMs?: number) =>
          observer.onAttempt?.({
            method,
            route,
            outcome,
            ...(status !== undefined ? { status } : {}),
            ...(remaining !== undefined ? { rateLimitRemaining: remaining } : {}),
            ...(retryInMs !== undefined ? { retryInMs } : {}),
          });
        if (fault.kind === "permanent") {
          report();
          throw error;
        }
        if (fault.kind === "transient" && !isSafeToRepeat(method, url)) {
          report();
          (error as { uncertainWrite?: boolean }).uncertainWrite = true;
          throw error;
        }
        const wait =
          fault.kind === "rate-limit"
            ? (fault.waitMs ?? policy.baseDelayMs * 2 ** attempt)
            : Math.round(policy.baseDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.5));
        const elapsed = policy.now() - started;
        const exhausted =
          attempt >= policy.retries ||
          wait > policy.maxDelayMs ||
          waited + wait > policy.budgetMs ||
          elapsed + wait > policy.budgetMs + policy.timeoutMs * (policy.retries + 1);
        if (exhausted) {
          report();
          throw unavailable(route, fault, status, attempt + 1, policy.now(), error);
        }
        report(wait);
        await policy.sleep(wait);
        waited += wait;
      }
    }
  });
}

function unavailable(
  route: string,
  fault: Exclude<Fault, { kind: "permanent" }>,
  status: number | undefined,
  attempts: number,
  nowMs: number,
  cause: unknown,
): GitHubUnavailableError {
  const tries = `${attempts} ${attempts === 1 ? "attempt" : "attempts"}`;
  if (fault.kind === "rate-limit") {
    const retryAt = fault.waitMs !== undefined ? nowMs + fault.waitMs : undefined;
    const when =
      retryAt !== undefined
        ? `; GitHub allows more requests after ${new Date(retryAt).toISOString().slice(11, 19)} UTC`
        : "";
    return new GitHubUnavailableError(
      `GitHub's API rate limit was reached (HTTP ${status ?? "?"} on ${route}, ${tries})${when}`,
      status,
      "rate-limited",
      retryAt,
      { cause },
    );
  }
  const what =
    fault.reason === "timeout"
      ? `GitHub did not answer in time (${route}, ${tries})`
      : `GitHub answered HTTP ${status ?? "error"} (${route}, ${tries})`;
  return new GitHubUnavailableError(what, status, fault.reason, undefined, { cause });
}
