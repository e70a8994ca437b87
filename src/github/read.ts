/**
 * Reading a pull request from GitHub: one GraphQL request for everything an evaluation needs (PRs
 * of up to 100 commits), one more per further 100 commits (no 250-commit cap, unlike REST), one per
 * `_extends` hop of the config. Maps GitHub's shapes to plain snapshot data.
 */

import type { CommitInput } from "../core/commit.js";
import { type IssueRef, sameIssue } from "../core/issue-ref.js";
import type { LinkedIssue } from "../core/value/resolve.js";
import { CONFIG_PATH, resolveConfig } from "./config-files.js";
import { toGitHubId } from "./github-id.js";
import {
  COMMIT_PULL_REQUESTS_QUERY,
  COMMITS_PAGE_QUERY,
  ISSUE_QUERY,
  PULL_REQUEST_QUERY,
} from "./graphql-documents.js";
import { type GraphqlErrorEntry, queryAllowingMissing } from "./graphql-errors.js";
import { countedReview } from "./reviews.js";
import type { ExistingCheckRun, GraphqlFn, PullRequestSnapshot } from "./snapshot.js";

interface Blob {
  text?: string | null;
  isTruncated?: boolean;
}

interface CommitNode {
  commit?: {
    oid?: string;
    message?: string;
    authoredDate?: string | null;
    committedDate?: string | null;
    author?: {
      name?: string | null;
      email?: string | null;
      user?: { login?: string } | null;
    } | null;
  } | null;
}

interface CommitConnection {
  totalCount?: number;
  pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
  nodes?: (CommitNode | null)[] | null;
}

interface IssueNode {
  number?: number;
  body?: string | null;
  state?: string;
  repository?: { name?: string; owner?: { login?: string } };
}

interface PullRequestData {
  repository?: {
    databaseId?: number | null;
    name?: string;
    owner?: { login?: string };
    defaultBranchRef?: { name?: string } | null;
    config?: Blob | null;
    pullRequest?: {
      fullDatabaseId?: string | null;
      number?: number;
      title?: string;
      body?: string | null;
      url?: string;
      isDraft?: boolean;
      state?: string;
      merged?: boolean;
      author?: { login?: string } | null;
      baseRefName?: string;
      headRefOid?: string;
      isCrossRepository?: boolean;
      milestone?: {
        number?: number;
        title?: string;
        state?: string;
        dueOn?: string | null;
        description?: string | null;
      } | null;
      labels?: { nodes?: ({ name?: string } | null)[] | null } | null;
      closingIssuesReferences?: { nodes?: (IssueNode | null)[] | null } | null;
      commits?: CommitConnection;
      additions?: number | null;
      deletions?: number | null;
      reviews?: {
        nodes?:
          | ({
              fullDatabaseId?: string | number | null;
              state?: string;
              submittedAt?: string | null;
              body?: string | null;
              author?: { login?: string } | null;
            } | null)[]
          | null;
      } | null;
    } | null;
    headCommit?: {
      checkSuites?: {
        nodes?:
          | ({
              app?: { databaseId?: number | null } | null;
              checkRuns?: {
                nodes?:
                  | ({
                      databaseId?: number | null;
                      url?: string | null;
                      name?: string;
                      status?: string;
                    } | null)[]
                  | null;
              } | null;
            } | null)[]
          | null;
      };
    } | null;
  } | null;
  ownerConfig?: { config?: Blob | null } | null;
  hintedIssue?: { issue?: IssueNode | null } | null;
}

/** The pull request (or its repository) does not exist, or the app may not read it. */
export class PullRequestNotFoundError extends Error {
  override name = "PullRequestNotFoundError";
}

/**
 * Parts of `CostValuePullRequest` that may be missing without failing the read: the owner's
 * `.github` repository (most owners have none), the hinted issue (any repository, maybe private),
 * a closing issue in a repository the app cannot see, and the head commit (a force-push may have
 * dropped it; then there are simply no runs to find).
 */
function isOptionalPart(path: readonly (string | number)[]): boolean {
  const [first, second, third] = path;
  if (first === "ownerConfig" || first === "hintedIssue") return true;
  if (first !== "repository") return false;
  if (second === "headCommit" || second === "config") return true;
  return second === "pullRequest" && third === "closingIssuesReferences";
}

/**
 * Our runs on the head commit are a hint (the ledger and one REST call are the fallbacks): any
 * error there (a check run id beyond 32 bits, a timeout in the suites) leaves it unknown.
 */
