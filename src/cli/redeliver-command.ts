/**
 * `cost-value redeliver [--since 24h] [--dry-run] [--json] [--max-attempts 5]`: ask GitHub to
 * deliver again the app's webhook deliveries that failed (GitHub retries none by itself and keeps
 * deliveries for 3 days).
 *
 * Pages `GET /app/hook/deliveries` (newest first, 100 a page, cursor paging through the `link`
 * header) down to the `--since` horizon, groups the deliveries by event (`guid`: a redelivery keeps
 * it), and for each event whose latest attempt failed, POSTs
 * `/app/hook/deliveries/{id}/attempts` once. An event already delivered successfully after its
 * failure (a redelivery that went through) is skipped, and so is one that failed `--max-attempts`
 * times (a delivery the app keeps refusing needs a fix, not more attempts). Sequential: one request
 * at a time, writes spaced by the app's pacing (`pacing.ts`). Safe to repeat.
 */
import { parseSince } from "../core/agent-logs/entry-filters.js";
import {
  type AppClientOptions,
  type AppClients,
  AppCredentialsError,
  appCredentialsFromEnv,
  createAppClients,
  describeGitHubError,
} from "../github/app-client.js";
import { type CliIo, EXIT } from "./io.js";

export interface RedeliverOptions {
  since?: string;
  dryRun?: boolean;
  json?: boolean;
  maxAttempts?: string;
}

export interface RedeliverDeps {
  /** GitHub clients (default: from APP_ID / PRIVATE_KEY in `io.env`). */
  clients?: AppClients;
  /** Options for the clients made from the environment (tests: the Octokit class, retries). */
  clientOptions?: AppClientOptions;
  now?: () => Date;
}

/** One delivery as `GET /app/hook/deliveries` lists it. */
export interface HookDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id?: number | null;
  repository_id?: number | null;
}

export type RedeliveryResult = "redelivered" | "would-redeliver" | "skipped" | "failed";

export interface RedeliveryLine {
  guid: string;
  /** The delivery asked to be delivered again (the event's latest failed attempt). */
  deliveryId: number;
  event: string;
  action: string | null;
  deliveredAt: string;
  status: string;
  statusCode: number;
  /** Attempts GitHub made for this event within the window, failed ones. */
  failedAttempts: number;
  result: RedeliveryResult;
  reason?: string;
}

export const DEFAULT_SINCE = "24h";
export const DEFAULT_MAX_ATTEMPTS = 5;
/** GitHub keeps deliveries this long. */
const RETENTION_MS = 3 * 86_400_000;

/** A delivery GitHub counts as delivered: a 2xx/3xx answer, status `OK`. */
export function deliverySucceeded(d: Pick<HookDelivery, "status" | "status_code">): boolean {
  return d.status_code >= 200 && d.status_code < 400 && d.status.trim().toUpperCase() === "OK";
}

function time(d: HookDelivery): number {
  const ms = Date.parse(d.delivered_at);
  return Number.isNaN(ms) ? 0 : ms;
}

function describeStatus(d: HookDelivery): string {
  const status = d.status.trim();
  if (d.status_code === 0) return status === "" ? "no answer" : status;
  return status === "" || status === "OK"
    ? `HTTP ${d.status_code}`
    : `HTTP ${d.status_code}, ${status}`;
}

/**
 * What to do per event (pure): deliveries within the window, any order. Returns one line per event
 * whose latest attempt failed, oldest first; results are `would-redeliver` or `skipped`.
 */
export function planRedeliveries(
  deliveries: readonly HookDelivery[],
  maxAttempts: number,
): RedeliveryLine[] {
  const byGuid = new Map<string, HookDelivery[]>();
  for (const d of deliveries) {
    const list = byGuid.get(d.guid) ?? [];
    list.push(d);
    byGuid.set(d.guid, list);
  }
  const lines: RedeliveryLine[] = [];
  for (const [guid, list] of byGuid) {
    list.sort((a, b) => time(a) - time(b) || a.id - b.id);
    const failures = list.filter((d) => !deliverySucceeded(d));
    const lastFailure = failures.at(-1);
    if (lastFailure === undefined) continue;
    const laterSuccess = list.find((d) => deliverySucceeded(d) && time(d) >= time(lastFailure));
    const line: RedeliveryLine = {
      guid,
      deliveryId: lastFailure.id,
      event: lastFailure.event,
      action: lastFailure.action,
      deliveredAt: lastFailure.delivered_at,
      status: lastFailure.status,
      statusCode: lastFailure.status_code,
      failedAttempts: failures.length,
      result: "would-redeliver",
    };
    if (laterSuccess !== undefined) {
      line.result = "skipped";
      line.reason = `${laterSuccess.redelivery ? "redelivered" : "delivered"} OK at ${laterSuccess.delivered_at}`;
    } else if (failures.length >= maxAttempts) {
      line.result = "skipped";
      line.reason = `failed ${failures.length} times; not retried (--max-attempts ${maxAttempts}): see the app's log for why it refuses this delivery`;
    }
    lines.push(line);
  }
  return lines.sort((a, b) => Date.parse(a.deliveredAt) - Date.parse(b.deliveredAt));
}

