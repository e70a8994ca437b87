/**
 * Engineering time estimated from commit times, the way git-hours does
 * (https://github.com/kimmobrunfeldt/git-hours): sort the PR's commits by time; a gap between two
 * commits shorter than the session gap (2 h by default) is time worked; a longer gap ends a
 * session; each session adds a first-commit allowance (30 min by default) for the work before its
 * first commit.
 *
 * - Author dates, not committer dates: a rebase or an amend rewrites every committer date to the
 *   moment of the rebase (all equal), while the author date keeps when the work was done.
 * - Clock skew: an author date after its committer date (a machine clock ahead) is clamped to the
 *   committer date, a date in the future to `now`; sorting makes out-of-order commits harmless and
 *   no gap negative.
 * - Duplicate times are a gap of 0. A single commit is one session: the allowance alone.
 * - The estimate is for the PR, all authors together, never per person (the input has no
 *   names): two people committing in parallel are counted once for each overlapping gap.
 * - It misses what leaves no commit: thinking, reading, meetings, work squashed into one commit.
 */

import { formatHours, MAX_DURATION_MINUTES } from "./duration.js";
import type { EngineeringSettings } from "./settings.js";

/** What the estimate reads of a commit: its times, no author. */
export interface CommitTimes {
  authoredAt?: string | Date | null;
  committedAt?: string | Date | null;
}

export interface EngineeringEstimate {
  /** Whole minutes, at most `MAX_DURATION_MINUTES`. */
  minutes: number;
  sessions: number;
  /** Commits with a usable date. */
  timed: number;
  /** Commits with no usable date (left out). */
  untimed: number;
  /** Dates moved back: an author date after its committer date, or a date after `now`. */
  clamped: number;
  /** How the figure was made, for the check's detail. */
  detail: string;
}

function timeOf(value: string | Date | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value).slice(0, 40));
  return Number.isFinite(ms) ? ms : undefined;
}

/** Each commit's time (ms), clamped; how many were untimed and clamped. */
function commitTimes(
  commits: readonly CommitTimes[],
  now: Date | undefined,
): { times: number[]; untimed: number; clamped: number } {
  const nowMs = now?.getTime();
  const times: number[] = [];
  let untimed = 0;
  let clamped = 0;
  for (const commit of commits) {
    const authored = timeOf(commit.authoredAt);
    const committed = timeOf(commit.committedAt);
    let time = authored ?? committed;
    if (time === undefined) {
      untimed++;
      continue;
    }
    let moved = false;
    if (committed !== undefined && time > committed) {
      time = committed;
      moved = true;
    }
    if (nowMs !== undefined && Number.isFinite(nowMs) && time > nowMs) {
      time = nowMs;
      moved = true;
    }
    if (moved) clamped++;
    times.push(time);
  }
  return { times: times.sort((a, b) => a - b), untimed, clamped };
}

function describe(
  estimate: Omit<EngineeringEstimate, "detail">,
  settings: EngineeringSettings,
  capped: boolean,
): string {
  const method = `a gap under ${formatHours(settings.sessionGapMinutes)} between commits counts as work, and each session adds ${formatHours(settings.firstCommitAllowanceMinutes)} for the work before its first commit; all authors together, so people working in parallel are counted once; time away from commits (thinking, reading, meetings) is missed`;
  if (estimate.timed === 0) {
    return estimate.untimed > 0
      ? `no commit has a usable date, so nothing to estimate from; declare it with \`Effort:\``
      : "no commits, so nothing to estimate from";
  }
  const commits = `${estimate.timed.toLocaleString("en-US")} ${estimate.timed === 1 ? "commit" : "commits"}`;
  const sessions = `${estimate.sessions.toLocaleString("en-US")} ${estimate.sessions === 1 ? "session" : "sessions"}`;
  const parts = [`estimated from the times of ${commits} in ${sessions} (${method})`];
  if (estimate.timed === 1) {
    parts.push("one commit gives the allowance alone: squashed work is underestimated");
  }
  if (estimate.untimed > 0)
    parts.push(`${estimate.untimed} commits without a usable date left out`);
  if (estimate.clamped > 0) {
    parts.push(`${estimate.clamped} dates after their commit time or in the future moved back`);
  }
  if (capped) parts.push(`capped at ${formatHours(MAX_DURATION_MINUTES)}`);
  parts.push("declare it with `Effort:` for a better figure");
  return parts.join("; ");
}

/** The PR's engineering time, estimated from its commits' times. */
export function estimateEngineering(params: {
  commits: readonly CommitTimes[];
  settings: EngineeringSettings;
  /** The evaluation's clock: dates after it are moved back to it. */
  now?: Date;
}): EngineeringEstimate {
  const { settings } = params;
  const { times, untimed, clamped } = commitTimes(params.commits, params.now);
  const gapMs = settings.sessionGapMinutes * 60_000;
  let sessions = 0;
  let workedMs = 0;
  for (let i = 0; i < times.length; i++) {
    const gap =
      i === 0 ? Number.POSITIVE_INFINITY : (times[i] as number) - (times[i - 1] as number);
    if (gap < gapMs) workedMs += gap;
    else sessions++;
  }
  const raw = sessions * settings.firstCommitAllowanceMinutes + Math.round(workedMs / 60_000);
  const capped = raw > MAX_DURATION_MINUTES;
  const estimate = {
    minutes: capped ? MAX_DURATION_MINUTES : raw,
    sessions,
    timed: times.length,
    untimed,
    clamped,
  };
  return { ...estimate, detail: describe(estimate, settings, capped) };
}
