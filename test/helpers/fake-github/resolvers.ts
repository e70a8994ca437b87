/**
 * The GraphQL resolvers: plain objects built from the fake's stores, function-valued properties
 * for fields with arguments (see `fieldResolver`). A field that is not here is a gap of the fake
 * and fails the test.
 */
import type { GraphQLResolveInfo } from "graphql";
import {
  FakeGap,
  GitHubGraphqlError,
  intId,
  notFound,
  type PageArgs,
  pageOf,
} from "./graphql-support.js";
import {
  FAKE_COMMIT_DATE,
  type FakeCheckRun,
  type FakeCommit,
  type FakeIssue,
  type FakePullRequest,
  type FakeRepo,
  repoKey,
} from "./model.js";
import type { GitHubState } from "./state.js";

type Resolved = Record<string, unknown>;

export class Resolvers {
  constructor(readonly state: GitHubState) {}

  root(): Resolved {
    return {
      repository: (args: { owner: string; name: string }) =>
        this.#repository(args.owner, args.name),
      search: (
        args: PageArgs & { query: string; type: string },
        _: unknown,
        info: GraphQLResolveInfo,
      ) => this.#search(args, info),
    };
  }

  /** A repository the app may read, or GitHub's error (thrown). */
  #access(owner: string, name: string): FakeRepo {
    const r = this.state.repo(owner, name);
    if (r === undefined) {
      throw notFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
    }
    if (r.forbidden) {
      throw new GitHubGraphqlError(
        "FORBIDDEN",
        "Resource protected by organization SAML enforcement. You must grant your OAuth token access to this organization.",
      );
    }
    return r;
  }

  #repository(owner: string, name: string): Resolved {
    const r = this.#access(owner, name);
    return {
      __typename: "Repository",
      databaseId: r.databaseId,
      name: r.repo,
      nameWithOwner: `${r.owner}/${r.repo}`,
      owner: { __typename: "Organization", login: r.owner },
      url: `https://github.com/${r.owner}/${r.repo}`,
      defaultBranchRef: { __typename: "Ref", name: "main", prefix: "refs/heads/" },
      object: (args: { expression?: string | null; oid?: string | null }) => this.#object(r, args),
      pullRequest: (args: { number: number }) => {
        const pr = this.state.pull(r.owner, r.repo, args.number);
        if (pr === undefined) {
          throw notFound(`Could not resolve to a PullRequest with the number of ${args.number}.`);
        }
        return this.#pullRequest(pr);
      },
      issue: (args: { number: number }) => {
        const issue = this.state.issue(r.owner, r.repo, args.number);
        if (issue === undefined) {
          throw notFound(`Could not resolve to an Issue with the number of ${args.number}.`);
        }
        return this.#issue(issue, r);
      },
    };
  }

  /** `object(expression: "HEAD:path")` → a Blob or null; `object(oid:)` → a Commit or null. */
  #object(r: FakeRepo, args: { expression?: string | null; oid?: string | null }): unknown {
    if (typeof args.oid === "string") return this.#commitIn(r, args.oid);
    const expression = args.expression ?? "";
    const match = /^(HEAD|main):(.*)$/.exec(expression);
    if (match === null) throw new FakeGap(`Repository.object(expression: "${expression}")`);
    const file = r.files.get(match[2] ?? "");
    if (file === undefined) return null;
    return {
      __typename: "Blob",
      text: file.text,
      isTruncated: file.truncated === true,
      isBinary: false,
      byteSize: Buffer.byteLength(file.text),
    };
  }

  #pullsOf(r: FakeRepo): FakePullRequest[] {
    const k = repoKey(r.owner, r.repo);
    return [...this.state.pulls.values()].filter((p) => repoKey(p.owner, p.repo) === k);
  }

  /** A commit of the repository (a pull request's commit or head, or one with check runs). */
  #commitIn(r: FakeRepo, sha: string): Resolved | null {
    const pulls = this.#pullsOf(r);
    const commit = pulls.flatMap((p) => p.commits).find((c) => c.sha === sha);
    const known =
      commit !== undefined ||
      pulls.some((p) => p.headSha === sha) ||
      this.state.checkRuns.some((run) => run.head_sha === sha);
    if (!known) return null;
    return this.#commit(commit ?? { sha, message: "", author: {} }, r);
  }

  #commit(c: FakeCommit, r?: FakeRepo): Resolved {
    return {
      __typename: "Commit",
      oid: c.sha,
      message: c.message,
      authoredDate: c.authoredAt ?? FAKE_COMMIT_DATE,
      committedDate: c.committedAt ?? c.authoredAt ?? FAKE_COMMIT_DATE,
      author: {
        name: c.author.name ?? null,
        email: c.author.email ?? null,
        user: c.author.login ? { __typename: "User", login: c.author.login } : null,
      },
      checkSuites: (args: PageArgs, _: unknown, info: GraphQLResolveInfo) => {
        const byApp = new Map<number, FakeCheckRun[]>();
        for (const run of this.state.checkRunsOn(c.sha)) {
          byApp.set(run.appId, [...(byApp.get(run.appId) ?? []), run]);
        }
        const suites = [...byApp].map(([appId, runs]) => ({
          __typename: "CheckSuite",
          app: { __typename: "App", databaseId: appId },
          checkRuns: (a: PageArgs, __: unknown, i: GraphQLResolveInfo) =>
            pageOf(
              runs.map((run) => ({
                __typename: "CheckRun",
                databaseId: () => intId(run.id),
                // as github.com gives it: the REST id's digits, whatever their size
                url: `https://github.com/${r?.owner ?? "owner"}/${r?.repo ?? "repo"}/runs/${run.id}`,
                name: run.name,
                status: run.status.toUpperCase(),
              })),
              a,
              i,
            ),
        }));
        return pageOf(suites, args, info);
      },
      associatedPullRequests: (args: PageArgs, _: unknown, info: GraphQLResolveInfo) => {
        // like GitHub: fork heads are often not associated with the base repository's PRs
        const prs =
          r === undefined
            ? []
            : this.#pullsOf(r).filter((p) => p.headSha === c.sha && !p.isCrossRepository);
        return pageOf(
          prs.map((p) => this.#pullRequest(p)),
          args,
          info,
        );
      },
    };
  }

  #pullRequest(pr: FakePullRequest): Resolved {
    const id = this.state.databaseIdOf(pr);
    return {
      __typename: "PullRequest",
      databaseId: id,
      fullDatabaseId: String(id),
      number: pr.number,
      title: pr.title ?? "A pull request",
      body: pr.body,
      url: `https://github.com/${pr.owner}/${pr.repo}/pull/${pr.number}`,
      isDraft: pr.draft ?? false,
      state: pr.state ?? "OPEN",
      merged: pr.state === "MERGED",
      closed: (pr.state ?? "OPEN") !== "OPEN",
      author: pr.author === null ? null : { __typename: "User", login: pr.author ?? "dev" },
      baseRefName: pr.baseRef ?? "main",
      headRefOid: pr.headSha,
      isCrossRepository: pr.isCrossRepository ?? false,
      baseRepository: () => this.#repository(pr.owner, pr.repo),
      milestone: pr.milestone
        ? {
            number: pr.milestone.number,
            title: pr.milestone.title,
            state: pr.milestone.state,
            dueOn: pr.milestone.dueOn ?? null,
            description: pr.milestone.description ?? null,
          }
        : null,
      labels: (args: PageArgs, _: unknown, info: GraphQLResolveInfo) =>
        pageOf(
          (pr.labels ?? []).map((name) => ({ __typename: "Label", name })),
          args,
          info,
        ),
      closingIssuesReferences: (args: PageArgs, _: unknown, info: GraphQLResolveInfo) =>
        pageOf(
          (pr.closingIssues ?? []).map((ref) => this.#closingIssue(pr, ref)),
          args,
          info,
        ),
      commits: (args: PageArgs, _: unknown, info: GraphQLResolveInfo) =>
        pageOf(
          pr.commits.map((c) => ({ __typename: "PullRequestCommit", commit: this.#commit(c) })),
          args,
          info,
        ),
      additions: pr.additions ?? 40,
      deletions: pr.deletions ?? 10,
      reviews: (
        args: PageArgs & { states?: string[] | null },
        _: unknown,
        info: GraphQLResolveInfo,
      ) =>
        pageOf(
          (pr.reviews ?? [])
            .filter((r) => args.states == null || args.states.includes(r.state ?? "COMMENTED"))
            .map((r) => ({
              __typename: "PullRequestReview",
              fullDatabaseId: String(r.id),
              state: r.state ?? "COMMENTED",
              submittedAt: r.state === "PENDING" ? null : (r.submittedAt ?? FAKE_COMMIT_DATE),
              body: r.body ?? "",
              author: r.author === null ? null : { __typename: "User", login: r.author },
            })),
          args,
          info,
        ),
    };
  }

  /**
   * A closing issue, or, in a repository the app may not read, the error itself: graphql-js puts
   * an Error list item as null with the error at its path (`…closingIssuesReferences.nodes.0`).
   */
  #closingIssue(
    pr: FakePullRequest,
    ref: { owner?: string; repo?: string; number: number },
  ): Resolved | Error {
    const owner = ref.owner ?? pr.owner;
    const name = ref.repo ?? pr.repo;
    let r: FakeRepo;
    try {
      r = this.#access(owner, name);
    } catch (error) {
      return error as Error;
    }
    // a closing reference names an issue GitHub has; a test may leave its body out
    const issue = this.state.issue(owner, name, ref.number) ?? {
      owner,
      repo: name,
      number: ref.number,
      body: "",
    };
    return this.#issue(issue, r);
  }

  #issue(issue: FakeIssue, r: FakeRepo): Resolved {
    const id = this.state.issueIdOf({ ...issue, owner: r.owner, repo: r.repo });
    return {
      __typename: "Issue",
      databaseId: id ?? null,
      fullDatabaseId: id === undefined ? null : String(id),
      number: issue.number,
      title: issue.title ?? "An issue",
      body: issue.body,
      state: issue.state ?? "OPEN",
      url: `https://github.com/${r.owner}/${r.repo}/issues/${issue.number}`,
      repository: () => this.#repository(r.owner, r.repo),
    };
  }

  /**
   * `search(type: ISSUE)`: qualifiers `repo:o/r`, `is:pr|issue|open|closed|merged`; a bare hex
   * term finds pull requests with that commit; other bare terms match title or body.
   */
  #search(args: PageArgs & { query: string; type: string }, info: GraphQLResolveInfo): unknown {
    if (args.type !== "ISSUE") throw new FakeGap(`Query.search(type: ${args.type})`);
    let repo: string | undefined;
    const is = new Set<string>();
    const terms: string[] = [];
    for (const token of args.query.split(/\s+/).filter((t) => t !== "")) {
      const q = /^(\w+):(.+)$/.exec(token);
      if (q === null) terms.push(token.toLowerCase());
      else if (q[1] === "repo") repo = (q[2] ?? "").toLowerCase();
      else if (q[1] === "is") is.add((q[2] ?? "").toLowerCase());
      else throw new FakeGap(`search qualifier ${token}`);
    }
    const readable = (owner: string, name: string) => {
      const r = this.state.repo(owner, name);
      return (
        r !== undefined && !r.forbidden && (repo === undefined || repoKey(owner, name) === repo)
      );
    };
    const stateOk = (state: string, merged: boolean) =>
      (!is.has("open") || state === "OPEN") &&
      (!is.has("closed") || state !== "OPEN") &&
      (!is.has("merged") || merged);
    const matches = (text: string, shas: string[]) =>
      terms.every((t) =>
        /^[0-9a-f]{7,40}$/.test(t)
          ? shas.some((s) => s.startsWith(t))
          : text.toLowerCase().includes(t),
      );
    const nodes: Resolved[] = [];
    if (!is.has("issue")) {
      for (const p of this.state.pulls.values()) {
        const state = p.state ?? "OPEN";
        if (!readable(p.owner, p.repo) || !stateOk(state, state === "MERGED")) continue;
        const shas = [p.headSha, ...p.commits.map((c) => c.sha)];
        if (matches(`${p.title ?? ""}\n${p.body}`, shas)) nodes.push(this.#pullRequest(p));
      }
    }
    if (!is.has("pr")) {
      for (const i of this.state.issues) {
        const r = this.state.repo(i.owner, i.repo);
        if (r === undefined || !readable(i.owner, i.repo) || !stateOk(i.state ?? "OPEN", false)) {
          continue;
        }
        if (matches(`${i.title ?? ""}\n${i.body}`, [])) nodes.push(this.#issue(i, r));
      }
    }
    const page = pageOf(nodes, args, info);
    return { ...page, issueCount: nodes.length };
  }
}
