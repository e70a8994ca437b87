/**
 * `cost-value reconcile [--installation ID] [--repo owner/name] [--dry-run] [--json]`: bring every
 * check run and rollup up to date from the source, whatever webhooks were missed.
 *
 * For each installation of the app (`GET /app/installations`, or the one given), each repository
 * it can see (`GET /installation/repositories`, or the one given), each open pull request
 * (`GET /repos/{o}/{r}/pulls?state=open`, paged) and each PR the ledger still records as open
 * (closed or merged since: a missed `closed` event), the PR is evaluated exactly as a webhook
 * would (`evaluateAndPublish`: the check run found and updated, or created; the ledger record;
 * the rollups of its milestones). Then every open milestone the ledger knows in the repository
 * has its rollup refreshed (no API call when its totals did not change). One PR's failure is
 * reported and the others go on. Sequential; safe to repeat: a second run creates nothing.
 */
import { hostname } from "node:os";
import type pg from "pg";
import { plural } from "../core/text.js";
import { type Database, DataDirLockedError, openDatabaseFromEnv } from "../db/database.js";
import { MigrationError, migrate } from "../db/migrate.js";
import { openMilestones } from "../db/milestones.js";
import { type LedgerPullRequest, ledgerPullRequests } from "../db/pull-requests.js";
import {
  type AppClientOptions,
  type AppClients,
  AppCredentialsError,
  type AppOctokit,
  appCredentialsFromEnv,
  createAppClients,
  describeGitHubError,
} from "../github/app-client.js";
import { type EvaluationTarget, evaluateAndPublish } from "../github/evaluate.js";
import { DEFAULT_QUEUE_SETTINGS, EvaluationQueue } from "../github/evaluation-queue.js";
import { evaluationApiOf } from "../github/github-api.js";
import { readRepositoryConfig } from "../github/repo-config.js";
import { type RollupAction, refreshRollup } from "../github/rollups.js";
import { type CliIo, EXIT } from "./io.js";

export interface ReconcileOptions {
  installation?: string;
  repo?: string;
  dryRun?: boolean;
  json?: boolean;
}

export interface ReconcileDeps {
  /** GitHub clients (default: from APP_ID / PRIVATE_KEY in `io.env`). */
  clients?: AppClients;
  clientOptions?: AppClientOptions;
  /** An open database (left open); default: DATABASE_URL / COST_VALUE_DATA_DIR, closed at the end. */
  database?: Database;
  now?: () => Date;
}

interface RepositoryRef {
  id: number;
  owner: string;
  name: string;
  archived: boolean;
}

type CheckResult = "created" | "updated" | "unchanged";

export interface PullRequestResult {
  installationId: number;
  repository: string;
  number: number;
  headSha: string;
  /** Why it was evaluated: open on GitHub, or recorded open in the ledger but no longer open. */
  why: "open" | "closed-since-recorded";
  /** handed-off: another instance holds the PR's lease; it evaluates again for this request. */
  result: CheckResult | "failed" | "would-evaluate" | "handed-off";
  conclusion?: string;
  checkRunId?: string;
  rollups?: RollupAction[];
  error?: string;
}

export interface ReconcileReport {
  dryRun: boolean;
  installations: number;
  repositories: number;
  pullRequests: PullRequestResult[];
  checkRuns: Record<CheckResult, number>;
  rollups: { created: number; updated: number; final: number; milestonesChecked: number };
  skipped: { what: string; why: string }[];
  failures: { what: string; reason: string }[];
}

class UsageError extends Error {}

/** An installation's account: a user or organization (login), or an enterprise (slug). */
function accountName(account: unknown): string {
  const a = account as { login?: unknown; slug?: unknown } | null | undefined;
  return typeof a?.login === "string" ? a.login : typeof a?.slug === "string" ? a.slug : "";
}

