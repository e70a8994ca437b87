/**
 * Probot's `app` with every handler instrumented: the retry policy on the event's Octokit,
 * deliveries counted by outcome, work tracked for shutdown (and refused while shutting down).
 */
import type { Context, Probot } from "probot";
import { boundedPayload, logFailure, markLogged, PAYLOAD_LOG_LIMIT } from "./failure-log.js";
import { type Lifecycle, ShuttingDownError } from "./lifecycle.js";
import type { Metrics } from "./metrics.js";
import { applyResilience, type RetryPolicy } from "./resilience.js";

function describeEvent(context: Context): string {
  const action = (context.payload as { action?: unknown }).action;
  return typeof action === "string" ? `${context.name}.${action}` : context.name;
}

export function instrumented(
  app: Probot,
  deps: { policy: RetryPolicy; metrics: Metrics; lifecycle: Lifecycle },
): Probot {
  const wrap =
    (handler: (context: Context) => Promise<void>) =>
    async (context: Context): Promise<void> => {
      const event = describeEvent(context);
      try {
        applyResilience(context.octokit, deps.policy, {
          onAttempt: (a) => deps.metrics.apiCall(a.outcome, a.rateLimitRemaining, a.queuedMs),
        });
        await deps.lifecycle.track(() => handler(context));
        deps.metrics.delivery(event, "ok");
      } catch (error) {
        const rejected = error instanceof ShuttingDownError;
        deps.metrics.delivery(event, rejected ? "rejected" : "failed");
        // the one line of this failure (unless the evaluation logged it with its PR already);
        // Probot and the webhooks middleware log it again: createLog drops those
        if (rejected) {
          context.log.warn({ event, delivery: context.id }, error.message);
          markLogged(error);
        } else {
          logFailure(
            context.log,
            error,
            { event, delivery: context.id },
            "cost-value: delivery failed",
          );
          context.log.debug(
            { event, delivery: context.id, payload: boundedPayload(context.payload) },
            `cost-value: payload of the failed delivery (at most ${PAYLOAD_LOG_LIMIT} characters)`,
          );
        }
        throw error;
      }
    };
  const on = (events: unknown, handler: (context: Context) => Promise<void>) =>
    (app.on as (e: unknown, h: (c: Context) => Promise<void>) => void)(events, wrap(handler));
  return new Proxy(app, {
    get: (target, property, receiver) =>
      property === "on" ? on : Reflect.get(target, property, receiver),
  });
}
