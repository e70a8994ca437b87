/**
 * Investment that arrives after the check (docs/investment.md): a review submitted on a PR
 * (`pull_request_review`) and a finished CI job (`workflow_job`). Each is read from its payload
 * alone — 0 API reads — recorded in the ledger, and the PR's `review` or `ci` line re-priced with
 * the settings of its last evaluation; the milestone's rollup is then refreshed (scheduled). The
 * check shows what was known at its last evaluation.
 */
import type { Context, Probot } from "probot";
import { configSchema } from "../../config/schema.js";
import { billedMinutes, classifyRunner } from "../../core/investment/ci.js";
import { reviewLine } from "../../core/investment/estimate-review.js";
import { ciLineOf, reviewersOf } from "../../core/investment/pull-request.js";
import { type RunnerType, STANDARD_RUNNER_TYPES } from "../../core/investment/runner-rates.js";
import { type InvestmentSettings, investmentSettings } from "../../core/investment/settings.js";
import type { Database } from "../../db/database.js";
import {
  type InvestmentContext,
  readInvestmentContext,
  recordCiJob,
  recordReview,
  writeInvestmentLine,
} from "../../db/investment.js";
import type { StoredInvestmentLine } from "../../db/pull-requests.js";
import { acceptPayload } from "../payload-guard.js";
import { countedReview, storedReviews } from "../reviews.js";
import { type RollupTarget, refreshRollup } from "../rollups.js";

export interface InvestmentDeps {
  database: Database;
  appId?: number;
  now: () => Date;
  /** Coalesces rollup refreshes (the app's scheduler); without it a refresh runs now. */
  scheduleRollup?: (target: RollupTarget) => void;
}

interface Settings {
  investment: InvestmentSettings;
  rollups: { enabled: boolean; issue: number | null };
}

/** The settings a PR's last evaluation stored, read back through the config schema. */
export function settingsOf(context: InvestmentContext): Settings | undefined {
  const stored = context.settings as
    | { currency?: unknown; investment?: unknown; rollups?: unknown }
    | null
    | undefined;
  if (stored === null || typeof stored !== "object") return undefined;
  const parsed = configSchema.safeParse({
    currency: stored.currency,
    investment: stored.investment,
    rollups: stored.rollups,
  });
  if (!parsed.success) return undefined;
  return {
    investment: investmentSettings(parsed.data),
    rollups: { enabled: parsed.data.rollups.enabled, issue: parsed.data.rollups.issue },
  };
}

function toStored(line: NonNullable<ReturnType<typeof reviewLine>>): StoredInvestmentLine {
  return {
    kind: line.kind === "tools" ? "coordination" : line.kind,
    basis: line.basis,
    ...(line.minutes !== undefined ? { minutes: line.minutes } : {}),
    ...(line.amountMicros !== undefined ? { amountMicros: line.amountMicros } : {}),
    currency: line.currency,
    detail: line.detail,
  };
}

/** The runner a job is kept under: a hosted type, `self-hosted`, `public-hosted` (free), or its first label. */
export function storedRunner(labels: readonly string[], publicRepository: boolean): string {
  const runner = classifyRunner(labels, new Map());
  switch (runner.kind) {
    case "hosted":
      return publicRepository && STANDARD_RUNNER_TYPES.has(runner.type as RunnerType)
        ? "public-hosted"
        : runner.type;
    case "self-hosted":
      return "self-hosted";
    case "label":
    case "unknown":
      return runner.label === "" ? "unknown" : runner.label;
  }
}

async function writeLine(
  deps: InvestmentDeps,
  context: Context,
  pr: InvestmentContext,
  settings: Settings,
  line: StoredInvestmentLine,
): Promise<void> {
  const rollups = settings.rollups.enabled
    ? { ...(settings.rollups.issue !== null ? { fixedIssue: settings.rollups.issue } : {}) }
    : undefined;
  const marked = await writeInvestmentLine(deps.database.pool, pr, line, rollups);
  for (const milestoneNumber of marked) {
    const target: RollupTarget = {
      installationId: pr.installationId,
      repository: { id: pr.repositoryId, owner: pr.owner, name: pr.repo },
      milestoneNumber,
      currency: pr.currency,
      ...(settings.rollups.issue !== null ? { fixedIssue: settings.rollups.issue } : {}),
    };
    if (deps.scheduleRollup !== undefined) {
      deps.scheduleRollup(target);
    } else {
      const api = {
        request: (route: string, params: Record<string, unknown>) =>
          context.octokit.request(route, params),
      };
      await refreshRollup(api, deps.database.pool, target, {
        ...(deps.appId !== undefined ? { appId: deps.appId } : {}),
        now: deps.now,
      });
    }
  }
}