function parseRepo(text: string): { owner: string; name: string } {
  const [owner, name, ...rest] = text.split("/");
  if (!owner || !name || rest.length > 0) {
    throw new UsageError(`--repo "${text}" is not owner/name, e.g. --repo acme/shop`);
  }
  return { owner, name };
}

function parseInstallation(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(id) || id <= 0) {
    throw new UsageError(
      `--installation "${text}" is not an installation id (a number, as in https://github.com/settings/installations/123456)`,
    );
  }
  return id;
}

export async function runReconcileCommand(
  options: ReconcileOptions,
  io: CliIo,
  deps: ReconcileDeps = {},
): Promise<number> {
  const fail = (message: string, code: number): number => {
    io.stderr(`cost-value reconcile: ${message}\n`);
    return code;
  };
  let only: { owner: string; name: string } | undefined;
  let onlyInstallation: number | undefined;
  let clients: AppClients;
  try {
    if (options.repo !== undefined) only = parseRepo(options.repo);
    if (options.installation !== undefined)
      onlyInstallation = parseInstallation(options.installation);
    clients =
      deps.clients ??
      createAppClients(appCredentialsFromEnv(io.env, io.cwd), {
        log: { warn: (m) => io.stderr(`cost-value reconcile: GitHub client: ${m}\n`) },
        ...deps.clientOptions,
      });
  } catch (error) {
    if (error instanceof UsageError || error instanceof AppCredentialsError)
      return fail(error.message, EXIT.usage);
    throw error;
  }
  const now = deps.now ?? (() => new Date());
  const dryRun = options.dryRun === true;
  const report: ReconcileReport = {
    dryRun,
    installations: 0,
    repositories: 0,
    pullRequests: [],
    checkRuns: { created: 0, updated: 0, unchanged: 0 },
    rollups: { created: 0, updated: 0, final: 0, milestonesChecked: 0 },
    skipped: [],
    failures: [],
  };
  const print = (line: string) => {
    if (options.json !== true) io.stdout(`${line}\n`);
  };

  // which installations
  let installations: { id: number; account: string }[];
  try {
    if (only !== undefined) {
      const found = await clients.app
        .request("GET /repos/{owner}/{repo}/installation", { owner: only.owner, repo: only.name })
        .catch((error: unknown) => {
          if ((error as { status?: unknown }).status === 404) {
            throw new UsageError(
              `the app is not installed on ${only?.owner}/${only?.name} (or the repository does not exist)`,
            );
          }
          throw error;
        });
      const id = found.data.id;
      if (onlyInstallation !== undefined && onlyInstallation !== id) {
        throw new UsageError(
          `${only.owner}/${only.name} belongs to installation ${id}, not to --installation ${onlyInstallation}`,
        );
      }
      installations = [{ id, account: accountName(found.data.account) || only.owner }];
    } else if (onlyInstallation !== undefined) {
      const found = await clients.app
        .request("GET /app/installations/{installation_id}", {
          installation_id: onlyInstallation,
        })
        .catch((error: unknown) => {
          if ((error as { status?: unknown }).status === 404) {
            throw new UsageError(`the app has no installation ${onlyInstallation}`);
          }
          throw error;
        });
      if (found.data.suspended_at) {
        throw new UsageError(
          `installation ${onlyInstallation} is suspended: GitHub gives it no access`,
        );
      }
      installations = [{ id: found.data.id, account: accountName(found.data.account) }];
    } else {
      installations = [];
      for await (const page of clients.app.paginate.iterator("GET /app/installations", {
        per_page: 100,
      })) {
        for (const i of page.data) {
          const account = accountName(i.account);
          if (i.suspended_at) {
            report.skipped.push({
              what: `installation ${i.id} (${account})`,
              why: "suspended",
            });
            continue;
          }
          installations.push({ id: i.id, account });
        }
      }
    }
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, EXIT.usage);
    return fail(
      `the app's installations could not be listed: ${describeGitHubError(error)}${
        (error as { status?: unknown }).status === 401
          ? " (GitHub refused the app's credentials: is APP_ID the app of this PRIVATE_KEY?)"
          : ""
      }`,
      EXIT.failure,
    );
  }

  let database: Database | undefined = deps.database;
  const ownDatabase = database === undefined && !dryRun;
  try {
    if (!dryRun) {
      if (database === undefined) {
        database = await openDatabaseFromEnv(io.env, io.cwd);
      }
      await migrate(database.pool);
    }
  } catch (error) {
    if (ownDatabase) await database?.close().catch(() => undefined);
    const known = error instanceof DataDirLockedError || error instanceof MigrationError;
    return fail(
      `${known ? "" : "the database could not be opened: "}${(error as Error).message}`,
      EXIT.usage,
    );
  }

  try {
    for (const installation of installations) {
      report.installations++;
      let octokit: AppOctokit;
      let repositories: RepositoryRef[];
      try {
        octokit = await clients.installation(installation.id);
        if (only !== undefined) {
          const { data } = await octokit.request("GET /repos/{owner}/{repo}", {
            owner: only.owner,
            repo: only.name,
          });
          repositories = [
            {
              id: Number(data.id),
              owner: data.owner.login,
              name: data.name,
              archived: data.archived,
            },
          ];
        } else {
          repositories = [];
          for await (const page of octokit.paginate.iterator("GET /installation/repositories", {
            per_page: 100,
          })) {
            for (const r of page.data) {
              repositories.push({
                id: Number(r.id),
                owner: r.owner.login,
                name: r.name,
                archived: r.archived,
              });
            }
          }
        }
      } catch (error) {
        report.failures.push({
          what: `installation ${installation.id} (${installation.account})`,
          reason: `its repositories could not be listed: ${describeGitHubError(error)}`,
        });
        print(
          `installation ${installation.id} (${installation.account}): FAILED: ${describeGitHubError(error)}`,
        );
        continue;
      }
      for (const repository of repositories) {
        await reconcileRepository({
          octokit,
          installationId: installation.id,
          repository,
          report,
          print,
          ...(database !== undefined ? { pool: database.pool } : {}),
          appId: clients.appId,
          now,
          dryRun,
        });
      }
    }
  } finally {
    if (ownDatabase) await database?.close();
  }

  if (options.json === true) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout(summaryText(report));
  }
  return report.failures.length > 0 ? EXIT.failure : EXIT.ok;
}

