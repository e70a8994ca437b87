/**
 * A fake of GitHub's GraphQL endpoint for the app's documents, answering from plain data models
 * with GitHub's response shapes (including `errors` with `NOT_FOUND` / `FORBIDDEN` and partial
 * data where GitHub gives them). An unknown operation throws: a changed query cannot pass against
 * a fake that does not know it.
 *
 *   const fake = new FakeGitHub().addRepo("acme", "shop", { ".github/cost-value.yml": "…" });
 *   fake.addPullRequest({ owner: "acme", repo: "shop", number: 7, body, headSha, commits: commitsOf(3) });
 *   fake.addIssue({ owner: "acme", repo: "shop", number: 1, body: "## Value …" });
 *   fake.forbidRepo("corp", "private");            // reads answer FORBIDDEN
 *   fake.failNext("CostValueCommits", { status: 502, json: {} });
 *   fake.answer({ query, variables })              // { status, json }, for nock
 *   fake.graphqlFn()                               // an `octokit.graphql` look-alike
 *   fake.requests                                  // [{ operation, variables }], one per document
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
  /** Login; `null` for a deleted account (GitHub gives `author: null`, shown as ghost). */
  author?: string | null;
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

/** A file whose text GitHub cut (`Blob.isTruncated`): give it as `{ text, truncated: true }`. */
export interface FakeFile {
  text: string;
  truncated?: boolean;
}

interface FakeRepo {
  owner: string;
  repo: string;
  databaseId: number;
  files: Map<string, FakeFile>;
  /** The app may not read it (SAML enforcement, …): GitHub answers `FORBIDDEN`. */
  forbidden: boolean;
}

type Answer = { status: number; json: unknown };
type Vars = Record<string, unknown>;

const key = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();

