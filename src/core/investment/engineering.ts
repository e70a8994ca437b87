/**
 * The PR's engineering line: the people's time on it, declared or estimated, for the PR and never
 * per person.
 *
 * Precedence, declared over estimated:
 * 1. `Effort:` in the PR's value section (the whole PR, as its authors state it);
 * 2. else the sum of the commits' `Engineering-Time:` trailers (read from each commit's trailer
 *    block exactly as git reads it, `src/core/trailers.ts`; keys in any case; several in one
 *    commit add up, as squash merges concatenate messages; a commit without one counts 0);
 * 3. else the estimate from commit times (`estimate-engineering.ts`).
 * The line's detail says which was used and what was set aside.
 */

import type { Problem } from "../problem.js";
import { quoteInput } from "../problem.js";
import { parseTrailers, type Trailer } from "../trailers.js";
import { formatHours, MAX_DURATION_MINUTES, readDuration } from "./duration.js";
import { type CommitTimes, estimateEngineering } from "./estimate-engineering.js";
import { type InvestmentLine, timeLine } from "./lines.js";
import type { InvestmentSettings } from "./settings.js";

export const ENGINEERING_TIME_KEY = "Engineering-Time";

/** Problems reported at most over a PR's commits; past that they are counted in one. */
export const MAX_ENGINEERING_TIME_PROBLEMS = 50;

/** A commit as this reader needs it; `trailers` when already parsed (parse once). */
export interface EngineeringCommit {
  sha: string;
  message: string;
  trailers?: readonly Trailer[];
}

export interface EngineeringTrailers {
  /** The sum over the commits of their readable `Engineering-Time` values, in minutes. */
  minutes: number;
  /** Commits with at least one readable `Engineering-Time` trailer. */
  commits: number;
  problems: Problem[];
}

const KEY_LOWER = ENGINEERING_TIME_KEY.toLowerCase();

/** The `Engineering-Time:` trailers of the PR's commits, summed. Never throws. */
export function readEngineeringTrailers(params: {
  commits: readonly EngineeringCommit[];
  dayHours: number;
}): EngineeringTrailers {
  let minutes = 0;
  let commits = 0;
  const problems: Problem[] = [];
  let dropped = 0;
  for (const commit of params.commits) {
    const trailers = commit.trailers ?? parseTrailers(commit.message);
    const shortSha = commit.sha.slice(0, 7);
    let declared = false;
    for (const trailer of trailers) {
      if (trailer.key.trim().toLowerCase() !== KEY_LOWER) continue;
      const result = readDuration({
        text: trailer.value,
        options: { dayHours: params.dayHours },
        code: "investment.invalid-engineering-time",
        label: `\`${quoteInput(trailer.key, 40)}\``,
        example: `${ENGINEERING_TIME_KEY}: 45m`,
        where: `commit ${shortSha} line ${trailer.line}`,
        severity: "warning",
      });
      if (result.ok) {
        minutes += result.minutes;
        declared = true;
      } else if (problems.length < MAX_ENGINEERING_TIME_PROBLEMS) {
        problems.push({
          ...result.problem,
          quote: quoteInput(`${trailer.key}: ${trailer.value}`.slice(0, 200)),
        });
      } else dropped++;
    }
    if (declared) commits++;
  }
  if (dropped > 0) {
    problems.push({
      code: "investment.invalid-engineering-time",
      severity: "warning",
      message: `${dropped} more \`${ENGINEERING_TIME_KEY}\` trailers could not be read.`,
      fix: "Fix them the same way.",
    });
  }
  if (minutes > MAX_DURATION_MINUTES) {
    problems.push({
      code: "investment.engineering-time-over-limit",
      severity: "warning",
      message: `The commits' \`${ENGINEERING_TIME_KEY}\` trailers add up to ${formatHours(minutes)}, over the ${formatHours(MAX_DURATION_MINUTES)} limit for a PR, so they are not used`,
      fix: `Check the trailers for a typo (\`${ENGINEERING_TIME_KEY}: 45m\` is 45 minutes), or declare the PR's time with an \`Effort:\` line`,
    });
    return { minutes: 0, commits: 0, problems };
  }
  return { minutes, commits, problems };
}

/** The engineering line: `Effort:`, else the trailers, else the estimate from commit times. */
export function engineeringLine(params: {
  /** The value statement's `effort` (minutes), when the PR declares it. */
  effortMinutes?: number;
  trailers: EngineeringTrailers;
  /** The PR's commits' times, for the estimate (and their count). */
  commits: readonly CommitTimes[];
  settings: Pick<InvestmentSettings, "engineering" | "hourlyRateMicros" | "currency">;
  /** The evaluation's clock, for dates in the future. */
  now?: Date;
}): InvestmentLine {
  const { effortMinutes, trailers, commits, settings } = params;
  const priced = {
    kind: "engineering" as const,
    hourlyRateMicros: settings.hourlyRateMicros,
    currency: settings.currency,
  };
  if (effortMinutes !== undefined) {
    const setAside =
      trailers.commits > 0
        ? `; the commits' \`${ENGINEERING_TIME_KEY}\` trailers (${formatHours(trailers.minutes)}) are not added: \`Effort:\` wins`
        : "";
    return timeLine({
      ...priced,
      basis: "declared",
      minutes: effortMinutes,
      detail: `declared by the PR's \`Effort:\` line${setAside}`,
    });
  }
  if (trailers.commits > 0) {
    const total = commits.length;
    const some =
      total > trailers.commits
        ? `${trailers.commits} of ${total} commits (the others count 0)`
        : `${trailers.commits} ${trailers.commits === 1 ? "commit" : "commits"}`;
    return timeLine({
      ...priced,
      basis: "declared",
      minutes: trailers.minutes,
      detail: `declared by \`${ENGINEERING_TIME_KEY}:\` trailers on ${some}, summed; an \`Effort:\` line in the PR description would win over them`,
    });
  }
  const estimate = estimateEngineering({
    commits,
    settings: settings.engineering,
    ...(params.now !== undefined ? { now: params.now } : {}),
  });
  return timeLine({
    ...priced,
    basis: "estimated",
    minutes: estimate.minutes,
    detail: estimate.detail,
  });
}
