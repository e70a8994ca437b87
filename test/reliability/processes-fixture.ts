/**
 * What the process tests share: the app as a real OS process (`src/server.ts`, what `npm start`
 * runs) against a fake GitHub on 127.0.0.1, PRs with cost trailers in one milestone. Importing it
 * registers an afterEach that kills the processes and closes the servers a test started.
 */
import { afterEach } from "vitest";
import { type AppProcess, startAppProcess } from "../helpers/app-process.js";
import {
  commitsOf,
  FakeGitHub,
  type FakeGitHubServer,
  type FakePullRequest,
} from "../helpers/fake-github/index.js";
import { APP_ID } from "../helpers/probot.js";
import { pullRequestPayload } from "../helpers/webhook-payloads.js";

export const MILESTONE = {
  number: 3,
  title: "Checkout v2",
  state: "OPEN" as const,
  description: "Budget: $1,000\n",
};

export const processes: AppProcess[] = [];
const servers: FakeGitHubServer[] = [];
afterEach(async () => {
  for (const p of processes) p.kill("SIGKILL");
  await Promise.all(processes.map((p) => p.exited));
  for (const s of servers) await s.close();
  processes.length = 0;
  servers.length = 0;
});

export function addPr(github: FakeGitHub, number: number, cents = 250): FakePullRequest {
  const commits = commitsOf(2, (i) => `Work ${i}\n\nAgent-Cost: ${(cents / 100).toFixed(2)} USD\n`);
  return github.addPullRequest({
    owner: "acme",
    repo: "shop",
    number,
    title: `PR ${number}`,
    body: `## Value\nIssue: #${1000 + number}\nType: defect\nWorth: $8,000\nBudget: $30\n`,
    headSha: commits.at(-1)?.sha ?? "",
    commits,
    closingIssues: [{ number: 1000 + number }],
    milestone: MILESTONE,
  });
}

export const payloadOf = (pr: FakePullRequest, action = "opened") =>
  pullRequestPayload(action, {
    owner: "acme",
    repo: "shop",
    repoId: 77,
    number: pr.number,
    headSha: pr.headSha,
    body: pr.body,
  });

export async function fakeGitHub(): Promise<{ github: FakeGitHub; server: FakeGitHubServer }> {
  const github = new FakeGitHub().addRepo("acme", "shop", {}, 77);
  const server = await github.serve();
  servers.push(server);
  return { github, server };
}

export async function start(
  server: FakeGitHubServer,
  env: Record<string, string>,
): Promise<AppProcess> {
  const app = await startAppProcess({
    github: server.url,
    appId: APP_ID,
    readyPath: "/readyz",
    timeoutMs: 60_000,
    env: { NODE_ENV: "production", LOG_LEVEL: "info", ...env },
  });
  processes.push(app);
  return app;
}

export const checkRunsOf = (github: FakeGitHub, pr: FakePullRequest) =>
  github.checkRuns.filter((r) => r.writes[0]?.external_id === `pr:${pr.number}`);
