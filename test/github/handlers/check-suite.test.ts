/**
 * `check_suite.requested`/`rerequested` and `check_run.rerequested` (`registerCheckSuiteHandlers`)
 * through a recording app and a recording scheduler: which PRs of the commit are evaluated, with
 * which target; another app's suites ignored; a push's twin of `pull_request.synchronize` skipped;
 * PRs a re-run's payload does not list (forks) looked up with GraphQL.
 */
import { describe, expect, it } from "vitest";
import { registerCheckSuiteHandlers } from "../../../src/github/handlers/check-suite.js";
import { handGitHub } from "../../helpers/hand-github.js";
import { recordingApp } from "../../helpers/handler-app.js";
import { recordingScheduler } from "../../helpers/recording-scheduler.js";

const APP_ID = 1001;
const SHA = "b".repeat(40);
const REPOSITORY = { id: 3_000_000_077, name: "shop", owner: { login: "acme" } };
const INSTALLATION = 2_200_000_001;

function setup(options: { appId?: number | null; recent?: (number: number) => boolean } = {}) {
  const recording = recordingApp();
  const scheduling = recordingScheduler((pr) => options.recent?.(pr.number) ?? false);
  registerCheckSuiteHandlers(
    recording.app,
    scheduling.scheduler,
    options.appId === null ? undefined : (options.appId ?? APP_ID),
  );
  return { ...recording, ...scheduling };
}

type Listed = { number: number; base?: { repo?: { id: number } } };

const listed = (number: number, baseRepoId = REPOSITORY.id): Listed => ({
  number,
  base: { repo: { id: baseRepoId } },
});

function suitePayload(action: string, pullRequests: Listed[], appId = APP_ID) {
  return {
    action,
    installation: { id: INSTALLATION },
    repository: REPOSITORY,
    check_suite: { head_sha: SHA, app: { id: appId }, pull_requests: pullRequests },
  };
}

function runPayload(pullRequests: Listed[], appId = APP_ID) {
  return {
    action: "rerequested",
    installation: { id: INSTALLATION },
    repository: REPOSITORY,
    check_run: { head_sha: SHA, app: { id: appId }, pull_requests: pullRequests },
  };
}

/** GitHub answering the commit's PR look-up (`CostValueCommitPullRequests`). */
function github(associated: number[] = [], searched: number[] = []) {
  return handGitHub({
    graphql: {
      CostValueCommitPullRequests: () => ({
        repository: {
          object: {
            associatedPullRequests: {
              nodes: associated.map((number) => ({
                number,
                state: "OPEN",
                headRefOid: SHA,
                baseRepository: { name: "shop", owner: { login: "acme" } },
              })),
            },
          },
        },
        search: {
          nodes: searched.map((number) => ({ number, state: "OPEN", headRefOid: SHA })),
        },
      }),
    },
  });
}

describe("registerCheckSuiteHandlers", () => {
  it("listens to suites requested and re-requested, and runs re-requested", () => {
    expect(setup().events().sort()).toEqual([
      "check_run.rerequested",
      "check_suite.requested",
      "check_suite.rerequested",
    ]);
  });
});

describe("check_suite.requested (a push)", () => {
  it("evaluates the listed PRs of this repository at the suite's head, a fork's other base left out", async () => {
    const { deliver, requests } = setup();
    const gh = github();
    await deliver(
      "check_suite",
      suitePayload("requested", [listed(7), listed(8, 55), { number: 9 }]),
      gh.api,
      "delivery-42",
    );
    expect(requests.map((r) => r.target.number)).toEqual([7, 9]);
    expect(requests[0]).toMatchObject({
      installationId: INSTALLATION,
      repositoryId: REPOSITORY.id,
      deliveryId: "delivery-42",
      octokit: gh.api,
      target: { owner: "acme", repo: "shop", number: 7, headSha: SHA, repositoryId: REPOSITORY.id },
    });
    // a push is not a re-run: an unchanged check is not rewritten
    expect(requests[0]?.target).not.toHaveProperty("rerun");
  });

  it("skips the PRs this process just evaluated at that head (pull_request.synchronize's twin)", async () => {
    const { deliver, requests, asked } = setup({ recent: (n) => n === 7 });
    await deliver("check_suite", suitePayload("requested", [listed(7), listed(8)]), github().api);
    expect(asked).toEqual([
      { pr: { owner: "acme", repo: "shop", number: 7 }, sha: SHA },
      { pr: { owner: "acme", repo: "shop", number: 8 }, sha: SHA },
    ]);
    expect(requests.map((r) => r.target.number)).toEqual([8]);
  });

  it("does not look up PRs for a push that lists none (a branch without a PR)", async () => {
    const { deliver, requests } = setup();
    const gh = github([7]);
    await deliver("check_suite", suitePayload("requested", []), gh.api);
    expect(gh.graphqlCalls).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("ignores another app's suite; takes any suite when the app id is unknown", async () => {
    const ours = setup();
    await ours.deliver("check_suite", suitePayload("requested", [listed(7)], 77), github().api);
    expect(ours.requests).toEqual([]);

    const anyApp = setup({ appId: null });
    await anyApp.deliver("check_suite", suitePayload("requested", [listed(7)], 77), github().api);
    expect(anyApp.requests.map((r) => r.target.number)).toEqual([7]);
  });
});

describe("re-runs", () => {
  it("check_suite.rerequested evaluates the listed PRs as a re-run, even if just evaluated", async () => {
    const { deliver, requests, asked } = setup({ recent: () => true });
    await deliver("check_suite", suitePayload("rerequested", [listed(7)]), github().api);
    expect(asked).toEqual([]);
    expect(requests.map((r) => r.target)).toEqual([
      {
        owner: "acme",
        repo: "shop",
        number: 7,
        headSha: SHA,
        repositoryId: REPOSITORY.id,
        rerun: true,
      },
    ]);
  });

  it("looks up the commit's PRs when the re-run lists none (a fork's PR), and evaluates each", async () => {
    const { deliver, requests } = setup();
    const gh = github([7], [12]);
    await deliver("check_suite", suitePayload("rerequested", []), gh.api);
    expect(gh.graphqlCalls).toEqual([
      {
        operation: "CostValueCommitPullRequests",
        variables: expect.objectContaining({ owner: "acme", repo: "shop", sha: SHA }),
      },
    ]);
    expect(requests.map((r) => [r.target.number, r.target.rerun])).toEqual([
      [7, true],
      [12, true],
    ]);
  });

  it("check_run.rerequested evaluates at the run's head, a re-run; another app's run ignored", async () => {
    const { deliver, requests } = setup();
    await deliver("check_run", runPayload([listed(7)]), github().api);
    await deliver("check_run", runPayload([listed(8)], 77), github().api);
    expect(requests.map((r) => r.target)).toEqual([
      {
        owner: "acme",
        repo: "shop",
        number: 7,
        headSha: SHA,
        repositoryId: REPOSITORY.id,
        rerun: true,
      },
    ]);
  });

  it("ignores a payload without a commit id, with one warning", async () => {
    const { deliver, requests, logs } = setup();
    const payload = suitePayload("rerequested", [listed(7)]);
    await deliver(
      "check_suite",
      { ...payload, check_suite: { ...payload.check_suite, head_sha: "main" } },
      github().api,
    );
    expect(requests).toEqual([]);
    expect(logs.map((l) => l.level)).toEqual(["warn"]);
  });
});
