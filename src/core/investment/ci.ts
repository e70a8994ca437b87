/**
 * CI minutes, billed the way GitHub bills them: each job's time from start to completion, rounded
 * UP to a whole minute, at a per-minute rate for its runner. The runner is told from the job's
 * labels (`workflow_job.labels`): a label with its own rate in `investment.ci.labels` first, then
 * `self-hosted`, then GitHub's hosted runner names (`ubuntu-*`, `windows-*`, `macos-*`, `-arm`,
 * `-large`, `-xlarge`, `N-core`/`N-cores`). A runner none of these name is not priced (its minutes
 * are still counted): a guess at its rate would be a made-up figure.
 *
 * What is not modelled: a plan's included minutes (every minute is priced, as the compute is an
 * investment whoever pays for it), storage, and partial-minute billing changes GitHub may make.
 * Standard runners in public repositories are free on GitHub: pass `publicRepository` to price
 * them at 0.
 */

import { formatHours } from "./duration.js";
import type { InvestmentLine } from "./lines.js";
import {
  GITHUB_RATES_READ_ON,
  RUNNER_TYPES,
  type RunnerType,
  STANDARD_RUNNER_TYPES,
} from "./runner-rates.js";
import type { CiSettings } from "./settings.js";

/** The longest job counted: 5 days, GitHub's limit for a job on a self-hosted runner. */
export const MAX_JOB_MINUTES = 5 * 24 * 60;

/** Labels read per job, and characters per label: a real job has a few short ones. */
const MAX_LABELS = 20;
const MAX_LABEL_CHARS = 100;

/** What a `workflow_job` payload says about one job (no names: runner names are not needed). */
export interface CiJob {
  startedAt?: string | Date | null;
  completedAt?: string | Date | null;
  labels: readonly string[];
}

export type RunnerClass =
  | { kind: "label"; label: string }
  | { kind: "self-hosted" }
  | { kind: "hosted"; type: RunnerType }
  | { kind: "unknown"; label: string };

/** One job, billed: whole minutes, and money when its runner has a rate. */
export interface CiJobCost {
  /** Billed minutes: the job's time rounded up to a whole minute (0 when it cannot be timed). */
  minutes: number;
  /** Money in micro-units of `currency`; undefined when the runner has no known rate. */
  micros?: bigint;
  currency: string;
  /** The runner type, `self-hosted`, the configured label, or `unknown`. */
  runner: string;
  /** Why the job was counted as it was, for a debug log (missing times, clock trouble, …). */
  note?: string;
}

function timeOf(value: string | Date | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value).slice(0, 40));
  return Number.isFinite(ms) ? ms : undefined;
}

/** A job's billed minutes: started → completed, rounded up to a whole minute. */
export function billedMinutes(job: Pick<CiJob, "startedAt" | "completedAt">): {
  minutes: number;
  note?: string;
} {
  const started = timeOf(job.startedAt);
  const completed = timeOf(job.completedAt);
  if (started === undefined || completed === undefined) {
    return { minutes: 0, note: "the job has no start or completion time; counted as 0 minutes" };
  }
  if (completed < started) {
    return { minutes: 0, note: "the job completed before it started; counted as 0 minutes" };
  }
  const minutes = Math.ceil((completed - started) / 60_000);
  if (minutes > MAX_JOB_MINUTES) {
    return {
      minutes: MAX_JOB_MINUTES,
      note: `the job ran ${minutes} minutes, longer than GitHub runs any job; counted as ${MAX_JOB_MINUTES}`,
    };
  }
  return { minutes };
}

function osOf(label: string): "linux" | "windows" | "macos" | undefined {
  if (label.startsWith("ubuntu") || label.startsWith("linux")) return "linux";
  if (label.startsWith("windows")) return "windows";
  if (label.startsWith("macos")) return "macos";
  return undefined;
}

/** `ubuntu-latest-8-cores`, `linux-16-core`: the core count, or undefined. */
function coresOf(label: string): number | undefined {
  const at = label.indexOf("-core");
  if (at <= 0) return undefined;
  let start = at;
  while (start > 0 && label.charCodeAt(start - 1) >= 48 && label.charCodeAt(start - 1) <= 57) {
    start--;
  }
  if (start === at || (start > 0 && label[start - 1] !== "-")) return undefined;
  return Number(label.slice(start, at));
}

