/**
 * The fake GitHub's state: one store per kind of record and the ids GitHub would give them. The
 * GraphQL resolvers and the REST routes read and write these same stores (a check run created over
 * REST is the record GraphQL's check suites list, an issue the app creates is one GraphQL can read).
 */
import { type RestId, restId } from "./json.js";
import {
  type FakeCheckRun,
  type FakeComment,
  type FakeDelivery,
  type FakeFile,
  type FakeInstallation,
  type FakeIssue,
  type FakePullRequest,
  type FakeRepo,
  type IdStyle,
  repoKey,
} from "./model.js";

/** The app id the fake answers as when none is given (the tests' APP_ID, test/helpers/probot.ts). */
const DEFAULT_APP_ID = 1001;

export interface FakeGitHubOptions {
  /** Default `github` (see IdStyle). */
  ids?: IdStyle;
  /** The app whose requests this GitHub answers: the owner of the check runs it creates. */
  appId?: number;
  /** The database id of the first repository added without one (default 100; then +1 each). */
  firstRepositoryId?: number;
  /** The first check run id given over REST (any size: above 2^53 it is kept as a bigint). */
  firstCheckRunId?: number | bigint;
  /** The first issue comment id. */
  firstCommentId?: number | bigint;
  /**
   * What a GraphQL document that does not validate (or whose variables do not fit it) gets:
   * `throw` (default: the test fails where the request is made) or `answer` (GitHub's HTTP 200
   * `{ errors: [{ message, locations }] }` with no data). Recorded in `invalidDocuments` either way.
   */
  invalidDocuments?: "throw" | "answer";
}

/** Above 2^31 like github.com's (pull requests ~2.6×10^9 and growing). */
const GITHUB_PULL_ID = 2_700_000_000;
const GITHUB_ISSUE_ID = 3_100_000_000;

/** `owner/repo#number` of a pull request or issue (lower-case owner and repo). */
const numberKey = (owner: string, repo: string, number: number): string =>
  `${repoKey(owner, repo)}#${number}`;

