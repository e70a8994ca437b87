import { describe, expect, it, vi } from "vitest";
import { type ApiOctokit, evaluationApiOf } from "../../src/github/github-api.js";
import { WRITE_GUARD } from "../../src/github/resilience.js";

function fakeOctokit() {
  const graphql = vi.fn(async (_query: string, _variables?: unknown) => ({ ok: true }));
  const request = vi.fn(async (_route: string, _params?: unknown) => ({ status: 200, data: {} }));
  return { octokit: { graphql, request } as unknown as ApiOctokit, graphql, request };
}

describe("evaluationApiOf", () => {
  it("passes GraphQL and REST calls through unchanged without a lease", async () => {
    const { octokit, graphql, request } = fakeOctokit();
    const api = evaluationApiOf(octokit);
    await api.graphql("query { viewer { login } }", { a: 1 });
    const params = { owner: "o", repo: "r" };
    await api.request("POST /repos/{owner}/{repo}/check-runs", params);
    expect(graphql).toHaveBeenCalledWith("query { viewer { login } }", { a: 1 });
    expect(request).toHaveBeenCalledWith("POST /repos/{owner}/{repo}/check-runs", params);
  });

  it("guards check-run writes with the lease, checked for the attempt's timeout", async () => {
    const { octokit, request } = fakeOctokit();
    const ensureHeld = vi.fn(async () => undefined);
    const api = evaluationApiOf(octokit, { lease: { ensureHeld, lost: false }, timeoutMs: 7000 });
    await api.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { check_run_id: 1 });
    const sent = request.mock.calls[0]?.[1] as { request: Record<string, () => Promise<void>> };
    expect(sent).toMatchObject({ check_run_id: 1 });
    await sent.request[WRITE_GUARD]?.();
    expect(ensureHeld).toHaveBeenCalledWith(7000);
  });

  it("leaves other routes unguarded under a lease", async () => {
    const { octokit, request } = fakeOctokit();
    const ensureHeld = vi.fn(async () => undefined);
    const api = evaluationApiOf(octokit, { lease: { ensureHeld, lost: false }, timeoutMs: 7000 });
    const params = { owner: "o", repo: "r", body: "x" };
    await api.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", params);
    expect(request).toHaveBeenCalledWith(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      params,
    );
  });
});
