/**
 * Ids as GitHub's JSON carries them: REST ids of check runs and comments are far above 2^31 on
 * github.com and may pass 2^53, where a JS number loses digits. Inside the fake such an id is a
 * bigint; it goes over the wire as plain digits.
 */

/**
 * A REST id: a number while it is exact (up to 2^53), a bigint beyond. Bodies carry it as is;
 * `serializeJson` writes both as unquoted digits, as GitHub does.
 */
export type RestId = number | bigint;

/** `n` as a RestId: a number while exact, a bigint beyond 2^53. */
export function restId(n: bigint): RestId {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

const BIGINT_MARK = "\u0000bigint:";

/**
 * JSON.stringify that writes bigints as plain integer digits (JSON.stringify itself throws on a
 * bigint): each becomes a marked string in a replacer, and the quoted marks are then unquoted.
 */
export function serializeJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "bigint" ? `${BIGINT_MARK}${v}` : v,
  );
  // JSON.stringify escapes the NUL of the mark as \u0000
  return text === undefined ? "" : text.replace(/"\\u0000bigint:(-?\d+)"/g, "$1");
}
