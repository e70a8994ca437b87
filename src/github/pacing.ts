/**
 * GitHub's pacing, per installation, for every Octokit of this process (`CostValueOctokit`
 * attaches its installation's pacer; `applyResilience` takes a slot before each attempt and only
 * then starts the attempt's timeout, so time spent waiting here is never counted as a network
 * fault). It replaces Octokit's throttling plugin, which is switched off (see `octokit.ts`).
 *
 * What GitHub paces, and only that (docs: "Rate limits for the REST API", "Rate limits and query
 * limits for the GraphQL API", "Best practices for using the REST API"):
 * - content-creating requests (REST POST, PATCH, PUT, DELETE; GraphQL mutations): one at a time,
 *   sent ≥ 1 s apart ("wait at least one second between each request"; 80 per minute at most):
 *   the next starts 1 s after the previous one left (after its token exchange, if it needed one).
 *   Octokit's plugin also put every GraphQL *query* there, which doubled a burst's time: a query
 *   creates nothing and is not paced here. Writes that notify people (issues, comments: the
 *   plugin's list) keep the plugin's 3 s spacing.
 * - points per minute (secondary limits): REST 900 (GET 1, a write 5), GraphQL 2,000 (a query 1,
 *   a mutation 5). Counted over a sliding minute; a request waits until its points fit.
 * - concurrency: at most `maxConcurrent` requests of an installation in flight (GitHub allows 100).
 * - after a rate-limit answer, the installation waits as GitHub said instead of every queued
 *   request hitting the limit again: a secondary limit (`retry-after`, GitHub's "secondary rate
 *   limit" message) pauses all its requests; a primary one (`x-ratelimit-remaining: 0` until
 *   `x-ratelimit-reset`, or GraphQL's `RATE_LIMITED`) pauses the resource that ran out (`core`,
 *   `graphql`, `search`). A pause longer than the caller may wait fails at once
 *   ({@link PacingPausedError}, with when to try again) rather than holding the request.
 *
 * The state lives in this process only: two app instances for one installation each pace
 * themselves (GitHub may then see up to twice the pace). Sharing it needs a store both can reach
 * (Octokit's plugin used Redis for this).
 */

export interface PacingLimits {
  /** Requests of one installation in flight at once. */
  maxConcurrent: number;
  /** Between the starts of two content-creating requests (they also never overlap). */
  writeSpacingMs: number;
  /** Between the starts of two writes that notify people (issues, comments). */
  notificationSpacingMs: number;
  /** GitHub's secondary limit of points per minute for GraphQL. */
  graphqlPointsPerMinute: number;
  /** GitHub's secondary limit of points per minute for REST. */
  restPointsPerMinute: number;
}

export const DEFAULT_PACING: PacingLimits = {
  maxConcurrent: 10,
  writeSpacingMs: 1_000,
  notificationSpacingMs: 3_000,
  graphqlPointsPerMinute: 2_000,
  restPointsPerMinute: 900,
};

const MINUTE = 60_000;

export type RequestKind = "read" | "query" | "write" | "auth";
export type Resource = "core" | "graphql" | "search";

/** What one request costs GitHub's limits. */
export interface RequestClass {
  /**
   * read: REST GET/HEAD; query: GraphQL query; write: content-creating; auth: a token exchange
   * (never paced: Octokit makes it inside the attempt of the request that needs the token).
   */
  kind: RequestKind;
  resource: Resource;
  /** Secondary-limit points (REST GET 1, REST write 5; GraphQL query 1, mutation 5; auth 0). */
  points: number;
  /** A write that notifies people (spaced like Octokit's throttling plugin did). */
  notifies: boolean;
}

// Octokit's throttling plugin's list of writes that trigger notifications
// (@octokit/plugin-throttling, triggers-notification-paths)
const NOTIFYING = [
  "/orgs/{org}/invitations",
  "/orgs/{org}/invitations/{invitation_id}",
  "/orgs/{org}/teams/{team_slug}/discussions",
  "/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
  "/repos/{owner}/{repo}/collaborators/{username}",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/releases",
  "/teams/{team_id}/discussions",
  "/teams/{team_id}/discussions/{discussion_number}/comments",
];
const NOTIFYING_RE = new RegExp(
  `^(?:${NOTIFYING.map((p) => p.replace(/\{[^}]+\}/g, "[^/]+")).join("|")})$`,
  "i",
);

/** The path GitHub sees: without the host, the query, and GHES's `/api/v3` prefix. */
function pathOf(url: string): string {
  let path: string;
  try {
    path = new URL(url, "http://github.invalid").pathname;
  } catch {
    path = url.split("?")[0] ?? url;
  }
  if (path.startsWith("/api/v3/")) return path.slice("/api/v3".length);
  if (path === "/api/graphql") return "/graphql";
  return path;
}

