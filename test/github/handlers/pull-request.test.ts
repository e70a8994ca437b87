/**
 * `pull_request.*` (`registerPullRequestHandlers`) through a recording app and a recording
 * scheduler: every action that can change the verdict asks for an evaluation at the event's head,
 * with the payload's body (so the read can fetch the issue it names); an edit that touched neither
 * the body, the title nor the base does not.
 */
import { describe, expect, it } from "vitest";
import {
  PULL_REQUEST_ACTIONS,
  registerPullRequestHandlers,
} from "../../../src/github/handlers/pull-request.js";
import { handGitHub } from "../../helpers/hand-github.js";
import { recordingApp } from "../../helpers/handler-app.js";
import { recordingScheduler } from "../../helpers/recording-scheduler.js";

const SHA = "b".repeat(40);
const REPOSITORY = { id: 3_000_000_077, name: "shop", owner: { login: "acme" } };
const INSTALLATION = 2_200_000_001;

function setup() {
  const recording = recordingApp();
  const scheduling = recordingScheduler();
  registerPullRequestHandlers(recording.app, scheduling.scheduler);
  return { ...recording, ...scheduling };
}

function payload(action: string, extra: Record<string, unknown> = {}, body: string | null = "B") {
  return {
    action,
    installation: { id: INSTALLATION },
    repository: REPOSITORY,
    pull_request: { number: 7, head: { sha: SHA }, body },
    ...extra,
  };
}

/**
 * What can change the check: the head (opened, reopened, synchronize), the value statement or
 * base (edited), draft state, skip labels, the milestone (its budget and rollup), and the PR's
 * state in the ledger (closed). Written out here, so dropping one from the source fails.
 */
const ACTIONS = [
  "opened",
  "reopened",
  "synchronize",
  "edited",
  "ready_for_review",
  "converted_to_draft",
  "labeled",
  "unlabeled",
  "milestoned",
  "demilestoned",
  "closed",
];

describe("registerPullRequestHandlers", () => {
  it("listens to every pull_request action that can change the verdict", () => {
    expect(setup().events()).toEqual(ACTIONS.map((a) => `pull_request.${a}`));
    expect(PULL_REQUEST_ACTIONS).toEqual(ACTIONS.map((a) => `pull_request.${a}`));
  });

  it.each(ACTIONS.filter((a) => a !== "edited"))(
    "%s: evaluates the PR at the event's head, with its body",
    async (action) => {
      const { deliver, requests } = setup();
      const gh = handGitHub();
      await deliver("pull_request", payload(action), gh.api, "delivery-9");
      expect(requests).toEqual([
        {
          octokit: gh.api,
          installationId: INSTALLATION,
          repositoryId: REPOSITORY.id,
          deliveryId: "delivery-9",
          log: expect.anything(),
          target: {
            owner: "acme",
            repo: "shop",
            number: 7,
            headSha: SHA,
            bodyHint: "B",
            repositoryId: REPOSITORY.id,
          },
        },
      ]);
      // nothing read here: the evaluation reads
      expect(gh.graphqlCalls).toEqual([]);
    },
  );

  it("gives an empty body hint for a PR without a description", async () => {
    const { deliver, requests } = setup();
    await deliver("pull_request", payload("opened", {}, null), handGitHub().api);
    expect(requests[0]?.target.bodyHint).toBe("");
  });

  it.each([
    [{ body: { from: "old" } }],
    [{ title: { from: "old" } }],
    [{ base: { ref: { from: "develop" } } }],
  ])("evaluates an edit of %o", async (changes) => {
    const { deliver, requests } = setup();
    await deliver("pull_request", payload("edited", { changes }), handGitHub().api);
    expect(requests).toHaveLength(1);
  });

  it.each([[{}], [undefined]])(
    "ignores an edit that touched neither body, title nor base (%o)",
    async (changes) => {
      const { deliver, requests } = setup();
      await deliver(
        "pull_request",
        payload("edited", changes === undefined ? {} : { changes }),
        handGitHub().api,
      );
      expect(requests).toEqual([]);
    },
  );

  it("ignores a payload without the head commit, with one warning", async () => {
    const { deliver, requests, logs } = setup();
    await deliver(
      "pull_request",
      { ...payload("opened"), pull_request: { number: 7, body: "B" } },
      handGitHub().api,
    );
    expect(requests).toEqual([]);
    expect(logs).toEqual([
      expect.objectContaining({
        level: "warn",
        message: expect.stringContaining("pull_request.head is missing"),
      }),
    ]);
  });
});
