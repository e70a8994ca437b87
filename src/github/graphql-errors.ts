/**
 * Sorting GraphQL failures. `octokit.graphql` throws a `GraphqlResponseError` (with `errors` and
 * the partial `data`) whenever GitHub's answer has `errors`, even when most of the data is there.
 * Partial answers are normal on GitHub: our documents ask for optional things in the same request
 * as required ones (the owner's `.github` repository, a hinted issue in another repository), and
 * GitHub answers `null` plus an error for any `Int` id beyond 2^31 (`databaseId`). So an error on
 * an optional path or on a field the reader can do without costs only that part of the answer
 * (logged at debug by the caller); anything else fails loudly.
 */
import type { GraphqlFn } from "./snapshot.js";
export interface GraphqlErrorEntry {
  type?: string;
  path?: readonly (string | number)[];
  message?: string;
}

/**
 * Which errors a reader can do without. `optional`: a part that may be absent (not found or
 * forbidden there leaves it `null`). `nullable`: a field read as "unknown" when GitHub could not
 * give it, whatever the error (every `databaseId` is, see {@link isDatabaseIdPath}).
 */
export interface ErrorTolerance {
  optional?: (path: readonly (string | number)[]) => boolean;
  nullable?: (path: readonly (string | number)[]) => boolean;
}

/**
 * A `databaseId` field (an `Int`): GitHub answers `null` and "Int cannot represent non 32-bit
 * signed integer value" for ids beyond 2^31, which every reader must treat as an unknown id.
 */
export function isDatabaseIdPath(path: readonly (string | number)[]): boolean {
  return path.at(-1) === "databaseId";
}

/** What a failed GraphQL call was. */
export type GraphqlFailure =
  /** No GraphQL `errors`: HTTP status, network, abort. Rethrow unchanged (the caller retries). */
  | { kind: "transport" }
  /** Only errors the reader tolerates, with data: use the data (`ignored`: for a debug log). */
  | { kind: "partial"; data: unknown; ignored: GraphqlErrorEntry[] }
  /** Something required is missing or forbidden (e.g. the pull request). */
  | { kind: "missing"; errors: GraphqlErrorEntry[] }
  /** Any other GraphQL error (rate limit, timeout, a field GitHub rejects). */
  | { kind: "failed"; errors: GraphqlErrorEntry[] };

/** Error types GitHub uses when the object is absent or the app may not see it. */
const MISSING_TYPES: ReadonlySet<string> = new Set(["NOT_FOUND", "FORBIDDEN"]);

function isMissing(e: GraphqlErrorEntry): boolean {
  return typeof e.type === "string" && MISSING_TYPES.has(e.type);
}

function toEntry(value: unknown): GraphqlErrorEntry {
  if (value === null || typeof value !== "object") return { message: String(value) };
  const v = value as Record<string, unknown>;
  return {
    ...(typeof v.type === "string" ? { type: v.type } : {}),
    ...(Array.isArray(v.path) ? { path: v.path as (string | number)[] } : {}),
    ...(typeof v.message === "string" ? { message: v.message } : {}),
  };
}

/**
 * Classify what `graphql()` threw. Duck-typed on `errors`/`data` (the shape of
 * `GraphqlResponseError`) so any client that behaves like `@octokit/graphql` works.
 */
export function classifyGraphqlFailure(
  error: unknown,
  tolerance: ErrorTolerance = {},
): GraphqlFailure {
  const raw = error !== null && typeof error === "object" ? (error as Record<string, unknown>) : {};
  if (!Array.isArray(raw.errors) || raw.errors.length === 0) return { kind: "transport" };
  const errors = raw.errors.map(toEntry);
  const tolerated = (e: GraphqlErrorEntry): boolean => {
    const path = e.path;
    if (path === undefined || path.length === 0) return false;
    if (isDatabaseIdPath(path) || tolerance.nullable?.(path) === true) return true;
    return isMissing(e) && tolerance.optional?.(path) === true;
  };
  const blocking = errors.filter((e) => !tolerated(e));
  if (blocking.length === 0) {
    return raw.data !== null && typeof raw.data === "object"
      ? { kind: "partial", data: raw.data, ignored: errors }
      : { kind: "missing", errors };
  }
  return blocking.every(isMissing)
    ? { kind: "missing", errors: blocking }
    : { kind: "failed", errors: blocking };
}

/** GitHub answered with GraphQL errors that are not "not found" on something optional. */
export class GraphqlReadError extends Error {
  override name = "GraphqlReadError";
}

export type QueryResult<T> =
  | {
      found: true;
      data: T;
      /** Errors GitHub gave beside the data that the reader could do without (log at debug). */
      ignored: GraphqlErrorEntry[];
    }
  | { found: false; cause: unknown };

/**
 * Send a document. Data comes back also when GitHub's errors touch only what `tolerance` allows
 * (and any `databaseId`); `found: false` when something required is missing or forbidden
 * (`cause`: what `graphql()` threw). Transport errors pass unchanged (the caller retries them);
 * any other GraphQL error throws a `GraphqlReadError` naming `what`, with GitHub's error as
 * `cause`.
 */
export async function queryAllowingMissing<T>(
  graphql: GraphqlFn,
  document: string,
  variables: Record<string, unknown>,
  what: string,
  tolerance: ErrorTolerance,
): Promise<QueryResult<T>> {
  try {
    return { found: true, data: (await graphql(document, variables)) as T, ignored: [] };
  } catch (error) {
    const failure = classifyGraphqlFailure(error, tolerance);
    switch (failure.kind) {
      case "transport":
        throw error;
      case "partial":
        return { found: true, data: failure.data as T, ignored: failure.ignored };
      case "missing":
        return { found: false, cause: error };
      case "failed":
        throw new GraphqlReadError(
          `${what} could not be read: GitHub answered ${describeGraphqlErrors(failure.errors)}`,
          { cause: error },
        );
    }
  }
}

/** `"A; B"`: GitHub's messages, for an error that a maintainer reads in a log or check run. */
export function describeGraphqlErrors(errors: readonly GraphqlErrorEntry[]): string {
  const messages = errors.slice(0, 3).map((e) => e.message ?? e.type ?? "unknown error");
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : "";
  return `${messages.join("; ")}${more}`;
}