function isAuthRequest(method: string, path: string): boolean {
  return (
    (method === "PATCH" && /^\/applications\/[^/]+\/token\/scoped$/.test(path)) ||
    (method === "POST" &&
      (/^\/applications\/[^/]+\/token$/.test(path) ||
        /^\/app\/installations\/[^/]+\/access_tokens$/.test(path) ||
        path === "/login/oauth/access_token"))
  );
}

/** A GraphQL document whose operation is a mutation (comments and blank lines skipped). */
function isMutation(query: unknown): boolean {
  return typeof query === "string" && /^(?:\s|#[^\n]*\n)*mutation\b/.test(query);
}

/** How GitHub's limits count a request (`query`: the GraphQL document, when it is one). */
export function classifyRequest(method: string, url: string, query?: unknown): RequestClass {
  const m = method.toUpperCase();
  const path = pathOf(url);
  if (path === "/graphql") {
    return isMutation(query)
      ? { kind: "write", resource: "graphql", points: 5, notifies: false }
      : { kind: "query", resource: "graphql", points: 1, notifies: false };
  }
  const resource: Resource = path.startsWith("/search/") ? "search" : "core";
  if (isAuthRequest(m, path)) return { kind: "auth", resource, points: 0, notifies: false };
  if (m === "GET" || m === "HEAD" || m === "OPTIONS") {
    return { kind: "read", resource, points: 1, notifies: false };
  }
  return { kind: "write", resource, points: 5, notifies: NOTIFYING_RE.test(path) };
}

/** Points spent over a sliding minute. */
class PointsWindow {
  readonly #spent: { at: number; points: number }[] = [];
  #sum = 0;

  constructor(readonly limit: number) {}

  #expire(now: number): void {
    while (this.#spent.length > 0 && (this.#spent[0]?.at ?? now) <= now - MINUTE) {
      this.#sum -= this.#spent.shift()?.points ?? 0;
    }
  }

  /** When `points` more fit (now, or when enough earlier ones leave the window). */
  readyAt(points: number, now: number): number {
    this.#expire(now);
    if (points <= 0 || this.#sum + points <= this.limit) return now;
    let freed = 0;
    for (const entry of this.#spent) {
      freed += entry.points;
      if (this.#sum - freed + points <= this.limit) return entry.at + MINUTE;
    }
    return now; // more than the whole budget at once: let it through alone
  }

  spend(points: number, now: number): void {
    if (points <= 0) return;
    this.#spent.push({ at: now, points });
    this.#sum += points;
  }

  get empty(): boolean {
    return this.#spent.length === 0;
  }
}

/** The installation is paused (a rate limit) for longer than the caller may wait. */
export class PacingPausedError extends Error {
  override name = "PacingPausedError";
  /** Nothing was sent: the request can be repeated safely. */
  readonly notSent = true;
  constructor(
    message: string,
    /** When requests may go again (ms since epoch). */
    readonly retryAt: number,
    /** The status of the answer that paused the installation. */
    readonly status: number,
  ) {
    super(message);
  }
}

/** A taken slot: release it when the attempt is over (answered, failed or timed out). */
export interface PacingSlot {
  /** How long the request waited for its slot (ms). */
  readonly waitedMs: number;
  /**
   * The request is leaving now (its fetch was called; an installation token may have been fetched
   * first): the next write is spaced from this moment, so writes reach GitHub ≥ 1 s apart.
   */
  sent(): void;
  release(): void;
}

export interface PacerStats {
  /** Slots given, by kind. */
  granted: Record<RequestKind, number>;
  /** The longest wait for a slot, by kind (ms). */
  maxWaitMs: Record<RequestKind, number>;
  /** Total waiting, by kind (ms). */
  totalWaitMs: Record<RequestKind, number>;
  /** Pauses after rate-limit answers. */
  pauses: number;
}

interface Waiter {
  cls: RequestClass;
  since: number;
  maxPauseMs: number;
  resolve: (slot: PacingSlot) => void;
  reject: (error: unknown) => void;
}

type PauseScope = "all" | Resource;

const zero = (): Record<RequestKind, number> => ({ read: 0, query: 0, write: 0, auth: 0 });

/** One installation's pacing (one per installation and process: see {@link pacerFor}). */
export class Pacer {
  readonly stats: PacerStats = {
    granted: zero(),
    maxWaitMs: zero(),
    totalWaitMs: zero(),
    pauses: 0,
  };
  readonly #waiting: Waiter[] = [];
  #active = 0;
  #writing = false;
  #lastWriteAt = Number.NEGATIVE_INFINITY;
  #lastNotifyAt = Number.NEGATIVE_INFINITY;
  readonly #pausedUntil: Record<PauseScope, { until: number; status: number }> = {
    all: { until: 0, status: 429 },
    core: { until: 0, status: 403 },
    graphql: { until: 0, status: 200 },
    search: { until: 0, status: 403 },
  };
  readonly #points: { graphql: PointsWindow; rest: PointsWindow };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** Last time anything happened here (for dropping idle pacers). */
  lastUsed = Date.now();

  constructor(
    readonly key: string,
    readonly limits: PacingLimits = DEFAULT_PACING,
  ) {
    this.#points = {
      graphql: new PointsWindow(limits.graphqlPointsPerMinute),
      rest: new PointsWindow(limits.restPointsPerMinute),
    };
  }

  /**
   * Wait for a slot for one attempt of `cls`. Rejects with {@link PacingPausedError} when a
   * rate-limit pause would keep it longer than `maxPauseMs`.
   */
  acquire(cls: RequestClass, options: { maxPauseMs?: number } = {}): Promise<PacingSlot> {
    return new Promise<PacingSlot>((resolve, reject) => {
      this.#waiting.push({
        cls,
        since: Date.now(),
        maxPauseMs: options.maxPauseMs ?? Number.POSITIVE_INFINITY,
        resolve,
        reject,
      });
      this.#pump();
    });
  }

  /**
   * GitHub answered with a rate limit: hold this installation's requests (all of them for a
   * secondary limit, else those of the resource) for `ms`.
   */
  pause(scope: PauseScope, ms: number, status: number): void {
    if (!(ms > 0)) return;
    const until = Date.now() + ms;
    const current = this.#pausedUntil[scope];
    if (until <= current.until) return;
    this.#pausedUntil[scope] = { until, status };
    this.stats.pauses++;
    this.#pump();
  }

  /** When requests of `resource` may go again (ms since epoch; 0: not paused). */
  pausedUntil(resource: Resource): number {
    const until = Math.max(this.#pausedUntil.all.until, this.#pausedUntil[resource].until);
    return until > Date.now() ? until : 0;
  }

  get idle(): boolean {
    return (
      this.#active === 0 &&
      this.#waiting.length === 0 &&
      this.#points.graphql.empty &&
      this.#points.rest.empty &&
      this.pausedUntil("core") === 0 &&
      this.pausedUntil("graphql") === 0 &&
      this.pausedUntil("search") === 0
    );
  }

  /** When `cls` may start (`busy`: a write is in flight; it starts after that one ends). */
  #readyAt(cls: RequestClass, now: number): { at: number; pause: number; status: number } | "busy" {
    const all = this.#pausedUntil.all;
    const own = this.#pausedUntil[cls.resource];
    const paused = all.until >= own.until ? all : own;
    let at = Math.max(now, paused.until);
    if (cls.kind === "write") {
      if (this.#writing) return "busy";
      at = Math.max(at, this.#lastWriteAt + this.limits.writeSpacingMs);
      if (cls.notifies) at = Math.max(at, this.#lastNotifyAt + this.limits.notificationSpacingMs);
    }
    const window = cls.resource === "graphql" ? this.#points.graphql : this.#points.rest;
    at = Math.max(at, window.readyAt(cls.points, now));
    return { at, pause: paused.until > now ? paused.until : 0, status: paused.status };
  }

  #pump(): void {
    const now = Date.now();
    this.lastUsed = now;
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.#waiting.length; ) {
      const waiter = this.#waiting[i] as Waiter;
      const ready = this.#readyAt(waiter.cls, now);
      if (ready === "busy") {
        i++;
        continue;
      }
      if (ready.pause > 0 && ready.pause - now > waiter.maxPauseMs) {
        this.#waiting.splice(i, 1);
        waiter.reject(
          new PacingPausedError(
            `GitHub asked this installation to wait until ${new Date(ready.pause).toISOString().slice(11, 19)} UTC (rate limit)`,
            ready.pause,
            ready.status,
          ),
        );
        continue;
      }
      if (ready.at > now) {
        next = Math.min(next, ready.at);
        i++;
        continue;
      }
      if (this.#active >= this.limits.maxConcurrent) break; // a release pumps again
      this.#waiting.splice(i, 1);
      this.#grant(waiter, now);
    }
    this.#schedule(next, now);
  }

  #schedule(at: number, now: number): void {
    if (at === Number.POSITIVE_INFINITY) return;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(0, at - now),
    );
  }

  #grant(waiter: Waiter, now: number): void {
    const { cls } = waiter;
    this.#active++;
    if (cls.kind === "write") {
      this.#writing = true;
      this.#lastWriteAt = now;
      if (cls.notifies) this.#lastNotifyAt = now;
    }
    (cls.resource === "graphql" ? this.#points.graphql : this.#points.rest).spend(cls.points, now);
    const waitedMs = now - waiter.since;
    this.stats.granted[cls.kind]++;
    this.stats.totalWaitMs[cls.kind] += waitedMs;
    this.stats.maxWaitMs[cls.kind] = Math.max(this.stats.maxWaitMs[cls.kind], waitedMs);
    let released = false;
    waiter.resolve({
      waitedMs,
      sent: () => {
        if (released || cls.kind !== "write") return;
        const at = Date.now();
        this.#lastWriteAt = Math.max(this.#lastWriteAt, at);
        if (cls.notifies) this.#lastNotifyAt = Math.max(this.#lastNotifyAt, at);
      },
      release: () => {
        if (released) return;
        released = true;
        this.#active--;
        if (cls.kind === "write") this.#writing = false;
        this.#pump();
      },
    });
  }
}

