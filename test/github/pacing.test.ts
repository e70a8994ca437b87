/**
 * GitHub's pacing per installation (src/github/pacing.ts), on a fake clock: what is spaced, what
 * is not, GitHub's points per minute, and the pauses after rate-limit answers. (The pacer on real
 * Octokits against the fake GitHub over HTTP: test/reliability/burst.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  classifyRequest,
  DEFAULT_PACING,
  exhaustedFor,
  Pacer,
  PacingPausedError,
  type PacingSlot,
  pauseScope,
  type RequestClass,
} from "../../src/github/pacing.js";

const QUERY = classifyRequest(
  "POST",
  "https://api.github.com/graphql",
  "query Q { viewer { login } }",
);
const MUTATION = classifyRequest(
  "POST",
  "https://api.github.com/graphql",
  "# a comment\nmutation M { addComment(input: {}) { clientMutationId } }",
);
const READ = classifyRequest("GET", "https://api.github.com/repos/o/r/commits/abc/check-runs");
const CREATE = classifyRequest("POST", "https://api.github.com/repos/o/r/check-runs");
const UPDATE = classifyRequest("PATCH", "https://api.github.com/repos/o/r/check-runs/5");
const COMMENT = classifyRequest("POST", "https://api.github.com/repos/o/r/issues/3/comments");

beforeEach(() => {
  vi.useFakeTimers({ now: 1_800_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Ask for slots; record when each was granted (ms after the start), holding it `holdMs` (0: none). */
function run(pacer: Pacer, classes: RequestClass[], holdMs = 10) {
  const start = Date.now();
  const granted: (number | undefined)[] = classes.map(() => undefined);
  const done = classes.map((cls, i) =>
    pacer.acquire(cls).then(async (slot: PacingSlot) => {
      granted[i] = Date.now() - start;
      if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
      slot.release();
    }),
  );
  return { granted, done: Promise.all(done) };
}

describe("what GitHub's limits count", () => {
  it("GraphQL queries are not content-creating; mutations and REST writes are", () => {
    expect(QUERY).toEqual({ kind: "query", resource: "graphql", points: 1, notifies: false });
    expect(MUTATION).toEqual({ kind: "write", resource: "graphql", points: 5, notifies: false });
    expect(READ).toEqual({ kind: "read", resource: "core", points: 1, notifies: false });
    expect(CREATE).toEqual({ kind: "write", resource: "core", points: 5, notifies: false });
    expect(UPDATE).toMatchObject({ kind: "write", points: 5 });
    expect(classifyRequest("DELETE", "/repos/o/r/labels/x").kind).toBe("write");
    expect(COMMENT).toMatchObject({ kind: "write", notifies: true });
    expect(classifyRequest("POST", "/repos/o/r/issues").notifies).toBe(true);
    expect(classifyRequest("PATCH", "/repos/o/r/issues/comments/9").notifies).toBe(false);
  });

  it("reads GitHub Enterprise paths and tells token exchanges and searches apart", () => {
    expect(classifyRequest("POST", "http://127.0.0.1:9/api/graphql", "query Q { a }").kind).toBe(
      "query",
    );
    expect(classifyRequest("POST", "http://127.0.0.1:9/api/v3/repos/o/r/issues").notifies).toBe(
      true,
    );
    expect(classifyRequest("POST", "/app/installations/7/access_tokens")).toMatchObject({
      kind: "auth",
      points: 0,
    });
    expect(classifyRequest("GET", "/search/issues?q=x").resource).toBe("search");
  });
});

