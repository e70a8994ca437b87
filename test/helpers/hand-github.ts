/**
 * GitHub answered by hand, for the unit tests of modules that take `{ graphql, request }`: a
 * `CostValuePullRequest` answer built field by field (the shape of graphql-documents.ts, as
 * read.ts reads it), and an API object that records every request and answers it from a table.
 * Ids that travel (check runs, comments, the PR's `fullDatabaseId`) are above 2^31, as on
 * github.com.
 */
import {
  CONFIG_FILE_QUERY,
  ISSUE_QUERY,
  PULL_REQUEST_QUERY,
} from "../../src/github/graphql-documents.js";

/** Ids beyond GraphQL's 32-bit `Int`, as GitHub gives them over REST. */
export const CHECK_RUN_ID = 30_000_000_001;
export const COMMENT_ID = 40_000_000_001;
export const PR_GITHUB_ID = "2600000000007";

export const HEAD = "a".repeat(40);

export interface CommitSpec {
  sha: string;
  message: string;
  login?: string;
}

export interface IssueSpec {
  number: number;
  body: string;
  state?: "OPEN" | "CLOSED";
  owner?: string;
  repo?: string;
}

export interface PullRequestSpec {
  owner?: string;
  repo?: string;
  number?: number;
  /** `null`: GraphQL could not give it (the caller passes the payload's id). */
  repositoryDatabaseId?: number | null;
  title?: string;
  body?: string;
  author?: string;
  labels?: string[];
  draft?: boolean;
  state?: "OPEN" | "CLOSED" | "MERGED";
  headSha?: string;
  commits?: CommitSpec[];
  /** `.github/cost-value.yml` of the repository; absent: no file. */
  config?: string;
  milestone?: { number: number; title: string; description?: string; dueOn?: string | null };
  closingIssues?: IssueSpec[];
  /** The issue asked for with `withIssue` (the answer's `hintedIssue`). */
  hintedIssue?: IssueSpec;
  /** Check runs on the head commit, per app. */
  runs?: { appId: number | null; id: number | null; name: string; url?: string }[];
}

export function commit(n: number, message: string): CommitSpec {
  return { sha: n.toString(16).padStart(40, "c"), message };
}

/** The `data` of `CostValuePullRequest` for one PR. */
export function pullRequestAnswer(spec: PullRequestSpec = {}): Record<string, unknown> {
  const owner = spec.owner ?? "acme";
  const repo = spec.repo ?? "shop";
  const commits = spec.commits ?? [commit(1, "Fix\n\nAgent-Cost: 2.50 USD\n")];
  const issueNode = (i: IssueSpec) => ({
    number: i.number,
    body: i.body,
    state: i.state ?? "OPEN",
    repository: { name: i.repo ?? repo, owner: { login: i.owner ?? owner } },
  });
  return {
    repository: {
      databaseId: spec.repositoryDatabaseId === undefined ? 77 : spec.repositoryDatabaseId,
      name: repo,
      owner: { login: owner },
      defaultBranchRef: { name: "main" },
      config: spec.config !== undefined ? { text: spec.config, isTruncated: false } : null,
      pullRequest: {
        fullDatabaseId: PR_GITHUB_ID,
        number: spec.number ?? 7,
        title: spec.title ?? "Fix rounding",
        body: spec.body ?? "",
        url: `https://github.com/${owner}/${repo}/pull/${spec.number ?? 7}`,
        isDraft: spec.draft ?? false,
        state: spec.state === "MERGED" ? "MERGED" : (spec.state ?? "OPEN"),
        merged: spec.state === "MERGED",
        author: { login: spec.author ?? "dev" },
        baseRefName: "main",
        headRefOid: spec.headSha ?? HEAD,
        isCrossRepository: false,
        milestone:
          spec.milestone !== undefined
            ? {
                number: spec.milestone.number,
                title: spec.milestone.title,
                state: "OPEN",
                dueOn: spec.milestone.dueOn ?? null,
                description: spec.milestone.description ?? "",
              }
            : null,
        labels: { nodes: (spec.labels ?? []).map((name) => ({ name })) },
        closingIssuesReferences: { nodes: (spec.closingIssues ?? []).map(issueNode) },
        commits: {
          totalCount: commits.length,
          pageInfo: { hasNextPage: false, endCursor: null },
          nodes: commits.map((c) => ({
            commit: {
              oid: c.sha,
              message: c.message,
              author: { name: "Dev", email: "dev@example.com", user: { login: c.login ?? "dev" } },
            },
          })),
        },
      },
      headCommit: {
        checkSuites: {
          nodes: (spec.runs ?? []).map((r) => ({
            app: { databaseId: r.appId },
            checkRuns: {
              nodes: [{ databaseId: r.id, url: r.url ?? null, name: r.name, status: "COMPLETED" }],
            },
          })),
        },
      },
    },
    ownerConfig: null,
    ...(spec.hintedIssue !== undefined
      ? {
          hintedIssue: {
            issue: {
              number: spec.hintedIssue.number,
              body: spec.hintedIssue.body,
              state: spec.hintedIssue.state ?? "OPEN",
            },
          },
        }
      : {}),
  };
}

