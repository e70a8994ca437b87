/**
 * Review time. Estimated per reviewer who submitted a review: the PR's changed lines ÷ a review
 * rate (300 lines an hour by default, after the SmartBear/Cisco study of code review), at least a
 * floor (10 min) and at most a cap (90 min: past an hour or so reviewers stop finding defects,
 * and a 5,000-line PR does not get 17 hours of reading). Declared when a review's body says
 * `Review-Time: 30m`; a declared time wins for its reviewer.
 *
 * How `Review-Time:` is found: review bodies are markdown typed into GitHub's review box, not
 * commit messages, so git's trailer-block rule (only the last paragraph) would surprise people.
 * The first line of the shape `Review-Time: 30m` anywhere in the body is read instead (outside
 * code blocks and HTML comments; also `**Review-Time:** 30m`, `- Review time: 30m`, any case).
 *
 * Reviewers are anonymous here: the caller groups reviews by reviewer and passes no names, so the
 * line is the PR's review time, never anyone's.
 */

import type { Problem } from "../problem.js";
import { quoteInput } from "../problem.js";
import { formatHours, MAX_DURATION_MINUTES, readDuration } from "./duration.js";
import { findKeyLine } from "./key-line.js";
import { type InvestmentLine, timeLine } from "./lines.js";
import type { InvestmentSettings, ReviewSettings } from "./settings.js";

export const REVIEW_TIME_KEY = "Review-Time";

/**
 * The time a review's body declares: minutes, nothing (no `Review-Time:` line), or a problem
 * (the review is then estimated). `where` names the review without naming its author.
 */
export function readReviewTime(params: { body: string; where: string; dayHours: number }): {
  minutes?: number;
  problem?: Problem;
} {
  const body = typeof params.body === "string" ? params.body : "";
  if (body === "") return {};
  const found = findKeyLine(body, "review time", "review");
  if (found === undefined) return {};
  const result = readDuration({
    text: found.value,
    options: { dayHours: params.dayHours },
    code: "investment.invalid-review-time",
    label: `\`${REVIEW_TIME_KEY}\``,
    example: `${REVIEW_TIME_KEY}: 30m`,
    where: `${params.where} line ${found.line}`,
    severity: "warning",
  });
  if (result.ok) return { minutes: result.minutes };
  return {
    problem: {
      ...result.problem,
      message: `${result.problem.message}; the review is estimated instead`,
      quote: quoteInput(`${found.keyText}: ${found.value}`),
    },
  };
}

/** One reviewer's estimated minutes: changed lines at the review rate, between floor and cap. */
export function estimateReviewMinutes(changedLines: number, settings: ReviewSettings): number {
  const lines = Number.isFinite(changedLines) && changedLines > 0 ? Math.floor(changedLines) : 0;
  const minutes = Math.round((lines * 60) / Math.max(1, settings.linesPerHour));
  return Math.min(settings.capMinutes, Math.max(settings.floorMinutes, minutes));
}

/** One distinct reviewer who submitted a review, without a name. */
export interface ReviewerTime {
  /**
   * The sum of the `Review-Time:` values of this reviewer's reviews, when any declares one (their
   * other reviews then count 0); undefined to estimate.
   */
  declaredMinutes?: number;
}

/** The PR's review line; undefined before any review is submitted. */
export function reviewLine(params: {
  /** Lines added plus lines deleted in the PR. */
  changedLines: number;
  reviewers: readonly ReviewerTime[];
  settings: Pick<InvestmentSettings, "review" | "hourlyRateMicros" | "currency">;
}): InvestmentLine | undefined {
  const { reviewers, settings } = params;
  if (reviewers.length === 0) return undefined;
  const each = estimateReviewMinutes(params.changedLines, settings.review);
  let minutes = 0;
  let declared = 0;
  for (const reviewer of reviewers) {
    if (reviewer.declaredMinutes !== undefined) {
      minutes += reviewer.declaredMinutes;
      declared++;
    } else {
      minutes += each;
    }
  }
  minutes = Math.min(minutes, MAX_DURATION_MINUTES);
  const estimated = reviewers.length - declared;
  const count = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "reviewer" : "reviewers"}`;
  const parts: string[] = [];
  if (declared > 0) parts.push(`${count(declared)} declared with \`${REVIEW_TIME_KEY}:\``);
  if (estimated > 0) {
    const lines = Math.max(0, Math.floor(params.changedLines) || 0).toLocaleString("en-US");
    parts.push(
      `${count(estimated)} estimated at ${formatHours(each)} each: ${lines} changed lines at ${settings.review.linesPerHour.toLocaleString("en-US")} lines an hour, between ${formatHours(settings.review.floorMinutes)} and ${formatHours(settings.review.capMinutes)} per reviewer (review speed varies about 3× between reviewers; declare it with \`${REVIEW_TIME_KEY}: 30m\` in the review)`,
    );
  }
  return timeLine({
    kind: "review",
    basis: estimated > 0 ? "estimated" : "declared",
    minutes,
    hourlyRateMicros: settings.hourlyRateMicros,
    currency: settings.currency,
    detail: parts.join("; "),
  });
}
