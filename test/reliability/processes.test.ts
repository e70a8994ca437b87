/**
 * The app as real OS processes (`src/server.ts`, what `npm start` runs) against a fake GitHub on
 * 127.0.0.1: SIGKILL mid-evaluation then a restart, SIGTERM with a delivery in flight. Two
 * processes sharing one PostgreSQL: two-processes.postgres.test.ts.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sendDelivery } from "../helpers/app-process.js";
import { addPr, checkRunsOf, fakeGitHub, payloadOf, start } from "./processes-fixture.js";

describe("a process killed mid-evaluation (SIGKILL)", () => {
  it("restarts, takes the evaluation over from the durable queue, and ends with one run", async () => {
    const { github, server } = await fakeGitHub();
    const pr = addPr(github, 7);
    const dataDir = join(mkdtempSync(join(tmpdir(), "cv-kill-")), "data");
    const env = {
      COST_VALUE_DATA_DIR: dataDir,
      COST_VALUE_LEASE_SECONDS: "2",
      COST_VALUE_SWEEP_SECONDS: "1",
    };
    const first = await start(server, env);
    // GitHub stalls the read: the evaluation is in the middle when the process dies
    github.hang("graphql", { times: 1 });
    const delivery = sendDelivery({
      url: first.url,
      secret: first.secret,
      event: "pull_request",
      deliveryId: "kill-1",
      payload: payloadOf(pr),
    }).catch(() => ({ status: 0, body: "" }));
    await expect
      .poll(() => github.requests.some((r) => r.operation !== undefined), { timeout: 20_000 })
      .toBe(true);
    first.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    expect((await delivery).status).toBe(0); // no answer: GitHub would record a failed delivery
    expect(checkRunsOf(github, pr)).toHaveLength(0);

    const second = await start(server, env);
    // the sweep finds the dead process's request once its lease expires, and finishes it
    await expect.poll(() => checkRunsOf(github, pr).length, { timeout: 30_000 }).toBe(1);
    // GitHub's redelivery of the failed delivery changes nothing but the same run
    const redelivered = await sendDelivery({
      url: second.url,
      secret: second.secret,
      event: "pull_request",
      deliveryId: "kill-1",
      payload: payloadOf(pr),
    });
    expect(redelivered.status).toBe(200);
    expect(checkRunsOf(github, pr)).toHaveLength(1);
    expect(checkRunsOf(github, pr)[0]).toMatchObject({
      head_sha: pr.headSha,
      conclusion: "success",
    });
  }, 120_000);
});

describe("SIGTERM", () => {
  it("stops taking deliveries, finishes the one in flight, closes the database, exits 0", async () => {
    const { github, server } = await fakeGitHub();
    const pr = addPr(github, 8);
    const app = await start(server, {});
    github.hang("graphql", { ms: 1_500, times: 1 });
    const inFlight = sendDelivery({
      url: app.url,
      secret: app.secret,
      event: "pull_request",
      deliveryId: "term-1",
      payload: payloadOf(pr),
    });
    await expect
      .poll(() => github.requests.some((r) => r.operation !== undefined), { timeout: 20_000 })
      .toBe(true);
    app.kill("SIGTERM");
    expect((await inFlight).status).toBe(200);
    const exit = await app.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(checkRunsOf(github, pr)).toHaveLength(1);
    expect(app.output()).toContain("cost-value: stopped cleanly");
    // nothing listens any more
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
  }, 120_000);
});
