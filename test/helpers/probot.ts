/**
 * Probot for tests: a new instance per test (installation tokens are cached), retries and
 * throttling off (function form: the object form is overridden by Probot's own options), logs
 * silent, and the network closed except what nock answers.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:net";
import nock from "nock";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { type CostValueOptions, createCostValueApp } from "../../src/github/app.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../../src/github/resilience.js";

export const APP_ID = 1001;
export const PINNED_NOW = new Date("2026-11-28T12:00:00.000Z");

export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

/** The app's retry policy without real waiting: the waits asked for are recorded in `waits`. */
export function instantRetries(waits: number[] = []): RetryPolicy & { waits: number[] } {
  return {
    ...DEFAULT_RETRY_POLICY,
    sleep: async (ms) => {
      waits.push(ms);
    },
    waits,
  };
}

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

/** A throwaway RSA key for real app authentication in tests (never committed). */
export function throwawayPrivateKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
}

/** A TCP port free on 127.0.0.1 right now (Probot's server treats port 0 as 3000). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
