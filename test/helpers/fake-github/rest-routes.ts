/**
 * The endpoints an installation token reaches (what an evaluation costs): GraphQL, check runs
 * (create, update, list), issues (create, list), comments (create, list, edit), a collaborator's
 * permission, open pull requests, the installation's repositories. Each reads and writes the
 * fake's stores, so a second evaluation of a head commit finds the run it must update, over REST
 * or GraphQL alike.
 */
import type { GraphqlAnswer, GraphqlBody } from "./graphql.js";
import type { FakeCheckRun, FakePullRequest } from "./model.js";
import { authored, json, paged, REPO, type Route, repoOf, route } from "./routes.js";
import type { GitHubState } from "./state.js";

export function restRoutes(
  state: GitHubState,
  graphql: (body: GraphqlBody) => GraphqlAnswer,
): Route[] {
  return [
    route("POST", "/graphql", "graphql", (r) => {
      const { status, json: answer } = graphql(r.body as GraphqlBody);
      return json(status, answer);
    }),
    ...checkRunRoutes(state),
    ...issueRoutes(state),
    route("GET", `${REPO}/collaborators/([^/]+)/permission`, "permission", (r) => {
      const login = decodeURIComponent(r.match[3] ?? "");
      const permission = state.permissions.get(login);
      return permission === undefined
        ? json(404, { message: "Not Found" })
        : json(200, { ...permission, user: { login } });
    }),
    route("GET", `${REPO}/pulls`, "pulls", (r) => {
      const { owner, repo } = repoOf(r);
      const wanted = r.url.searchParams.get("state") ?? "open";
      const pulls = [...state.pulls.values()]
        .filter((p) => sameRepo(p, { owner, repo }))
        .filter((p) => wanted === "all" || (wanted === "open") === ((p.state ?? "OPEN") === "OPEN"))
        .sort((a, b) => b.number - a.number)
        .map((p) => restPull(p, state));
      return paged(r, pulls);
    }),
    route("GET", "/installation/repositories", "repositories", (r) => {
      const repos = [...state.repos.values()].map((repo) => ({
        id: repo.databaseId,
        name: repo.repo,
        full_name: `${repo.owner}/${repo.repo}`,
        owner: { login: repo.owner },
        private: true,
      }));
      const response = paged(r, repos);
      return { ...response, body: { total_count: repos.length, repositories: response.body } };
    }),
  ];
}

function checkRunRoutes(state: GitHubState): Route[] {
  return [
    route("POST", `${REPO}/check-runs`, "create", (r) => {
      const b = r.body as Record<string, unknown>;
      const run = state.addCheckRun(String(b.head_sha), {
        name: String(b.name),
        status: String(b.status ?? "queued"),
        writes: [b],
        ...(typeof b.conclusion === "string" ? { conclusion: b.conclusion } : {}),
        ...(b.output ? { output: b.output as FakeCheckRun["output"] } : {}),
      });
      return json(201, { id: run.id, head_sha: run.head_sha, name: run.name, status: run.status });
    }),
    route("PATCH", `${REPO}/check-runs/(\\d+)`, "update", (r) => {
      const run = state.checkRunById(r.match[3]);
      if (run === undefined) return json(404, { message: "Not Found" });
      const b = r.body as Record<string, unknown>;
      run.writes.push(b);
      if (typeof b.status === "string") run.status = b.status;
      if (typeof b.conclusion === "string") run.conclusion = b.conclusion;
      if (b.output) run.output = b.output as FakeCheckRun["output"];
      return json(200, { id: run.id, status: run.status });
    }),
    route("GET", `${REPO}/commits/([0-9a-f]+)/check-runs`, "list", (r) => {
      const name = r.url.searchParams.get("check_name");
      const appId = r.url.searchParams.get("app_id");
      const runs = state
        .checkRunsOn(r.match[3] ?? "")
        .filter(
          (c) =>
            (name === null || c.name === name) && (appId === null || Number(appId) === c.appId),
        );
      return json(200, {
        total_count: runs.length,
        check_runs: runs.map((c) => ({
          id: c.id,
          name: c.name,
          head_sha: c.head_sha,
          status: c.status,
          conclusion: c.conclusion ?? null,
          app: { id: c.appId },
        })),
      });
    }),
  ];
}

