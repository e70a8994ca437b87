/**
 * The `pull_requests` table: a PR's record as an evaluation writes it (`PullRequestRecord`, written
 * by `recordPullRequest` in record.ts), and what the ledger holds for a repository's PRs.
 */
import type { Queryable } from "./transaction.js";

export interface IssueKey {
  owner: string;
  repo: string;
  number: number;
}

export interface PullRequestRecord {
  installationId: number;
  repository: { id: number; owner: string; name: string };
  number: number;
  /** GitHub's id of the PR (a decimal string: exact beyond 2^53), when GitHub gave it. */
  githubId?: string;
  title: string;
  author: string;
  state: "open" | "merged" | "closed";
  draft: boolean;
  milestoneNumber?: number;
  headSha: string;
  currency: string;
  valueComplete: boolean;
  valueType?: string;
  worthMicros?: bigint;
  budgetMicros?: bigint;
  worthOrigin?: string;
  budgetOrigin?: string;
  issue?: IssueKey;
  costMicros: bigint;
  tokens: {
    input: number;
    output: number;
    cacheRead: number;
    cacheWrite: number;
    unspecified: number;
  };
  commitCount: number;
  commitsWithCost: number;
  agentCommitsWithoutCost: number;
  unpricedModels: string[];
  conclusion: string;
  /** Our check run's REST id (a decimal string), from the POST that created it. */
  checkRunId?: string;
  /** When the source was read: an older read never overwrites a newer one. */
  evaluatedAt: Date;
  models: {
    model: string;
    priced: boolean;
    costMicros?: bigint;
    tokens: PullRequestRecord["tokens"];
  }[];
  commits: {
    sha: string;
    costSource: string;
    costMicros: bigint;
    agent?: string;
    agentWithoutCost: boolean;
  }[];
  linkedIssues: IssueKey[];
  /** The PR's investment (docs/investment.md); absent: no lines (the record deletes old ones). */
  investment?: InvestmentRecord;
}

/** One investment line as the ledger keeps it (see migrations/008_investment.sql). */
export interface StoredInvestmentLine {
  kind: "agents" | "engineering" | "review" | "ci" | "coordination";
  basis: "measured" | "declared" | "estimated";
  minutes?: number;
  /** Undefined: not priced (never 0 for unpriced hours). */
  amountMicros?: bigint;
  currency: string;
  detail: string;
}

/** A review submitted on a PR: no name, only an opaque key to count distinct reviewers. */
export interface StoredReview {
  /** GitHub's id of the review (a decimal string: exact beyond 2^53). */
  reviewId: string;
  reviewerKey: string;
  /** From a `Review-Time:` line in the review's body. */
  declaredMinutes?: number;
  submittedAt?: Date;
}

export interface InvestmentRecord {
  lines: StoredInvestmentLine[];
  /** Lines added plus removed: what the review estimate reads when a review arrives later. */
  changedLines?: number;
  /** The config's `investment` section and currency: what the events re-price lines with. */
  settings: unknown;
  reviews: StoredReview[];
}

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

/**
 * The currency a milestone's PRs were recorded in (the config's, at the time); only the
 * installation's PRs when `installationId` is given.
 */
export async function milestoneCurrency(
  db: Queryable,
  params: { installationId?: number; repositoryId: number; milestoneNumber: number },
): Promise<string | undefined> {
  const { rows } = await db.query<{ currency: string }>(
    `SELECT currency FROM pull_requests WHERE repository_id = $1 AND milestone_number = $2
       AND ($3::bigint IS NULL OR installation_id = $3)
     GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1`,
    [params.repositoryId, params.milestoneNumber, params.installationId ?? null],
  );
  return rows[0]?.currency;
}
