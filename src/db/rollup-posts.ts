/**
 * The `rollup_posts` table: where a milestone's rollup comment was posted, and the hash of its body.
 */
import type { Queryable } from "./transaction.js";

export interface RollupPost {
  issueNumber: number;
  /** The rollup comment's REST id (a decimal string). */
  commentId?: string;
  bodySha256?: string;
  finalPosted: boolean;
}

export async function readRollupPost(
  db: Queryable,
  params: { installationId: number; repositoryId: number; milestoneNumber: number },
): Promise<RollupPost | undefined> {
  const { rows } = await db.query<{
    issue_number: number;
    comment_id: string | null;
    body_sha256: string | null;
    final_posted: boolean;
  }>(
    `SELECT issue_number, comment_id::text, body_sha256, final_posted FROM rollup_posts
     WHERE installation_id = $1 AND repository_id = $2 AND milestone_number = $3`,
    [params.installationId, params.repositoryId, params.milestoneNumber],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    issueNumber: row.issue_number,
    ...(row.comment_id !== null ? { commentId: row.comment_id } : {}),
    ...(row.body_sha256 !== null ? { bodySha256: row.body_sha256 } : {}),
    finalPosted: row.final_posted,
  };
}

export async function saveRollupPost(
  db: Queryable,
  params: { installationId: number; repositoryId: number; milestoneNumber: number } & RollupPost,
): Promise<void> {
  await db.query(
    `INSERT INTO rollup_posts (installation_id, repository_id, milestone_number, issue_number, comment_id,
       body_sha256, final_posted)
     VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (repository_id, milestone_number) DO UPDATE SET issue_number = EXCLUDED.issue_number,
       comment_id = EXCLUDED.comment_id, body_sha256 = EXCLUDED.body_sha256,
       final_posted = EXCLUDED.final_posted, updated_at = now()
     WHERE rollup_posts.installation_id = EXCLUDED.installation_id`,
    [
      params.installationId,
      params.repositoryId,
      params.milestoneNumber,
      params.issueNumber,
      params.commentId ?? null,
      params.bodySha256 ?? null,
      params.finalPosted,
    ],
  );
}
