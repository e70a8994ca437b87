/**
 * The payload guard's own logic: which fields each event needs, how problems are worded and
 * capped, and the one warning `acceptPayload` logs. (test/security/payloads.test.ts drives the
 * guard through the app's handlers.)
 */
import { describe, expect, it } from "vitest";
import { acceptPayload, checkPayload } from "../../src/github/payload-guard.js";

const SHA = "a".repeat(40);
const repository = { id: 1, name: "widgets", owner: { login: "acme" } };
const pullRequest = (pr: unknown): unknown => ({
  action: "opened",
  installation: { id: 5 },
  repository,
  pull_request: pr,
});

describe("checkPayload", () => {
  it("accepts a complete payload with extra fields, and any event it has no schema for", () => {
    expect(
      checkPayload("pull_request", pullRequest({ number: 3, head: { sha: SHA }, x: 1 })),
    ).toEqual({ ok: true });
    expect(checkPayload("push", null)).toEqual({ ok: true });
  });

  it("accepts a 64-digit (SHA-256) commit id and rejects anything else as a commit id", () => {
    expect(
      checkPayload("pull_request", pullRequest({ number: 3, head: { sha: "b".repeat(64) } })),
    ).toEqual({ ok: true });
    expect(checkPayload("pull_request", pullRequest({ number: 3, head: { sha: "xyz" } }))).toEqual({
      ok: false,
      problems: ["pull_request.head.sha: a commit id (40 hex digits)"],
    });
  });

  it("names a missing field by its path", () => {
    expect(checkPayload("pull_request", pullRequest({ number: 3, head: {} }))).toEqual({
      ok: false,
      problems: ["pull_request.head.sha is missing"],
    });
  });

  it("names a mistyped field and what was expected, and a payload that is not an object", () => {
    const payload = { action: "created", installation: { id: "5" } };
    expect(checkPayload("installation", payload)).toEqual({
      ok: false,
      problems: ["installation.id has the wrong type (expected number, received string)"],
    });
    expect(checkPayload("check_run", null)).toEqual({
      ok: false,
      problems: ["the payload has the wrong type (expected object, received null)"],
    });
  });

  it("lists at most 10 problems and counts the rest", () => {
    const removed = Array.from({ length: 13 }, () => ({ id: -1 }));
    const check = checkPayload("installation_repositories", {
      action: "removed",
      installation: { id: 5 },
      repositories_removed: removed,
    });
    expect(check.ok).toBe(false);
    const problems = check.ok ? [] : check.problems;
    expect(problems).toHaveLength(11);
    expect(problems[10]).toBe("… and 3 more");
    expect(problems[0]).toMatch(/^repositories_removed\.0\.id: /);
  });
});

describe("acceptPayload", () => {
  function logger(): {
    log: { warn: (fields: Record<string, unknown>, message: string) => void };
    warnings: [Record<string, unknown>, string][];
  } {
    const warnings: [Record<string, unknown>, string][] = [];
    return { log: { warn: (fields, message) => warnings.push([fields, message]) }, warnings };
  }

  it("lets a good payload through without logging", () => {
    const { log, warnings } = logger();
    const payload = { action: "deleted", installation: { id: 9 } };
    expect(acceptPayload({ name: "installation", id: "d-1", payload, log })).toBe(true);
    expect(warnings).toEqual([]);
  });

  it("refuses a bad payload with one warning naming the event, delivery and problems", () => {
    const { log, warnings } = logger();
    const payload = pullRequest({ number: 3, head: {} });
    expect(acceptPayload({ name: "pull_request", id: "d-2", payload, log })).toBe(false);
    expect(warnings).toEqual([
      [
        {
          event: "pull_request.opened",
          delivery: "d-2",
          problems: ["pull_request.head.sha is missing"],
        },
        "cost-value: ignored a pull_request.opened delivery with an unexpected payload: pull_request.head.sha is missing",
      ],
    ]);
  });

  it("names the event alone when the action is not a string", () => {
    const { log, warnings } = logger();
    expect(acceptPayload({ name: "milestone", payload: { action: 7 }, log })).toBe(false);
    expect(warnings[0]?.[0].event).toBe("milestone");
    expect(warnings[0]?.[0].delivery).toBeUndefined();
  });
});
