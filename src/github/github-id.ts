/**
 * GitHub's REST ids (check runs, issue comments, pull requests) as decimal strings. On github.com
 * they are far above 2^31 (check runs ~3×10^10), beyond GraphQL's 32-bit `Int` (a `databaseId`
 * that does not fit comes back `null` with an error), and nothing but GitHub bounds them below
 * 2^53, where a JavaScript number stops being exact. A string is exact at any size, is what
 * GraphQL's `fullDatabaseId` (a `BigInt`) already is, and goes into a PostgreSQL `bigint` and a
 * URL as it is.
 */

/** A positive decimal id, at most PostgreSQL's `bigint` (2^63 − 1). */
export type GitHubId = string;

const MAX_BIGINT = 2n ** 63n - 1n;

/**
 * The id in `value` when it is a usable one: a positive safe integer, a positive `bigint`, or a
 * string of decimal digits (no sign, no leading zero, no fraction); `undefined` for anything else
 * (`null` from GraphQL, 0, a float, a number beyond 2^53 that may already have lost digits).
 */
export function toGitHubId(value: unknown): GitHubId | undefined {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  }
  if (typeof value === "bigint") {
    return value > 0n && value <= MAX_BIGINT ? value.toString() : undefined;
  }
  if (typeof value === "string" && /^[1-9][0-9]{0,18}$/.test(value)) {
    return BigInt(value) <= MAX_BIGINT ? value : undefined;
  }
  return undefined;
}

/** Whether two ids are the same (either may be a number, bigint or string). */
export function sameGitHubId(a: unknown, b: unknown): boolean {
  const x = toGitHubId(a);
  return x !== undefined && x === toGitHubId(b);
}
