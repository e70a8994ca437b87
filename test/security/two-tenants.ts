/**
 * Two installations of the app on one database, for the tenant-isolation and data-deletion tests.
 * Their repositories have the same owner/name (`acme/shop`), the same milestone number and title
 * and the same PR numbers, but different GitHub ids, costs and worth, so anything of one that shows
 * in the other is recognizable. Each installation has its own GitHub (a FakeGitHub on nock at its
 * own base URL): the Octokit of an installation is routed by its installation id, as GitHub
 * scopes each installation's token to its own repositories. Authentication is the real app flow
 * (a throwaway key, a JWT, a token exchange per installation answered by nock).
 */
import nock from "nock";
import pino from "pino";
import { Probot } from "probot";
import { type CostValueOptions, createCostValueApp } from "../../src/github/app.js";
import { commitsOf, FakeGitHub, type FakePullRequest } from "../helpers/fake-github/index.js";
import {
  APP_ID,
  instantRetries,
  PINNED_NOW,
  TestOctokit,
  throwawayPrivateKey,
} from "../helpers/probot.js";
import {
  commentPayload,
  milestonePayload,
  pullRequestPayload,
  reviewPayload,
  type Target,
  workflowJobPayload,
} from "../helpers/webhook-payloads.js";

export interface Tenant {
  installationId: number;
  owner: string;
  repo: string;
  repoId: number;
  /** Agent cost of each PR (USD), recognizable in rollups. */
  costs: Record<number, string>;
  worth: string;
  /** Someone with write access to the repository. */
  maintainer: string;
  github: FakeGitHub;
  prs: FakePullRequest[];
}

export const MILESTONE = {
  number: 3,
  title: "Checkout v2",
  state: "OPEN" as const,
  description: "Budget: $500\n",
};

export const baseUrlOf = (installationId: number): string =>
  `https://installation-${installationId}.github.test`;

/** Each installation's Octokit talks to its own GitHub (retries and throttling off). */
export const RoutedOctokit = TestOctokit.defaults((options: Record<string, unknown>) => {
  const installationId = (options.auth as { installationId?: number } | undefined)?.installationId;
  return installationId === undefined
    ? options
    : { ...options, baseUrl: baseUrlOf(installationId) };
});

export function makeTenant(params: {
  installationId: number;
  repoId: number;
  costs: Record<number, string>;
  worth: string;
  maintainer: string;
  owner?: string;
  repo?: string;
}): Tenant {
  const owner = params.owner ?? "acme";
  const repo = params.repo ?? "shop";
  const github = new FakeGitHub().addRepo(owner, repo, {}, params.repoId);
  github.permissions.set(params.maintainer, { permission: "write", role_name: "write" });
  const prs = Object.entries(params.costs).map(([number, cost]) => {
    const commits = commitsOf(
      1,
      () =>
        `Work\n\nAgent-Usage: anthropic/claude-sonnet-4-5 input=1000 output=100 cost=${cost}\nAgent-Cost: ${cost} USD\n`,
    );
    return github.addPullRequest({
      owner,
      repo,
      number: Number(number),
      databaseId: params.repoId * 1000 + Number(number),
      title: `PR ${number} of installation ${params.installationId}`,
      body: `## Value\nIssue: #123\nType: defect\nWorth: ${params.worth}\nBudget: $100\n`,
      headSha: commits[0]?.sha ?? "",
      commits,
      closingIssues: [{ number: 123 }],
      milestone: MILESTONE,
    });
  });
  return {
    installationId: params.installationId,
    owner,
    repo,
    repoId: params.repoId,
    costs: params.costs,
    worth: params.worth,
    maintainer: params.maintainer,
    github,
    prs,
  };
}

/** Put `payload` under the tenant's installation. */
export function under<T extends Record<string, unknown>>(tenant: Tenant, payload: T): T {
  (payload.installation as { id: number }).id = tenant.installationId;
  return payload;
}

const repoOf = (t: Tenant): Pick<Target, "owner" | "repo" | "repoId"> => ({
  owner: t.owner,
  repo: t.repo,
  repoId: t.repoId,
});