/** The GitHub-hosted runner type a label names, or undefined. */
export function hostedRunnerType(label: string): RunnerType | undefined {
  const l = label.trim().toLowerCase();
  const os = osOf(l);
  if (os === undefined) return undefined;
  if (os === "macos") {
    if (l.endsWith("-xlarge")) return "macos-xlarge";
    if (l.endsWith("-large")) return "macos-large";
    return coresOf(l) === undefined ? "macos" : undefined;
  }
  const cores = coresOf(l);
  const arm = l.includes("-arm");
  if (cores !== undefined && cores !== 2) {
    const type = `${os}-${cores}-core`;
    return !arm && (RUNNER_TYPES as readonly string[]).includes(type)
      ? (type as RunnerType)
      : undefined;
  }
  if (arm) return os === "linux" ? "linux-arm" : "windows-arm";
  if (l === "ubuntu-slim") return "linux-slim";
  return os;
}

/** Which runner a job ran on, from its labels. */
export function classifyRunner(
  labels: readonly string[],
  labelRates: ReadonlyMap<string, bigint>,
): RunnerClass {
  const lower = labels
    .slice(0, MAX_LABELS)
    .filter((label): label is string => typeof label === "string")
    .map((label) => label.slice(0, MAX_LABEL_CHARS).trim().toLowerCase());
  for (const label of lower) if (labelRates.has(label)) return { kind: "label", label };
  if (lower.includes("self-hosted")) return { kind: "self-hosted" };
  for (const label of lower) {
    const type = hostedRunnerType(label);
    if (type !== undefined) return { kind: "hosted", type };
  }
  return { kind: "unknown", label: lower[0] ?? "" };
}

/** One job billed as GitHub bills it, priced by its runner's rate. */
export function priceCiJob(params: {
  job: CiJob;
  settings: CiSettings;
  /** Standard GitHub-hosted runners cost nothing in public repositories. */
  publicRepository?: boolean;
}): CiJobCost {
  const { job, settings } = params;
  const { minutes, note } = billedMinutes(job);
  const runner = classifyRunner(Array.isArray(job.labels) ? job.labels : [], settings.labelsMicros);
  const base = { minutes, currency: settings.currency, ...(note !== undefined ? { note } : {}) };
  const priced = (name: string, rate: bigint) => ({
    ...base,
    runner: name,
    micros: BigInt(minutes) * rate,
  });
  switch (runner.kind) {
    case "label":
      return priced(runner.label, settings.labelsMicros.get(runner.label) ?? 0n);
    case "self-hosted":
      return priced("self-hosted", settings.selfHostedMicros);
    case "hosted": {
      const free = params.publicRepository === true && STANDARD_RUNNER_TYPES.has(runner.type);
      return priced(runner.type, free ? 0n : settings.ratesMicros[runner.type]);
    }
    case "unknown":
      return {
        ...base,
        runner: "unknown",
        note: `${note !== undefined ? `${note}; ` : ""}no rate for the runner \`${runner.label}\`: give its label a rate in \`investment.ci.labels\``,
      };
  }
}

/**
 * The PR's CI line from its jobs (as billed by `priceCiJob`, or as the ledger stored them):
 * measured. Undefined when no job is known (no `workflow_job` event reached the app), which is
 * not the same as 0 minutes.
 */
export function ciLine(params: {
  jobs: readonly Pick<CiJobCost, "minutes" | "micros">[];
  currency: string;
}): InvestmentLine | undefined {
  const { jobs, currency } = params;
  if (jobs.length === 0) return undefined;
  let minutes = 0;
  let micros = 0n;
  let priced = 0;
  let unpricedMinutes = 0;
  for (const job of jobs) {
    minutes += job.minutes;
    if (job.micros === undefined) unpricedMinutes += job.minutes;
    else {
      micros += job.micros;
      priced++;
    }
  }
  const count = `${jobs.length.toLocaleString("en-US")} ${jobs.length === 1 ? "job" : "jobs"}`;
  let detail = `${count}, ${minutes.toLocaleString("en-US")} billed minutes (each job rounded up to a whole minute, as GitHub bills), at GitHub's published per-minute rates (read ${GITHUB_RATES_READ_ON}) or \`investment.ci\``;
  if (unpricedMinutes > 0) {
    detail += `; ${formatHours(unpricedMinutes)} on runners with no known rate not priced (give their labels a rate in \`investment.ci.labels\`)`;
  }
  return {
    kind: "ci",
    basis: "measured",
    minutes,
    ...(priced > 0 ? { amountMicros: micros } : {}),
    currency,
    detail,
  };
}
