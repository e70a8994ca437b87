/**
 * The retry policy on a real Octokit (Probot's, its own retry and throttling off as in
 * production), with GitHub's answers scripted through `request.fetch`: what is retried, how long
 * it waits, what is never repeated, and what the error says when retries run out.
 */
import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { describeGitHubError } from "../../src/github/app-client.js";
import { attachPacer, Pacer } from "../../src/github/pacing.js";
import {
  applyResilience,
  classify,
  DEFAULT_RETRY_POLICY,
  GitHubUnavailableError,
  guardWrites,
  isUncertainWrite,
  networkFailure,
  type RetryPolicy,
} from "../../src/github/resilience.js";

type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | "hang";

function scripted(answers: Answer[]) {
  const calls: { method: string; url: string; retries: unknown; at: number }[] = [];
  const fetch = async (url: string, init: RequestInit & { signal?: AbortSignal }) => {
    calls.push({
      method: String(init.method),
      url: String(url),
      retries: undefined,
      at: performance.now(),
    });
    const answer = answers.shift() ?? { status: 200, body: {} };
    if (answer === "hang") {
      return new Promise<Response>((_, reject) => {
        init.signal?.addEventListener("abort", () =>
          reject(Object.assign(new Error("This operation was aborted"), { name: "AbortError" })),
        );
      });
    }
    return new Response(JSON.stringify(answer.body ?? {}), {
      status: answer.status,
      headers: { "content-type": "application/json", ...answer.headers },
    });
  };
  return { fetch, calls };
}

function client(answers: Answer[], policy: Partial<RetryPolicy> = {}, pacer?: Pacer) {
  const { fetch, calls } = scripted(answers);
  const waits: number[] = [];
  const attempts: string[] = [];
  const queued: number[] = [];
  const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
    ...o,
    retry: { enabled: false },
    throttle: { enabled: false },
  }));
  const octokit = new Octokit({ auth: "test", request: { fetch } });
  if (pacer !== undefined) attachPacer(octokit, pacer);
  applyResilience(
    octokit,
    {
      ...DEFAULT_RETRY_POLICY,
      now: () => 1_700_000_000_000,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...policy,
    },
    {
      onAttempt: (a) => {
        attempts.push(a.outcome);
        if (a.queuedMs !== undefined) queued.push(a.queuedMs);
      },
    },
  );
  return { octokit, calls, waits, attempts, queued };
}

const get = (octokit: InstanceType<typeof ProbotOctokit>) =>
  octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
const create = (octokit: InstanceType<typeof ProbotOctokit>) =>
  octokit.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: "o",
    repo: "r",
    name: "cost/value",
    head_sha: "abc",
  });