async function reconcileRepository(params: {
  octokit: AppOctokit;
  installationId: number;
  repository: RepositoryRef;
  report: ReconcileReport;
  print: (line: string) => void;
  pool?: pg.Pool;
  appId: number;
  now: () => Date;
  dryRun: boolean;
}): Promise<void> {
  const { octokit, installationId, repository, report, print, pool } = params;
  const fullName = `${repository.owner}/${repository.name}`;
  if (repository.archived) {
    report.skipped.push({ what: fullName, why: "archived (read-only: no check can be written)" });
    return;
  }
  report.repositories++;

  const targets: (EvaluationTarget & { why: PullRequestResult["why"] })[] = [];
  let ledger = new Map<number, LedgerPullRequest>();
  try {
    for await (const page of octokit.paginate.iterator("GET /repos/{owner}/{repo}/pulls", {
      owner: repository.owner,
      repo: repository.name,
      state: "open",
      per_page: 100,
    })) {
      for (const pr of page.data) {
        targets.push({
          owner: repository.owner,
          repo: repository.name,
          repositoryId: repository.id,
          number: pr.number,
          headSha: pr.head.sha,
          bodyHint: pr.body ?? "",
          why: "open",
        });
      }
    }
    if (pool !== undefined) {
      ledger = await ledgerPullRequests(pool, installationId, repository.id);
      const open = new Set(targets.map((t) => t.number));
      for (const recorded of ledger.values()) {
        if (recorded.state === "open" && !open.has(recorded.number)) {
          targets.push({
            owner: repository.owner,
            repo: repository.name,
            repositoryId: repository.id,
            number: recorded.number,
            headSha: recorded.headSha,
            why: "closed-since-recorded",
          });
        }
      }
    }
  } catch (error) {
    report.failures.push({
      what: fullName,
      reason: `its pull requests could not be listed: ${describeGitHubError(error)}`,
    });
    print(`${fullName}: FAILED to list pull requests: ${describeGitHubError(error)}`);
    return;
  }

  const api = evaluationApiOf(octokit);
  for (const target of targets) {
    const { why, ...evaluationTarget } = target;
    const where = `${fullName}#${target.number}`;
    const base = {
      installationId,
      repository: fullName,
      number: target.number,
      headSha: target.headSha,
      why,
    };
    const note = why === "closed-since-recorded" ? "  (no longer open; was recorded open)" : "";
    if (params.dryRun || pool === undefined) {
      report.pullRequests.push({ ...base, result: "would-evaluate" });
      print(`${where}  ${target.headSha.slice(0, 7)}  would evaluate${note}`);
      continue;
    }
    let outcome: Awaited<ReturnType<typeof evaluateAndPublish>> | undefined;
    let failure: unknown;
    try {
      // through the app's durable queue: under the PR's lease, so an evaluation the app is
      // running at the same moment never races this one (no second check run)
      const queue = new EvaluationQueue(pool, {
        ...DEFAULT_QUEUE_SETTINGS,
        worker: `reconcile:${hostname()}:${process.pid}`,
      });
      const key = { installationId, repositoryId: repository.id, number: target.number };
      await queue.enqueue({
        ...key,
        owner: repository.owner,
        repo: repository.name,
        headSha: target.headSha,
        deliveryId: "reconcile",
      });
      const settings = { appId: params.appId, now: params.now, ledger: { pool, installationId } };
      const drained = await queue.drain(key, (job) =>
        evaluateAndPublish(api, { ...evaluationTarget, headSha: job.headSha }, settings),
      );
      outcome = drained.outcomes.at(-1);
      if (drained.handedOff) {
        // another instance holds the lease: it evaluates again for this request (evaluating here
        // too could race its check-run create)
        report.pullRequests.push({ ...base, result: "handed-off" });
        print(
          `${where}  ${target.headSha.slice(0, 7)}  queued: another instance is evaluating it and will again for this request${note}`,
        );
        continue;
      }
      if (outcome?.kind === "failed") failure = outcome.error;
    } catch (error) {
      failure = error;
    }
    if (outcome === undefined || outcome.kind === "failed") {
      const reason = describeGitHubError(failure);
      report.pullRequests.push({ ...base, result: "failed", error: reason });
      report.failures.push({ what: where, reason });
      print(`${where}  ${target.headSha.slice(0, 7)}  FAILED: ${reason}${note}`);
      continue;
    }
    const before = ledger.get(target.number);
    const result: CheckResult =
      outcome.action === "created"
        ? "created"
        : outcome.action === "unchanged" ||
            (before !== undefined &&
              before.checkRunId === outcome.checkRunId &&
              before.headSha === outcome.headSha &&
              before.conclusion === outcome.conclusion)
          ? "unchanged"
          : "updated";
    report.checkRuns[result]++;
    for (const action of outcome.rollups) countRollup(report, action);
    report.pullRequests.push({
      ...base,
      headSha: outcome.headSha,
      result,
      conclusion: outcome.conclusion,
      checkRunId: outcome.checkRunId,
      rollups: outcome.rollups,
    });
    const changedRollups = outcome.rollups.filter((a) => a !== "unchanged" && a !== "no-milestone");
    const rollupText = changedRollups.length > 0 ? `, rollup ${changedRollups.join(", ")}` : "";
    const checkText =
      outcome.action === "unchanged"
        ? `check unchanged (run ${outcome.checkRunId}, nothing written)`
        : result === "unchanged"
          ? `check unchanged (run ${outcome.checkRunId} rewritten)`
          : `check ${result} (run ${outcome.checkRunId})`;
    print(
      `${where}  ${outcome.headSha.slice(0, 7)}  ${outcome.conclusion}  ${checkText}${rollupText}${note}`,
    );
  }

  if (params.dryRun || pool === undefined) return;
  await refreshMilestones({ ...params, pool, fullName });
}