describe("the pacer", () => {
  it("starts content-creating requests one at a time, ≥ 1 s apart; reads and queries at once", async () => {
    const pacer = new Pacer("t");
    const { granted, done } = run(pacer, [CREATE, QUERY, CREATE, READ, UPDATE, QUERY], 1_500);
    await vi.advanceTimersByTimeAsync(10_000);
    await done;
    const [w1, q1, w2, r1, w3, q2] = granted;
    expect([q1, r1, q2]).toEqual([0, 0, 0]);
    expect(w1).toBe(0);
    // a write held for 1.5 s: the next starts when it ends (never two at once), then 1 s spacing
    expect(w2).toBe(1_500);
    expect(w3).toBe(3_000);
    expect(pacer.stats.maxWaitMs.write).toBe(3_000);
    expect(pacer.stats.maxWaitMs.query).toBe(0);
  });

  it("spaces a write from the moment the previous one left (a token exchange may delay it)", async () => {
    const pacer = new Pacer("t");
    const first = await pacer.acquire(CREATE);
    await vi.advanceTimersByTimeAsync(300);
    first.sent();
    await vi.advanceTimersByTimeAsync(50);
    first.release();
    const { granted, done } = run(pacer, [CREATE]);
    await vi.advanceTimersByTimeAsync(5_000);
    await done;
    expect(granted).toEqual([1_300 - 350]);
  });

  it("spaces quick writes by 1 s and writes that notify people by 3 s", async () => {
    const pacer = new Pacer("t");
    const { granted, done } = run(pacer, [COMMENT, CREATE, COMMENT, CREATE]);
    await vi.advanceTimersByTimeAsync(10_000);
    await done;
    // the second comment waits 3 s after the first; the write behind it need not wait for that
    expect(granted).toEqual([0, 1_000, 3_000, 2_000]);
  });

  it("keeps at most maxConcurrent requests of an installation in flight", async () => {
    const pacer = new Pacer("t");
    const n = DEFAULT_PACING.maxConcurrent + 2;
    const { granted, done } = run(
      pacer,
      Array.from({ length: n }, () => READ),
      100,
    );
    await vi.advanceTimersByTimeAsync(1_000);
    await done;
    expect(granted.filter((t) => t === 0)).toHaveLength(DEFAULT_PACING.maxConcurrent);
    expect(granted.slice(-2)).toEqual([100, 100]);
  });

  it("counts GraphQL's 2,000 points per minute: the next query waits until points leave the minute", async () => {
    const pacer = new Pacer("t");
    const first = run(
      pacer,
      Array.from({ length: 2_000 }, () => QUERY),
      0,
    );
    await first.done;
    expect(first.granted.every((t) => t === 0)).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    const next = run(pacer, [QUERY, READ]);
    await vi.advanceTimersByTimeAsync(61_000);
    await next.done;
    // REST has its own budget; the query goes when the first ones are a minute old
    expect(next.granted).toEqual([59_000, 0]);
  });

  it("counts REST's 900 points per minute (a write 5, a read 1)", async () => {
    const pacer = new Pacer("t", { ...DEFAULT_PACING, writeSpacingMs: 0 });
    const first = run(
      pacer,
      Array.from({ length: 900 }, () => READ),
      0,
    );
    await vi.advanceTimersByTimeAsync(10);
    await first.done;
    const next = run(pacer, [READ, QUERY]);
    await vi.advanceTimersByTimeAsync(61_000);
    await next.done;
    expect(next.granted[1]).toBe(0);
    expect(next.granted[0]).toBeGreaterThanOrEqual(59_990);
  });

  it("after a secondary limit holds every request for the time GitHub gave", async () => {
    const pacer = new Pacer("t");
    pacer.pause("all", 2_000, 403);
    const { granted, done } = run(pacer, [READ, QUERY, CREATE]);
    await vi.advanceTimersByTimeAsync(5_000);
    await done;
    expect(granted).toEqual([2_000, 2_000, 2_000]);
    expect(pacer.stats.pauses).toBe(1);
  });

  it("after a primary limit of one resource holds only that resource", async () => {
    const pacer = new Pacer("t");
    pacer.pause("graphql", 3_000, 200);
    const { granted, done } = run(pacer, [QUERY, READ, CREATE]);
    await vi.advanceTimersByTimeAsync(5_000);
    await done;
    expect(granted).toEqual([3_000, 0, 0]);
  });

  it("refuses at once, saying until when, a request the pause would hold longer than it may wait", async () => {
    const pacer = new Pacer("t");
    pacer.pause("all", 60_000, 429);
    const refused = await pacer.acquire(READ, { maxPauseMs: 20_000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PacingPausedError);
    expect((refused as PacingPausedError).retryAt).toBe(Date.now() + 60_000);
    expect((refused as PacingPausedError).status).toBe(429);
    // a shorter pause is waited for
    const other = new Pacer("u");
    other.pause("all", 10_000, 429);
    const slot = other.acquire(READ, { maxPauseMs: 20_000 });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(slot).resolves.toMatchObject({ waitedMs: 10_000 });
  });

  it("a shorter pause never shortens a longer one", async () => {
    const pacer = new Pacer("t");
    pacer.pause("all", 5_000, 403);
    pacer.pause("all", 1_000, 403);
    expect(pacer.pausedUntil("core")).toBe(Date.now() + 5_000);
  });
});

describe("reading GitHub's rate-limit answers", () => {
  const error = (status: number, headers: Record<string, string>, message = "", data?: unknown) =>
    Object.assign(new Error(message), { status, response: { headers, data } });

  it("a secondary limit pauses the whole installation; a primary one the resource that ran out", () => {
    expect(
      pauseScope(
        error(403, { "retry-after": "60" }, "You have exceeded a secondary rate limit."),
        CREATE,
      ),
    ).toBe("all");
    expect(pauseScope(error(429, { "retry-after": "5" }), READ)).toBe("all");
    expect(
      pauseScope(
        error(403, { "x-ratelimit-remaining": "0", "x-ratelimit-resource": "core" }),
        QUERY,
      ),
    ).toBe("core");
    expect(pauseScope(error(403, { "x-ratelimit-remaining": "0" }), QUERY)).toBe("graphql");
    const rateLimited = Object.assign(new Error("GraphQL rate limit (RATE_LIMITED)"), {
      status: 200,
      errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }],
      response: { headers: {} },
    });
    expect(pauseScope(rateLimited, QUERY)).toBe("graphql");
  });

  it("a response that used a resource's last request says how long until its reset", () => {
    const now = 1_800_000_000_000;
    expect(
      exhaustedFor(
        {
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(now / 1000 + 30),
          "x-ratelimit-resource": "graphql",
        },
        now,
      ),
    ).toEqual({ resource: "graphql", ms: 30_000 });
    expect(exhaustedFor({ "x-ratelimit-remaining": "12" }, now)).toBeUndefined();
    expect(exhaustedFor(undefined, now)).toBeUndefined();
  });
});
