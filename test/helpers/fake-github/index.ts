/**
 * One fake GitHub for tests, benchmarks and the demo: the only import path for it.
 *
 *   const github = new FakeGitHub({ ids: "github" }).addRepo("acme", "shop", { ".github/cost-value.yml": "…" });
 *   github.addPullRequest({ owner: "acme", repo: "shop", number: 7, body, headSha, commits: commitsOf(3) });
 *   github.addIssue({ owner: "acme", repo: "shop", number: 1, body: "## Value …" });
 *   github.install();                      // on nock, for Probot in this process
 *   const server = await github.serve();   // over HTTP, for the app as a process: server.url, server.env
 *   github.graphqlFn()                     // an `octokit.graphql` look-alike, no transport
 *
 *   github.checkRuns, github.issues, github.comments   // what GraphQL and REST both see
 *   github.requests, github.count(), github.appRequests, github.endpointCounts, github.reset()
 *   github.fail("create", 502), github.rateLimit("issues", "secondary"), github.hang("update")
 *   github.failNext("CostValueCommits", { status: 502, json: {} })   // a GraphQL operation
 *   github.forbidRepo("corp", "private")   // GraphQL reads answer FORBIDDEN
 *
 * Files: model.ts (records), state.ts (stores, ids), schema.ts, graphql.ts, graphql-support.ts and
 * resolvers.ts (GraphQL), routes.ts, rest-routes.ts and app-routes.ts (REST), faults.ts,
 * fake-github.ts (`handle`, recording), nock.ts and http.ts (transports), json.ts (big ids).
 */

export { FakeGitHub, type RecordedRequest } from "./fake-github.js";
export type { FaultOptions } from "./faults.js";
export type { GraphqlAnswer } from "./graphql.js";
export type { FakeGitHubServer } from "./http.js";
export { type RestId, restId, serializeJson } from "./json.js";
export {
  commitsOf,
  FAKE_COMMIT_DATE,
  type FakeCheckRun,
  type FakeComment,
  type FakeCommit,
  type FakeDelivery,
  type FakeFile,
  type FakeIssue,
  type FakePullRequest,
  type FakeReview,
  fakeSha,
  type IdStyle,
} from "./model.js";
export type { Endpoint, GitHubRequest, GitHubResponse } from "./routes.js";
export { type GraphqlError, githubSchema, githubSchemaBuildMs } from "./schema.js";
export type { FakeGitHubOptions } from "./state.js";
