/**
 * The smallest double of Probot's `app` for a handler module's unit tests: `on(events, handler)`
 * records what is registered; `deliver` calls the handlers registered for an event with a context
 * of `name`, `id`, `payload`, the given `octokit` (`{ request, graphql }`) and a log that records
 * each line.
 */
import type { Probot } from "probot";

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  fields: Record<string, unknown>;
  message: string;
}

type Handler = (context: never) => Promise<void>;

/** What a handler reads of an Octokit: REST by route, and GraphQL. */
export interface HandlerOctokit {
  request: (route: string, params: Record<string, unknown>) => Promise<{ data: unknown }>;
  graphql: (query: string, variables?: Record<string, unknown>) => Promise<unknown>;
}

export function recordingApp() {
  const registered: { events: string[]; handler: Handler }[] = [];
  const logs: LogLine[] = [];
  const line =
    (level: LogLine["level"]) =>
    (fields: Record<string, unknown> | string, message?: string): void => {
      logs.push(
        typeof fields === "string"
          ? { level, fields: {}, message: fields }
          : { level, fields, message: message ?? "" },
      );
    };
  const log = {
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
  };
  const app = {
    on: (events: string | string[], handler: Handler) => {
      registered.push({ events: [events].flat(), handler });
    },
  } as unknown as Probot;

  /**
   * Deliver one event (`name`, with `payload.action`) to the handlers registered for it; returns
   * how many ran.
   */
  async function deliver(
    name: string,
    payload: Record<string, unknown>,
    octokit: HandlerOctokit,
    id = "delivery-1",
  ): Promise<number> {
    const key = typeof payload.action === "string" ? `${name}.${payload.action}` : name;
    const handlers = registered.filter((r) => r.events.includes(key) || r.events.includes(name));
    for (const { handler } of handlers) {
      await handler({ name, id, payload, octokit, log } as never);
    }
    return handlers.length;
  }

  return {
    app,
    deliver,
    logs,
    /** Every event name registered, in order. */
    events: () => registered.flatMap((r) => r.events),
  };
}
