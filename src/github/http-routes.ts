/**
 * The operator's endpoints, served beside the webhook path:
 * - `GET /healthz`: liveness (the process answers; 503 while shutting down).
 * - `GET /readyz`: readiness (the database answers and every migration this version knows is
 *   applied); 503 with the reason otherwise, so a load balancer sends deliveries elsewhere.
 * - `GET /metrics`: Prometheus text format.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import { appliedMigrationVersion } from "../db/migrate.js";
import type { Lifecycle } from "./lifecycle.js";
import type { Metrics } from "./metrics.js";

export interface RouteDeps {
  pool?: pg.Pool;
  /** The number of migrations this version knows (all must be applied to be ready). */
  migrations: number;
  metrics: Metrics;
  lifecycle: Lifecycle;
}

function send(res: ServerResponse, status: number, body: string, type = "application/json"): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

export async function readiness(
  deps: Pick<RouteDeps, "pool" | "migrations" | "lifecycle">,
): Promise<{ ready: boolean; reason?: string; migrations?: number }> {
  if (deps.lifecycle.draining) return { ready: false, reason: "shutting down" };
  if (deps.pool === undefined) return { ready: true };
  try {
    const applied = await appliedMigrationVersion(deps.pool);
    if (applied < deps.migrations) {
      return {
        ready: false,
        reason: `database schema at migration ${applied} of ${deps.migrations}: run \`cost-value migrate\``,
        migrations: applied,
      };
    }
    return { ready: true, migrations: applied };
  } catch (error) {
    return {
      ready: false,
      reason: `database unreachable: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** A Probot `addHandler` handler; answers only its own paths. */
export function operatorRoutes(deps: RouteDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if (path === "/healthz") {
      send(
        res,
        deps.lifecycle.draining ? 503 : 200,
        JSON.stringify({
          status: deps.lifecycle.draining ? "shutting down" : "ok",
          inFlight: deps.lifecycle.inFlight,
        }),
      );
      return true;
    }
    if (path === "/readyz") {
      const result = await readiness(deps);
      send(
        res,
        result.ready ? 200 : 503,
        JSON.stringify({ status: result.ready ? "ready" : "not ready", ...result }),
      );
      return true;
    }
    if (path === "/metrics") {
      send(res, 200, await deps.metrics.text(), deps.metrics.contentType);
      return true;
    }
    return false;
  };
}
