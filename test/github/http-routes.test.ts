import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { operatorRoutes, type RouteDeps, readiness } from "../../src/github/http-routes.js";
import type { Lifecycle } from "../../src/github/lifecycle.js";
import type { Metrics } from "../../src/github/metrics.js";

const lifecycle = (draining: boolean, inFlight = 0) => ({ draining, inFlight }) as Lifecycle;
const poolAt = (version: number) =>
  ({ query: async () => ({ rows: [{ n: version }] }) }) as unknown as pg.Pool;
const unreachable = {
  query: async () => {
    throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
  },
} as unknown as pg.Pool;
const metrics = {
  text: async () => "cost_value_up 1\n",
  contentType: "text/plain; version=0.0.4",
} as unknown as Metrics;

interface Answer {
  handled: boolean;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

async function get(deps: RouteDeps, url: string, method = "GET"): Promise<Answer> {
  const answer: Answer = { handled: false };
  const res = {
    writeHead(status: number, headers: Record<string, string>) {
      answer.status = status;
      answer.headers = headers;
    },
    end(body: string) {
      answer.body = body;
    },
  } as unknown as ServerResponse;
  answer.handled = await operatorRoutes(deps)({ method, url } as IncomingMessage, res);
  return answer;
}

describe("readiness", () => {
  it("is ready without a database, and when every migration is applied", async () => {
    expect(await readiness({ migrations: 3, lifecycle: lifecycle(false) })).toEqual({
      ready: true,
    });
    expect(
      await readiness({ pool: poolAt(3), migrations: 3, lifecycle: lifecycle(false) }),
    ).toEqual({ ready: true, migrations: 3 });
  });

  it("is not ready while shutting down, behind on migrations, or when the database fails", async () => {
    expect(await readiness({ pool: poolAt(3), migrations: 3, lifecycle: lifecycle(true) })).toEqual(
      { ready: false, reason: "shutting down" },
    );
    expect(
      await readiness({ pool: poolAt(2), migrations: 3, lifecycle: lifecycle(false) }),
    ).toEqual({
      ready: false,
      reason: "database schema at migration 2 of 3: run `cost-value migrate`",
      migrations: 2,
    });
    expect(
      await readiness({ pool: unreachable, migrations: 3, lifecycle: lifecycle(false) }),
    ).toEqual({
      ready: false,
      reason: "database unreachable: connect ECONNREFUSED 127.0.0.1:5432",
    });
  });
});

describe("operatorRoutes", () => {
  const deps = (draining: boolean, pool?: pg.Pool): RouteDeps => ({
    ...(pool !== undefined ? { pool } : {}),
    migrations: 3,
    metrics,
    lifecycle: lifecycle(draining, 2),
  });

  it("answers /healthz with 200 ok, and 503 while shutting down", async () => {
    const ok = await get(deps(false), "/healthz?probe=1");
    expect(ok).toMatchObject({ handled: true, status: 200 });
    expect(ok.headers).toEqual({ "content-type": "application/json", "cache-control": "no-store" });
    expect(JSON.parse(ok.body ?? "")).toEqual({ status: "ok", inFlight: 2 });
    const draining = await get(deps(true), "/healthz");
    expect(draining.status).toBe(503);
    expect(JSON.parse(draining.body ?? "")).toEqual({ status: "shutting down", inFlight: 2 });
  });

  it("answers /readyz with the readiness and its reason", async () => {
    const ready = await get(deps(false, poolAt(3)), "/readyz");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body ?? "")).toEqual({ status: "ready", ready: true, migrations: 3 });
    const behind = await get(deps(false, poolAt(1)), "/readyz", "HEAD");
    expect(behind.status).toBe(503);
    expect(JSON.parse(behind.body ?? "")).toMatchObject({ status: "not ready", ready: false });
  });

  it("serves /metrics in the metrics' content type", async () => {
    const answer = await get(deps(false), "/metrics");
    expect(answer).toMatchObject({ handled: true, status: 200, body: "cost_value_up 1\n" });
    expect(answer.headers?.["content-type"]).toBe("text/plain; version=0.0.4");
  });

  it("leaves other paths and methods to the next handler", async () => {
    expect((await get(deps(false), "/api/github/webhooks")).handled).toBe(false);
    expect((await get(deps(false), "/healthz", "POST")).handled).toBe(false);
  });
});