export function prOpened(t: Tenant, pr: FakePullRequest): Record<string, unknown> {
  return under(
    t,
    pullRequestPayload("opened", {
      ...repoOf(t),
      number: pr.number,
      headSha: pr.headSha,
      body: pr.body,
    }),
  );
}

/** A review submitted on `pr` by someone other than its author. */
export function reviewSubmitted(
  t: Tenant,
  pr: FakePullRequest,
  id: number,
): Record<string, unknown> {
  return under(
    t,
    reviewPayload(
      { ...repoOf(t), number: pr.number, headSha: pr.headSha },
      { id, reviewer: "reviewer" },
    ),
  );
}

/** A CI job on `pr`'s head commit, completed after 3 minutes. */
export function jobCompleted(t: Tenant, pr: FakePullRequest, id: number): Record<string, unknown> {
  return under(
    t,
    workflowJobPayload(
      { ...repoOf(t), number: pr.number, headSha: pr.headSha },
      {
        id,
        sha: pr.headSha,
        startedAt: "2026-12-01T10:00:00Z",
        completedAt: "2026-12-01T10:03:00Z",
        labels: ["ubuntu-latest"],
      },
    ),
  );
}

export function milestoneEdited(
  t: Tenant,
  description: string,
  repoId = t.repoId,
): Record<string, unknown> {
  return under(
    t,
    milestonePayload(
      "edited",
      { ...repoOf(t), repoId },
      { ...MILESTONE, state: "open", description },
    ),
  );
}

export function rollupCommand(
  t: Tenant,
  params: { issueNumber: number; body?: string; login?: string; repoId?: number },
): Record<string, unknown> {
  return under(
    t,
    commentPayload(
      { ...repoOf(t), repoId: params.repoId ?? t.repoId },
      {
        issueNumber: params.issueNumber,
        body: params.body ?? "/cost-value rollup",
        login: params.login ?? t.maintainer,
        milestone: { number: MILESTONE.number, title: MILESTONE.title },
      },
    ),
  );
}

const privateKey = throwawayPrivateKey();

/** The installation token GitHub hands out for an installation (recognizable in logs). */
export const tokenOf = (installationId: number): string =>
  `ghs_SECRETinstallation${installationId}token0123456789abcdef`;

/**
 * Each tenant's GitHub, and each installation's token exchange (asked of the installation's own
 * base URL: the installation's Octokit authenticates through its own request). Call in beforeEach.
 */
export function installGitHub(tenants: Tenant[]): { tokenRequests: number[]; jwts: string[] } {
  const seen = { tokenRequests: [] as number[], jwts: [] as string[] };
  for (const t of new Set(tenants)) {
    t.github.install({ baseUrl: baseUrlOf(t.installationId) });
    nock(baseUrlOf(t.installationId))
      .persist()
      .post(`/app/installations/${t.installationId}/access_tokens`)
      .reply(function () {
        seen.tokenRequests.push(t.installationId);
        seen.jwts.push(String(this.req.headers.authorization).replace(/^bearer /i, ""));
        return [
          201,
          { token: tokenOf(t.installationId), expires_at: "2099-01-01T00:00:00Z", permissions: {} },
        ];
      });
  }
  return seen;
}

/** A Probot with the app and its database, whose installations reach their own GitHub. */
export async function tenantProbot(
  options: CostValueOptions,
  log = pino({ level: "silent" }),
  key = privateKey,
): Promise<Probot> {
  const probot = new Probot({ appId: APP_ID, privateKey: key, Octokit: RoutedOctokit, log });
  await probot.load(
    createCostValueApp({
      appId: APP_ID,
      now: () => PINNED_NOW,
      retryPolicy: instantRetries(),
      ...options,
    }),
  );
  return probot;
}

let deliveries = 0;
export function deliver(
  probot: Probot,
  name: string,
  payload: Record<string, unknown>,
): Promise<void> {
  return probot.receive({ id: `tenant-${++deliveries}`, name, payload } as never);
}
