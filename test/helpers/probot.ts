/**
 * Probot for tests: a new instance per test (installation tokens are cached), retries and
 * throttling off (function form: the object form is overridden by Probot's own options), logs
 * silent, and the network closed except what nock answers.
 */
import nock from "nock";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { type CostValueOptions, createCostValueApp } from "../../src/github/app.js";

export const APP_ID = 1001;
export const PINNED_NOW = new Date("2026-11-28T12:00:00.000Z");

export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

export function closeNetwork(): void {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith("127.0.0.1") || host.startsWith("localhost"));
}

export async function testProbot(options: CostValueOptions = {}): Promise<Probot> {
  const probot = new Probot({
    githubToken: "test",
    Octokit: TestOctokit,
    log: pino({ level: "silent" }),
  });
  await probot.load(createCostValueApp({ appId: APP_ID, now: () => PINNED_NOW, ...options }));
  return probot;
}
