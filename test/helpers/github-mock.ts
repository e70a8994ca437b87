/**
 * GitHub for app tests, on nock: GraphQL answered by a FakeGitHub (data models), the check-run
 * REST endpoints by an in-memory store that feeds back into the fake (so a second evaluation of
 * the same head commit finds the run it must update). Every request is recorded and counted;
 * faults can be injected per endpoint.
 */
import nock from "nock";

export interface RecordedRequest {
  method: string;
  path: string;
  /** GraphQL operation name, for POST /graphql. */
  operation?: string;
  body: unknown;
}

export interface StoredCheckRun {
  id: number;
  head_sha: string;
  name: string;
  status: string;
  conclusion?: string;
  output?: { title: string; summary: string; text?: string };
  /** Every write to this run, in order. */
  writes: Record<string, unknown>[];
}

/** What the mock needs from the fake GraphQL data. */
export interface GraphqlFake {
  answer(body: { query: string; variables?: Record<string, unknown> }): {
    status: number;
    json: unknown;
  };
  addCheckRun(sha: string, run: { id: number; name: string; appId: number; status: string }): void;
}

type Fault = { status: number; body?: unknown; times: number };

export interface StoredIssue {
  number: number;
  title: string;
  labels: string[];
  body: string;
  /** The app that created it (undefined: a person). */
  appId?: number;
}

export interface StoredComment {
  id: number;
  issue_number: number;
  body: string;
  appId?: number;
  edits: number;
}

export class GitHubMock {
  readonly requests: RecordedRequest[] = [];
  readonly checkRuns: StoredCheckRun[] = [];
  readonly issues: StoredIssue[] = [];
  readonly comments: StoredComment[] = [];
  /** Collaborator permissions by login (default: none → 404). */
  readonly permissions = new Map<string, { permission: string; role_name: string }>();
  readonly #faults = new Map<string, Fault>();
  #nextId = 9000;
  #nextIssue = 500;

  constructor(
    readonly fake: GraphqlFake,
    readonly appId: number,
    readonly baseUrl = "https://api.github.com",
  ) {}

  /** Make the next `times` requests to `endpoint` fail with `status`. */
  fail(
    endpoint: "graphql" | "create" | "update" | "list" | "issue" | "comment",
    status: number,
    times = 1,
  ): this {
    this.#faults.set(endpoint, { status, times, body: { message: `injected ${status}` } });
    return this;
  }

