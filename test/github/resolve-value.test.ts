import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { LinkedIssue } from "../../src/core/value/resolve.js";
import { resolvePullRequestValue } from "../../src/github/resolve-value.js";
import type { PullRequestSnapshot } from "../../src/github/snapshot.js";

const REPOSITORY = { owner: "acme", repo: "shop" };
const ISSUE_12 = "## Value\nType: defect\nWorth: $8,000\n";

function snapshot(
  body: string,
  linkedIssues: LinkedIssue[] = [],
  unavailableIssues: PullRequestSnapshot["unavailableIssues"] = [],
): PullRequestSnapshot {
  return {
    repository: { ...REPOSITORY, id: 77 },
    number: 7,
    body,
    linkedIssues,
    unavailableIssues,
  } as unknown as PullRequestSnapshot;
}

/** A GraphQL stub that answers the one-issue query, counting the calls. */
function issueReader(issues: Record<number, string>) {
  const calls: unknown[] = [];
  const graphql = async (_query: string, variables?: Record<string, unknown>) => {
    calls.push(variables);
    const body = issues[Number(variables?.number)];
    return {
      repository: {
        issue: body !== undefined ? { number: variables?.number, body, state: "OPEN" } : null,
      },
    };
  };
  return { graphql, calls };
}

async function resolve(s: PullRequestSnapshot, issues: Record<number, string> = {}) {
  const reader = issueReader(issues);
  const result = await resolvePullRequestValue({
    graphql: reader.graphql,
    snapshot: s,
    repository: REPOSITORY,
    config: DEFAULT_CONFIG,
    time: { resolve: (fn) => fn(), fetch: (fn) => fn() },
  });
  return { ...result, calls: reader.calls };
}

describe("resolvePullRequestValue", () => {
  it("resolves from what the read brought, without a request, when it has the named issue", async () => {
    const linked = [{ ref: { number: 12 }, body: ISSUE_12, state: "open" as const }];
    const r = await resolve(snapshot("## Value\nIssue: #12\n", linked));
    expect(r.calls).toHaveLength(0);
    expect(r.value.ok).toBe(true);
    expect(r.linkedIssues).toEqual(linked);
  });

  it("fetches the issue `Issue:` names when the read lacked it, and inherits from it", async () => {
    const r = await resolve(snapshot("## Value\nIssue: #12\n"), { 12: ISSUE_12 });
    expect(r.calls).toEqual([{ owner: "acme", repo: "shop", number: 12 }]);
    expect(r.value.ok).toBe(true);
    expect(r.linkedIssues.map((i) => i.ref)).toEqual([{ owner: "acme", repo: "shop", number: 12 }]);
  });

  it("does not fetch an issue the read could not read already", async () => {
    const r = await resolve(snapshot("## Value\nIssue: #12\n", [], [{ number: 12 }]), {
      12: ISSUE_12,
    });
    expect(r.calls).toHaveLength(0);
    expect(r.value.ok).toBe(false);
  });

  it("does not fetch an issue only a closing keyword names", async () => {
    const r = await resolve(snapshot("Fixes #12"), { 12: ISSUE_12 });
    expect(r.calls).toHaveLength(0);
    expect(r.value.ok).toBe(false);
  });

  it("keeps the statement when the named issue does not exist", async () => {
    const r = await resolve(snapshot("## Value\nIssue: #12\n"));
    expect(r.calls).toHaveLength(1);
    expect(r.linkedIssues).toEqual([]);
    expect(r.value.ok).toBe(false);
  });
});