/** Every open milestone the ledger knows in the repository: its rollup brought up to date. */
async function refreshMilestones(params: {
  octokit: AppOctokit;
  installationId: number;
  repository: RepositoryRef;
  report: ReconcileReport;
  print: (line: string) => void;
  pool: pg.Pool;
  appId: number;
  now: () => Date;
  fullName: string;
}): Promise<void> {
  const { octokit, installationId, repository, report, print, pool, fullName } = params;
  try {
    const milestones = await openMilestones(pool, installationId, repository.id);
    if (milestones.length === 0) return;
    const config = await readRepositoryConfig(
      (query, variables) => octokit.graphql(query, variables),
      repository.owner,
      repository.name,
    );
    if (!config.ok) {
      report.skipped.push({
        what: `${fullName} rollups`,
        why: "its .github/cost-value.yml is invalid (the checks say why)",
      });
      return;
    }
    if (!config.config.rollups.enabled) return;
    const api = evaluationApiOf(octokit);
    for (const milestoneNumber of milestones) {
      report.rollups.milestonesChecked++;
      const action = await refreshRollup(
        api,
        pool,
        {
          installationId,
          repository: { id: repository.id, owner: repository.owner, name: repository.name },
          milestoneNumber,
          currency: config.config.currency,
          ...(config.config.rollups.issue !== null
            ? { fixedIssue: config.config.rollups.issue }
            : {}),
        },
        { appId: params.appId, now: params.now },
      );
      countRollup(report, action);
      if (action === "created" || action === "updated") {
        print(`${fullName} milestone ${milestoneNumber}  rollup ${action}`);
      }
    }
  } catch (error) {
    const reason = describeGitHubError(error);
    report.failures.push({ what: `${fullName} rollups`, reason });
    print(`${fullName}: FAILED to refresh rollups: ${reason}`);
  }
}

