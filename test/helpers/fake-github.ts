/**
 * A fake of GitHub's GraphQL endpoint for the app's documents, answering from plain data models
 * with GitHub's response shapes (including `errors` with `NOT_FOUND` where GitHub gives them).
 * An unknown operation throws: a changed query cannot pass against a fake that does not know it.
 */
import { GraphqlResponseError } from "@octokit/graphql";
import type { GraphqlFn } from "../../src/github/snapshot.js";

export interface FakeCommit {
  sha: string;
  message: string;
  author: { name?: string; email?: string; login?: string };
}

export interface FakePullRequest {
  owner: string;
  repo: string;
  number: number;
  databaseId?: number;
  title?: string;
  body: string;
  draft?: boolean;
  state?: "OPEN" | "CLOSED" | "MERGED";
  author?: string;
  baseRef?: string;
  headSha: string;
  isCrossRepository?: boolean;
  labels?: string[];
  milestone?: {
    number: number;
    title: string;
    state: "OPEN" | "CLOSED";
    dueOn?: string;
    description?: string;
  };
  commits: FakeCommit[];
  closingIssues?: { owner?: string; repo?: string; number: number }[];
}

export interface FakeIssue {
  owner: string;
  repo: string;
  number: number;
  body: string;
  state?: "OPEN" | "CLOSED";
}

interface FakeRepo {
  owner: string;
  repo: string;
  databaseId: number;
  files: Map<string, string>;
}

type Answer = { status: number; json: unknown };
type Vars = Record<string, unknown>;

const key = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();

let shaCounter = 0;
/** A 40-hex SHA, unique per call. */
export function fakeSha(): string {
  shaCounter++;
  return shaCounter.toString(16).padStart(40, "c");
}

/** `n` commits, each with an `Agent-Cost` trailer of `cost` unless `message` is given. */
export function commitsOf(
  n: number,
  message = (i: number) => `Commit ${i}\n\nAgent-Cost: 0.01 USD\n`,
): FakeCommit[] {
  return Array.from({ length: n }, (_, i) => ({
    sha: fakeSha(),
    message: message(i),
    author: { name: "Dev", email: "dev@example.com", login: "dev" },
  }));
}

export class FakeGitHub {
  readonly repos = new Map<string, FakeRepo>();
  readonly pulls = new Map<string, FakePullRequest>();
  readonly issues = new Map<string, FakeIssue>();
  readonly checkRuns = new Map<
    string,
    { id: number; name: string; appId: number; status: string }[]
  >();
  /** Every document answered: operation and variables. */
  readonly requests: { operation: string; variables: Vars }[] = [];

  addRepo(
    owner: string,
    repo: string,
    files: Record<string, string> = {},
    databaseId = 100 + this.repos.size,
  ): this {
    this.repos.set(key(owner, repo), {
      owner,
      repo,
      databaseId,
      files: new Map(Object.entries(files)),
    });
    return this;
  }

  addPullRequest(pr: FakePullRequest): FakePullRequest {
    if (!this.repos.has(key(pr.owner, pr.repo))) this.addRepo(pr.owner, pr.repo);
    this.pulls.set(`${key(pr.owner, pr.repo)}#${pr.number}`, pr);
    return pr;
  }

  addIssue(issue: FakeIssue): this {
    this.issues.set(`${key(issue.owner, issue.repo)}#${issue.number}`, issue);
    return this;
  }

  addCheckRun(sha: string, run: { id: number; name: string; appId: number; status: string }): void {
    const runs = this.checkRuns.get(sha) ?? [];
    runs.push(run);
    this.checkRuns.set(sha, runs);
  }

  /** An `octokit.graphql`-like function: throws GraphqlResponseError when errors are present. */
  graphqlFn(): GraphqlFn {
    return async (query, variables = {}) => {
      const { status, json } = this.answer({ query, variables });
      if (status !== 200) throw Object.assign(new Error(`HTTP ${status}`), { status });
      const body = json as { data?: unknown; errors?: unknown[] };
      if (body.errors !== undefined && body.errors.length > 0) {
        throw new GraphqlResponseError(
          { method: "POST", url: "/graphql", query, ...variables } as never,
          {} as never,
          body as never,
        );
      }
      return body.data;
    };
  }