describe("the retry policy", () => {
  it("retries a read on 5xx with growing backoff, then succeeds", async () => {
    const { octokit, calls, waits, attempts } = client([{ status: 502 }, { status: 503 }]);
    const response = await get(octokit);
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? 0);
    expect(attempts).toEqual(["server-error", "server-error", "ok"]);
  });

  it("gives up after 3 retries with a message naming the status, the route and the attempts", async () => {
    const { octokit, calls } = client([
      { status: 500 },
      { status: 500 },
      { status: 500 },
      { status: 500 },
    ]);
    const error = await get(octokit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubUnavailableError);
    expect((error as Error).message).toBe(
      "GitHub answered HTTP 500 (GET /repos/{owner}/{repo}, 4 attempts)",
    );
    expect(calls).toHaveLength(4);
  });

  it("honours retry-after on 429 (any method: GitHub refused it, nothing was written)", async () => {
    const { octokit, calls, waits } = client([
      { status: 429, headers: { "retry-after": "3" }, body: { message: "slow down" } },
    ]);
    await create(octokit);
    expect(calls.map((c) => c.method)).toEqual(["POST", "POST"]);
    expect(waits).toEqual([3000]);
  });

  it("waits for x-ratelimit-reset on a primary rate limit (403, remaining 0)", async () => {
    const reset = String(1_700_000_000 + 4); // 4 s after the pinned now
    const { octokit, waits } = client([
      {
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
        body: { message: "API rate limit exceeded" },
      },
    ]);
    await get(octokit);
    expect(waits).toEqual([4000]);
  });

  it("honours retry-after on a secondary rate limit (403)", async () => {
    const { octokit, waits } = client([
      {
        status: 403,
        headers: { "retry-after": "2" },
        body: { message: "You have exceeded a secondary rate limit" },
      },
    ]);
    await get(octokit);
    expect(waits).toEqual([2000]);
  });

  it("fails at once, saying when to try again, when the wait is longer than it may wait", async () => {
    const { octokit, calls, waits } = client([
      {
        status: 403,
        body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes" },
      },
    ]);
    const error = await get(octokit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubUnavailableError);
    expect((error as GitHubUnavailableError).reason).toBe("rate-limited");
    expect((error as Error).message).toContain("GitHub's API rate limit was reached (HTTP 403");
    expect((error as Error).message).toContain("GitHub allows more requests after");
    expect([calls.length, waits.length]).toEqual([1, 0]);
  });

  it("keeps all waiting of one call within the budget", async () => {
    const limited = { status: 429, headers: { "retry-after": "12" } };
    const { octokit, calls, waits } = client([limited, limited, limited, limited], {
      budgetMs: 30_000,
    });
    await expect(get(octokit)).rejects.toBeInstanceOf(GitHubUnavailableError);
    expect(waits).toEqual([12_000, 12_000]);
    expect(calls).toHaveLength(3);
  });

  it("never repeats a create that failed with 5xx: it may have succeeded (the caller finds, then updates)", async () => {
    const { octokit, calls } = client([{ status: 502 }]);
    const error = await create(octokit).catch((e: unknown) => e);
    expect(calls).toHaveLength(1);
    expect(isUncertainWrite(error)).toBe(true);
  });

  it("retries an idempotent update (PATCH) on 5xx", async () => {
    const { octokit, calls } = client([{ status: 502 }]);
    await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      owner: "o",
      repo: "r",
      check_run_id: 1,
    });
    expect(calls.map((c) => c.method)).toEqual(["PATCH", "PATCH"]);
  });

  it("retries GraphQL queries (they are reads) on 5xx and on RATE_LIMITED", async () => {
    const { octokit, calls } = client([
      { status: 502 },
      { status: 200, body: { data: null, errors: [{ type: "RATE_LIMITED", message: "limited" }] } },
      { status: 200, body: { data: { viewer: { login: "x" } } } },
    ]);
    const data = await octokit.graphql("query { viewer { login } }");
    expect(data).toEqual({ viewer: { login: "x" } });
    expect(calls).toHaveLength(3);
  });

  it("times out a request that hangs and retries it", async () => {
    const { octokit, calls, attempts } = client(["hang"], { timeoutMs: 50 });
    await get(octokit);
    expect(calls).toHaveLength(2);
    expect(attempts).toEqual(["timeout", "ok"]);
  });

  it("does not retry a 404 or a 422", async () => {
    const { octokit, calls } = client([{ status: 404, body: { message: "Not Found" } }]);
    await expect(get(octokit)).rejects.toMatchObject({ status: 404 });
    const other = client([{ status: 422, body: { message: "Validation Failed" } }]);
    await expect(create(other.octokit)).rejects.toMatchObject({ status: 422 });
    expect([calls.length, other.calls.length]).toEqual([1, 1]);
  });

  it("classifies without throwing on anything", () => {
    for (const value of [undefined, null, 0, "x", {}, { status: "500" }, { errors: [] }]) {
      expect(() => classify(value, 0)).not.toThrow();
    }
    expect(classify({ status: 503 }, 0).kind).toBe("transient");
    expect(classify({ status: 401 }, 0).kind).toBe("permanent");
  });

  it("tells a request that got no HTTP answer (DNS, refused) from GitHub's 500", () => {
    // what @octokit/request throws when fetch fails: status 500, no response, the cause inside
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND api.github.com"), {
      code: "ENOTFOUND",
      hostname: "api.github.com",
    });
    const octokitError = Object.assign(new Error("getaddrinfo ENOTFOUND api.github.com"), {
      status: 500,
      cause: new TypeError("fetch failed", { cause: dns }),
    });
    expect(classify(octokitError, 0)).toEqual({ kind: "transient", reason: "network" });
    expect(networkFailure(octokitError)).toBe("ENOTFOUND api.github.com");
    // the CLI's one-line description (redeliver, reconcile) says so too, not "HTTP 500"
    expect(describeGitHubError(octokitError)).toBe(
      "GitHub could not be reached: ENOTFOUND api.github.com",
    );
    const refused = Object.assign(new Error("connect ECONNREFUSED"), {
      code: "ECONNREFUSED",
      address: "10.0.0.1",
      port: 443,
    });
    expect(networkFailure({ status: 500, cause: refused })).toBe("ECONNREFUSED 10.0.0.1:443");
    // GitHub's own 500 has a response: a server error
    expect(classify({ status: 500, response: { headers: {}, data: {} } }, 0)).toEqual({
      kind: "transient",
      reason: "server-error",
    });
  });

  it("gives up on an unreachable GitHub naming the cause, never an HTTP status", async () => {
    const attempts: string[] = [];
    const octokit = new ProbotOctokit({ auth: "test" });
    applyResilience(
      octokit,
      { ...DEFAULT_RETRY_POLICY, sleep: async () => {} },
      { onAttempt: (a) => attempts.push(`${a.outcome} ${a.status ?? "-"}`) },
    );
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND api.github.com"), {
      code: "ENOTFOUND",
      hostname: "api.github.com",
    });
    const error = await octokit
      .request("GET /repos/{owner}/{repo}", {
        owner: "o",
        repo: "r",
        request: {
          fetch: async () => {
            throw new TypeError("fetch failed", { cause: dns });
          },
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubUnavailableError);
    expect((error as GitHubUnavailableError).message).toBe(
      "GitHub could not be reached: ENOTFOUND api.github.com (GET /repos/{owner}/{repo}, 4 attempts)",
    );
    expect((error as GitHubUnavailableError).status).toBeUndefined();
    expect(attempts).toEqual(Array(4).fill("network-error -"));
  });
});