const PULL_REQUEST_TOLERANCE = {
  optional: isOptionalPart,
  nullable: (path: readonly (string | number)[]) =>
    path[0] === "repository" && path[1] === "headCommit",
};

const notFoundMessage = (name: string): string =>
  `${name} could not be read: the repository or pull request was not found, or the app is not installed on it`;

function toCommit(node: CommitNode | null): CommitInput[] {
  const c = node?.commit;
  if (c?.oid === undefined) return [];
  const author = c.author ?? {};
  return [
    {
      sha: c.oid,
      message: c.message ?? "",
      ...(typeof c.authoredDate === "string" ? { authoredAt: c.authoredDate } : {}),
      ...(typeof c.committedDate === "string" ? { committedAt: c.committedDate } : {}),
      author: {
        ...(typeof author.name === "string" ? { name: author.name } : {}),
        ...(typeof author.email === "string" ? { email: author.email } : {}),
        ...(typeof author.user?.login === "string" ? { login: author.user.login } : {}),
      },
    },
  ];
}

function toIssue(
  node: IssueNode | null | undefined,
  owner: string,
  repo: string,
): LinkedIssue | undefined {
  if (node?.number === undefined) return undefined;
  const issueOwner = node.repository?.owner?.login;
  const issueRepo = node.repository?.name;
  const sameRepo =
    issueOwner === undefined ||
    issueRepo === undefined ||
    (issueOwner.toLowerCase() === owner.toLowerCase() &&
      issueRepo.toLowerCase() === repo.toLowerCase());
  const ref: IssueRef = sameRepo
    ? { number: node.number }
    : { owner: issueOwner, repo: issueRepo, number: node.number };
  return { ref, body: node.body ?? "", state: node.state === "CLOSED" ? "closed" : "open" };
}

/** The REST id in a check run's URL (`https://github.com/o/r/runs/30123456789`), if any. */
export function idFromRunUrl(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  const match = /\/runs\/([0-9]{1,19})$/.exec(url);
  return toGitHubId(match?.[1]);
}

/**
 * The runs on the head commit. A run whose `databaseId` GitHub could not give (`null` beyond
 * 2^31) takes the id in its URL; a run with neither is kept without an id: it tells that a run
 * exists, so the publisher looks its id up instead of creating a second one, and never sends a
 * PATCH without an id.
 */
function toCheckRuns(data: PullRequestData): ExistingCheckRun[] {
  const suites = data.repository?.headCommit?.checkSuites?.nodes ?? [];
  return suites.flatMap((suite) =>
    (suite?.checkRuns?.nodes ?? []).flatMap((run) => {
      if (typeof run?.name !== "string") return [];
      const id = toGitHubId(run.databaseId) ?? idFromRunUrl(run.url);
      const appId = suite?.app?.databaseId;
      return [
        {
          ...(id !== undefined ? { id } : {}),
          name: run.name,
          status: (run.status ?? "COMPLETED").toLowerCase(),
          ...(typeof appId === "number" && Number.isSafeInteger(appId) ? { appId } : {}),
        },
      ];
    }),
  );
}

export interface ReadParams {
  owner: string;
  repo: string;
  number: number;
  /** The head SHA of the event: our check runs on it are read in the same request. */
  headSha: string;
  /**
   * The repository's id from the webhook payload: used when GraphQL cannot give it (its
   * `databaseId` is a 32-bit `Int`).
   */
  repositoryId?: number;
  /**
   * An issue to read in the same request (the `Issue:` field of the payload's body); without
   * owner/repo it is in the pull request's repository.
   */
  issueHint?: IssueRef;
  configPath?: string;
}

