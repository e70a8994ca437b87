/**
 * The `pull_requests` table read as a list: what the ledger holds for a repository's PRs.
 */
import type { Queryable } from "./transaction.js";

export interface LedgerPullRequest {
  number: number;
  state: string;
  headSha: string;
  conclusion: string;
  checkRunId?: string;
}

/** What the ledger holds for the repository's PRs (to tell unchanged runs, and missed closes). */
export async function ledgerPullRequests(
  db: Queryable,
  installationId: number,
  repositoryId: number,
): Promise<Map<number, LedgerPullRequest>> {
  const { rows } = await db.query<{
    number: number;
    state: string;
    head_sha: string;
    conclusion: string;
    check_run_id: string | null;
  }>(
    `SELECT number, state, head_sha, conclusion, check_run_id::text FROM pull_requests
     WHERE installation_id = $1 AND repository_id = $2 ORDER BY number`,
    [installationId, repositoryId],
  );
  return new Map(
    rows.map((r) => [
      r.number,
      {
        number: r.number,
        state: r.state,
        headSha: r.head_sha,
        conclusion: r.conclusion,
        ...(r.check_run_id !== null ? { checkRunId: r.check_run_id } : {}),
      },
    ]),
  );
}