  #fault(endpoint: string): [number, unknown] | undefined {
    const fault = this.#faults.get(endpoint);
    if (fault === undefined || fault.times <= 0) return undefined;
    fault.times--;
    return [fault.status, fault.body];
  }

  /** Requests made so far, by kind. */
  count(): { total: number; reads: number; writes: number } {
    const writes =
      this.requests.filter((r) => r.method === "POST" && r.path !== "/graphql").length +
      this.requests.filter((r) => r.method === "PATCH").length;
    return { total: this.requests.length, reads: this.requests.length - writes, writes };
  }

  reset(): void {
    this.requests.length = 0;
  }

  install(): void {
    const scope = nock(this.baseUrl).persist();
    scope.post("/graphql").reply((_uri, body) => {
      const parsed = body as { query: string; variables?: Record<string, unknown> };
      const operation = /(?:query|mutation)\s+(\w+)/.exec(parsed.query)?.[1];
      this.requests.push({
        method: "POST",
        path: "/graphql",
        body: parsed,
        ...(operation ? { operation } : {}),
      });
      const fault = this.#fault("graphql");
      if (fault) return fault;
      const { status, json } = this.fake.answer(parsed);
      return [status, json as nock.Body];
    });
    scope.post(/^\/repos\/[^/]+\/[^/]+\/check-runs$/).reply((uri, body) => {
      this.requests.push({ method: "POST", path: uri, body });
      const fault = this.#fault("create");
      if (fault) return fault;
      const b = body as Record<string, unknown>;
      const run: StoredCheckRun = {
        id: this.#nextId++,
        head_sha: String(b.head_sha),
        name: String(b.name),
        status: String(b.status ?? "queued"),
        writes: [b],
        ...(typeof b.conclusion === "string" ? { conclusion: b.conclusion } : {}),
        ...(b.output ? { output: b.output as StoredCheckRun["output"] } : {}),
      };
      this.checkRuns.push(run);
      this.fake.addCheckRun(run.head_sha, {
        id: run.id,
        name: run.name,
        appId: this.appId,
        status: run.status,
      });
      return [201, { id: run.id, head_sha: run.head_sha, name: run.name, status: run.status }];
    });
    scope.patch(/^\/repos\/[^/]+\/[^/]+\/check-runs\/\d+$/).reply((uri, body) => {
      this.requests.push({ method: "PATCH", path: uri, body });
      const fault = this.#fault("update");
      if (fault) return fault;
      const id = Number(uri.split("/").pop());
      const run = this.checkRuns.find((r) => r.id === id);
      if (run === undefined) return [404, { message: "Not Found" }];
      const b = body as Record<string, unknown>;
      run.writes.push(b);
      if (typeof b.status === "string") run.status = b.status;
      if (typeof b.conclusion === "string") run.conclusion = b.conclusion;
      if (b.output) run.output = b.output as StoredCheckRun["output"];
      return [200, { id, status: run.status }];
    });
    const authored = (appId: number | undefined) =>
      appId !== undefined
        ? {
            user: { login: "cost-value[bot]", type: "Bot" },
            performed_via_github_app: { id: appId },
          }
        : { user: { login: "someone", type: "User" }, performed_via_github_app: null };
    scope.post(/^\/repos\/[^/]+\/[^/]+\/issues$/).reply((uri, body) => {
      this.requests.push({ method: "POST", path: uri, body });
      const fault = this.#fault("issue");
      if (fault) return fault;
      const b = body as { title: string; labels?: string[]; body?: string };
      const issue: StoredIssue = {
        number: this.#nextIssue++,
        title: b.title,
        labels: b.labels ?? [],
        body: b.body ?? "",
        appId: this.appId,
      };
      this.issues.push(issue);
      return [201, { number: issue.number, title: issue.title }];
    });
    scope.get(/^\/repos\/[^/]+\/[^/]+\/issues(\?.*)?$/).reply((uri) => {
      this.requests.push({ method: "GET", path: uri, body: undefined });
      const label = new URL(uri, this.baseUrl).searchParams.get("labels");
      const found = this.issues.filter((i) => label === null || i.labels.includes(label));
      return [
        200,
        found.map((i) => ({
          number: i.number,
          title: i.title,
          labels: i.labels.map((name) => ({ name })),
          ...authored(i.appId),
        })),
      ];
    });
    scope.post(/^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/).reply((uri, body) => {
      this.requests.push({ method: "POST", path: uri, body });
      const fault = this.#fault("comment");
      if (fault) return fault;
      const comment: StoredComment = {
        id: this.#nextId++,
        issue_number: Number(uri.split("/")[5]),
        body: (body as { body: string }).body,
        appId: this.appId,
        edits: 0,
      };
      this.comments.push(comment);
      return [201, { id: comment.id }];
    });
    scope.get(/^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments(\?.*)?$/).reply((uri) => {
      this.requests.push({ method: "GET", path: uri, body: undefined });
      const issueNumber = Number(new URL(uri, this.baseUrl).pathname.split("/")[5]);
      return [
        200,
        this.comments
          .filter((c) => c.issue_number === issueNumber)
          .map((c) => ({ id: c.id, body: c.body, ...authored(c.appId) })),
      ];
    });
    scope.patch(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/).reply((uri, body) => {
      this.requests.push({ method: "PATCH", path: uri, body });
      const comment = this.comments.find((c) => c.id === Number(uri.split("/").pop()));
      if (comment === undefined) return [404, { message: "Not Found" }];
      comment.body = (body as { body: string }).body;
      comment.edits++;
      return [200, { id: comment.id }];
    });
    scope.get(/^\/repos\/[^/]+\/[^/]+\/collaborators\/[^/]+\/permission$/).reply((uri) => {
      this.requests.push({ method: "GET", path: uri, body: undefined });
      const login = decodeURIComponent(uri.split("/")[5] ?? "");
      const permission = this.permissions.get(login);
      return permission === undefined
        ? [404, { message: "Not Found" }]
        : [200, { ...permission, user: { login } }];
    });
    scope.get(/^\/repos\/[^/]+\/[^/]+\/commits\/[0-9a-f]+\/check-runs/).reply((uri) => {
      this.requests.push({ method: "GET", path: uri, body: undefined });
      const fault = this.#fault("list");
      if (fault) return fault;
      const url = new URL(uri, this.baseUrl);
      const sha = url.pathname.split("/")[5];
      const name = url.searchParams.get("check_name");
      const runs = this.checkRuns.filter(
        (r) => r.head_sha === sha && (name === null || r.name === name),
      );
      return [
        200,
        {
          total_count: runs.length,
          check_runs: runs.map((r) => ({
            id: r.id,
            name: r.name,
            status: r.status,
            app: { id: this.appId },
          })),
        },
      ];
    });
  }
}
