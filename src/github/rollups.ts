/**
 * Posting a milestone's rollup: one rollup issue per milestone (`Cost & value: <title>`, label
 * `cost-value`, created on first need), holding one comment that is edited in place when the
 * totals change and left alone when they do not. Serialized per milestone with an advisory lock,
 * and found before created, so repeated or concurrent deliveries never duplicate it. A comment
 * or issue found on GitHub only counts when this app wrote it (markers can be forged).
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import { renderRollup, rollupMarker } from "../core/rollup.js";
import { withMilestoneLock } from "../db/milestones.js";
import { clearRollupMark, readRollupMark } from "../db/rollup-marks.js";
import { readRollupPost, saveRollupPost } from "../db/rollup-posts.js";
import { readRollup } from "../db/rollup-read.js";
import type { Queryable } from "../db/transaction.js";
import { type GitHubId, toGitHubId } from "./github-id.js";
import type { RestApi } from "./rest-api.js";

export const ROLLUP_LABEL = "cost-value";

export interface RollupTarget {
  installationId: number;
  repository: { id: number; owner: string; name: string };
  milestoneNumber: number;
  currency: string;
  /** `rollups.issue` from the config: post there instead of a per-milestone issue. */
  fixedIssue?: number;
}

export interface RollupSettings {
  appId?: number;
  now: () => Date;
}

/** `scheduled`: left to the rollup scheduler, which coalesces a burst into a few edits. */
export type RollupAction =
  | "unchanged"
  | "created"
  | "updated"
  | "final"
  | "no-milestone"
  | "scheduled";

const rollupIssueTitle = (milestone: string): string => `Cost & value: ${milestone}`.slice(0, 250);

interface GitHubAuthored {
  user?: { type?: string } | null;
  performed_via_github_app?: { id?: number } | null;
}

function writtenByUs(item: GitHubAuthored, appId: number | undefined): boolean {
  if (appId !== undefined) return item.performed_via_github_app?.id === appId;
  return item.user?.type === "Bot";
}

/** Find this app's rollup issue for a milestone on GitHub (when the database does not know it). */
async function findRollupIssue(
  api: RestApi,
  target: RollupTarget,
  title: string,
  appId: number | undefined,
): Promise<number | undefined> {
  const response = await api.request("GET /repos/{owner}/{repo}/issues", {
    owner: target.repository.owner,
    repo: target.repository.name,
    labels: ROLLUP_LABEL,
    state: "all",
    per_page: 100,
  });
  const issues = response.data as ({
    number: number;
    title: string;
    pull_request?: unknown;
  } & GitHubAuthored)[];
  return issues.find(
    (i) => i.pull_request === undefined && i.title === title && writtenByUs(i, appId),
  )?.number;
}

async function findRollupComment(
  api: RestApi,
  target: RollupTarget,
  issueNumber: number,
  appId: number | undefined,
): Promise<GitHubId | undefined> {
  const marker = rollupMarker(target.repository.id, target.milestoneNumber);
  const response = await api.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: target.repository.owner,
    repo: target.repository.name,
    issue_number: issueNumber,
    per_page: 100,
  });
  const comments = response.data as ({ id: unknown; body?: string } & GitHubAuthored)[];
  const found = comments.find((c) => c.body?.startsWith(marker) === true && writtenByUs(c, appId));
  return toGitHubId(found?.id);
}

/**
 * Bring the milestone's rollup comment up to date (`final`: post the closing rollup as a new
 * comment, once). Returns what was done. The milestone's refresh mark (evaluations leave one, see
 * rollup-marks.ts) is read under the lock and cleared with the post: the rollup now shows what
 * the ledger held then.
 */
export async function refreshRollup(
  api: RestApi,
  pool: pg.Pool,
  target: RollupTarget,
  settings: RollupSettings,
  mode: "update" | "final" = "update",
): Promise<RollupAction> {
  const { owner, name: repo } = target.repository;
  const scope = {
    installationId: target.installationId,
    repositoryId: target.repository.id,
    milestoneNumber: target.milestoneNumber,
  };
  const markKey = {
    installationId: target.installationId,
    repositoryId: target.repository.id,
    milestoneNumber: target.milestoneNumber,
  };
  return withMilestoneLock(pool, scope, async (db) => {
    const mark = await readRollupMark(db, markKey);
    const action = await post(db);
    if (mark !== undefined) await clearRollupMark(db, markKey, mark);
    return action;
  });

  async function post(db: Queryable): Promise<RollupAction> {
    const data = await readRollup(db, { ...scope, currency: target.currency });
    if (data === undefined) return "no-milestone";
    const body = renderRollup({
      data,
      repositoryId: target.repository.id,
      now: settings.now(),
      final: mode === "final",
    });
    const sha = createHash("sha256").update(body).digest("hex");
    const post = await readRollupPost(db, scope);
    if (mode === "final" && post?.finalPosted === true) return "unchanged";
    if (
      mode === "update" &&
      post?.bodySha256 === sha &&
      (target.fixedIssue ?? post.issueNumber) === post.issueNumber
    ) {
      return "unchanged";
    }

    const title = rollupIssueTitle(data.milestone.title);
    let issueNumber = target.fixedIssue ?? post?.issueNumber;
    let commentId = issueNumber === post?.issueNumber ? post?.commentId : undefined;
    if (issueNumber === undefined) {
      issueNumber = await findRollupIssue(api, target, title, settings.appId);
      if (issueNumber !== undefined)
        commentId = await findRollupComment(api, target, issueNumber, settings.appId);
    }
    if (issueNumber === undefined) {
      const created = await api.request("POST /repos/{owner}/{repo}/issues", {
        owner,
        repo,
        title,
        labels: [ROLLUP_LABEL],
        body: `cost-value keeps the rollup of milestone **${data.milestone.title.replaceAll("*", "\\*")}** here: agent spend against declared worth and budget, updated as pull requests change. See \`docs/rollups.md\` in cost-value's documentation.`,
      });
      issueNumber = (created.data as { number: number }).number;
    }

    if (mode === "final") {
      await api.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner,
        repo,
        issue_number: issueNumber,
        body,
      });
      await saveRollupPost(db, {
        ...scope,
        issueNumber,
        ...(commentId !== undefined ? { commentId } : {}),
        ...(post?.bodySha256 ? { bodySha256: post.bodySha256 } : {}),
        finalPosted: true,
      });
      return "final";
    }

    let action: RollupAction = "updated";
    if (commentId !== undefined) {
      try {
        await api.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          owner,
          repo,
          comment_id: commentId,
          body,
        });
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        commentId = undefined; // deleted by someone: post a new one
      }
    }
    if (commentId === undefined) {
      const created = await api.request(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
        {
          owner,
          repo,
          issue_number: issueNumber,
          body,
        },
      );
      commentId = toGitHubId((created.data as { id?: unknown }).id);
      action = "created";
    }
    await saveRollupPost(db, {
      ...scope,
      issueNumber,
      commentId,
      bodySha256: sha,
      finalPosted: post?.finalPosted ?? false,
    });
    return action;
  }
}
