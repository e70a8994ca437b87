/**
 * Faults injected per endpoint: an HTTP error with headers and a message (GitHub's primary and
 * secondary rate limits among them), or a hang. One fault per endpoint: a new one replaces the
 * last; each is used up after `times` requests.
 */
import type { Endpoint } from "./routes.js";

export interface FaultOptions {
  /** Response headers (`retry-after`, `x-ratelimit-remaining`, `x-ratelimit-reset`, …). */
  headers?: Record<string, string>;
  /** The body's `message` (default `injected <status>`). */
  message?: string;
  /** The whole body instead. */
  body?: unknown;
}

export interface RateLimitOptions {
  times?: number;
  retryAfterSeconds?: number;
  resetSeconds?: number;
  status?: number;
}

export type Fault =
  | {
      kind: "error";
      status: number;
      body: unknown;
      headers?: Record<string, string>;
      times: number;
    }
  | { kind: "hang"; ms: number | undefined; times: number };

export class Faults {
  readonly #faults = new Map<Endpoint, Fault>();

  error(endpoint: Endpoint, status: number, times: number, options: FaultOptions): void {
    const body = options.body ?? { message: options.message ?? `injected ${status}` };
    this.#faults.set(endpoint, {
      kind: "error",
      status,
      times,
      body,
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
    });
  }

  /** GitHub's rate-limit answers (see `FakeGitHub.rateLimit`). */
  rateLimit(endpoint: Endpoint, kind: "primary" | "secondary", options: RateLimitOptions): void {
    const status = options.status ?? 403;
    const times = options.times ?? 1;
    if (kind === "primary") {
      const reset = Math.floor(Date.now() / 1000) + (options.resetSeconds ?? 60);
      this.error(endpoint, status, times, {
        message: "API rate limit exceeded for installation ID 4242.",
        headers: {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-used": "5000",
          "x-ratelimit-reset": String(reset),
          "x-ratelimit-resource": "core",
        },
      });
      return;
    }
    this.error(endpoint, status, times, {
      message:
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
      headers: { "retry-after": String(options.retryAfterSeconds ?? 60) },
    });
  }

  hang(endpoint: Endpoint, ms: number | undefined, times: number): void {
    this.#faults.set(endpoint, { kind: "hang", ms, times });
  }

  /** The fault for this request to `endpoint`, used once (undefined: answer normally). */
  take(endpoint: Endpoint): Fault | undefined {
    const fault = this.#faults.get(endpoint);
    if (fault === undefined || fault.times <= 0) return undefined;
    fault.times--;
    return fault;
  }
}
