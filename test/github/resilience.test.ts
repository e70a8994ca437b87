/**
 * The retry policy's own logic: how a failure is classified, which creates count as uncertain,
 * and what `applyResilience` does with a request (retry, give up, never repeat a POST), driven
 * through a fake Octokit hook with a recorded sleep. (test/reliability drives it through the app
 * against a fake GitHub.)
 */
import { describe, expect, it } from "vitest";
import {
  applyResilience,
  classify,
  DEFAULT_RETRY_POLICY,
  GitHubUnavailableError,
  guardWrites,
  isUncertainWrite,
  networkFailure,
  type RetryPolicy,
  WRITE_GUARD,
} from "../../src/github/resilience.js";

const NOW = 1_700_000_000_000;
const httpError = (status: number, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`HTTP ${status}`), { status }, extra);

describe("classify", () => {
  it("reads a rate limit's wait from retry-after, or from the reset time when none is left", () => {
    expect(
      classify(httpError(429, { response: { headers: { "retry-after": "7" } } }), NOW),
    ).toEqual({
      kind: "rate-limit",
      waitMs: 7000,
    });
    const reset = String(NOW / 1000 + 30);
    const limited = httpError(403, {
      response: { headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset } },
    });
    expect(classify(limited, NOW)).toEqual({ kind: "rate-limit", waitMs: 30_000 });
  });

  it("waits a minute on a secondary limit that gives no retry-after", () => {
    const error = httpError(403, { message: "You have exceeded a secondary rate limit" });
    expect(classify(error, NOW)).toEqual({ kind: "rate-limit", waitMs: 60_000 });
  });

  it("tells 5xx, timeouts and network failures (transient) from 4xx (permanent)", () => {
    expect(classify(httpError(502), NOW)).toEqual({ kind: "transient", reason: "server-error" });
    expect(classify(Object.assign(new Error("x"), { name: "TimeoutError" }), NOW)).toEqual({
      kind: "transient",
      reason: "timeout",
    });
    const offline = Object.assign(new Error("fetch failed"), {
      status: 500,
      cause: { code: "ENOTFOUND", hostname: "api.github.com" },
    });
    expect(classify(offline, NOW)).toEqual({ kind: "transient", reason: "network" });
    expect(classify(httpError(404), NOW)).toEqual({ kind: "permanent" });
    expect(classify(httpError(403, { message: "Resource not accessible" }), NOW)).toEqual({
      kind: "permanent",
    });
    expect(classify(Object.assign(httpError(502), { notSent: true }), NOW)).toEqual({
      kind: "permanent",
    });
  });
});

describe("networkFailure and isUncertainWrite", () => {
  it("names the code and host of a request that got no answer, and nothing for an answer", () => {
    expect(
      networkFailure({
        cause: { cause: { code: "ECONNREFUSED", address: "127.0.0.1", port: 443 } },
      }),
    ).toBe("ECONNREFUSED 127.0.0.1:443");
    expect(networkFailure({ code: "ECONNRESET", response: { headers: {} } })).toBeUndefined();
  });

  it("counts a marked or transient failure as uncertain, a 4xx not", () => {
    expect(isUncertainWrite(Object.assign(httpError(422), { uncertainWrite: true }))).toBe(true);
    expect(isUncertainWrite(httpError(503))).toBe(true);
    expect(isUncertainWrite(httpError(422))).toBe(false);
  });
});

describe("guardWrites", () => {
  it("adds the guard to the request options, keeping the caller's", () => {
    const guard = (): void => {};
    const params = guardWrites({ owner: "o", request: { timeout: 5 } }, guard);
    expect(params).toEqual({ owner: "o", request: { timeout: 5, [WRITE_GUARD]: guard } });
  });
});

describe("applyResilience", () => {
  type Req = (options: Record<string, unknown>) => Promise<{ data?: unknown; status?: number }>;
  type Wrapper = (request: Req, options: Record<string, unknown>) => Promise<unknown>;

  /** A fake Octokit: its one request wrapper, and a policy whose sleeps are recorded. */
  function setUp(): {
    call: (request: Req, options: Record<string, unknown>) => Promise<unknown>;
    sleeps: number[];
    outcomes: string[];
  } {
    let wrapper: Wrapper | undefined;
    const octokit = {
      hook: {
        wrap: (_name: string, w: Wrapper): void => {
          wrapper = w;
        },
      },
    };
    const sleeps: number[] = [];
    const outcomes: string[] = [];
    const policy: RetryPolicy = {
      ...DEFAULT_RETRY_POLICY,
      sleep: async (ms) => void sleeps.push(ms),
      now: () => NOW,
    };
    applyResilience(octokit, policy, { onAttempt: (info) => void outcomes.push(info.outcome) });
    applyResilience(octokit, policy); // a second call is a no-op
    return {
      call: (request, options) => (wrapper as Wrapper)(request, options),
      sleeps,
      outcomes,
    };
  }

  it("retries a 5xx read with growing backoff and returns the answer", async () => {
    const { call, sleeps, outcomes } = setUp();
    let n = 0;
    const request: Req = async () => {
      n++;
      if (n < 3) throw httpError(502);
      return { status: 200, data: { ok: 1 } };
    };
    const response = await call(request, {
      method: "GET",
      url: "https://api.github.com/repos/o/r",
    });
    expect(response).toEqual({ status: 200, data: { ok: 1 } });
    expect(n).toBe(3);
    expect(outcomes).toEqual(["server-error", "server-error", "ok"]);
    expect(sleeps).toHaveLength(2);
    // 500 ms then 1000 ms, each ±25 % jitter
    expect(sleeps[0]).toBeGreaterThanOrEqual(375);
    expect(sleeps[0]).toBeLessThanOrEqual(625);
    expect(sleeps[1]).toBeGreaterThanOrEqual(750);
    expect(sleeps[1]).toBeLessThanOrEqual(1250);
  });

  it("gives up after the retries with GitHubUnavailableError naming the route", async () => {
    const { call, outcomes } = setUp();
    const failure = call(async () => Promise.reject(httpError(503)), {
      method: "GET",
      url: "https://api.github.com/repos/o/r",
    });
    await expect(failure).rejects.toBeInstanceOf(GitHubUnavailableError);
    await expect(failure).rejects.toThrow("GitHub answered HTTP 503 (GET /repos/o/r, 4 attempts)");
    expect(outcomes).toEqual(["server-error", "server-error", "server-error", "server-error"]);
  });

  it("never repeats a POST that failed uncertainly: marks it and rethrows", async () => {
    const { call, sleeps } = setUp();
    let n = 0;
    const error = httpError(502);
    const failure = call(
      async () => {
        n++;
        throw error;
      },
      { method: "POST", url: "https://api.github.com/repos/o/r/check-runs" },
    );
    await expect(failure).rejects.toBe(error);
    expect(n).toBe(1);
    expect(sleeps).toEqual([]);
    expect((error as { uncertainWrite?: boolean }).uncertainWrite).toBe(true);
  });

  it("fails a 4xx at once, without retrying", async () => {
    const { call, outcomes } = setUp();
    let n = 0;
    const failure = call(
      async () => {
        n++;
        throw httpError(404);
      },
      { method: "GET", url: "https://api.github.com/repos/o/r" },
    );
    await expect(failure).rejects.toThrow("HTTP 404");
    expect(n).toBe(1);
    expect(outcomes).toEqual(["client-error"]);
  });
});
