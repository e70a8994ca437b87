/**
 * A fake of GitHub's GraphQL endpoint that executes every document with graphql-js against
 * GitHub's published schema (@octokit/graphql-schema's `schema.graphql`), with resolvers backed by
 * plain data models. Answers have GitHub's shapes: always HTTP 200, `{ data, errors? }`, partial
 * data with `NOT_FOUND` / `FORBIDDEN` errors (type at the top level, path, locations, message), and
 * graphql-js's own serialization errors as they are (a check run id above 2^31 − 1 comes back as
 * `databaseId: null` plus "Int cannot represent non 32-bit signed integer value: …", like
 * github.com).
 *
 * Loud on anything GitHub would not answer or the fake cannot: a document that does not validate
 * against the schema (or variables that do not fit it) is recorded in `invalidDocuments` and
 * throws (or, with `{ invalidDocuments: "answer" }`, gets GitHub's `{ errors }` body); a field the
 * fake does not model throws.
 *
 *   const fake = new FakeGitHub().addRepo("acme", "shop", { ".github/cost-value.yml": "…" });
 *   fake.addPullRequest({ owner: "acme", repo: "shop", number: 7, body, headSha, commits: commitsOf(3) });
 *   fake.addIssue({ owner: "acme", repo: "shop", number: 1, body: "## Value …" });
 *   fake.forbidRepo("corp", "private");            // reads answer FORBIDDEN
 *   fake.failNext("CostValueCommits", { status: 502, json: {} });
 *   fake.answer({ query, variables })              // { status, json }, for nock
 *   fake.graphqlFn()                               // an `octokit.graphql` look-alike
 *   fake.requests                                  // [{ operation, variables }], one per document
 *   new FakeGitHub({ ids: "github" })              // pull request, issue ids above 2^31 (github.com's)
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GraphqlResponseError } from "@octokit/graphql";
import {
  buildSchema,
  type DocumentNode,
  type ExecutionResult,
  execute,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getOperationAST,
  parse,
  validate,
} from "graphql";
import { ALL_DOCUMENTS } from "../../src/github/graphql-documents.js";
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
  /** Default: 5000 + number (`ids: "small"`), above 2^31 (`ids: "github"`). */
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
  /** Default: 3000 + n (`ids: "small"`), above 2^31 (`ids: "github"`). */
  databaseId?: number;
  title?: string;
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

/** A check run as the GraphQL side knows it: `id` a number while exact, a bigint beyond 2^53. */
export interface FakeCheckRun {
  id: number | bigint;
  name: string;
  appId: number;
  status: string;
}

/**
 * Database ids. `github` (the default): pull requests and issues above 2^31 like github.com today
 * (so their `databaseId` is null plus an Int error; `fullDatabaseId` has them), and GitHubMock
 * gives check runs ~3×10^10 and comments ~2.5×10^9, as github.com does. `small`: repositories
 * 100+, pull requests 5000 + number, issues 3000+, check runs as the caller gives them; all fit
 * GraphQL's 32-bit `Int` (a GitHub Enterprise Server with few objects; tests that print ids).
 * Repositories stay small either way (like today's real repository ids).
 */
export type IdStyle = "small" | "github";

export interface FakeGitHubOptions {
  /** Default `github` (see IdStyle). */
  ids?: IdStyle;
  /** The database id of the first repository added without one (default 100; then +1 each). */
  firstRepositoryId?: number;
  /**
   * What a document that does not validate (or whose variables do not fit it) gets: `throw`
   * (default: the test fails where the request is made) or `answer` (GitHub's HTTP 200
   * `{ errors: [{ message, locations }] }` with no data). Recorded in `invalidDocuments` either way.
   */
  invalidDocuments?: "throw" | "answer";
}

type Answer = { status: number; json: unknown };
type Vars = Record<string, unknown>;

/** An entry of GitHub's `errors`. `type` only for GitHub's typed errors (NOT_FOUND, …). */
export interface GraphqlError {
  type?: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  message: string;
}

