/**
 * The GraphQL documents the app sends. One (`CostValuePullRequest`) reads everything an evaluation
 * needs; the others page commits beyond 100, follow `_extends`, fetch an issue the first read
 * could not know about, and find the PR of a commit. A test validates every document against
 * GitHub's published schema (@octokit/graphql-schema).
 *
 * Ids: GraphQL's `Int` is 32-bit, and GitHub's ids are not. Every `databaseId` asked for here may
 * come back `null` beside an error ("Int cannot represent non 32-bit signed integer value"):
 * - `PullRequest.fullDatabaseId` (a `BigInt`, a string in JSON) replaces its `databaseId`;
 * - `Repository.databaseId` (no `fullDatabaseId` in the schema; ~1.3×10^9 today) is used when
 *   present, else the id from the webhook payload;
 * - `App.databaseId` (~10^6) tells our check suite from others; when absent, the run is not ours;
 * - `CheckRun.databaseId` (~3×10^10 on github.com: null there) is only a hint. The id of our run
 *   is the one the ledger kept from the `POST` that created it; else the digits of the run's `url`
 *   (`…/runs/30123456789`, exact at any size; a wrong one would only answer 404, which is then
 *   looked up); a run seen here with neither is looked up with one REST call before it is
 *   updated (`publish-check.ts`).
 */

const COMMIT_FIELDS = `
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes { commit { oid message authoredDate committedDate author { name email user { login } } } }`;

export const PULL_REQUEST_QUERY = `
query CostValuePullRequest(
  $owner: String!
  $repo: String!
  $number: Int!
  $headSha: GitObjectID!
  $configExpression: String!
  $withIssue: Boolean!
  $issueOwner: String!
  $issueRepo: String!
  $issueNumber: Int!
) {
  repository(owner: $owner, name: $repo) {
    databaseId
    name
    owner { login }
    defaultBranchRef { name }
    config: object(expression: $configExpression) { ... on Blob { text isTruncated } }
    pullRequest(number: $number) {
      fullDatabaseId
      number
      title
      body
      url
      isDraft
      state
      merged
      author { login }
      baseRefName
      headRefOid
      isCrossRepository
      milestone { number title state dueOn description }
      labels(first: 100) { nodes { name } }
      closingIssuesReferences(first: 50) {
        nodes { number body state repository { name owner { login } } }
      }
      commits(first: 100) {${COMMIT_FIELDS}
      }
      additions
      deletions
      reviews(first: 100, states: [APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED]) {
        nodes { fullDatabaseId state submittedAt body author { login } }
      }
    }
    headCommit: object(oid: $headSha) {
      ... on Commit {
        checkSuites(first: 20) {
          nodes {
            app { databaseId }
            checkRuns(first: 20) { nodes { databaseId url name status } }
          }
        }
      }
    }
  }
  ownerConfig: repository(owner: $owner, name: ".github") {
    config: object(expression: $configExpression) { ... on Blob { text isTruncated } }
  }
  hintedIssue: repository(owner: $issueOwner, name: $issueRepo) @include(if: $withIssue) {
    issue(number: $issueNumber) { number body state }
  }
}`;

export const COMMITS_PAGE_QUERY = `
query CostValueCommits($owner: String!, $repo: String!, $number: Int!, $cursor: String!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      commits(first: 100, after: $cursor) {${COMMIT_FIELDS}
      }
    }
  }
}`;

export const CONFIG_FILE_QUERY = `
query CostValueConfigFile($owner: String!, $repo: String!, $expression: String!) {
  repository(owner: $owner, name: $repo) {
    config: object(expression: $expression) { ... on Blob { text isTruncated } }
  }
}`;

export const ISSUE_QUERY = `
query CostValueIssue($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $number) { number body state }
  }
}`;

/**
 * The open PRs whose head is a commit, for checks events that carry none. `associatedPullRequests`
 * misses PRs from forks, so the same request also searches the base repository for the SHA.
 */
export const COMMIT_PULL_REQUESTS_QUERY = `
query CostValueCommitPullRequests($owner: String!, $repo: String!, $sha: GitObjectID!, $search: String!) {
  repository(owner: $owner, name: $repo) {
    object(oid: $sha) {
      ... on Commit {
        associatedPullRequests(first: 10) {
          nodes { number state headRefOid baseRepository { name owner { login } } }
        }
      }
    }
  }
  search(query: $search, type: ISSUE, first: 10) {
    nodes { ... on PullRequest { number state headRefOid } }
  }
}`;

export const ALL_DOCUMENTS = {
  PULL_REQUEST_QUERY,
  COMMITS_PAGE_QUERY,
  CONFIG_FILE_QUERY,
  ISSUE_QUERY,
  COMMIT_PULL_REQUESTS_QUERY,
} as const;