  answer(body: { query: string; variables?: Vars }): Answer {
    const operation = /query\s+(\w+)/.exec(body.query)?.[1] ?? "";
    const vars = body.variables ?? {};
    this.requests.push({ operation, variables: vars });
    switch (operation) {
      case "CostValuePullRequest":
        return this.#pullRequest(vars);
      case "CostValueCommits":
        return this.#commitsPage(vars);
      case "CostValueConfigFile":
        return this.#configFile(vars);
      case "CostValueIssue":
        return this.#issue(vars);
      case "CostValueCommitPullRequests":
        return this.#commitPullRequests(vars);
      default:
        throw new Error(`FakeGitHub does not know the GraphQL operation "${operation}"`);
    }
  }

  #repo(owner: unknown, repo: unknown): FakeRepo | undefined {
    return this.repos.get(key(String(owner), String(repo)));
  }

  #blob(
    repo: FakeRepo | undefined,
    expression: unknown,
  ): { text: string; isTruncated: boolean } | null {
    const path = String(expression).replace(/^HEAD:/, "");
    const text = repo?.files.get(path);
    return text === undefined ? null : { text, isTruncated: false };
  }

  #commitPage(pr: FakePullRequest, after: number) {
    const page = pr.commits.slice(after, after + 100);
    const end = after + page.length;
    return {
      totalCount: pr.commits.length,
      pageInfo: {
        hasNextPage: end < pr.commits.length,
        endCursor: page.length > 0 ? `cursor:${end}` : null,
      },
      nodes: page.map((c) => ({
        commit: {
          oid: c.sha,
          message: c.message,
          author: {
            name: c.author.name ?? null,
            email: c.author.email ?? null,
            user: c.author.login ? { login: c.author.login } : null,
          },
        },
      })),
    };
  }

  #issueNode(ref: { owner?: string; repo?: string; number: number }, pr: FakePullRequest) {
    const owner = ref.owner ?? pr.owner;
    const repo = ref.repo ?? pr.repo;
    const issue = this.issues.get(`${key(owner, repo)}#${ref.number}`);
    return {
      number: ref.number,
      body: issue?.body ?? "",
      state: issue?.state ?? "OPEN",
      repository: { name: repo, owner: { login: owner } },
    };
  }

  #notFound(path: string[], message: string) {
    return { type: "NOT_FOUND", path, locations: [{ line: 1, column: 1 }], message };
  }

  #pullRequest(v: Vars): Answer {
    const repo = this.#repo(v.owner, v.repo);
    const errors: unknown[] = [];
    if (repo === undefined) {
      return {
        status: 200,
        json: {
          data: { repository: null, ownerConfig: null },
          errors: [
            this.#notFound(
              ["repository"],
              `Could not resolve to a Repository with the name '${v.owner}/${v.repo}'.`,
            ),
          ],
        },
      };
    }
    const pr = this.pulls.get(`${key(String(v.owner), String(v.repo))}#${v.number}`);
    if (pr === undefined) {
      errors.push(
        this.#notFound(
          ["repository", "pullRequest"],
          `Could not resolve to a PullRequest with the number of ${v.number}.`,
        ),
      );
    }
    const ownerRepo = this.#repo(v.owner, ".github");
    if (ownerRepo === undefined) {
      errors.push(
        this.#notFound(
          ["ownerConfig"],
          `Could not resolve to a Repository with the name '${v.owner}/.github'.`,
        ),
      );
    }
    let hintedIssue: unknown;
    if (v.withIssue === true) {
      const issue = this.issues.get(
        `${key(String(v.issueOwner), String(v.issueRepo))}#${v.issueNumber}`,
      );
      const issueRepo = this.#repo(v.issueOwner, v.issueRepo);
      if (issueRepo === undefined) {
        hintedIssue = null;
        errors.push(
          this.#notFound(
            ["hintedIssue"],
            `Could not resolve to a Repository with the name '${v.issueOwner}/${v.issueRepo}'.`,
          ),
        );
      } else if (issue === undefined) {
        hintedIssue = { issue: null };
        errors.push(
          this.#notFound(
            ["hintedIssue", "issue"],
            `Could not resolve to an Issue with the number of ${v.issueNumber}.`,
          ),
        );
      } else {
        hintedIssue = {
          issue: { number: issue.number, body: issue.body, state: issue.state ?? "OPEN" },
        };
      }
    }
    const runs = this.checkRuns.get(String(v.headSha)) ?? [];
    const byApp = new Map<number, typeof runs>();
    for (const run of runs) byApp.set(run.appId, [...(byApp.get(run.appId) ?? []), run]);
    const data = {
      repository: {
        databaseId: repo.databaseId,
        name: repo.repo,
        owner: { login: repo.owner },
        defaultBranchRef: { name: "main" },
        config: this.#blob(repo, v.configExpression),
        pullRequest:
          pr === undefined
            ? null
            : {
                databaseId: pr.databaseId ?? 5000 + pr.number,
                number: pr.number,
                title: pr.title ?? "A pull request",
                body: pr.body,
                url: `https://github.com/${pr.owner}/${pr.repo}/pull/${pr.number}`,
                isDraft: pr.draft ?? false,
                state: pr.state === "MERGED" ? "MERGED" : (pr.state ?? "OPEN"),
                merged: pr.state === "MERGED",
                author: { login: pr.author ?? "dev" },
                baseRefName: pr.baseRef ?? "main",
                headRefOid: pr.headSha,
                isCrossRepository: pr.isCrossRepository ?? false,
                milestone: pr.milestone
                  ? {
                      ...pr.milestone,
                      dueOn: pr.milestone.dueOn ?? null,
                      description: pr.milestone.description ?? "",
                    }
                  : null,
                labels: { nodes: (pr.labels ?? []).map((name) => ({ name })) },
                closingIssuesReferences: {
                  nodes: (pr.closingIssues ?? []).map((ref) => this.#issueNode(ref, pr)),
                },
                commits: this.#commitPage(pr, 0),
              },
        headCommit:
          runs.length === 0 &&
          !pr?.commits.some((c) => c.sha === v.headSha) &&
          pr?.headSha !== v.headSha
            ? null
            : {
                checkSuites: {
                  nodes: [...byApp].map(([appId, appRuns]) => ({
                    app: { databaseId: appId },
                    checkRuns: {
                      nodes: appRuns.map((r) => ({
                        databaseId: r.id,
                        name: r.name,
                        status: r.status.toUpperCase(),
                      })),
                    },
                  })),
                },
              },
      },
      ownerConfig:
        ownerRepo === undefined ? null : { config: this.#blob(ownerRepo, v.configExpression) },
      ...(v.withIssue === true ? { hintedIssue } : {}),
    };
    return { status: 200, json: errors.length > 0 ? { data, errors } : { data } };
  }

  #commitsPage(v: Vars): Answer {
    const pr = this.pulls.get(`${key(String(v.owner), String(v.repo))}#${v.number}`);
    if (pr === undefined) throw new Error("commits page for an unknown PR");
    const after = Number(String(v.cursor).replace("cursor:", ""));
    return {
      status: 200,
      json: { data: { repository: { pullRequest: { commits: this.#commitPage(pr, after) } } } },
    };
  }

  #configFile(v: Vars): Answer {
    const repo = this.#repo(v.owner, v.repo);
    if (repo === undefined) {
      return {
        status: 200,
        json: {
          data: { repository: null },
          errors: [
            this.#notFound(
              ["repository"],
              `Could not resolve to a Repository with the name '${v.owner}/${v.repo}'.`,
            ),
          ],
        },
      };
    }
    return {
      status: 200,
      json: { data: { repository: { config: this.#blob(repo, v.expression) } } },
    };
  }

  #issue(v: Vars): Answer {
    const issue = this.issues.get(`${key(String(v.owner), String(v.repo))}#${v.number}`);
    if (issue === undefined) {
      return {
        status: 200,
        json: {
          data: { repository: { issue: null } },
          errors: [
            this.#notFound(
              ["repository", "issue"],
              `Could not resolve to an Issue with the number of ${v.number}.`,
            ),
          ],
        },
      };
    }
    return {
      status: 200,
      json: {
        data: {
          repository: {
            issue: { number: issue.number, body: issue.body, state: issue.state ?? "OPEN" },
          },
        },
      },
    };
  }

  #commitPullRequests(v: Vars): Answer {
    const prs = [...this.pulls.values()].filter(
      (p) => key(p.owner, p.repo) === key(String(v.owner), String(v.repo)) && p.headSha === v.sha,
    );
    const node = (p: FakePullRequest) => ({
      number: p.number,
      state: p.state ?? "OPEN",
      headRefOid: p.headSha,
    });
    return {
      status: 200,
      json: {
        data: {
          repository: {
            object: {
              // like GitHub: fork heads are not associated with the base repository's PRs
              associatedPullRequests: {
                nodes: prs
                  .filter((p) => !p.isCrossRepository)
                  .map((p) => ({
                    ...node(p),
                    baseRepository: { name: p.repo, owner: { login: p.owner } },
                  })),
              },
            },
          },
          search: { nodes: prs.map(node) },
        },
      },
    };
  }
}