const pacers = new Map<string, Pacer>();
const IDLE_MS = 5 * MINUTE;

/** The pacer of `key` (an installation, or the app itself), shared by the whole process. */
export function pacerFor(key: string): Pacer {
  let pacer = pacers.get(key);
  if (pacer === undefined) {
    if (pacers.size >= 1_000 && pacers.size % 100 === 0) dropIdle();
    pacer = new Pacer(key);
    pacers.set(key, pacer);
  }
  return pacer;
}

/** Forget pacers unused for a while (their windows are empty, no pause pending). */
function dropIdle(): void {
  const before = Date.now() - IDLE_MS;
  for (const [key, pacer] of pacers) {
    if (pacer.lastUsed < before && pacer.idle) pacers.delete(key);
  }
}

/** The pacing key of an installation. */
export const installationKey = (installationId: number | string): string =>
  `installation-${String(installationId)}`;

const attached = new WeakMap<object, string | Pacer>();

/**
 * Pace this Octokit's requests with the pacer of `key` (looked up per request, so a pacer dropped
 * while idle is never split in two), or with this `pacer` (tests). Done by `CostValueOctokit`.
 */
export function attachPacer(octokit: object, pacer: string | Pacer): void {
  attached.set(octokit, pacer);
}

/** The pacer of an Octokit, if it has one (test Octokits have none: unpaced). */
export function pacerOf(octokit: object): Pacer | undefined {
  const pacer = attached.get(octokit);
  return typeof pacer === "string" ? pacerFor(pacer) : pacer;
}