interface ReviewPayload {
  installation: { id: number };
  repository: { id: number };
  pull_request: { number: number; user?: { login?: string | null } | null };
  review: {
    id: number | string;
    user?: { login?: string | null } | null;
    body?: string | null;
    state?: string | null;
    submitted_at?: string | null;
  };
}

interface JobPayload {
  installation: { id: number };
  repository: { id: number; private?: boolean | null };
  workflow_job: {
    id: number | string;
    head_sha: string;
    started_at?: string | null;
    completed_at?: string | null;
    labels?: string[] | null;
  };
}

function dateOr(text: string | null | undefined, fallback: Date): Date {
  const ms = typeof text === "string" ? Date.parse(text.slice(0, 40)) : Number.NaN;
  return Number.isFinite(ms) ? new Date(ms) : fallback;
}

export function registerInvestmentEvents(app: Probot, deps: InvestmentDeps): void {
  app.on("pull_request_review.submitted", async (context: Context) => {
    if (!acceptPayload(context)) return;
    const payload = context.payload as unknown as ReviewPayload;
    const { repository, pull_request: pull, review } = payload;
    const counted = countedReview({
      id: String(review.id),
      login: review.user?.login ?? undefined,
      prAuthor: pull.user?.login ?? "",
      ...(typeof review.state === "string" ? { state: review.state } : {}),
      body: review.body ?? "",
      ...(typeof review.submitted_at === "string" ? { submittedAt: review.submitted_at } : {}),
    });
    if (counted === undefined) return; // the author's own reply, a bot, or pending
    const before = await readInvestmentContext(deps.database.pool, repository.id, pull.number);
    const settings = before !== undefined ? settingsOf(before) : undefined;
    if (before === undefined || settings === undefined) {
      context.log.debug(
        { repository: repository.id, pull: pull.number },
        "cost-value: a review of a PR the ledger has not evaluated; its next evaluation reads it",
      );
      return;
    }
    if (before.installationId !== payload.installation.id) return; // another installation's PR
    const { reviews, problems } = storedReviews([counted], settings.investment.dayHours);
    const stored = reviews[0];
    if (stored === undefined) return;
    if (problems.length > 0)
      context.log.info({ problems }, "cost-value: a review's Review-Time could not be read");
    const pr = await recordReview(deps.database.pool, {
      repositoryId: repository.id,
      number: pull.number,
      review: stored,
    });
    if (pr === undefined || pr.changedLines === undefined) return;
    const line = reviewLine({
      changedLines: pr.changedLines,
      reviewers: reviewersOf(pr.reviews),
      settings: settings.investment,
    });
    if (line !== undefined) await writeLine(deps, context, pr, settings, toStored(line));
  });

  app.on("workflow_job.completed", async (context: Context) => {
    if (!acceptPayload(context)) return;
    const payload = context.payload as unknown as JobPayload;
    const job = payload.workflow_job;
    const billed = billedMinutes({
      startedAt: job.started_at ?? null,
      completedAt: job.completed_at ?? null,
    });
    if (billed.note !== undefined)
      context.log.debug({ job: String(job.id), note: billed.note }, "cost-value: CI job timing");
    const { known, pullRequests } = await recordCiJob(deps.database.pool, {
      repositoryId: payload.repository.id,
      job: {
        jobId: String(job.id),
        headSha: job.head_sha,
        runner: storedRunner(job.labels ?? [], payload.repository.private === false),
        billedMinutes: billed.minutes,
        completedAt: dateOr(job.completed_at, deps.now()),
      },
    });
    if (!known) {
      context.log.debug(
        { repository: payload.repository.id },
        "cost-value: a CI job of a repository the ledger does not know; ignored",
      );
      return;
    }
    for (const pr of pullRequests) {
      if (pr.installationId !== payload.installation.id) continue;
      const settings = settingsOf(pr);
      if (settings === undefined) continue;
      const line = ciLineOf(pr.ci, settings.investment.ci);
      if (line !== undefined) await writeLine(deps, context, pr, settings, toStored(line));
    }
  });
}
