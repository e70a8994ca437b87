/**
 * Steps 2 and 3 of an evaluation: resolve the PR's value statement once, from the body and the
 * issues the read brought; only when `Issue:` names an issue the read lacked (no body in the
 * payload to name it in advance, or a heading other than the default), fetch that issue and
 * resolve again with it.
 */
import type { Config } from "../config/schema.js";
import { absoluteIssue, type IssueRef, sameIssue } from "../core/issue-ref.js";
import {
  type BodyAnalysis,
  type LinkedIssue,
  resolveValueStatement,
  type ValueResult,
} from "../core/value/resolve.js";
import { parseValueSection } from "../core/value/section.js";
import { readIssue } from "./read.js";
import type { GraphqlFn, PullRequestSnapshot } from "./snapshot.js";

export interface ResolvedValue {
  value: ValueResult;
  /** The issues the statement was resolved from: the read's, and the named one fetched after it. */
  linkedIssues: LinkedIssue[];
}

/** The statement's issue, when nothing the read brought (or failed to bring) is that issue. */
function unreadIssue(
  value: ValueResult,
  snapshot: PullRequestSnapshot,
  repository: { owner: string; repo: string },
): IssueRef | undefined {
  const issue = value.ok ? value.statement.issue : value.partial.issue;
  if (issue === undefined) return undefined;
  const known =
    snapshot.linkedIssues.some((i) => sameIssue(i.ref, issue, repository)) ||
    snapshot.unavailableIssues.some((i) => sameIssue(i, issue, repository));
  return known ? undefined : issue;
}

/**
 * The statement's issue when `Issue:` names it. With linked issues, an issue outside them can only
 * be the named one (else the statement takes a linked issue); without any, it may also come from
 * a closing keyword the read did not resolve: then the section says which (a second parse, only on
 * this path, which also costs a request).
 */
function namedIssue(
  issue: IssueRef,
  snapshot: PullRequestSnapshot,
  config: Config,
  repository: { owner: string; repo: string },
): IssueRef | undefined {
  if (snapshot.linkedIssues.length > 0) return issue;
  const named = parseValueSection({ body: snapshot.body, where: "PR body", config }).parsed.issue;
  return named !== undefined && sameIssue(named, issue, repository) ? named : undefined;
}

export async function resolvePullRequestValue(params: {
  graphql: GraphqlFn;
  snapshot: PullRequestSnapshot;
  /** The repository the event names (its spelling is the one the check shows). */
  repository: { owner: string; repo: string };
  config: Config;
  /** The PR body as analysed before the read (used when it is this body, read alike). */
  prAnalysis?: BodyAnalysis;
  /** Times the pure resolution and the fetch apart. */
  time: {
    resolve: (fn: () => ValueResult) => ValueResult;
    fetch: <T>(fn: () => Promise<T>) => Promise<T>;
  };
}): Promise<ResolvedValue> {
  const { snapshot, repository, config } = params;
  const resolve = (linkedIssues: readonly LinkedIssue[]) =>
    params.time.resolve(() =>
      resolveValueStatement({
        prBody: snapshot.body,
        linkedIssues,
        repository,
        config,
        ...(params.prAnalysis !== undefined ? { prAnalysis: params.prAnalysis } : {}),
      }),
    );
  const linkedIssues = [...snapshot.linkedIssues];
  const value = resolve(linkedIssues);
  const unread = unreadIssue(value, snapshot, repository);
  const named = unread !== undefined ? namedIssue(unread, snapshot, config, repository) : undefined;
  if (named === undefined) return { value, linkedIssues };
  const ref = absoluteIssue(named, repository.owner, repository.repo);
  const issue = await params.time.fetch(() => readIssue(params.graphql, ref));
  if (issue === undefined) return { value, linkedIssues };
  linkedIssues.push(issue);
  return { value: resolve(linkedIssues), linkedIssues };
}
