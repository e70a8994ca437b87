/**
 * publishCheckRun: one write per evaluation. A known id is updated (PATCH with that id), a run
 * known to exist without an id is looked up first, a create happens only when no run of ours is
 * there, and a PATCH is never sent without an id.
 */
import { describe, expect, it } from "vitest";
import {
  findOwnRun,
  listOwnRuns,
  type PublishParams,
  publishCheckRun,
} from "../../src/github/publish-check.js";
import type { RestApi } from "../../src/github/rest-api.js";

interface Call {
  route: string;
  params: Record<string, unknown>;
}

/** A fake RestApi: records every call and answers from `answer` (throwing what it throws). */
function fakeApi(answer: (route: string, params: Record<string, unknown>) => unknown): {
  api: RestApi;
  calls: Call[];
} {
  const calls: Call[] = [];
  const api: RestApi = {
    request: async (route, params) => {
      calls.push({ route, params });
      return { data: answer(route, params) };
    },
  };
  return { api, calls };
}

const PATCH = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";
const POST = "POST /repos/{owner}/{repo}/check-runs";
const LIST = "GET /repos/{owner}/{repo}/commits/{ref}/check-runs";

const base: PublishParams = {
  owner: "acme",
  repo: "widgets",
  headSha: "abc123",
  name: "cost-value",
  conclusion: "success",
  output: { title: "T", summary: "S", text: "" },
  externalId: "pr:7",
  completedAt: new Date("2026-01-02T03:04:05.000Z"),
  appId: 42,
};

function httpError(status: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status });
}

/** No PATCH was sent without a check_run_id. */
function expectNoIdlessPatch(calls: Call[]): void {
  for (const c of calls.filter((x) => x.route === PATCH)) {
    expect(typeof c.params.check_run_id).toBe("string");
  }
}

describe("publishCheckRun", () => {
  it("updates a run whose id is known with exactly one PATCH carrying that id", async () => {
    const { api, calls } = fakeApi(() => ({}));
    const result = await publishCheckRun(api, {
      ...base,
      existing: { id: "30000000001", name: "cost-value", status: "completed", appId: 42 },
    });
    expect(result).toEqual({ checkRunId: "30000000001", action: "updated", requests: 1 });
    expect(calls.map((c) => c.route)).toEqual([PATCH]);
    expect(calls[0]?.params).toEqual({
      owner: "acme",
      repo: "widgets",
      name: "cost-value",
      status: "completed",
      conclusion: "success",
      completed_at: "2026-01-02T03:04:05.000Z",
      external_id: "pr:7",
      output: { title: "T", summary: "S" }, // an empty text is left out
      check_run_id: "30000000001",
    });
  });

  it("creates a run when none exists, with head_sha and the text when it is not empty", async () => {
    const { api, calls } = fakeApi((route) => (route === POST ? { id: 555 } : {}));
    const result = await publishCheckRun(api, {
      ...base,
      output: { title: "T", summary: "S", text: "details" },
    });
    expect(result).toEqual({ checkRunId: "555", action: "created", requests: 1 });
    expect(calls.map((c) => c.route)).toEqual([POST]);
    expect(calls[0]?.params.head_sha).toBe("abc123");
    expect(calls[0]?.params.started_at).toBe("2026-01-02T03:04:05.000Z");
    expect(calls[0]?.params.output).toEqual({ title: "T", summary: "S", text: "details" });
  });

  it("looks up a run known to exist without an id, then updates it by the id found", async () => {
    const { api, calls } = fakeApi((route) =>
      route === LIST
        ? { check_runs: [{ id: 9007199254740993n, name: "cost-value", app: { id: 42 } }] }
        : {},
    );
    const result = await publishCheckRun(api, {
      ...base,
      existing: { name: "cost-value", status: "in_progress" },
    });
    expect(result).toEqual({ checkRunId: "9007199254740993", action: "updated", requests: 2 });
    expect(calls.map((c) => c.route)).toEqual([LIST, PATCH]);
    expect(calls[0]?.params).toEqual({
      owner: "acme",
      repo: "widgets",
      ref: "abc123",
      check_name: "cost-value",
      app_id: 42,
      per_page: 100,
    });
    expect(calls[1]?.params.check_run_id).toBe("9007199254740993");
    expectNoIdlessPatch(calls);
  });

  it("after a 404 on a stale id, looks the run up and creates when none is listed", async () => {
    const { api, calls } = fakeApi((route) => {
      if (route === PATCH) throw httpError(404);
      if (route === LIST) return { check_runs: [] };
      return { id: 777 };
    });
    const result = await publishCheckRun(api, {
      ...base,
      existing: { id: "123", name: "cost-value", status: "completed", appId: 42 },
    });
    expect(result).toEqual({ checkRunId: "777", action: "created", requests: 3 });
    expect(calls.map((c) => c.route)).toEqual([PATCH, LIST, POST]);
  });

  it("rethrows a PATCH failure other than 404 without creating", async () => {
    const { api, calls } = fakeApi((route) => {
      if (route === PATCH) throw httpError(422);
      return { id: 1 };
    });
    await expect(
      publishCheckRun(api, { ...base, existing: { id: "123", name: "cost-value", status: "x" } }),
    ).rejects.toThrow("HTTP 422");
    expect(calls.map((c) => c.route)).toEqual([PATCH]);
  });

  it("after an uncertain create (5xx), finds the run the create made and updates it", async () => {
    let posts = 0;
    const { api, calls } = fakeApi((route) => {
      if (route === POST) {
        posts++;
        throw httpError(502);
      }
      if (route === LIST) return { check_runs: [{ id: 88, name: "cost-value", app: { id: 42 } }] };
      return {};
    });
    const result = await publishCheckRun(api, base);
    expect(result).toEqual({ checkRunId: "88", action: "updated", requests: 3 });
    expect(posts).toBe(1);
    expect(calls.map((c) => c.route)).toEqual([POST, LIST, PATCH]);
  });

  it("throws when a create answers without an id and no run is listed", async () => {
    const { api, calls } = fakeApi((route) => (route === LIST ? { check_runs: [] } : {}));
    await expect(publishCheckRun(api, base)).rejects.toThrow(
      /without an id, and no run named "cost-value" is listed/,
    );
    // the create looks up the id it was not given, then fails: GitHub did answer the create, so
    // it is not repeated (a second create could duplicate the run); never a PATCH
    expect(calls.map((c) => c.route)).toEqual([POST, LIST]);
    expectNoIdlessPatch(calls);
  });
});