const key = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();

/** Above 2^31 like github.com's (pull requests ~2.6×10^9 and growing). */
const GITHUB_PULL_ID = 2_700_000_000;
const GITHUB_ISSUE_ID = 3_100_000_000;

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

// --- the schema: built once per process (per test file's module graph) ---

let schema: GraphQLSchema | undefined;
let schemaBuildMs: number | undefined;

/** GitHub's published schema (@octokit/graphql-schema), built on first use. */
export function githubSchema(): GraphQLSchema {
  if (schema === undefined) {
    const file = fileURLToPath(
      new URL("schema.graphql", import.meta.resolve("@octokit/graphql-schema")),
    );
    const sdl = readFileSync(file, "utf8");
    const started = performance.now();
    // The SDL of @octokit/graphql-schema 15.26.1 defines two fields of EnterpriseOwnerInfo twice
    // (identically), which buildSchema's SDL validation rejects: skip that validation.
    schema = buildSchema(sdl, { assumeValidSDL: true });
    schemaBuildMs = performance.now() - started;
  }
  return schema;
}

/** How long `buildSchema` took in this process (undefined before the first use). */
export function githubSchemaBuildMs(): number | undefined {
  return schemaBuildMs;
}

interface Prepared {
  operation: string;
  document?: DocumentNode;
  errors: GraphqlError[];
}

const prepared = new Map<string, Prepared>();

/** Parse and validate a document against GitHub's schema (cached by its text). */
function prepare(query: string, operationName: string | undefined): Prepared {
  const cacheKey = `${operationName ?? ""}\n${query}`;
  const cached = prepared.get(cacheKey);
  if (cached !== undefined) return cached;
  let result: Prepared;
  try {
    const document = parse(query);
    const errors = validate(githubSchema(), document).map(bodyError);
    const op = getOperationAST(document, operationName);
    if (op === null && errors.length === 0) {
      errors.push({
        message:
          operationName === undefined
            ? "Must provide operation name if query contains multiple operations."
            : `Unknown operation named "${operationName}".`,
      });
    }
    result = { operation: op?.name?.value ?? operationName ?? "", document, errors };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const operation = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? operationName ?? "";
    result = { operation, errors: [bodyError(error)] };
  }
  prepared.set(cacheKey, result);
  return result;
}

/** A validation or syntax error as GitHub puts it in the body: message and locations. */
function bodyError(e: GraphQLError): GraphqlError {
  return {
    message: e.message,
    ...(e.locations !== undefined ? { locations: e.locations.map((l) => ({ ...l })) } : {}),
  };
}

// --- errors resolvers throw ---

/**
 * An error GitHub answers at a path: `NOT_FOUND`, `FORBIDDEN`, … (`type` at the top level of the
 * entry), or an untyped one (an invalid cursor). Throw it (or return it, or put it in a list) from
 * a resolver.
 */
export class GitHubGraphqlError extends Error {
  override name = "GitHubGraphqlError";
  constructor(
    readonly type: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** A field the fake does not model: the test must fail, not get a made-up null. */
class FakeGap extends Error {
  override name = "FakeGap";
}

const notFound = (message: string) => new GitHubGraphqlError("NOT_FOUND", message);

/**
 * Like graphql-js's default field resolver (a function-valued property is called with
 * `(args, context, info)`), but a field the source object does not have is a gap of the fake.
 */
const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
  if (source === null || typeof source !== "object" || !(info.fieldName in source)) {
    throw new FakeGap(`${info.parentType.name}.${info.fieldName}`);
  }
  const value = (source as Record<string, unknown>)[info.fieldName];
  return typeof value === "function" ? value.call(source, args, context, info) : value;
};

/** GraphQL `Int` of a database id: graphql-js rejects a number above 2^31 − 1 as GitHub does. */
function intId(id: number | bigint): number {
  if (typeof id === "number") return id;
  // beyond 2^53 graphql-js would print the id as a float; GitHub's wording, exact digits
  throw new GraphQLError(`Int cannot represent non 32-bit signed integer value: ${id}`);
}

// --- connections ---

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
}

