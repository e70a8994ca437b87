/**
 * The Probot app: which events trigger an evaluation, for which pull request, and at which head
 * commit. Everything else happens in `evaluate.ts`.
 */
import type { ApplicationFunction, Context, Probot } from "probot";
import { type Database, databaseOptionsFromEnv, openDatabase } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { registerCommands } from "./commands.js";
import { assertSafeEnvironment } from "./environment.js";
import { type EvaluationOutcome, type EvaluationTarget, evaluateAndPublish } from "./evaluate.js";
import { registerLedgerEvents } from "./ledger-events.js";
import { findPullRequestsForCommit } from "./read.js";

export interface CostValueOptions {
  /** Our app id (APP_ID). Without it, check runs are matched by name only. */
  appId?: number;
  now?: () => Date;
  /** Called after every evaluation (tests, metrics). */
  onEvaluated?: (outcome: EvaluationOutcome, target: EvaluationTarget) => void;
  /** The ledger: PR records, milestone rollups, the `/cost-value` command. */
  database?: Database;
}

export const PULL_REQUEST_ACTIONS = [
  "pull_request.opened",
  "pull_request.reopened",
  "pull_request.synchronize",
  "pull_request.edited",
  "pull_request.ready_for_review",
  "pull_request.converted_to_draft",
  "pull_request.labeled",
  "pull_request.unlabeled",
  "pull_request.milestoned",
  "pull_request.demilestoned",
  "pull_request.closed",
] as const;

/** Evaluations of one PR run one after another in this process (no two writes racing). */
class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}

/** PR head commits evaluated in the last minutes (to skip a check_suite.requested twin). */
class RecentEvaluations {
  static readonly TTL_MS = 10 * 60 * 1000;
  static readonly MAX = 10_000;
  readonly #seen = new Map<string, number>();

  add(pr: string, sha: string): void {
    if (this.#seen.size >= RecentEvaluations.MAX) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    this.#seen.set(`${pr}@${sha}`, Date.now());
  }

  has(pr: string, sha: string): boolean {
    const at = this.#seen.get(`${pr}@${sha}`);
    return at !== undefined && Date.now() - at < RecentEvaluations.TTL_MS;
  }
}

export function createCostValueApp(options: CostValueOptions = {}): ApplicationFunction {
  const now = options.now ?? (() => new Date());
  const queue = new KeyedQueue();
  const recent = new RecentEvaluations();

  return (app: Probot) => {
    async function evaluate(context: Context, target: EvaluationTarget): Promise<void> {
      const key = `${target.owner}/${target.repo}#${target.number}`.toLowerCase();
      const installationId = (context.payload as { installation?: { id?: number } }).installation
        ?.id;
      const outcome = await queue.run(key, () =>
        evaluateAndPublish(
          {
            graphql: (query, variables) => context.octokit.graphql(query, variables),
            request: (route, params) => context.octokit.request(route, params),
          },
          target,
          {
            ...(options.appId !== undefined ? { appId: options.appId } : {}),
            now,
            ...(options.database !== undefined && installationId !== undefined
              ? { ledger: { pool: options.database.pool, installationId } }
              : {}),
          },
        ),
      );
      options.onEvaluated?.(outcome, target);
      if (outcome.kind === "published") recent.add(key, outcome.headSha);
      const where = `${target.owner}/${target.repo}#${target.number}`;
      if (outcome.kind === "failed") {
        context.log.error(
          { err: outcome.error, pr: where, requests: outcome.requests },
          "cost-value: evaluation failed",
        );
        // answered as a failure, so GitHub records the delivery as failed and it can be redelivered
        throw outcome.error;
      }
      context.log.info(
        {
          pr: where,
          sha: outcome.headSha,
          conclusion: outcome.conclusion,
          checkRun: outcome.checkRunId,
          action: outcome.action,
          requests: outcome.requests,
          rollups: outcome.rollups,
        },
        "cost-value: check published",
      );
    }

    app.on([...PULL_REQUEST_ACTIONS], async (context) => {
      const { pull_request: pr, repository } = context.payload;
      if (context.payload.action === "edited") {
        const changes = (context.payload as { changes?: Record<string, unknown> }).changes ?? {};
        if (!("body" in changes) && !("title" in changes) && !("base" in changes)) return;
      }
      await evaluate(context, {
        owner: repository.owner.login,
        repo: repository.name,
        number: pr.number,
        headSha: pr.head.sha,
        bodyHint: pr.body ?? "",
      });
    });

    const isOurs = (appIdInPayload: number | undefined): boolean =>
      options.appId === undefined || appIdInPayload === options.appId;

    async function evaluateCommit(
      context: Context,
      sha: string,
      pullRequests: readonly { number: number; base?: { repo?: { id?: number } } }[],
      mode: "requested" | "rerequested",
    ): Promise<void> {
      const repository = (
        context.payload as { repository: { id: number; name: string; owner: { login: string } } }
      ).repository;
      const owner = repository.owner.login;
      const repo = repository.name;
      // PRs listed in the payload that target this repository; none for forks: look them up
      let numbers = pullRequests
        .filter((p) => p.base?.repo?.id === undefined || p.base.repo.id === repository.id)
        .map((p) => p.number);
      if (mode === "requested") {
        // a push: pull_request.synchronize brings the same news; skip what it already evaluated.
        // No PR listed means a branch without a PR (forks get no check_suite events at all).
        numbers = numbers.filter((n) => !recent.has(`${owner}/${repo}#${n}`.toLowerCase(), sha));
      } else if (numbers.length === 0) {
        numbers = await findPullRequestsForCommit(
          (query, variables) => context.octokit.graphql(query, variables),
          { owner, repo, sha },
        );
      }
      for (const number of numbers) await evaluate(context, { owner, repo, number, headSha: sha });
    }

    app.on(["check_suite.requested", "check_suite.rerequested"], async (context) => {
      const suite = context.payload.check_suite;
      if (!isOurs(suite.app?.id ?? undefined)) return;
      const mode = context.payload.action === "requested" ? "requested" : "rerequested";
      await evaluateCommit(context, suite.head_sha, suite.pull_requests ?? [], mode);
    });

    app.on("check_run.rerequested", async (context) => {
      const run = context.payload.check_run;
      if (!isOurs(run.app?.id ?? undefined)) return;
      await evaluateCommit(context, run.head_sha, run.pull_requests ?? [], "rerequested");
    });

    if (options.database !== undefined) {
      const deps = {
        database: options.database,
        now,
        ...(options.appId !== undefined ? { appId: options.appId } : {}),
      };
      registerLedgerEvents(app, deps);
      registerCommands(app, deps);
    }
  };
}

/** APP_ID from the environment, when it is a number. */
export function appIdFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const id = Number(env.APP_ID);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/**
 * The app as Probot loads it (after Probot has read `.env`): checks the environment, opens and
 * migrates the database (PostgreSQL at DATABASE_URL, else PGlite), then takes its options from it.
 */
export const costValueApp: ApplicationFunction = async (app, options) => {
  assertSafeEnvironment(process.env);
  const appId = appIdFromEnv(process.env);
  const database = await openDatabase(databaseOptionsFromEnv(process.env));
  const migrated = await migrate(database.pool);
  app.log.info(
    { database: database.kind, location: database.location, applied: migrated.applied },
    "cost-value: database ready",
  );
  return createCostValueApp({ ...(appId !== undefined ? { appId } : {}), database })(app, options);
};