interface RateLimitError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, unknown>; data?: unknown };
  headers?: Record<string, unknown>;
  errors?: { type?: string; message?: string }[];
}

/**
 * What a rate-limit answer pauses: `all` for a secondary limit (GitHub's message, or a
 * `retry-after` without the primary limit's `x-ratelimit-remaining: 0`), else the resource that
 * ran out (`x-ratelimit-resource`, or the request's own).
 */
export function pauseScope(error: unknown, cls: RequestClass): PauseScope {
  const e = (error ?? {}) as RateLimitError;
  const headers = e.response?.headers ?? e.headers ?? {};
  const text = `${e.message ?? ""} ${JSON.stringify(e.response?.data ?? "")} ${(e.errors ?? []).map((x) => x?.message ?? "").join(" ")}`;
  if (/secondary rate limit/i.test(text)) return "all";
  if (String(headers["x-ratelimit-remaining"] ?? "") === "0") {
    const named = String(headers["x-ratelimit-resource"] ?? "");
    return named === "graphql" || named === "search" || named === "core" ? named : cls.resource;
  }
  if (e.errors?.some((x) => x?.type === "RATE_LIMITED")) return "graphql";
  return "all";
}

/**
 * A successful answer that used the last request of a resource (`x-ratelimit-remaining: 0`):
 * the ms until its `x-ratelimit-reset`, so the next requests wait instead of being refused.
 */
export function exhaustedFor(
  headers: Record<string, unknown> | undefined,
  nowMs: number,
): { resource: string; ms: number } | undefined {
  if (String(headers?.["x-ratelimit-remaining"] ?? "") !== "0") return undefined;
  const reset = Number(headers?.["x-ratelimit-reset"]);
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return { resource: String(headers?.["x-ratelimit-resource"] ?? ""), ms: reset * 1000 - nowMs };
}