function countRollup(report: ReconcileReport, action: RollupAction): void {
  if (action === "created") report.rollups.created++;
  else if (action === "updated") report.rollups.updated++;
  else if (action === "final") report.rollups.final++;
}

function summaryText(report: ReconcileReport): string {
  const evaluated = report.pullRequests.filter(
    (p) => p.result !== "would-evaluate" && p.result !== "handed-off",
  ).length;
  const handedOff = report.pullRequests.filter((p) => p.result === "handed-off").length;
  const closedSince = report.pullRequests.filter((p) => p.why === "closed-since-recorded").length;
  const lines = [
    `reconcile${report.dryRun ? " (--dry-run)" : ""}: ${plural(report.installations, "installation")}, ${plural(report.repositories, "repository", "repositories")}, ${
      report.dryRun
        ? `${plural(report.pullRequests.length, "pull request")} to evaluate`
        : `${plural(evaluated, "pull request")} evaluated`
    }${closedSince > 0 ? ` (${closedSince} no longer open)` : ""}${
      handedOff > 0 ? `, ${handedOff} left to the instance evaluating them` : ""
    }`,
  ];
  if (!report.dryRun) {
    const c = report.checkRuns;
    lines.push(`check runs: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`);
    const r = report.rollups;
    lines.push(
      `rollups: ${r.created} created, ${r.updated} updated${r.final > 0 ? `, ${r.final} final` : ""} (${plural(r.milestonesChecked, "open milestone")} checked)`,
    );
  }
  for (const s of report.skipped) lines.push(`skipped ${s.what}: ${s.why}`);
  lines.push(`failures: ${report.failures.length}`);
  for (const f of report.failures) lines.push(`  ${f.what}: ${f.reason}`);
  return `${lines.join("\n")}\n`;
}
