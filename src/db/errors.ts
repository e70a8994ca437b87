/** Telling a database failure apart from the others (GitHub's, ours). */

/** pg and connection errors: the database, not GitHub, failed. */
export function isDatabaseError(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  // SQLSTATE: five digits or capital letters (https://www.postgresql.org/docs/current/errcodes-appendix.html)
  if (typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return true;
  if (
    typeof e?.code === "string" &&
    /^E(CONNREFUSED|CONNRESET|PIPE|HOSTUNREACH|TIMEDOUT)$/.test(e.code)
  )
    return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
    String(e?.message ?? ""),
  );
}