describe("the retry policy with the installation's pacer (CostValueOctokit)", () => {
  const realSleep = { sleep: DEFAULT_RETRY_POLICY.sleep, now: () => Date.now() };

  it("times one network attempt: a write that waits for its slot longer than the timeout still goes", async () => {
    const { octokit, calls, attempts, queued } = client([], { timeoutMs: 300 }, new Pacer("t1"));
    // the second create waits ~1 s for its slot (writes ≥ 1 s apart), > the 300 ms timeout
    await Promise.all([create(octokit), create(octokit)]);
    expect(calls).toHaveLength(2);
    expect(attempts).toEqual(["ok", "ok"]);
    expect(Math.max(...queued)).toBeGreaterThanOrEqual(900);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it("a rate-limit answer holds the installation's other requests until retry-after, instead of each hitting it", async () => {
    const pacer = new Pacer("t2");
    let limitedAt = 0;
    let other: Promise<unknown> | undefined;
    const { octokit, calls } = client(
      [{ status: 429, headers: { "retry-after": "1" }, body: { message: "slow down" } }],
      {
        ...realSleep,
        sleep: (ms) => {
          limitedAt = performance.now();
          other = get(octokitRef()); // sent while the installation is paused
          return DEFAULT_RETRY_POLICY.sleep(ms);
        },
      },
      pacer,
    );
    const octokitRef = () => octokit;
    await get(octokit);
    await other;
    expect(calls).toHaveLength(3); // the refused one, its repeat, the other
    for (const call of calls.slice(1)) expect(call.at - limitedAt).toBeGreaterThanOrEqual(950);
    expect(pacer.stats.pauses).toBe(1);
  });

  it("a pause longer than it may wait fails at once, nothing sent, saying when to try again", async () => {
    const pacer = new Pacer("t3");
    pacer.pause("all", 60_000, 403);
    const { octokit, calls } = client([], realSleep, pacer);
    const error = await create(octokit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubUnavailableError);
    expect(error).toMatchObject({ reason: "rate-limited", status: 403 });
    expect((error as GitHubUnavailableError).retryAt).toBeGreaterThan(Date.now() + 50_000);
    expect(String(error)).toMatch(/was not sent/);
    // a create refused before it was sent is not an uncertain write: no look-up needed
    expect(isUncertainWrite(error)).toBe(false);
    expect(calls).toEqual([]);
  });

  it("a write guard runs after the slot and can cancel the write; reads are not guarded", async () => {
    const { octokit, calls } = client([], {}, new Pacer("t4"));
    const refused = Object.assign(new Error("lease lost"), { notSent: true });
    const guard = async () => {
      throw refused;
    };
    const params = { owner: "o", repo: "r", name: "cost/value", head_sha: "abc" };
    await expect(
      octokit.request("POST /repos/{owner}/{repo}/check-runs", guardWrites(params, guard)),
    ).rejects.toBe(refused);
    expect(isUncertainWrite(refused)).toBe(false);
    await octokit.request(
      "GET /repos/{owner}/{repo}",
      guardWrites({ owner: "o", repo: "r" }, guard),
    );
    expect(calls.map((c) => c.method)).toEqual(["GET"]);
  });
});