export interface GraphqlCall {
  /** The operation's name: `CostValuePullRequest`, `CostValueIssue`, … */
  operation: string;
  variables: Record<string, unknown>;
}

export interface RestCall {
  route: string;
  params: Record<string, unknown>;
}

const operationOf = (document: string): string =>
  /query\s+(\w+)/.exec(document)?.[1] ?? "anonymous";

/** Answers by operation name (GraphQL) and by route (REST); a thrown value is thrown. */
export interface HandAnswers {
  graphql?: Record<string, (variables: Record<string, unknown>) => unknown>;
  rest?: Record<string, (params: Record<string, unknown>) => unknown>;
}

/** REST answers the app needs for a check run and a rollup, with ids above 2^31. */
export const DEFAULT_REST: Record<string, (params: Record<string, unknown>) => unknown> = {
  "POST /repos/{owner}/{repo}/check-runs": () => ({ id: CHECK_RUN_ID }),
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": (p) => ({ id: Number(p.check_run_id) }),
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": () => ({ check_runs: [] }),
  "GET /repos/{owner}/{repo}/issues": () => [],
  "POST /repos/{owner}/{repo}/issues": () => ({ number: 90 }),
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": () => [],
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": () => ({ id: COMMENT_ID }),
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": (p) => ({ id: p.comment_id }),
};

/**
 * An API object (`{ graphql, request }`) that records each call and answers it from `answers`
 * (REST: over `DEFAULT_REST`). A call without an answer fails the test loudly.
 */
export function handGitHub(answers: HandAnswers = {}) {
  const graphqlCalls: GraphqlCall[] = [];
  const restCalls: RestCall[] = [];
  const order: string[] = [];
  const rest = { ...DEFAULT_REST, ...answers.rest };
  const answer = (fn: ((v: Record<string, unknown>) => unknown) | undefined, what: string) => {
    if (fn === undefined) throw new Error(`hand-github: no answer for ${what}`);
    return fn;
  };
  const api = {
    graphql: async (query: string, variables: Record<string, unknown> = {}): Promise<unknown> => {
      const operation = operationOf(query);
      graphqlCalls.push({ operation, variables });
      order.push(operation);
      return answer(answers.graphql?.[operation], operation)(variables);
    },
    request: async (route: string, params: Record<string, unknown>): Promise<{ data: unknown }> => {
      restCalls.push({ route, params });
      order.push(route);
      return { data: answer(rest[route], route)(params) };
    },
  };
  return {
    api,
    graphqlCalls,
    restCalls,
    /** GraphQL operations and REST routes, in the order they were asked. */
    order,
  };
}

/** The operation names of the documents this helper's answers are keyed by. */
export const OPERATIONS = {
  pullRequest: operationOf(PULL_REQUEST_QUERY),
  issue: operationOf(ISSUE_QUERY),
  configFile: operationOf(CONFIG_FILE_QUERY),
} as const;

/** `CostValueConfigFile`'s answer: the file's text, or no file. */
export const configFileAnswer = (text: string | undefined): Record<string, unknown> => ({
  repository: { config: text !== undefined ? { text, isTruncated: false } : null },
});
