import { describe, expect, it } from "vitest";
import {
  countedReview,
  mergeReviews,
  reviewerKey,
  storedReviews,
} from "../../src/github/reviews.js";

const base = { id: "3000000000001", login: "Reviewer", prAuthor: "author", body: "" };

describe("reviews without names", () => {
  it("keys a reviewer by an opaque digest of the login, the same in any case", () => {
    expect(reviewerKey("Reviewer")).toMatch(/^[0-9a-f]{16}$/);
    expect(reviewerKey("reviewer")).toBe(reviewerKey("REVIEWER"));
    expect(reviewerKey("reviewer")).not.toContain("reviewer");
    expect(reviewerKey("a")).not.toBe(reviewerKey("b"));
  });

  it("counts a submitted review, not the author's replies, bots, pending ones or bad ids", () => {
    expect(countedReview(base)).toEqual({
      reviewId: "3000000000001",
      reviewerKey: reviewerKey("reviewer"),
      body: "",
    });
    expect(countedReview({ ...base, login: "AUTHOR" })).toBeUndefined();
    expect(countedReview({ ...base, login: "renovate[bot]" })).toBeUndefined();
    expect(countedReview({ ...base, state: "PENDING" })).toBeUndefined();
    expect(countedReview({ ...base, id: "12x" })).toBeUndefined();
    expect(countedReview({ ...base, id: undefined })).toBeUndefined();
  });

  it("reads Review-Time from the body; a bad one is a problem and the review is estimated", () => {
    const counted = [
      { reviewId: "1", reviewerKey: "a", body: "Looks good.\n\nReview-Time: 45m" },
      { reviewId: "2", reviewerKey: "b", body: "Review-Time: ages" },
    ];
    const { reviews, problems } = storedReviews(counted, 8);
    expect(reviews.map((r) => r.declaredMinutes)).toEqual([45, undefined]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain("estimated instead");
  });

  it("merges the read's reviews with the ledger's by id, the read winning", () => {
    expect(
      mergeReviews(
        [{ reviewId: "1", reviewerKey: "a", declaredMinutes: 10 }],
        [
          { reviewId: "1", reviewerKey: "a" },
          { reviewId: "9", reviewerKey: "c" },
        ],
      ),
    ).toEqual([
      { reviewId: "1", reviewerKey: "a", declaredMinutes: 10 },
      { reviewId: "9", reviewerKey: "c" },
    ]);
  });
});
