/**
 * One log line per failed delivery: errors marked once logged (an AggregateError counts when all
 * inside it were), GitHub being unavailable logged as its cause without a stack, a payload bounded,
 * a webhook event reduced to its id, name and action. (test/reliability/failed-delivery-log.test.ts
 * drives the whole path through Probot's server and `createLog`.)
 */
import { describe, expect, it } from "vitest";
import {
  boundedPayload,
  logFailure,
  markLogged,
  PAYLOAD_LOG_LIMIT,
  summarizeEvent,
  wasLogged,
} from "../../src/github/failure-log.js";
import { GitHubUnavailableError } from "../../src/github/resilience.js";

function recordingLog() {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    log: {
      error: (fields: Record<string, unknown>, message: string) =>
        void lines.push({ fields, message }),
    },
  };
}

describe("markLogged and wasLogged", () => {
  it("remember an error object once marked", () => {
    const error = new Error("x");
    expect(wasLogged(error)).toBe(false);
    markLogged(error);
    expect(wasLogged(error)).toBe(true);
    expect(wasLogged(new Error("x"))).toBe(false);
  });

  it("ignore what is not an object", () => {
    markLogged("text");
    markLogged(undefined);
    expect(wasLogged("text")).toBe(false);
    expect(wasLogged(null)).toBe(false);
  });

  it("count an AggregateError as logged only when every error inside was", () => {
    const a = new Error("a");
    const b = new Error("b");
    markLogged(a);
    expect(wasLogged(new AggregateError([a, b]))).toBe(false);
    markLogged(b);
    expect(wasLogged(new AggregateError([a, b]))).toBe(true);
    // an empty one was not logged by anybody
    expect(wasLogged(new AggregateError([]))).toBe(false);
  });
});

describe("logFailure", () => {
  it("logs an error once, with the fields and its stack (err), then marks it", () => {
    const { lines, log } = recordingLog();
    const error = new Error("boom");
    logFailure(log, error, { delivery: "d-1" }, "cost-value: delivery failed");
    logFailure(log, error, { delivery: "d-1" }, "cost-value: delivery failed");
    expect(lines).toEqual([
      { fields: { delivery: "d-1", err: error }, message: "cost-value: delivery failed" },
    ]);
    expect(wasLogged(error)).toBe(true);
  });

  it("logs GitHub being unreachable as its network cause, no stack", () => {
    const { lines, log } = recordingLog();
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND api.github.com"), {
      code: "ENOTFOUND",
      hostname: "api.github.com",
    });
    const error = new GitHubUnavailableError(
      "GitHub could not be reached",
      undefined,
      "network",
      undefined,
      {
        cause: dns,
      },
    );
    logFailure(log, error, { delivery: "d-2" }, "cost-value: delivery failed");
    expect(lines).toEqual([
      {
        fields: { delivery: "d-2", cause: "ENOTFOUND api.github.com" },
        message: "cost-value: delivery failed: GitHub could not be reached",
      },
    ]);
  });

  it("logs GitHub's HTTP status, else the reason, as the cause", () => {
    const { lines, log } = recordingLog();
    logFailure(log, new GitHubUnavailableError("5xx", 502, "server-error"), {}, "m");
    logFailure(log, new GitHubUnavailableError("slow", undefined, "timeout"), {}, "m");
    expect(lines.map((l) => l.fields.cause)).toEqual(["HTTP 502", "timeout"]);
  });

  it("stays quiet for an error logged already elsewhere", () => {
    const { lines, log } = recordingLog();
    const error = new Error("logged with its PR");
    markLogged(error);
    logFailure(log, new AggregateError([error]), {}, "m");
    expect(lines).toEqual([]);
  });
});

describe("boundedPayload", () => {
  it("is the payload as JSON when short enough", () => {
    expect(boundedPayload({ action: "opened", number: 7 })).toBe('{"action":"opened","number":7}');
  });

  it("cuts at the limit and says how long the payload was", () => {
    const text = boundedPayload({ body: "x".repeat(5_000) }, 100);
    expect(text).toBe(`${'{"body":"'}${"x".repeat(91)}… (5,011 characters in all)`);
    expect(boundedPayload({ body: "x".repeat(PAYLOAD_LOG_LIMIT) }).length).toBeLessThan(
      PAYLOAD_LOG_LIMIT + 40,
    );
  });

  it("falls back to String() for what JSON cannot write", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(boundedPayload(circular)).toBe("[object Object]");
    expect(boundedPayload(undefined)).toBe("undefined");
    expect(boundedPayload(10n)).toBe("10");
  });
});

describe("summarizeEvent", () => {
  it("keeps a webhook event's id, name and action, never its payload", () => {
    expect(
      summarizeEvent({
        id: "d-1",
        name: "pull_request",
        payload: { action: "opened", secret: "s" },
      }),
    ).toEqual({ id: "d-1", name: "pull_request", action: "opened" });
    expect(summarizeEvent({ id: "d-2", name: "push", payload: { ref: "main" } })).toEqual({
      id: "d-2",
      name: "push",
    });
  });

  it("returns anything that is not an object as it is", () => {
    expect(summarizeEvent("x")).toBe("x");
    expect(summarizeEvent(null)).toBeNull();
  });
});