function issueRoutes(state: GitHubState): Route[] {
  return [
    route("POST", `${REPO}/issues`, "issue", (r) => {
      const { owner, repo } = repoOf(r);
      const b = r.body as { title: string; labels?: string[]; body?: string };
      const issue = state.createIssue(owner, repo, b);
      return json(201, { number: issue.number, title: issue.title });
    }),
    route("GET", `${REPO}/issues`, "issues", (r) => {
      const { owner, repo } = repoOf(r);
      const label = r.url.searchParams.get("labels");
      const wanted = r.url.searchParams.get("state") ?? "open";
      const found = state.issues.filter(
        (i) =>
          sameRepo(i, { owner, repo }) &&
          (label === null || (i.labels ?? []).includes(label)) &&
          (wanted === "all" || wanted === (i.state ?? "OPEN").toLowerCase()),
      );
      return json(
        200,
        found.map((i) => ({
          number: i.number,
          title: i.title,
          labels: (i.labels ?? []).map((name) => ({ name })),
          ...authored(i.appId),
        })),
      );
    }),
    route("POST", `${REPO}/issues/(\\d+)/comments`, "comment", (r) => {
      const comment = state.addComment({
        ...repoOf(r),
        issue_number: Number(r.match[3]),
        body: (r.body as { body: string }).body,
        appId: state.appId,
      });
      return json(201, { id: comment.id });
    }),
    route("GET", `${REPO}/issues/(\\d+)/comments`, "comments", (r) => {
      const issueNumber = Number(r.match[3]);
      const on = (c: { owner: string; repo: string }) => sameRepo(c, repoOf(r));
      return json(
        200,
        state.comments
          .filter((c) => c.issue_number === issueNumber && on(c))
          .map((c) => ({ id: c.id, body: c.body, ...authored(c.appId) })),
      );
    }),
    route("PATCH", `${REPO}/issues/comments/(\\d+)`, "comment-update", (r) => {
      // exact, as digits: an id beyond 2^53 is not a JS number
      const comment = state.comments.find((c) => String(c.id) === r.match[3]);
      if (comment === undefined) return json(404, { message: "Not Found" });
      comment.body = (r.body as { body: string }).body;
      comment.edits++;
      return json(200, { id: comment.id });
    }),
  ];
}

const sameRepo = (a: { owner: string; repo: string }, b: { owner: string; repo: string }) =>
  a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();

/** A pull request as `GET /repos/{o}/{r}/pulls` lists it. */
function restPull(p: FakePullRequest, state: GitHubState): Record<string, unknown> {
  const repo = state.repo(p.owner, p.repo);
  const open = (p.state ?? "OPEN") === "OPEN";
  return {
    id: state.databaseIdOf(p),
    number: p.number,
    state: open ? "open" : "closed",
    title: p.title ?? "A pull request",
    body: p.body,
    draft: p.draft ?? false,
    user: p.author === null ? null : { login: p.author ?? "dev" },
    labels: (p.labels ?? []).map((name, i) => ({ id: i + 1, name })),
    milestone: p.milestone
      ? {
          number: p.milestone.number,
          title: p.milestone.title,
          state: p.milestone.state.toLowerCase(),
        }
      : null,
    merged_at: p.state === "MERGED" ? "2026-01-01T00:00:00Z" : null,
    head: { sha: p.headSha, ref: `pr-${p.number}` },
    base: {
      ref: p.baseRef ?? "main",
      repo: { id: repo?.databaseId ?? 0, name: p.repo, owner: { login: p.owner } },
    },
  };
}
