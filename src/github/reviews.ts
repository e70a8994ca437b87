/**
 * Reviews as cost-value keeps them: no names. A reviewer is an opaque key (a digest of the login),
 * used only to count a PR's distinct reviewers; the PR's author (replies in review threads are
 * reviews too) and bots are not reviewers. Both the evaluation's read and `pull_request_review`
 * events go through here, so the two agree on the key.
 */
import { createHash } from "node:crypto";
import { readReviewTime } from "../core/investment/estimate-review.js";
import type { Problem } from "../core/problem.js";
import type { StoredReview } from "../db/pull-requests.js";

/** A submitted review as GitHub gives it (the read or an event's payload). */
export interface SubmittedReview {
  /** GitHub's id of the review, a decimal string. */
  reviewId: string;
  reviewerKey: string;
  body: string;
  submittedAt?: string;
}

/**
 * The opaque key of a reviewer: the first 16 hex digits of SHA-256 over the lower-case login. It
 * tells two reviews of one person apart from two people, and nothing else is kept.
 */
export function reviewerKey(login: string): string {
  return createHash("sha256").update(login.toLowerCase()).digest("hex").slice(0, 16);
}

/**
 * A review that counts toward the PR's review time, or undefined: by the PR's author, by a bot
 * (`…[bot]`), pending (not submitted), or without an id.
 */
export function countedReview(params: {
  id: string | undefined;
  login: string | undefined;
  prAuthor: string;
  state?: string;
  body: string;
  submittedAt?: string;
}): SubmittedReview | undefined {
  const login = params.login ?? "ghost";
  if (params.id === undefined || !/^[0-9]{1,20}$/.test(params.id)) return undefined;
  if (params.state !== undefined && params.state.toUpperCase() === "PENDING") return undefined;
  if (login.toLowerCase() === params.prAuthor.toLowerCase()) return undefined;
  if (login.toLowerCase().endsWith("[bot]")) return undefined;
  return {
    reviewId: params.id,
    reviewerKey: reviewerKey(login),
    body: params.body,
    ...(params.submittedAt !== undefined ? { submittedAt: params.submittedAt } : {}),
  };
}

/** The reviews to keep and count: `Review-Time:` read from each body (a bad one is a problem). */
export function storedReviews(
  reviews: readonly SubmittedReview[],
  dayHours: number,
): { reviews: StoredReview[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const stored = reviews.map((review, i) => {
    const time = readReviewTime({ body: review.body, where: `review ${i + 1}`, dayHours });
    if (time.problem !== undefined) problems.push(time.problem);
    return {
      reviewId: review.reviewId,
      reviewerKey: review.reviewerKey,
      ...(time.minutes !== undefined ? { declaredMinutes: time.minutes } : {}),
      ...(review.submittedAt !== undefined ? { submittedAt: new Date(review.submittedAt) } : {}),
    };
  });
  return { reviews: stored, problems };
}

/** The read's reviews and the ledger's (events since), one per review id; the read wins. */
export function mergeReviews(
  read: readonly StoredReview[],
  ledger: readonly StoredReview[],
): StoredReview[] {
  const byId = new Map<string, StoredReview>();
  for (const review of ledger) byId.set(review.reviewId, review);
  for (const review of read) byId.set(review.reviewId, review);
  return [...byId.values()];
}