/** The page a connection argument asks for, with GitHub's pagination errors. */
function pageOf<T>(items: readonly T[], args: PageArgs, info: GraphQLResolveInfo) {
  const name = info.fieldName;
  if (args.last !== undefined && args.last !== null) {
    throw new FakeGap(`${info.parentType.name}.${name}(last:)`);
  }
  const first = args.first;
  if (first === undefined || first === null) {
    throw new GitHubGraphqlError(
      "MISSING_PAGINATION_BOUNDARIES",
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  }
  if (first > 100) {
    throw new GitHubGraphqlError(
      "EXCESSIVE_PAGINATION",
      `Requesting ${first} records on the \`${name}\` connection exceeds the \`first\` limit of 100 records.`,
    );
  }
  let start = 0;
  if (args.after !== undefined && args.after !== null) {
    const match = /^cursor:(\d+)$/.exec(args.after);
    if (match === null) {
      throw new GitHubGraphqlError(
        undefined,
        `\`${args.after}\` does not appear to be a valid cursor.`,
      );
    }
    start = Number(match[1]);
  }
  const nodes = items.slice(start, start + Math.max(0, first));
  const end = start + nodes.length;
  return {
    totalCount: items.length,
    nodes,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: nodes.length > 0 ? `cursor:${start + 1}` : null,
      endCursor: nodes.length > 0 ? `cursor:${end}` : null,
    },
  };
}

type Resolved = Record<string, unknown>;

export class FakeGitHub {
  readonly repos = new Map<string, FakeRepo>();
  readonly pulls = new Map<string, FakePullRequest>();
  readonly issues = new Map<string, FakeIssue>();
  readonly checkRuns = new Map<string, FakeCheckRun[]>();
  /** Every document answered: operation and variables (invalid ones too). */
  readonly requests: { operation: string; variables: Vars }[] = [];
  /** Documents that did not validate (or whose variables did not fit), with GitHub's errors. */
  readonly invalidDocuments: { operation: string; errors: GraphqlError[] }[] = [];
  readonly ids: IdStyle;
  readonly #faults: { operation: string; answer: Answer }[] = [];
  readonly #onInvalid: "throw" | "answer";
  readonly #firstRepositoryId: number;
  /** Default database ids given when a pull request or issue was first added. */
  readonly #pullIds = new Map<string, number>();
  readonly #issueIds = new Map<string, number>();

  constructor(options: FakeGitHubOptions = {}) {
    this.ids = options.ids ?? "github";
    this.#onInvalid = options.invalidDocuments ?? "throw";
    this.#firstRepositoryId = options.firstRepositoryId ?? 100;
    // build the schema (~0.4-1 s, once per process) and validate the app's documents now, in the
    // test's setup, not on the first request: that one may be inside a timed window
    for (const document of Object.values(ALL_DOCUMENTS)) prepare(document, undefined);
  }

