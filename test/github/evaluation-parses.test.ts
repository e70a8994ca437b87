/**
 * One evaluation reads each body once: the PR body once (when the webhook payload carries it, the
 * parse before the read, which names the issue the read fetches in the same request, is reused
 * after it when the config reads a value section like the default), and each linked issue's once.
 * Counted over a whole app-level evaluation, with the ledger (the work item's spend is looked up).
 *
 * Every parse of a body starts by scanning it into `MarkdownLines`: the spy counts those scans per
 * body text.
 */
import type { Probot } from "probot";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { migratedDatabaseForFile } from "../helpers/database.js";
import { commitsOf, FakeGitHub, type FakePullRequest } from "../helpers/fake-github/index.js";
import { APP_ID, testProbot } from "../helpers/probot.js";
import { checkSuitePayload, pullRequestPayload, type Target } from "../helpers/webhook-payloads.js";

const scans = vi.hoisted(() => new Map<string, number>());

vi.mock("../../src/core/markdown/lines.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/core/markdown/lines.js")>();
  class CountedMarkdownLines extends original.MarkdownLines {
    constructor(text: string) {
      super(text);
      scans.set(text, (scans.get(text) ?? 0) + 1);
    }
  }
  return { ...original, MarkdownLines: CountedMarkdownLines };
});

const ISSUE_BODY = "The checkout rounds wrongly.\n\n## Value\nType: defect\nWorth: $8,000\n";
const OTHER_ISSUE_BODY = "Another.\n\n## Value\nType: defect\nWorth: $100\n";
const PR_BODY = "Fixes the rounding.\n\n## Value\nIssue: #12\nBudget: $300\n";

const database = migratedDatabaseForFile();
let github: FakeGitHub;
let probot: Probot;
let deliveries = 0;

beforeEach(async () => {
  github = new FakeGitHub().addRepo("acme", "shop", {}, 77).install();
  probot = await testProbot({ database: database() });
  scans.clear();
});

function addPr(overrides: Partial<FakePullRequest> = {}): FakePullRequest {
  const commits = commitsOf(1, () => "Fix rounding\n\nAgent-Cost: 4.20 USD\n");
  return github.addPullRequest({
    owner: "acme",
    repo: "shop",
    number: 7,
    body: PR_BODY,
    headSha: commits.at(-1)?.sha ?? "",
    commits,
    ...overrides,
  });
}

function target(pr: FakePullRequest): Target {
  return {
    owner: pr.owner,
    repo: pr.repo,
    repoId: 77,
    number: pr.number,
    headSha: pr.headSha,
    body: pr.body,
    draft: false,
    labels: [],
  };
}

function receive(name: string, payload: Record<string, unknown>): Promise<void> {
  deliveries++;
  return probot.receive({ id: `delivery-${deliveries}`, name, payload } as never);
}

describe("parses per evaluation", () => {
  it("pull_request: the PR body once (the parse before the read reused), the named issue once", async () => {
    github.addIssue({ owner: "acme", repo: "shop", number: 12, body: ISSUE_BODY });
    github.addIssue({ owner: "acme", repo: "shop", number: 13, body: OTHER_ISSUE_BODY });
    const pr = addPr({ closingIssues: [{ number: 12 }, { number: 13 }] });
    await receive("pull_request", pullRequestPayload("opened", target(pr)));

    expect(github.checkRuns[0]?.conclusion).toBe("success");
    expect(github.count()).toEqual({ total: 2, reads: 1, writes: 1 });
    expect(scans.get(PR_BODY)).toBe(1);
    expect(scans.get(ISSUE_BODY)).toBe(1);
    // named by `Issue:`: the other linked issue's section is not consulted
    expect(scans.get(OTHER_ISSUE_BODY) ?? 0).toBe(0);
  });

  it("check_suite (no body in the payload): the PR body once, each linked issue once", async () => {
    const body = "Fixes the rounding.\n\n## Value\nBudget: $300\n";
    github.addIssue({ owner: "acme", repo: "shop", number: 12, body: ISSUE_BODY });
    github.addIssue({ owner: "acme", repo: "shop", number: 13, body: OTHER_ISSUE_BODY });
    const pr = addPr({ body, closingIssues: [{ number: 12 }, { number: 13 }] });
    await receive("check_suite", checkSuitePayload("rerequested", target(pr), APP_ID));

    expect(github.checkRuns[0]?.conclusion).toBe("success");
    expect(scans.get(body)).toBe(1);
    expect(scans.get(ISSUE_BODY)).toBe(1);
    expect(scans.get(OTHER_ISSUE_BODY)).toBe(1);
  });

  it("an issue named by `Issue:` that the read lacked: fetched, then its body parsed once", async () => {
    github.addIssue({ owner: "acme", repo: "shop", number: 12, body: ISSUE_BODY });
    const pr = addPr();
    await receive("check_suite", checkSuitePayload("rerequested", target(pr), APP_ID));

    expect(github.checkRuns[0]?.conclusion).toBe("success");
    expect(github.count()).toEqual({ total: 3, reads: 2, writes: 1 });
    expect(scans.get(ISSUE_BODY)).toBe(1);
    // the statement is resolved again with the issue it names (and the name read first)
    expect(scans.get(PR_BODY)).toBe(3);
  });
});