export async function readPullRequest(
  graphql: GraphqlFn,
  params: ReadParams,
): Promise<PullRequestSnapshot> {
  const { owner, repo, number } = params;
  const configPath = params.configPath ?? CONFIG_PATH;
  const hint = params.issueHint;
  const name = `${owner}/${repo}#${number}`;
  const result = await queryAllowingMissing<PullRequestData>(
    graphql,
    PULL_REQUEST_QUERY,
    {
      owner,
      repo,
      number,
      headSha: params.headSha,
      configExpression: `HEAD:${configPath}`,
      withIssue: hint !== undefined,
      // unused when withIssue is false, but non-null variables must still be given
      issueOwner: hint?.owner ?? owner,
      issueRepo: hint?.repo ?? repo,
      issueNumber: hint?.number ?? 0,
    },
    name,
    PULL_REQUEST_TOLERANCE,
  );
  if (!result.found)
    throw new PullRequestNotFoundError(notFoundMessage(name), { cause: result.cause });
  const data = result.data;
  const ignoredErrors: GraphqlErrorEntry[] = [...result.ignored];
  let requests = 1;
  const repository = data?.repository;
  const pr = repository?.pullRequest;
  if (repository === undefined || repository === null || pr === undefined || pr === null) {
    throw new PullRequestNotFoundError(notFoundMessage(name));
  }

  // commits: page beyond the first 100
  const commits = (pr.commits?.nodes ?? []).flatMap(toCommit);
  let page = pr.commits?.pageInfo;
  while (page?.hasNextPage === true && typeof page.endCursor === "string") {
    const next = await queryAllowingMissing<{
      repository?: { pullRequest?: { commits?: CommitConnection } | null } | null;
    }>(graphql, COMMITS_PAGE_QUERY, { owner, repo, number, cursor: page.endCursor }, name, {});
    // the PR vanished between two pages (deleted repository, uninstalled app)
    if (!next.found)
      throw new PullRequestNotFoundError(notFoundMessage(name), { cause: next.cause });
    requests++;
    ignoredErrors.push(...next.ignored);
    const connection = next.data?.repository?.pullRequest?.commits;
    commits.push(...(connection?.nodes ?? []).flatMap(toCommit));
    page = connection?.pageInfo;
  }

  // linked issues: closing references (keywords and the sidebar), then the hinted issue
  const linkedIssues: LinkedIssue[] = [];
  for (const node of pr.closingIssuesReferences?.nodes ?? []) {
    const issue = toIssue(node, owner, repo);
    if (issue !== undefined) linkedIssues.push(issue);
  }
  const unavailableIssues: IssueRef[] = [];
  if (hint !== undefined) {
    const hintOwner = hint.owner ?? owner;
    const hintRepo = hint.repo ?? repo;
    const node = data.hintedIssue?.issue;
    // the hinted issue's repository is known from the variables; the document does not repeat it
    const issue = toIssue(
      node ? { ...node, repository: { name: hintRepo, owner: { login: hintOwner } } } : undefined,
      owner,
      repo,
    );
    const context = { owner, repo };
    if (!linkedIssues.some((i) => sameIssue(i.ref, hint, context))) {
      if (issue === undefined) unavailableIssues.push(hint);
      else linkedIssues.push(issue);
    }
  }

  const blob = repository.config;
  const ownerRepoExists = data.ownerConfig !== undefined && data.ownerConfig !== null;
  const ownerBlob = data.ownerConfig?.config;
  const { resolution, requests: configRequests } = await resolveConfig(
    graphql,
    {
      owner,
      repo,
      path: configPath,
      ...(typeof blob?.text === "string" ? { text: blob.text } : {}),
      ...(blob?.isTruncated === true ? { truncated: true } : {}),
    },
    ownerRepoExists
      ? {
          owner,
          repo: ".github",
          path: configPath,
          ...(typeof ownerBlob?.text === "string" ? { text: ownerBlob.text } : {}),
          ...(ownerBlob?.isTruncated === true ? { truncated: true } : {}),
        }
      : undefined,
  );
  requests += configRequests;

  const milestone = pr.milestone;
  const repositoryId =
    typeof repository.databaseId === "number" && Number.isSafeInteger(repository.databaseId)
      ? repository.databaseId
      : params.repositoryId;
  if (repositoryId === undefined) {
    throw new Error(
      `${name} could not be read: GitHub gave no id for the repository (its GraphQL databaseId is null) and the event carried none`,
    );
  }
  const pullRequestId = toGitHubId(pr.fullDatabaseId);
  return {
    repository: {
      owner: repository.owner?.login ?? owner,
      repo: repository.name ?? repo,
      id: repositoryId,
      defaultBranch: repository.defaultBranchRef?.name ?? "main",
    },
    number: pr.number ?? number,
    ...(pullRequestId !== undefined ? { id: pullRequestId } : {}),
    title: pr.title ?? "",
    body: pr.body ?? "",
    url: pr.url ?? "",
    author: pr.author?.login ?? "ghost",
    labels: (pr.labels?.nodes ?? []).flatMap((l) => (typeof l?.name === "string" ? [l.name] : [])),
    draft: pr.isDraft === true,
    state: pr.merged === true ? "merged" : pr.state === "CLOSED" ? "closed" : "open",
    baseRef: pr.baseRefName ?? "",
    headSha: pr.headRefOid ?? params.headSha,
    isCrossRepository: pr.isCrossRepository === true,
    ...(milestone?.number !== undefined
      ? {
          milestone: {
            number: milestone.number,
            title: milestone.title ?? "",
            state: milestone.state === "CLOSED" ? ("closed" as const) : ("open" as const),
            ...(typeof milestone.dueOn === "string" ? { dueOn: milestone.dueOn } : {}),
            description: milestone.description ?? "",
          },
        }
      : {}),
    commits,
    ...(typeof pr.additions === "number" && typeof pr.deletions === "number"
      ? { changedLines: pr.additions + pr.deletions }
      : {}),
    reviews: (pr.reviews?.nodes ?? []).flatMap((r) => {
      const review = countedReview({
        id:
          r?.fullDatabaseId === null || r?.fullDatabaseId === undefined
            ? undefined
            : String(r.fullDatabaseId),
        login: r?.author?.login,
        prAuthor: pr.author?.login ?? "ghost",
        ...(typeof r?.state === "string" ? { state: r.state } : {}),
        body: r?.body ?? "",
        ...(typeof r?.submittedAt === "string" ? { submittedAt: r.submittedAt } : {}),
      });
      return review === undefined ? [] : [review];
    }),
    linkedIssues,
    unavailableIssues,
    config: resolution,
    checkRuns: toCheckRuns(data),
    checkRunsSha: params.headSha,
    requests,
    ignoredErrors,
  };
}