  /**
   * Add (or replace) a repository with files on its default branch, by path:
   * `addRepo("acme", "shop", { ".github/cost-value.yml": "currency: EUR\n" })`.
   */
  addRepo(
    owner: string,
    repo: string,
    files: Record<string, string | FakeFile> = {},
    databaseId = this.#firstRepositoryId + this.repos.size,
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
    const k = `${key(pr.owner, pr.repo)}#${pr.number}`;
    if (!this.#pullIds.has(k)) {
      this.#pullIds.set(
        k,
        this.ids === "github" ? GITHUB_PULL_ID + this.#pullIds.size + 1 : 5000 + pr.number,
      );
    }
    this.pulls.set(k, pr);
    return pr;
  }

  /** A pull request's database id (also its REST `id`). */
  databaseIdOf(pr: { owner: string; repo: string; number: number; databaseId?: number }): number {
    return pr.databaseId ?? this.#pullIds.get(`${key(pr.owner, pr.repo)}#${pr.number}`) ?? 0;
  }

  addIssue(issue: FakeIssue): this {
    const k = `${key(issue.owner, issue.repo)}#${issue.number}`;
    if (!this.#issueIds.has(k)) {
      const n = this.#issueIds.size + 1;
      this.#issueIds.set(k, this.ids === "github" ? GITHUB_ISSUE_ID + n : 3000 + n);
    }
    this.issues.set(k, issue);
    return this;
  }

  addCheckRun(sha: string, run: FakeCheckRun): void {
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
   * body, …). The request is still recorded; the document must still validate.
   */
  failNext(operation: string, answer: Answer): this {
    this.#faults.push({ operation, answer });
    return this;
  }

  /**
   * Answer a request body as GitHub would (`{ status, json }`); for nock:
   * `nock("https://api.github.com").post("/graphql").reply((_, body) => { const a = fake.answer(body); return [a.status, a.json]; })`.
   * Validates the document against GitHub's schema and executes it with graphql-js.
   */
  answer(body: { query: string; variables?: Vars | null; operationName?: string | null }): Answer {
    const vars = body.variables ?? {};
    const doc = prepare(body.query, body.operationName ?? undefined);
    this.requests.push({ operation: doc.operation, variables: vars });
    if (doc.document === undefined || doc.errors.length > 0) {
      return this.#invalid(doc.operation, doc.errors);
    }
    const fault = this.#faults.findIndex((f) => f.operation === doc.operation);
    if (fault >= 0) return this.#faults.splice(fault, 1)[0]?.answer as Answer;
    const result = execute({
      schema: githubSchema(),
      document: doc.document,
      rootValue: this.#root(),
      variableValues: vars,
      ...(body.operationName ? { operationName: body.operationName } : {}),
      fieldResolver,
    }) as ExecutionResult;
    if ("then" in result) throw new Error("FakeGitHub: a resolver returned a promise");
    // variables that do not fit the document: errors and no data, like a document error
    if (result.data === undefined) {
      return this.#invalid(doc.operation, (result.errors ?? []).map(bodyError));
    }
    const errors = (result.errors ?? []).map((e) => githubError(e, doc.operation));
    // what went over the wire: plain JSON (graphql-js builds null-prototype objects)
    const data: unknown = JSON.parse(JSON.stringify(result.data));
    return { status: 200, json: errors.length > 0 ? { data, errors } : { data } };
  }

  #invalid(operation: string, errors: GraphqlError[]): Answer {
    this.invalidDocuments.push({ operation, errors });
    if (this.#onInvalid === "answer") return { status: 200, json: { errors } };
    throw new Error(
      `FakeGitHub: the ${operation === "" ? "anonymous" : `"${operation}"`} document is not valid against GitHub's schema: ${errors.map((e) => e.message).join("; ")}`,
    );
  }

  // --- resolvers: plain objects, function-valued properties for fields with arguments ---

  #root(): Resolved {
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
    const r = this.repos.get(key(owner, name));
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
        const pr = this.pulls.get(`${key(r.owner, r.repo)}#${args.number}`);
        if (pr === undefined) {
          throw notFound(`Could not resolve to a PullRequest with the number of ${args.number}.`);
        }
        return this.#pullRequest(pr);
      },
      issue: (args: { number: number }) => {
        const issue = this.issues.get(`${key(r.owner, r.repo)}#${args.number}`);
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

  /** A commit of the repository (a pull request's commit or head, or one with check runs). */
  #commitIn(r: FakeRepo, sha: string): Resolved | null {
    const pulls = [...this.pulls.values()].filter(
      (p) => key(p.owner, p.repo) === key(r.owner, r.repo),
    );
    const commit = pulls.flatMap((p) => p.commits).find((c) => c.sha === sha);
    const known =
      commit !== undefined || pulls.some((p) => p.headSha === sha) || this.checkRuns.has(sha);
    if (!known) return null;
    return this.#commit(commit ?? { sha, message: "", author: {} }, r);
  }

  #commit(c: FakeCommit, r?: FakeRepo): Resolved {
    return {
      __typename: "Commit",
      oid: c.sha,
      message: c.message,
      author: {
        name: c.author.name ?? null,
        email: c.author.email ?? null,
        user: c.author.login ? { __typename: "User", login: c.author.login } : null,
      },
      checkSuites: (args: PageArgs, _: unknown, info: GraphQLResolveInfo) => {
        const byApp = new Map<number, FakeCheckRun[]>();
        for (const run of this.checkRuns.get(c.sha) ?? []) {
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
        const prs = [...this.pulls.values()].filter(
          (p) =>
            r !== undefined &&
            key(p.owner, p.repo) === key(r.owner, r.repo) &&
            p.headSha === c.sha &&
            !p.isCrossRepository,
        );
        return pageOf(
          prs.map((p) => this.#pullRequest(p)),
          args,
          info,
        );
      },
    };
  }

  #pullRequest(pr: FakePullRequest): Resolved {
    const id = this.databaseIdOf(pr);
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
    const issue = this.issues.get(`${key(owner, name)}#${ref.number}`) ?? {
      owner,
      repo: name,
      number: ref.number,
      body: "",
    };
    return this.#issue(issue, r);
  }

  #issue(issue: FakeIssue, r: FakeRepo): Resolved {
    const id = issue.databaseId ?? this.#issueIds.get(`${key(r.owner, r.repo)}#${issue.number}`);
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
      const r = this.repos.get(key(owner, name));
      return r !== undefined && !r.forbidden && (repo === undefined || key(owner, name) === repo);
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
      for (const p of this.pulls.values()) {
        const state = p.state ?? "OPEN";
        if (!readable(p.owner, p.repo) || !stateOk(state, state === "MERGED")) continue;
        const shas = [p.headSha, ...p.commits.map((c) => c.sha)];
        if (matches(`${p.title ?? ""}\n${p.body}`, shas)) nodes.push(this.#pullRequest(p));
      }
    }
    if (!is.has("pr")) {
      for (const i of this.issues.values()) {
        const r = this.repos.get(key(i.owner, i.repo));
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

/**
 * An execution error as GitHub answers it: a typed error (NOT_FOUND, FORBIDDEN, …) as
 * `{ type, path, locations, message }`, graphql-js's serialization errors (a value `Int` cannot
 * represent, an enum value the schema lacks) as graphql-js serializes them. Anything else (a field
 * the fake does not model, null for a non-null field, an abstract type left unresolved) is a gap
 * or a bug of the fake: thrown, so the test fails.
 */
function githubError(e: GraphQLError, operation: string): GraphqlError {
  const original = e.originalError;
  const path = e.path !== undefined ? [...e.path] : undefined;
  const locations = e.locations?.map((l) => ({ ...l }));
  if (original instanceof GitHubGraphqlError) {
    return {
      ...(original.type !== undefined ? { type: original.type } : {}),
      ...(path !== undefined ? { path } : {}),
      ...(locations !== undefined ? { locations } : {}),
      message: e.message,
    };
  }
  // a leaf value the schema's scalar or enum cannot represent: what GitHub answers too
  if (
    (original === undefined || original instanceof GraphQLError) &&
    / cannot represent /.test(e.message)
  ) {
    return e.toJSON() as GraphqlError;
  }
  if (original instanceof FakeGap) {
    throw new Error(
      `FakeGitHub does not model ${original.message} (operation "${operation}", at ${path?.join(".")}); add it to test/helpers/fake-github.ts`,
    );
  }
  throw new Error(
    `FakeGitHub failed on "${operation}" at ${path?.join(".")}: ${original?.message ?? e.message}`,
    { cause: original ?? e },
  );
}
