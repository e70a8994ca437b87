/**
 * What the app reads from GitHub for one evaluation: the pull request, its commits, linked issues,
 * the config file and our existing check runs on the head commit. Plain data; the GraphQL reader
 * (`read-pull-request.ts`) fills it, the evaluation uses it.
 */
import type { Config } from "../config/schema.js";
import type { CommitInput } from "../core/commit.js";
import type { IssueRef } from "../core/issue-ref.js";
import type { LinkedIssue } from "../core/value/resolve.js";
import type { GitHubId } from "./github-id.js";
import type { GraphqlErrorEntry } from "./graphql-errors.js";
import type { SubmittedReview } from "./reviews.js";

/** `octokit.graphql`: a query document and its variables, resolving to the `data` object. */
export type GraphqlFn = (query: string, variables?: Record<string, unknown>) => Promise<unknown>;

export interface RepositoryInfo {
  owner: string;
  repo: string;
  /** GitHub's numeric id (`databaseId`): stable across renames. */
  id: number;
  defaultBranch: string;
}

export interface MilestoneInfo {
  /** Numeric id is not in GraphQL; the number is unique per repository. */
  number: number;
  title: string;
  state: "open" | "closed";
  dueOn?: string;
  description: string;
}

export interface ExistingCheckRun {
  /**
   * The REST id, used to update the run; absent when GitHub could not say (GraphQL answers
   * `databaseId: null` for ids beyond 2^31): the run exists, and its id must be looked up.
   */
  id?: GitHubId;
  name: string;
  /** The app that owns the run (`databaseId` of the check suite's app), when known. */
  appId?: number;
  status: string;
}

/** One config file read (Probot semantics: repo file, else the owner's `.github` repo, then `_extends`). */
export interface ConfigFileRead {
  owner: string;
  repo: string;
  path: string;
  /** Text of the file; undefined when the file does not exist. */
  text?: string;
}

export type ConfigResolution =
  | { ok: true; config: Config; files: ConfigFileRead[] }
  | {
      ok: false;
      /** One line per problem, naming the file (`owner/repo:.github/cost-value.yml line 3`) and the fix. */
      problems: string[];
      files: ConfigFileRead[];
    };

export interface PullRequestSnapshot {
  repository: RepositoryInfo;
  number: number;
  /** REST id of the pull request (GraphQL's `fullDatabaseId`), when GitHub gave it. */
  id?: GitHubId;
  title: string;
  body: string;
  url: string;
  /** Login of the author; `ghost` when the account is gone. */
  author: string;
  labels: string[];
  draft: boolean;
  state: "open" | "closed" | "merged";
  baseRef: string;
  /** The PR's current head commit. */
  headSha: string;
  isCrossRepository: boolean;
  milestone?: MilestoneInfo;
  /** All commits, oldest first, paged beyond 100 (no 250 cap), with their dates. */
  commits: CommitInput[];
  /** Lines added plus deleted (the review estimate); absent when GitHub did not say. */
  changedLines?: number;
  /** Submitted reviews that count (not the author's, not bots'), the first 100; no names. */
  reviews: SubmittedReview[];
  /** Closing-keyword and sidebar links (`closingIssuesReferences`) plus the hinted issue when found. */
  linkedIssues: LinkedIssue[];
  /** Issues that were asked for but could not be read (not found, no access). */
  unavailableIssues: IssueRef[];
  config: ConfigResolution;
  /** Check runs on the commit `checkRunsSha` (the head SHA asked for). */
  checkRuns: ExistingCheckRun[];
  checkRunsSha: string;
  /** GitHub API requests this read made (GraphQL documents sent). */
  requests: number;
  /** GraphQL errors beside the data that the read could do without (for a debug log). */
  ignoredErrors: GraphqlErrorEntry[];
}
