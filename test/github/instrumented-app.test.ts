/**
 * `instrumented(app, deps)`: every handler registered through it runs with the retry policy on the
 * event's Octokit, is counted by outcome, is tracked by the lifecycle (and refused while shutting
 * down), and logs its failure once. A recording app, a recording metrics object, a real Lifecycle,
 * and an Octokit reduced to its request hook.
 */
import { describe, expect, it } from "vitest";
import { PAYLOAD_LOG_LIMIT, wasLogged } from "../../src/github/failure-log.js";
import { instrumented } from "../../src/github/instrumented-app.js";
import { Lifecycle, ShuttingDownError } from "../../src/github/lifecycle.js";
import type { Metrics } from "../../src/github/metrics.js";
import type { CallOutcome, RetryPolicy } from "../../src/github/resilience.js";
import { DEFAULT_RETRY_POLICY } from "../../src/github/resilience.js";
import { recordingApp } from "../helpers/handler-app.js";

type Request = (options: Record<string, unknown>) => Promise<{ status: number; data: unknown }>;
type Wrapper = (request: Request, options: Record<string, unknown>) => Promise<unknown>;

/**
 * An Octokit as far as `applyResilience` sees it (its `hook.wrap`), with `request` going through
 * whatever wrapped it to `answer`.
 */
function hookedOctokit(answer: Request) {
  const wrappers: Wrapper[] = [];
  return {
    hook: { wrap: (_name: string, wrapper: Wrapper) => void wrappers.push(wrapper) },
    wrappers,
    request: (route: string) => {
      const [method, url] = route.split(" ");
      const options = { method, url: `https://api.github.com${url}` };
      const wrapper = wrappers[0];
      return (wrapper !== undefined ? wrapper(answer, options) : answer(options)) as Promise<{
        data: unknown;
      }>;
    },
    graphql: async () => ({}),
  };
}

function recordingMetrics() {
  const deliveries: [string, string][] = [];
  const apiCalls: CallOutcome[] = [];
  const metrics = {
    delivery: (event: string, outcome: string) => void deliveries.push([event, outcome]),
    apiCall: (outcome: CallOutcome) => void apiCalls.push(outcome),
  } as unknown as Metrics;
  return { metrics, deliveries, apiCalls };
}

function setup() {
  const recording = recordingApp();
  const measured = recordingMetrics();
  const lifecycle = new Lifecycle();
  const sleeps: number[] = [];
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    sleep: async (ms) => void sleeps.push(ms),
  };
  const app = instrumented(recording.app, { policy, metrics: measured.metrics, lifecycle });
  return { ...recording, ...measured, app, lifecycle, sleeps };
}

const OPENED = { action: "opened", number: 7 };
const ok: Request = async () => ({ status: 200, data: {} });

