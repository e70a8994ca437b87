/**
 * What the fake GitHub holds: the records a test adds (repositories, pull requests, commits,
 * issues, files) and the ones the app's writes leave (check runs, issues, comments), each kind in
 * one store that GraphQL and REST both read.
 */
import type { RestId } from "./json.js";

/**
 * Database ids. `github` (the default): pull requests and issues above 2^31 like github.com today
 * (so their GraphQL `databaseId` is null plus an Int error; `fullDatabaseId` has them), check runs
 * from 30,000,000,000 and comments from 2,500,000,000. `small`: repositories 100+, pull requests
 * 5000 + number, issues 3000+, check runs and comments from one counter at 9000; all fit GraphQL's
 * 32-bit `Int` (a GitHub Enterprise Server with few objects; tests that print ids). Repositories
 * stay small either way (like today's real repository ids).
 */
export type IdStyle = "small" | "github";

export interface FakeCommit {
  sha: string;
  message: string;
  author: { name?: string; email?: string; login?: string };
  /** ISO 8601; default `FAKE_COMMIT_DATE` (every commit at one time: one work session). */
  authoredAt?: string;
  committedAt?: string;
}

/** The date of a commit that gives none. */
export const FAKE_COMMIT_DATE = "2026-11-20T09:00:00Z";

/** A review submitted on a pull request. */
export interface FakeReview {
  /** `fullDatabaseId`, above 2^31 like GitHub's. */
  id: number;
  /** Login; `null` for a deleted account. */
  author: string | null;
  body?: string;
  state?: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  submittedAt?: string;
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
  /** Lines added and deleted (default 40 and 10). */
  additions?: number;
  deletions?: number;
  reviews?: FakeReview[];
}

/** An issue: added by a test (`addIssue`) or created by the app (`POST …/issues`). */
export interface FakeIssue {
  owner: string;
  repo: string;
  number: number;
  /** Default: 3000 + n (`ids: "small"`), above 2^31 (`ids: "github"`). */
  databaseId?: number;
  title?: string;
  body: string;
  state?: "OPEN" | "CLOSED";
  labels?: string[];
  /** The app that created it (undefined: a person). */
  appId?: number;
}

/** A file whose text GitHub cut (`Blob.isTruncated`): give it as `{ text, truncated: true }`. */
export interface FakeFile {
  text: string;
  truncated?: boolean;
}

export interface FakeRepo {
  owner: string;
  repo: string;
  databaseId: number;
  files: Map<string, FakeFile>;
  /** The app may not read it (SAML enforcement, …): GitHub answers `FORBIDDEN`. */
  forbidden: boolean;
}

/** A check run, created over REST or added by a test; GraphQL's check suites read the same. */
export interface FakeCheckRun {
  /** A number while exact, a bigint beyond 2^53 (compare with `String(id)` for a path id). */
  id: RestId;
  head_sha: string;
  name: string;
  /** The app that owns it (GraphQL groups runs into one check suite per app). */
  appId: number;
  status: string;
  conclusion?: string;
  output?: { title: string; summary: string; text?: string };
  /** Every REST write to this run (create, updates), in order. */
  writes: Record<string, unknown>[];
}

export interface FakeComment {
  /** A number while exact, a bigint beyond 2^53. */
  id: RestId;
  owner: string;
  repo: string;
  issue_number: number;
  body: string;
  appId?: number;
  edits: number;
}

/** A webhook delivery as `GET /app/hook/deliveries` lists it. */
export interface FakeDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
}

export interface FakeInstallation {
  id: number;
  account: { login: string; type: string };
}

/** `owner/repo`, lower-cased (GitHub's names are case-insensitive). */
export const repoKey = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();

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