let shaCounter = 0;
/** A 40-hex SHA, unique per call. */
export function fakeSha(): string {
  shaCounter++;
  // fixed-width hex, then padding: unique (padding "c" alone made 0xc2 equal 0x2)
  return shaCounter.toString(16).padStart(8, "0").padStart(40, "c");
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
  readonly #faults: { operation: string; answer: Answer }[] = [];

  /**
   * Add (or replace) a repository with files on its default branch, by path:
   * `addRepo("acme", "shop", { ".github/cost-value.yml": "currency: EUR\n" })`.
   */
  addRepo(
    owner: string,
    repo: string,
    files: Record<string, string | FakeFile> = {},
    databaseId = 100 + this.repos.size,
  ): this {
    this.repos.set(key(owner, repo), {
      owner,
      repo,
      databaseId,
      files: new Map(
        Object.entries(files).map(([path, f]) => [path, typeof f === "string" ? { text: f } : f]),
      ),
      forbidden: false,
    });
    return this;
  }

  /** Make an existing repository unreadable for the app: reads of it answer `FORBIDDEN`. */
  forbidRepo(owner: string, repo: string): this {
    const r = this.repos.get(key(owner, repo));
    if (r === undefined) throw new Error(`forbidRepo: add ${owner}/${repo} first`);
    r.forbidden = true;
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

  /**
   * Answer the next request for `operation` with `answer` instead (a 502, a `RATE_LIMITED` error
   * body, …). The request is still recorded.
   */
  failNext(operation: string, answer: Answer): this {
    this.#faults.push({ operation, answer });
    return this;
  }

  /**
   * Answer a request body as GitHub would (`{ status, json }`); for nock:
   * `nock("https://api.github.com").post("/graphql").reply((_, body) => { const a = fake.answer(body); return [a.status, a.json]; })`.
   * Dispatches on the operation name; an unknown operation throws, so a renamed or new document
   * cannot pass against a fake that does not know it.
   */
  answer(body: { query: string; variables?: Vars }): Answer {
    const operation = /(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? "";
    const vars = body.variables ?? {};
    this.requests.push({ operation, variables: vars });
    const fault = this.#faults.findIndex((f) => f.operation === operation);
    if (fault >= 0) return this.#faults.splice(fault, 1)[0]?.answer as Answer;
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

  /**
   * A repository as the app sees it: the repo, or the error GitHub gives at `path` (`NOT_FOUND`
   * for a missing repository, `FORBIDDEN` for one the app may not read).
   */
  #access(
    owner: unknown,
    repo: unknown,
    path: (string | number)[],
  ): { repo: FakeRepo; error?: undefined } | { repo?: undefined; error: GraphqlError } {
    const r = this.repos.get(key(String(owner), String(repo)));
    if (r === undefined) {
      return {
        error: gqlError(
          "NOT_FOUND",
          path,
          `Could not resolve to a Repository with the name '${owner}/${repo}'.`,
        ),
      };
    }
    if (r.forbidden) {
      return {
        error: gqlError(
          "FORBIDDEN",
          path,
          "Resource protected by organization SAML enforcement. You must grant your OAuth token access to this organization.",
        ),
      };
    }
    return { repo: r };
  }

  #blob(repo: FakeRepo, expression: unknown): { text: string; isTruncated: boolean } | null {
    const path = String(expression).replace(/^HEAD:/, "");
    const file = repo.files.get(path);
    return file === undefined ? null : { text: file.text, isTruncated: file.truncated === true };
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

  /** Issue fields as `issue(number:)` gives them, or null with an error. */
  #issueAt(
    owner: unknown,
    repo: unknown,
    number: unknown,
    path: (string | number)[],
  ): { node: { number: number; body: string; state: string } | null; error?: GraphqlError } {
    const access = this.#access(owner, repo, path.slice(0, -1));
    if (access.error) return { node: null, error: access.error };
    const issue = this.issues.get(`${key(String(owner), String(repo))}#${number}`);
    if (issue === undefined) {
      return {
        node: null,
        error: gqlError(
          "NOT_FOUND",
          path,
          `Could not resolve to an Issue with the number of ${number}.`,
        ),
      };
    }
    return { node: { number: issue.number, body: issue.body, state: issue.state ?? "OPEN" } };
  }

  #pullRequest(v: Vars): Answer {
    const errors: GraphqlError[] = [];
    const access = this.#access(v.owner, v.repo, ["repository"]);
    const ownerAccess = this.#access(v.owner, ".github", ["ownerConfig"]);
    if (ownerAccess.error) errors.push(ownerAccess.error);
    let hintedIssue: unknown;
    if (v.withIssue === true) {
      const issueRepo = this.#access(v.issueOwner, v.issueRepo, ["hintedIssue"]);
      if (issueRepo.error) {
        hintedIssue = null;
        errors.push(issueRepo.error);
      } else {
        const { node, error } = this.#issueAt(v.issueOwner, v.issueRepo, v.issueNumber, [
          "hintedIssue",
          "issue",
        ]);
        hintedIssue = { issue: node };
        if (error) errors.push(error);
      }
    }
    const optional = {
      ownerConfig: ownerAccess.repo
        ? { config: this.#blob(ownerAccess.repo, v.configExpression) }
        : null,
      ...(v.withIssue === true ? { hintedIssue } : {}),
    };
    if (access.error) {
      return response({ repository: null, ...optional }, [access.error, ...errors]);
    }
    const repo = access.repo;
    const pr = this.pulls.get(`${key(String(v.owner), String(v.repo))}#${v.number}`);
    if (pr === undefined) {
      errors.unshift(
        gqlError(
          "NOT_FOUND",
          ["repository", "pullRequest"],
          `Could not resolve to a PullRequest with the number of ${v.number}.`,
        ),
      );
    }
    // closing issues in a repository the app may not read: a null node and an error, like GitHub
    const closingNodes = (pr?.closingIssues ?? []).map((ref, i) => {
      const owner = ref.owner ?? pr?.owner;
      const name = ref.repo ?? pr?.repo;
      const path = ["repository", "pullRequest", "closingIssuesReferences", "nodes", i];
      const issueRepo = this.#access(owner, name, path);
      if (issueRepo.error) {
        errors.push(issueRepo.error);
        return null;
      }
      const issue = this.issues.get(`${key(String(owner), String(name))}#${ref.number}`);
      return {
        number: ref.number,
        body: issue?.body ?? "",
        state: issue?.state ?? "OPEN",
        repository: { name: issueRepo.repo.repo, owner: { login: issueRepo.repo.owner } },
      };
    });
    const runs = this.checkRuns.get(String(v.headSha)) ?? [];
    const byApp = new Map<number, typeof runs>();
    for (const run of runs) byApp.set(run.appId, [...(byApp.get(run.appId) ?? []), run]);
    // `object(oid:)` is null for a commit the repository does not have
    const knownCommit =
      runs.length > 0 || pr?.headSha === v.headSha || pr?.commits.some((c) => c.sha === v.headSha);
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
                fullDatabaseId: String(pr.databaseId ?? 5000 + pr.number),
                number: pr.number,
                title: pr.title ?? "A pull request",
                body: pr.body,
                url: `https://github.com/${pr.owner}/${pr.repo}/pull/${pr.number}`,
                isDraft: pr.draft ?? false,
                state: pr.state ?? "OPEN",
                merged: pr.state === "MERGED",
                author: pr.author === null ? null : { login: pr.author ?? "dev" },
                baseRefName: pr.baseRef ?? "main",
                headRefOid: pr.headSha,
                isCrossRepository: pr.isCrossRepository ?? false,
                milestone: pr.milestone
                  ? {
                      ...pr.milestone,
                      dueOn: pr.milestone.dueOn ?? null,
                      description: pr.milestone.description ?? null,
                    }
                  : null,
                labels: { nodes: (pr.labels ?? []).map((name) => ({ name })) },
                closingIssuesReferences: { nodes: closingNodes },
                commits: this.#commitPage(pr, 0),
              },
        headCommit: !knownCommit
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
      ...optional,
    };
    return response(data, errors);
  }

  #commitsPage(v: Vars): Answer {
    const pr = this.pulls.get(`${key(String(v.owner), String(v.repo))}#${v.number}`);
    if (pr === undefined) throw new Error("commits page for an unknown PR");
    const after = Number(String(v.cursor).replace("cursor:", ""));
    return response({ repository: { pullRequest: { commits: this.#commitPage(pr, after) } } });
  }

  #configFile(v: Vars): Answer {
    const access = this.#access(v.owner, v.repo, ["repository"]);
    if (access.error) return response({ repository: null }, [access.error]);
    return response({ repository: { config: this.#blob(access.repo, v.expression) } });
  }

  #issue(v: Vars): Answer {
    const access = this.#access(v.owner, v.repo, ["repository"]);
    if (access.error) return response({ repository: null }, [access.error]);
    const { node, error } = this.#issueAt(v.owner, v.repo, v.number, ["repository", "issue"]);
    return response({ repository: { issue: node } }, error ? [error] : []);
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
    return response({
      repository: {
        object: {
          // like GitHub: fork heads are often not associated with the base repository's PRs
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
      search: { nodes: prs.filter((p) => (p.state ?? "OPEN") === "OPEN").map(node) },
    });
  }
}

export interface GraphqlError {
  type: string;
  path: (string | number)[];
  locations: { line: number; column: number }[];
  message: string;
}

function gqlError(type: string, path: (string | number)[], message: string): GraphqlError {
  return { type, path, locations: [{ line: 1, column: 1 }], message };
}

/** GitHub's body: `{data}`, with `errors` only when there are some. Always HTTP 200. */
function response(data: unknown, errors: readonly GraphqlError[] = []): Answer {
  return { status: 200, json: errors.length > 0 ? { data, errors: [...errors] } : { data } };
}
