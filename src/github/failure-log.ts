/**
 * One log line per failed delivery. Probot logs a handler's error itself (with the whole webhook
 * event: the payload, tens of kilobytes), and @octokit/webhooks' middleware logs it again inside an
 * AggregateError; in the pretty format of `npm start` one GitHub outage printed ~1,500 lines.
 *
 * The app logs a failure once, where it knows the pull request and the cause, and marks the error;
 * the logger `npm start` uses (`createLog`) drops later records of a marked error (Probot's and the
 * middleware's) and never prints a webhook event's payload inside an error (its id and name only).
 * The payload of a failed delivery is logged at debug, bounded.
 */
import { GitHubUnavailableError, networkFailure } from "./resilience.js";

const logged = new WeakSet<object>();

/** This error has been logged with its context: later loggers of it stay quiet. */
export function markLogged(error: unknown): void {
  if (typeof error === "object" && error !== null) logged.add(error);
}

/** Logged already (an AggregateError: when every error inside it was). */
export function wasLogged(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if (logged.has(error)) return true;
  const inner = (error as { errors?: unknown }).errors;
  return (
    error instanceof AggregateError &&
    Array.isArray(inner) &&
    inner.length > 0 &&
    inner.every((e) => typeof e === "object" && e !== null && logged.has(e))
  );
}

interface ErrorLog {
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * Log `error` once, with `fields`. GitHub being unavailable is an operating condition, not a bug:
 * one line with the cause as Node or GitHub gave it (`ENOTFOUND api.github.com`, `HTTP 502`) and
 * no stack. Anything else keeps its stack (`err`).
 */
export function logFailure(
  log: ErrorLog,
  error: unknown,
  fields: Record<string, unknown>,
  message: string,
): void {
  if (wasLogged(error)) return;
  if (error instanceof GitHubUnavailableError) {
    const cause =
      networkFailure(error) ?? (error.status !== undefined ? `HTTP ${error.status}` : error.reason);
    log.error({ ...fields, cause }, `${message}: ${error.message}`);
  } else {
    log.error({ ...fields, err: error }, message);
  }
  markLogged(error);
}

/** The most of a payload logged at debug. */
export const PAYLOAD_LOG_LIMIT = 4_000;

/** A payload as JSON, cut at `limit` characters (saying how long it was). */
export function boundedPayload(payload: unknown, limit = PAYLOAD_LOG_LIMIT): string {
  let text: string;
  try {
    text = JSON.stringify(payload) ?? String(payload);
  } catch {
    text = String(payload);
  }
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}… (${text.length.toLocaleString("en-US")} characters in all)`;
}

/** A webhook event inside a logged error: which delivery it was, never its payload. */
export function summarizeEvent(event: unknown): unknown {
  if (typeof event !== "object" || event === null) return event;
  const e = event as { id?: unknown; name?: unknown; payload?: unknown };
  const payload = e.payload;
  const action =
    typeof payload === "object" && payload !== null
      ? (payload as { action?: unknown }).action
      : undefined;
  return {
    id: e.id,
    name: e.name,
    ...(typeof action === "string" ? { action } : {}),
  };
}