export class GitHubState {
  readonly ids: IdStyle;
  readonly appId: number;
  readonly repos = new Map<string, FakeRepo>();
  /** By `owner/repo#number` (lower-case owner and repo). */
  readonly pulls = new Map<string, FakePullRequest>();
  readonly issues: FakeIssue[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  readonly comments: FakeComment[] = [];
  /** Collaborator permissions by login (default: none → 404). */
  readonly permissions = new Map<string, { permission: string; role_name: string }>();
  /** Installations (`GET /app/installations`); a token is issued for any id. */
  readonly installations: FakeInstallation[] = [];
  /** Webhook deliveries the app's hook has (newest first, like GitHub). */
  readonly deliveries: FakeDelivery[] = [];
  /** Redelivery attempts asked for, by delivery id. */
  readonly redeliveries: number[] = [];
  /**
   * Called on a redelivery attempt (e.g. to send the delivery to the app again); its result is the
   * status code of the new delivery GitHub lists (`redelivery: true`), default 200.
   */
  onRedeliver: ((delivery: FakeDelivery) => number | undefined) | undefined;
  readonly #firstRepositoryId: number;
  /** Default database ids given when a pull request or issue was first added. */
  readonly #pullIds = new Map<string, number>();
  readonly #issueIds = new Map<string, number>();
  /** With small ids, check runs and comments share one counter (as GitHub Enterprise might). */
  readonly #nextCheckRunId: { next: bigint };
  readonly #nextCommentId: { next: bigint };
  #nextIssue = 500;
  #nextDelivery = 70_000;

  constructor(options: FakeGitHubOptions = {}) {
    this.ids = options.ids ?? "github";
    this.appId = options.appId ?? DEFAULT_APP_ID;
    this.#firstRepositoryId = options.firstRepositoryId ?? 100;
    const github = this.ids === "github";
    const shared = { next: 9000n };
    const counter = (first: number | bigint | undefined, githubFirst: bigint) =>
      first !== undefined ? { next: BigInt(first) } : github ? { next: githubFirst } : shared;
    this.#nextCheckRunId = counter(options.firstCheckRunId, 30_000_000_000n);
    this.#nextCommentId = counter(options.firstCommentId, 2_500_000_000n);
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
    this.repos.set(repoKey(owner, repo), {
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
    const r = this.repos.get(repoKey(owner, repo));
    if (r === undefined) throw new Error(`forbidRepo: add ${owner}/${repo} first`);
    r.forbidden = true;
    return this;
  }

  repo(owner: string, repo: string): FakeRepo | undefined {
    return this.repos.get(repoKey(owner, repo));
  }

  /** Add (or replace) a pull request; its repository is added when missing. Returns it. */
  addPullRequest(pr: FakePullRequest): FakePullRequest {
    if (!this.repos.has(repoKey(pr.owner, pr.repo))) this.addRepo(pr.owner, pr.repo);
    const k = numberKey(pr.owner, pr.repo, pr.number);
    if (!this.#pullIds.has(k)) {
      this.#pullIds.set(
        k,
        this.ids === "github" ? GITHUB_PULL_ID + this.#pullIds.size + 1 : 5000 + pr.number,
      );
    }
    this.pulls.set(k, pr);
    return pr;
  }

  pull(owner: string, repo: string, number: number): FakePullRequest | undefined {
    return this.pulls.get(numberKey(owner, repo, number));
  }

  /** A pull request's database id (also its REST `id`). */
  databaseIdOf(pr: { owner: string; repo: string; number: number; databaseId?: number }): number {
    return pr.databaseId ?? this.#pullIds.get(numberKey(pr.owner, pr.repo, pr.number)) ?? 0;
  }

  /** Add (or replace) an issue. */
  addIssue(issue: FakeIssue): this {
    const k = numberKey(issue.owner, issue.repo, issue.number);
    if (!this.#issueIds.has(k)) {
      const n = this.#issueIds.size + 1;
      this.#issueIds.set(k, this.ids === "github" ? GITHUB_ISSUE_ID + n : 3000 + n);
    }
    const at = this.issues.findIndex((i) => numberKey(i.owner, i.repo, i.number) === k);
    if (at >= 0) this.issues[at] = issue;
    else this.issues.push(issue);
    return this;
  }

  issue(owner: string, repo: string, number: number): FakeIssue | undefined {
    const k = repoKey(owner, repo);
    return this.issues.find((i) => i.number === number && repoKey(i.owner, i.repo) === k);
  }

  /** An issue's database id (undefined for one GitHub has but no test added). */
  issueIdOf(
    issue: Pick<FakeIssue, "owner" | "repo" | "number" | "databaseId">,
  ): number | undefined {
    return issue.databaseId ?? this.#issueIds.get(numberKey(issue.owner, issue.repo, issue.number));
  }

  /** An issue the app creates: the next free number from 500, labels, the app as its author. */
  createIssue(
    owner: string,
    repo: string,
    fields: { title: string; body?: string; labels?: string[] },
  ): FakeIssue {
    let number = this.#nextIssue++;
    while (this.issue(owner, repo, number) !== undefined || this.pull(owner, repo, number)) {
      number = this.#nextIssue++;
    }
    const issue: FakeIssue = {
      owner,
      repo,
      number,
      title: fields.title,
      body: fields.body ?? "",
      labels: fields.labels ?? [],
      appId: this.appId,
    };
    this.addIssue(issue);
    return issue;
  }

  /**
   * Add a check run on commit `sha` (another app's run, or one of ours GitHub has already): `id`
   * defaults to the next REST id, `appId` to this app's. Returns the stored run.
   */
  addCheckRun(
    sha: string,
    run: Partial<Omit<FakeCheckRun, "head_sha">> & { name: string; status: string },
  ): FakeCheckRun {
    const stored: FakeCheckRun = {
      ...run,
      id: run.id ?? restId(this.#nextCheckRunId.next++),
      head_sha: sha,
      appId: run.appId ?? this.appId,
      writes: run.writes ?? [],
    };
    this.checkRuns.push(stored);
    return stored;
  }

  checkRunsOn(sha: string): FakeCheckRun[] {
    return this.checkRuns.filter((r) => r.head_sha === sha);
  }

  /** A check run by a path id: exact, as digits (beyond 2^53 the id is no JS number). */
  checkRunById(id: string | undefined): FakeCheckRun | undefined {
    return this.checkRuns.find((r) => String(r.id) === id);
  }

  /** Add a comment on an issue or pull request; `id` defaults to the next comment id. */
  addComment(comment: Omit<FakeComment, "id" | "edits"> & { id?: RestId }): FakeComment {
    const stored: FakeComment = {
      ...comment,
      id: comment.id ?? restId(this.#nextCommentId.next++),
      edits: 0,
    };
    this.comments.push(stored);
    return stored;
  }

  /** Add a delivery to the hook's list (newest first); returns it. */
  addDelivery(
    d: Partial<FakeDelivery> & { guid: string; event: string; status_code?: number },
  ): FakeDelivery {
    const status_code = d.status_code ?? 200;
    const delivery: FakeDelivery = {
      ...d,
      id: d.id ?? this.#nextDelivery++,
      delivered_at: d.delivered_at ?? new Date().toISOString(),
      redelivery: d.redelivery ?? false,
      duration: d.duration ?? 0.1,
      status: d.status ?? (status_code < 400 ? "OK" : "Internal Server Error"),
      action: d.action ?? null,
      installation_id: d.installation_id ?? null,
      repository_id: d.repository_id ?? null,
      status_code,
    };
    this.deliveries.unshift(delivery);
    return delivery;
  }
}