function listingHint(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  if (status === 401)
    return " (GitHub refused the app's credentials: is APP_ID the app of this PRIVATE_KEY, and is the machine's clock right?)";
  if (status === 404)
    return " (does the app have a webhook? GitHub lists deliveries only for an app with an active webhook)";
  return "";
}

export async function runRedeliverCommand(
  options: RedeliverOptions,
  io: CliIo,
  deps: RedeliverDeps = {},
): Promise<number> {
  const fail = (message: string, code: number): number => {
    io.stderr(`cost-value redeliver: ${message}\n`);
    return code;
  };
  const now = (deps.now ?? (() => new Date()))();
  const since = parseSince(options.since ?? DEFAULT_SINCE, now.getTime());
  if (!since.ok) {
    return fail(since.reason, EXIT.usage);
  }
  if (since.ms > now.getTime()) {
    return fail(`--since ${options.since} is in the future`, EXIT.usage);
  }
  const maxAttempts =
    options.maxAttempts === undefined ? DEFAULT_MAX_ATTEMPTS : Number(options.maxAttempts);
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    return fail(
      `--max-attempts "${options.maxAttempts}" is not a whole number of at least 1, e.g. --max-attempts 5`,
      EXIT.usage,
    );
  }
  const horizon = new Date(since.ms);
  const notes: string[] = [];
  if (now.getTime() - since.ms > RETENTION_MS) {
    notes.push("GitHub keeps deliveries for 3 days: older ones cannot be listed or redelivered");
  }

  let clients: AppClients;
  try {
    clients =
      deps.clients ??
      createAppClients(appCredentialsFromEnv(io.env, io.cwd), {
        log: { warn: (m) => io.stderr(`cost-value redeliver: GitHub client: ${m}\n`) },
        ...deps.clientOptions,
      });
  } catch (error) {
    if (error instanceof AppCredentialsError) return fail(error.message, EXIT.usage);
    throw error;
  }

  // newest first: stop after the page that reaches past the horizon
  const inWindow: HookDelivery[] = [];
  let pages = 0;
  let listed = 0;
  try {
    for await (const page of clients.app.paginate.iterator("GET /app/hook/deliveries", {
      per_page: 100,
    })) {
      pages++;
      const items = page.data as HookDelivery[];
      listed += items.length;
      let older = false;
      for (const d of items) {
        if (time(d) >= since.ms) inWindow.push(d);
        else older = true;
      }
      if (older) break;
    }
  } catch (error) {
    return fail(
      `the app's deliveries could not be listed (GET /app/hook/deliveries): ${describeGitHubError(error)}${listingHint(error)}`,
      EXIT.failure,
    );
  }

  const lines = planRedeliveries(inWindow, maxAttempts);
  for (const line of lines) {
    if (line.result !== "would-redeliver" || options.dryRun === true) {
      if (options.json !== true) io.stdout(`${formatLine(line)}\n`);
      continue;
    }
    try {
      await clients.app.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
        delivery_id: line.deliveryId,
      });
      line.result = "redelivered";
    } catch (error) {
      line.result = "failed";
      line.reason = describeGitHubError(error);
    }
    if (options.json !== true) io.stdout(`${formatLine(line)}\n`);
  }

  const count = (result: RedeliveryResult) => lines.filter((l) => l.result === result).length;
  const summary = {
    since: horizon.toISOString(),
    dryRun: options.dryRun === true,
    pages,
    listed,
    inWindow: inWindow.length,
    failedEvents: lines.length,
    redelivered: count("redelivered"),
    wouldRedeliver: count("would-redeliver"),
    skipped: count("skipped"),
    failed: count("failed"),
  };
  if (options.json === true) {
    io.stdout(`${JSON.stringify({ ...summary, notes, deliveries: lines }, null, 2)}\n`);
  } else {
    for (const note of notes) io.stderr(`cost-value redeliver: note: ${note}\n`);
    const acted =
      summary.dryRun === true
        ? `${summary.wouldRedeliver} would be redelivered (--dry-run)`
        : `${summary.redelivered} redelivered, ${summary.failed} failed to redeliver`;
    io.stdout(
      `${summary.inWindow} deliveries since ${summary.since} (${pages} ${pages === 1 ? "page" : "pages"}); ${lines.length} events failed: ${acted}, ${summary.skipped} skipped\n`,
    );
  }
  if (summary.failed > 0) {
    if (options.json !== true) {
      io.stderr(
        `cost-value redeliver: ${summary.failed} redelivery ${summary.failed === 1 ? "request" : "requests"} failed; run again later (events already redelivered are skipped)\n`,
      );
    }
    return EXIT.failure;
  }
  return EXIT.ok;
}

function formatLine(line: RedeliveryLine): string {
  const event = line.action !== null ? `${line.event}.${line.action}` : line.event;
  const status = describeStatus({
    status: line.status,
    status_code: line.statusCode,
  } as HookDelivery);
  const attempts = line.failedAttempts > 1 ? ` (${line.failedAttempts} attempts)` : "";
  const outcome =
    line.result === "redelivered"
      ? "redelivered"
      : line.result === "would-redeliver"
        ? "would redeliver (--dry-run)"
        : line.result === "skipped"
          ? `skipped: ${line.reason}`
          : `FAILED: ${line.reason}`;
  return `${line.guid}  ${event}  ${line.deliveredAt}  ${status}${attempts}  → ${outcome}`;
}
