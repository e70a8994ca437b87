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
 * Pacing (`pacing.ts`): an Octokit made by `CostValueOctokit` carries its installation's pacer.
 * Each attempt first takes a slot there (waiting as GitHub's limits require), and only then starts
 * its timeout: `timeoutMs` measures one network attempt, never the wait for the rate limiter (this
 * hook is the outermost layer of the Octokit, so anything inside it that queued, like Octokit's
 * throttling plugin did, would be timed too). A rate-limit answer pauses the installation's pacer
 * for the time GitHub gave, so its other requests wait instead of hitting the limit again. Time
 * spent waiting for a slot does not count against the budget.
 *
 * Probot's own retry plugin is switched off per request (`request.retries = 0`) so retries are
 * never stacked, and its throttling plugin is off (see `octokit.ts`).
 */

import {
  classifyRequest,
  exhaustedFor,
  PacingPausedError,
  type PacingSlot,
  pacerOf,
  pauseScope,
  type Resource,
} from "./pacing.js";
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

export type CallOutcome =
  | "ok"
  | "rate-limited"
  | "server-error"
  | "timeout"
  | "network-error"
  | "client-error";

export interface ApiObserver {
  /** Every attempt, with its outcome and the rate limit GitHub reported (when it did). */
  onAttempt?(info: {
    method: string;
    route: string;
    outcome: CallOutcome;
    status?: number;
    rateLimitRemaining?: number;
    retryInMs?: number;
    /** How long this attempt waited for its pacing slot (paced Octokits only). */
    queuedMs?: number;
  }): void;
}

/** GitHub could not be used (rate-limited or failing) after the retries this policy allows. */
export class GitHubUnavailableError extends Error {
  override name = "GitHubUnavailableError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: "rate-limited" | "server-error" | "timeout" | "network",
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
  | { kind: "transient"; reason: "server-error" | "timeout" | "network" }
  | { kind: "permanent" };

const NETWORK_CODE = /^(E[A-Z]{2,20}|UND_ERR_[A-Z_]{1,40})$/;

/**
 * The cause of a request that never got an HTTP answer, as Node reported it
 * (`ENOTFOUND api.github.com`, `ECONNREFUSED 127.0.0.1:443`), or undefined. Octokit wraps such
 * failures in a RequestError with status 500 and no response: that 500 was never sent by GitHub.
 */
export function networkFailure(error: unknown): string | undefined {
  if ((error as HttpError | undefined)?.response !== undefined) return undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === "object"; depth++) {
    const e = current as { code?: unknown; hostname?: unknown; address?: unknown; port?: unknown };
    if (typeof e.code === "string" && NETWORK_CODE.test(e.code)) {
      const where =
        typeof e.hostname === "string"
          ? e.hostname
          : typeof e.address === "string"
            ? `${e.address}${typeof e.port === "number" ? `:${e.port}` : ""}`
            : undefined;
      return where !== undefined ? `${e.code} ${where}` : e.code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What kind of failure an Octokit error is (pure: exported for tests). */
export function classify(error: unknown, nowMs: number): Fault {
  // refused here before it reached GitHub (a lost lease, a paused installation): nothing happened
  if ((error as { notSent?: unknown } | undefined)?.notSent === true) return { kind: "permanent" };
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
  if (networkFailure(error) !== undefined) return { kind: "transient", reason: "network" };
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

/**
 * Where a caller's check before a content-creating request goes (in the request's `request`
 * options): see {@link guardWrites}.
 */
export const WRITE_GUARD = "costValueWriteGuard";

/**
 * Run before each attempt of a content-creating request, after it got its pacing slot (so right
 * before it goes out, however long it waited): throw to cancel it. The durable queue's lease check
 * (a worker that lost its lease must not create).
 */
export type WriteGuard = () => Promise<void> | void;

/** `params` for `octokit.request` with `guard` run before any write they make. */
export function guardWrites<P extends Record<string, unknown>>(
  params: P | undefined,
  guard: WriteGuard,
): P {
  const request = (params?.request ?? {}) as Record<string, unknown>;
  return { ...params, request: { ...request, [WRITE_GUARD]: guard } } as unknown as P;
}

const applied = new WeakSet<object>();

function isResource(value: string): value is Resource {
  return value === "core" || value === "graphql" || value === "search";
}

type Attempt =
  | { ok: true; response: Awaited<ReturnType<RequestFn>> }
  | { ok: false; error: unknown; fault: Fault; wait: number };

/** Put the retry policy on an Octokit instance (once; later calls are no-ops). */
export function applyResilience(
  octokit: object,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  observer: ApiObserver = {},
): void {
  if (applied.has(octokit)) return;
  applied.add(octokit);
  (octokit as Hookable).hook.wrap("request", async (request, options) => {
    // the installation's pacer when the Octokit has one (CostValueOctokit); else unpaced (tests)
    const pacer = pacerOf(octokit);
    const method = String(options.method ?? "GET").toUpperCase();
    const url = String(options.url ?? "");
    const route = describe(method, url);
    const cls = classifyRequest(method, url, options.query);
    const started = policy.now();
    const rawBody = wantsRawBody(options.request as Record<string, unknown> | undefined);
    const callerSignal = (options.request as { signal?: unknown } | undefined)?.signal;
    const callerFetch = (options.request as { fetch?: unknown } | undefined)?.fetch;
    const guard = (options.request as Record<string, unknown> | undefined)?.[WRITE_GUARD];
    /** One attempt, timed; its slot is released when it ends (after any pause it causes). */
    const attemptOnce = async (n: number, slot: PacingSlot | undefined): Promise<Attempt> => {
      const timeout = AbortSignal.timeout(policy.timeoutMs);
      const signal =
        callerSignal instanceof AbortSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
      try {
        // mutated in place: before-after-hook hands every layer the same options object
        options.request = {
          ...(options.request ?? {}),
          retries: 0,
          signal,
          // the moment it really leaves (after the auth hook, which may fetch a token first):
          // the pacer spaces the next write from then; globalThis.fetch is looked up at call time
          ...(slot !== undefined
            ? {
                fetch: (...args: unknown[]) => {
                  slot.sent();
                  const fetch = typeof callerFetch === "function" ? callerFetch : globalThis.fetch;
                  return (fetch as (...a: unknown[]) => unknown)(...args);
                },
              }
            : {}),
          // parsed here with JSON.parse (see response-body.ts), not by Octokit
          ...(rawBody ? {} : { parseSuccessResponseBody: false }),
        };
        const response = await request(options);
        if (!rawBody) {
          response.data = await readBody(response.data, response.headers ?? {});
        }
        const limited = graphqlRateLimited(url, response);
        if (limited !== undefined) throw limited;
        // that was the resource's last request until its reset: the next ones wait for it
        const exhausted = exhaustedFor(response.headers, Date.now());
        if (exhausted !== undefined && pacer !== undefined) {
          pacer.pause(
            isResource(exhausted.resource) ? exhausted.resource : cls.resource,
            exhausted.ms,
            403,
          );
        }
        return { ok: true, response };
      } catch (error) {
        const fault = classify(error, policy.now());
        const wait =
          fault.kind === "rate-limit"
            ? (fault.waitMs ?? policy.baseDelayMs * 2 ** n)
            : Math.round(policy.baseDelayMs * 2 ** n * (0.75 + Math.random() * 0.5));
        if (fault.kind === "rate-limit" && pacer !== undefined) {
          // GitHub refused: the installation's queued requests wait as long as this one
          const status = (error as HttpError).status;
          pacer.pause(pauseScope(error, cls), wait, typeof status === "number" ? status : 429);
        }
        return { ok: false, error, fault, wait };
      } finally {
        slot?.release();
      }
    };
    let waited = 0;
    let queued = 0;
    for (let attempt = 0; ; attempt++) {
      // 1. a slot from GitHub's pacing: waiting here is not a network fault, and not timed
      let slot: PacingSlot | undefined;
      // a token exchange is made inside another request's attempt (Octokit's auth hook): it must
      // not wait for a slot that request holds; GitHub does not count it as content-creating
      if (pacer !== undefined && cls.kind !== "auth") {
        try {
          slot = await pacer.acquire(cls, { maxPauseMs: policy.maxDelayMs });
        } catch (error) {
          if (!(error instanceof PacingPausedError)) throw error;
          const status = error.status === 403 ? 403 : 429;
          observer.onAttempt?.({ method, route, outcome: "rate-limited", status });
          throw new GitHubUnavailableError(
            `GitHub's API rate limit was reached (this installation is paused; ${route} was not sent); GitHub allows more requests after ${new Date(error.retryAt).toISOString().slice(11, 19)} UTC`,
            status,
            "rate-limited",
            error.retryAt,
            { cause: error },
          );
        }
        queued += slot.waitedMs;
      }
      // 2. the caller's last check before a write goes out (its slot may have taken long)
      if (typeof guard === "function" && cls.kind === "write") {
        try {
          await (guard as WriteGuard)();
        } catch (error) {
          slot?.release();
          throw error;
        }
      }
      // 3. one network attempt, timed from here
      const result = await attemptOnce(attempt, slot);
      const queuedMs = slot?.waitedMs;
      if (result.ok) {
        const remaining = rateLimitRemaining(result.response.headers);
        observer.onAttempt?.({
          method,
          route,
          outcome: "ok",
          ...(remaining !== undefined ? { rateLimitRemaining: remaining } : {}),
          ...(queuedMs !== undefined ? { queuedMs } : {}),
        });
        return result.response;
      }
      const { error, fault, wait } = result;
      const e = error as HttpError;
      // a network failure got no HTTP answer: Octokit's 500 on it is not GitHub's status
      const answered = !(fault.kind === "transient" && fault.reason === "network");
      const status = answered && typeof e.status === "number" ? e.status : undefined;
      const remaining = rateLimitRemaining(e.response?.headers);
      const outcome: CallOutcome =
        fault.kind === "rate-limit"
          ? "rate-limited"
          : fault.kind === "transient"
            ? fault.reason === "network"
              ? "network-error"
              : fault.reason
            : "client-error";
      const report = (retryInMs?: number) =>
        observer.onAttempt?.({
          method,
          route,
          outcome,
          ...(status !== undefined ? { status } : {}),
          ...(remaining !== undefined ? { rateLimitRemaining: remaining } : {}),
          ...(retryInMs !== undefined ? { retryInMs } : {}),
          ...(queuedMs !== undefined ? { queuedMs } : {}),
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
      // network time and backoff count against the budget; waiting for a slot does not
      const elapsed = policy.now() - started - queued;
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
  if (fault.reason === "network") {
    // no HTTP answer at all: the status Octokit put on it (500) is not GitHub's
    return new GitHubUnavailableError(
      `GitHub could not be reached: ${networkFailure(cause) ?? "network error"} (${route}, ${tries})`,
      undefined,
      "network",
      undefined,
      { cause },
    );
  }
  const what =
    fault.reason === "timeout"
      ? `GitHub did not answer in time (${route}, ${tries})`
      : `GitHub answered HTTP ${status ?? "error"} (${route}, ${tries})`;
  return new GitHubUnavailableError(what, status, fault.reason, undefined, { cause });
}