describe("instrumented", () => {
  it("registers each handler under the same events, and counts a delivery that went well", async () => {
    const { app, deliver, deliveries, events } = setup();
    const ran: string[] = [];
    app.on(["pull_request.opened", "pull_request.closed"], async (context) => {
      ran.push(context.id);
    });
    expect(events()).toEqual(["pull_request.opened", "pull_request.closed"]);
    await deliver("pull_request", OPENED, hookedOctokit(ok), "d-1");
    expect(ran).toEqual(["d-1"]);
    expect(deliveries).toEqual([["pull_request.opened", "ok"]]);
  });

  it("names an event without an action by its name alone", async () => {
    const { app, deliver, deliveries } = setup();
    app.on("push", async () => undefined);
    await deliver("push", { ref: "refs/heads/main" }, hookedOctokit(ok));
    expect(deliveries).toEqual([["push", "ok"]]);
  });

  it("puts the retry policy on the event's Octokit: a 5xx is retried, each attempt counted", async () => {
    const { app, deliver, apiCalls, sleeps } = setup();
    let attempts = 0;
    const octokit = hookedOctokit(async () => {
      attempts++;
      if (attempts === 1) throw Object.assign(new Error("Bad Gateway"), { status: 502 });
      return { status: 200, data: { ok: true } };
    });
    let answer: unknown;
    app.on("pull_request.opened", async (context) => {
      answer = await (context.octokit as unknown as typeof octokit).request("GET /repos/o/r");
    });
    await deliver("pull_request", OPENED, octokit);
    expect(octokit.wrappers).toHaveLength(1);
    expect(answer).toMatchObject({ status: 200, data: { ok: true } });
    // the policy's own sleep waited once, between the two attempts
    expect(sleeps).toHaveLength(1);
    expect(apiCalls).toEqual(["server-error", "ok"]);
  });

  it("counts a failed delivery, logs it once with the event and delivery, and rethrows it", async () => {
    const { app, deliver, deliveries, logs } = setup();
    const boom = new Error("boom");
    app.on("pull_request.opened", async () => {
      throw boom;
    });
    await expect(
      deliver("pull_request", { ...OPENED, big: "x".repeat(10_000) }, hookedOctokit(ok), "d-2"),
    ).rejects.toBe(boom);
    expect(deliveries).toEqual([["pull_request.opened", "failed"]]);
    const errors = logs.filter((l) => l.level === "error");
    expect(errors).toEqual([
      {
        level: "error",
        fields: { event: "pull_request.opened", delivery: "d-2", err: boom },
        message: "cost-value: delivery failed",
      },
    ]);
    // Probot and the middleware log it again: the mark lets createLog drop those
    expect(wasLogged(boom)).toBe(true);
    // the payload at debug, bounded
    const debug = logs.find((l) => l.level === "debug");
    const payload = debug?.fields.payload;
    expect(typeof payload).toBe("string");
    expect(payload).toMatch(/^\{"action":"opened","number":7,"big":"x{100}/);
    expect(String(payload).length).toBeLessThan(PAYLOAD_LOG_LIMIT + 100);
    expect(payload).toMatch(/… \(10,0\d\d characters in all\)$/);
    expect(debug?.fields).toMatchObject({ event: "pull_request.opened", delivery: "d-2" });
  });

  it("tracks the handler as work in flight while it runs", async () => {
    const { app, deliver, lifecycle } = setup();
    let inFlight = -1;
    app.on("pull_request.opened", async () => {
      await Promise.resolve(); // the handler's first await: track() has counted it by then
      inFlight = lifecycle.inFlight;
    });
    await deliver("pull_request", OPENED, hookedOctokit(ok));
    expect(inFlight).toBe(1);
    expect(lifecycle.inFlight).toBe(0);
  });

  it("refuses a delivery while shutting down: not run, counted as rejected, one warning, 503", async () => {
    const { app, deliver, deliveries, logs, lifecycle } = setup();
    let ran = false;
    app.on("pull_request.opened", async () => {
      ran = true;
    });
    await lifecycle.shutdown(1_000);
    const refused = deliver("pull_request", OPENED, hookedOctokit(ok), "d-3");
    await expect(refused).rejects.toBeInstanceOf(ShuttingDownError);
    const error = await refused.catch((e: unknown) => e);
    expect((error as ShuttingDownError).status).toBe(503);
    expect(ran).toBe(false);
    expect(deliveries).toEqual([["pull_request.opened", "rejected"]]);
    expect(logs).toEqual([
      {
        level: "warn",
        fields: { event: "pull_request.opened", delivery: "d-3" },
        message: expect.stringContaining("shutting down"),
      },
    ]);
    expect(wasLogged(error)).toBe(true);
  });

  it("passes everything but `on` through to the app", () => {
    const recording = recordingApp();
    const base = Object.assign(recording.app, { log: { name: "probot-log" }, version: "14" });
    const app = instrumented(base, {
      policy: DEFAULT_RETRY_POLICY,
      metrics: recordingMetrics().metrics,
      lifecycle: new Lifecycle(),
    });
    expect(app.log).toBe(base.log);
    expect((app as unknown as { version: string }).version).toBe("14");
    expect(app.on).not.toBe(base.on);
  });
});