/** One issue's body, or undefined when it does not exist or the app cannot see it. */
export async function readIssue(
  graphql: GraphqlFn,
  ref: Required<IssueRef>,
): Promise<LinkedIssue | undefined> {
  const result = await queryAllowingMissing<{ repository?: { issue?: IssueNode | null } | null }>(
    graphql,
    ISSUE_QUERY,
    { owner: ref.owner, repo: ref.repo, number: ref.number },
    `${ref.owner}/${ref.repo}#${ref.number}`,
    { optional: () => true },
  );
  if (!result.found) return undefined;
  const node = result.data?.repository?.issue;
  if (node?.number === undefined) return undefined;
  return { ref, body: node.body ?? "", state: node.state === "CLOSED" ? "closed" : "open" };
}

/** Open PRs of owner/repo whose head is `sha` (for checks events that carry none, e.g. forks). */
export async function findPullRequestsForCommit(
  graphql: GraphqlFn,
  params: { owner: string; repo: string; sha: string },
): Promise<number[]> {
  // a commit or repository that is gone (or hidden) has no PRs to evaluate
  const result = await queryAllowingMissing<{
    repository?: {
      object?: {
        associatedPullRequests?: {
          nodes?: ({
            number?: number;
            state?: string;
            headRefOid?: string;
            baseRepository?: { name?: string; owner?: { login?: string } } | null;
          } | null)[];
        };
      } | null;
    } | null;
    search?: { nodes?: ({ number?: number; state?: string; headRefOid?: string } | null)[] };
  }>(
    graphql,
    COMMIT_PULL_REQUESTS_QUERY,
    {
      owner: params.owner,
      repo: params.repo,
      sha: params.sha,
      search: `repo:${params.owner}/${params.repo} is:pr is:open ${params.sha}`,
    },
    `the pull requests of ${params.owner}/${params.repo}@${params.sha}`,
    { optional: () => true },
  );
  if (!result.found) return [];
  const data = result.data;
  const numbers = new Set<number>();
  const isBase = (b: { name?: string; owner?: { login?: string } } | null | undefined): boolean =>
    b?.name?.toLowerCase() === params.repo.toLowerCase() &&
    b?.owner?.login?.toLowerCase() === params.owner.toLowerCase();
  for (const pr of data?.repository?.object?.associatedPullRequests?.nodes ?? []) {
    if (
      pr?.number !== undefined &&
      pr.state === "OPEN" &&
      pr.headRefOid === params.sha &&
      isBase(pr.baseRepository)
    ) {
      numbers.add(pr.number);
    }
  }
  for (const pr of data?.search?.nodes ?? []) {
    if (pr?.number !== undefined && pr.state === "OPEN" && pr.headRefOid === params.sha)
      numbers.add(pr.number);
  }
  return [...numbers].sort((a, b) => a - b);
}
