/**
 * Step 6 of an evaluation: the output hash, the skip when the run already shows this output, where
 * our run is taken from (ledger, read, or one REST look-up), and the failure notice.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { EvaluationState } from "../../src/db/record.js";
import {
  checkOutputHash,
  publishEvaluation,
  publishFailureNotice,
} from "../../src/github/publish-evaluation.js";
import type { RestApi } from "../../src/github/rest-api.js";
import type { ExistingCheckRun, PullRequestSnapshot } from "../../src/github/snapshot.js";

const PATCH = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";
const POST = "POST /repos/{owner}/{repo}/check-runs";
const LIST = "GET /repos/{owner}/{repo}/commits/{ref}/check-runs";
const HEAD = "h".repeat(40);
const NAME = "cost-value";
const OUTPUT = { title: "T", summary: "S", text: "X" };

interface Call {
  route: string;
  params: Record<string, unknown>;
}

function fakeApi(answer: (route: string) => unknown = () => ({ id: 900 })): {
  api: RestApi;
  calls: Call[];
} {
  const calls: Call[] = [];
  return {
    calls,
    api: {
      request: async (route, params) => {
        calls.push({ route, params });
        return { data: answer(route) };
      },
    },
  };
}

/** Only the fields the publisher reads. */
function snapshot(checkRuns: ExistingCheckRun[], checkRunsSha = HEAD): PullRequestSnapshot {
  return {
    repository: { owner: "acme", repo: "widgets" },
    number: 7,
    headSha: HEAD,
    checkRuns,
    checkRunsSha,
  } as unknown as PullRequestSnapshot;
}

function publish(
  api: RestApi,
  options: {
    state?: EvaluationState;
    runs?: ExistingCheckRun[];
    runsSha?: string;
    rerun?: boolean;
  },
) {
  return publishEvaluation({
    api,
    repository: { owner: "acme", repo: "widgets" },
    snapshot: snapshot(options.runs ?? [], options.runsSha),
    state: options.state ?? {},
    name: NAME,
    conclusion: "success",
    output: OUTPUT,
    outputSha256: checkOutputHash(NAME, "success", OUTPUT),
    rerun: options.rerun ?? false,
    appId: 42,
    now: () => new Date("2026-01-01T00:00:00Z"),
    time: { find: (fn) => fn() },
  });
}

describe("checkOutputHash", () => {
  it("is a sha256 hex digest that changes with any part", () => {
    const hash = checkOutputHash(NAME, "success", OUTPUT);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(checkOutputHash(NAME, "success", { ...OUTPUT })).toBe(hash);
    expect(checkOutputHash(NAME, "failure", OUTPUT)).not.toBe(hash);
    expect(checkOutputHash(NAME, "success", { ...OUTPUT, text: "Y" })).not.toBe(hash);
  });

  it("length-prefixes each part, so moving text between parts changes the hash", () => {
    expect(checkOutputHash("n", "c", { title: "ab", summary: "", text: "" })).not.toBe(
      checkOutputHash("n", "c", { title: "a", summary: "b", text: "" }),
    );
  });
});

describe("publishEvaluation", () => {
  it("writes nothing when the ledger's run on the head shows this output already", async () => {
    const { api, calls } = fakeApi();
    const outputSha256 = checkOutputHash(NAME, "success", OUTPUT);
    const result = await publish(api, {
      state: { checkRun: { id: "55", headSha: HEAD, outputSha256 } },
    });
    expect(result).toEqual({ checkRunId: "55", action: "unchanged" });
    expect(calls).toEqual([]);
  });

  it("updates the ledger's run when a re-run was asked for, even if unchanged", async () => {
    const { api, calls } = fakeApi();
    const outputSha256 = checkOutputHash(NAME, "success", OUTPUT);
    const result = await publish(api, {
      state: { checkRun: { id: "55", headSha: HEAD, outputSha256 } },
      rerun: true,
    });
    expect(result).toEqual({ checkRunId: "55", action: "updated" });
    expect(calls.map((c) => [c.route, c.params.check_run_id])).toEqual([[PATCH, "55"]]);
    expect(calls[0]?.params.external_id).toBe("pr:7");
  });

  it("updates the run the read saw on the head, without a look-up", async () => {
    const { api, calls } = fakeApi();
    const result = await publish(api, {
      runs: [{ id: "66", name: NAME, status: "completed", appId: 42 }],
    });
    expect(result).toEqual({ checkRunId: "66", action: "updated" });
    expect(calls.map((c) => c.route)).toEqual([PATCH]);
  });

  it("looks our run up with REST when the read saw another commit, then creates if none", async () => {
    const { api, calls } = fakeApi((route) => (route === LIST ? { check_runs: [] } : { id: 901 }));
    const result = await publish(api, { runs: [], runsSha: "o".repeat(40) });
    expect(result).toEqual({ checkRunId: "901", action: "created" });
    expect(calls.map((c) => c.route)).toEqual([LIST, POST]);
    expect(calls[0]?.params.ref).toBe(HEAD);
  });
});

describe("publishFailureNotice", () => {
  const target = { owner: "acme", repo: "widgets", number: 7, headSha: HEAD };

  it("puts a neutral run naming the HTTP status on the head, under the default name", async () => {
    const { api, calls } = fakeApi((route) => (route === LIST ? { check_runs: [] } : { id: 3 }));
    const published = await publishFailureNotice({
      api,
      target,
      error: { status: 502 },
      appId: 42,
      now: () => new Date("2026-01-01T00:00:00Z"),
    });
    expect(published).toBe(true);
    expect(calls.map((c) => c.route)).toEqual([LIST, POST]);
    const post = calls[1]?.params ?? {};
    expect(post.name).toBe(DEFAULT_CONFIG["check-name"]);
    expect(post.conclusion).toBe("neutral");
    expect((post.output as { summary: string }).summary).toContain(
      "GitHub answered HTTP 502 while the PR was being read",
    );
  });

  it("says rate limit for a 403 and updates our existing run", async () => {
    const { api, calls } = fakeApi((route) =>
      route === LIST
        ? { check_runs: [{ id: 12, name: DEFAULT_CONFIG["check-name"], app: { id: 42 } }] }
        : {},
    );
    await publishFailureNotice({
      api,
      target,
      error: { status: 403 },
      appId: 42,
      now: () => new Date(0),
    });
    expect(calls.map((c) => c.route)).toEqual([LIST, PATCH]);
    expect(calls[1]?.params.check_run_id).toBe("12");
    const patch = calls[1]?.params ?? {};
    expect((patch.output as { summary: string }).summary).toContain(
      "GitHub's rate limit was reached (HTTP 403)",
    );
  });

  it("returns false instead of throwing when GitHub fails", async () => {
    const api: RestApi = { request: async () => Promise.reject(new Error("down")) };
    expect(
      await publishFailureNotice({
        api,
        target,
        error: new Error("x"),
        appId: 42,
        now: () => new Date(0),
      }),
    ).toBe(false);
  });
});