describe("findOwnRun", () => {
  const runs = [
    { id: "1", name: "other", status: "completed", appId: 42 },
    { id: "2", name: "cost-value", status: "completed", appId: 99 },
    { id: "3", name: "cost-value", status: "completed" },
  ];

  it("prefers a run of the same name and app", () => {
    expect(
      findOwnRun(
        [...runs, { id: "4", name: "cost-value", status: "queued", appId: 42 }],
        "cost-value",
        42,
      ),
    ).toEqual({
      id: "4",
      name: "cost-value",
      status: "queued",
      appId: 42,
    });
  });

  it("returns a same-name run of unknown app without its id", () => {
    expect(findOwnRun(runs, "cost-value", 42)).toEqual({ name: "cost-value", status: "completed" });
  });

  it("takes the first same-name run when our app id is unknown, and nothing for no match", () => {
    expect(findOwnRun(runs, "cost-value", undefined)?.id).toBe("2");
    expect(findOwnRun(runs, "missing", 42)).toBeUndefined();
  });
});

describe("listOwnRuns", () => {
  it("keeps runs with a usable id and name, defaults the status, drops an unsafe app id", async () => {
    const { api, calls } = fakeApi(() => ({
      check_runs: [
        { id: 10, name: "cost-value", status: "in_progress", app: { id: 42 } },
        { id: 11, name: "cost-value" },
        { id: 12, name: "cost-value", app: { id: 2 ** 60 } },
        { id: 0, name: "cost-value" },
        { id: 13 },
      ],
    }));
    const result = await listOwnRuns(api, {
      owner: "o",
      repo: "r",
      sha: "s",
      name: "cost-value",
      appId: undefined,
    });
    expect(result).toEqual([
      { id: "10", name: "cost-value", status: "in_progress", appId: 42 },
      { id: "11", name: "cost-value", status: "completed" },
      { id: "12", name: "cost-value", status: "completed" },
    ]);
    expect(calls[0]?.params).not.toHaveProperty("app_id");
  });
});
