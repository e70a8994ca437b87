/**
 * `/cost-value rollup [milestone title]` in an issue or PR comment: posts the milestone's current
 * rollup there. Only people with write, maintain or admin permission may run it (asked of GitHub:
 * `author_association` is not enough); others get a short reply. Bots are ignored without a single
 * API call: bot senders, `[bot]` logins, and this app's own comments. Each answer is a comment, so
 * answers are rate-limited per user and per issue (COMMAND_RATE_LIMITS); commands beyond the limit
 * are ignored silently and logged. The count is kept in the database (`DatabaseCommandRate`, the
 * `command_rate` table of migration 005), so every app instance sharing it counts the same answers.
 */
import type pg from "pg";
import type { Probot } from "probot";
import {
  COMMAND_HELP,
  COMMAND_RATE_LIMITS,
  type CommandRateDecision,
  type CommandRateLimits,
  decideCommandRate,
  isBotLogin,
  parseCommand,
} from "../../core/command.js";
import { escapeShort } from "../../core/markdown/escape.js";
import { renderRollup } from "../../core/rollup.js";
import { type CommandKey, takeCommandSlot } from "../../db/command-rate.js";
import { findMilestoneByTitle } from "../../db/milestones.js";
import { readRollup } from "../../db/rollup-read.js";
import { acceptPayload } from "../payload-guard.js";
import { readRepositoryConfig } from "../repo-config.js";
import type { LedgerDeps } from "./ledger-events.js";

const ALLOWED = new Set(["admin", "maintain", "write"]);

/** Where answered commands are counted: take one slot if the limits allow it. */
export interface CommandRateStore {
  take(key: CommandKey, now: Date, limits: CommandRateLimits): Promise<CommandRateDecision>;
}

/** Counted in the `command_rate` table (`takeCommandSlot`): shared by every process on the database. */
export class DatabaseCommandRate implements CommandRateStore {
  constructor(readonly pool: pg.Pool) {}

  async take(key: CommandKey, now: Date, limits: CommandRateLimits): Promise<CommandRateDecision> {
    return takeCommandSlot(this.pool, key, now, limits);
  }
}

/**
 * Counted in this process only: for callers without a database (each process would count its own
 * answers, so N instances would answer N times the limit).
 */
export class MemoryCommandRate implements CommandRateStore {
  readonly #answered = new Map<string, { userId: number; at: number }[]>();

  async take(key: CommandKey, now: Date, limits: CommandRateLimits): Promise<CommandRateDecision> {
    const issue = `${key.installationId}:${key.repositoryId}:${key.issueNumber}`;
    const since = now.getTime() - limits.windowMs;
    for (const [k, list] of this.#answered) {
      const kept = list.filter((a) => a.at > since);
      if (kept.length === 0) this.#answered.delete(k);
      else this.#answered.set(k, kept);
    }
    const recent = this.#answered.get(issue) ?? [];
    const decision = decideCommandRate(
      { byUser: recent.filter((a) => a.userId === key.userId).length, onIssue: recent.length },
      limits,
    );
    if (decision.allowed)
      this.#answered.set(issue, [...recent, { userId: key.userId, at: now.getTime() }]);
    return decision;
  }
}

export interface CommandDeps extends LedgerDeps {
  /** Default: the database's `command_rate` table (`DatabaseCommandRate`). */
  commandRate?: CommandRateStore;
  commandLimits?: CommandRateLimits;
}

interface CommentAuthor {
  login?: string;
  type?: string;
}

/** A bot, another app, or this app itself wrote the comment: never answer it. */
function fromBot(
  payload: {
    sender: CommentAuthor;
    comment: { user?: CommentAuthor | null; performed_via_github_app?: { id?: number } | null };
  },
  appId: number | undefined,
): boolean {
  const { sender, comment } = payload;
  return (
    sender.type === "Bot" ||
    comment.user?.type === "Bot" ||
    isBotLogin(sender.login) ||
    isBotLogin(comment.user?.login) ||
    (appId !== undefined && comment.performed_via_github_app?.id === appId)
  );
}

export function registerCommands(app: Probot, deps: CommandDeps): void {
  const rate = deps.commandRate ?? new DatabaseCommandRate(deps.database.pool);
  const limits = deps.commandLimits ?? COMMAND_RATE_LIMITS;
  app.on("issue_comment.created", async (context) => {
    if (!acceptPayload(context)) return;
    const { comment, issue, repository, sender } = context.payload;
    const installationId = context.payload.installation?.id;
    if (installationId === undefined || fromBot(context.payload, deps.appId)) return;
    const command = parseCommand(comment.body ?? "");
    if (command === undefined) return;
    const decision = await rate.take(
      {
        installationId,
        repositoryId: repository.id,
        issueNumber: issue.number,
        userId: sender.id,
        accountLogin: repository.owner.login,
      },
      deps.now(),
      limits,
    );
    if (!decision.allowed) {
      context.log.warn(
        {
          installation: installationId,
          repository: repository.id,
          issue: issue.number,
          user: sender.login,
          limit: decision.limit,
          per: decision.reason === "user" ? "user and issue" : "issue",
          windowSeconds: limits.windowMs / 1000,
        },
        "cost-value: /cost-value command ignored: rate limit reached (no reply)",
      );
      return;
    }
    const owner = repository.owner.login;
    const repo = repository.name;
    const reply = (body: string) =>
      context.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner,
        repo,
        issue_number: issue.number,
        body,
      });

    const permission: { permission?: string; role_name?: string } = await context.octokit
      .request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
        owner,
        repo,
        username: sender.login,
      })
      .then((r) => r.data as { permission?: string; role_name?: string })
      .catch((error: { status?: number }) => {
        if (error.status === 404) return { permission: "none" };
        throw error;
      });
    if (!ALLOWED.has(permission.role_name ?? "") && !ALLOWED.has(permission.permission ?? "")) {
      await reply(
        `Thanks for asking, @${sender.login}! Only people with write access to this repository can run \`/cost-value\` commands.`,
      );
      return;
    }
    if (command.kind === "help") {
      await reply(
        `${command.unknown !== undefined ? `\`${command.unknown.replaceAll("`", "")}\` is not a cost-value command. ` : ""}${COMMAND_HELP}`,
      );
      return;
    }

    const config = await readRepositoryConfig((q, v) => context.octokit.graphql(q, v), owner, repo);
    const currency = config.ok ? config.config.currency : "USD";
    const milestoneNumber =
      command.milestone !== undefined
        ? await findMilestoneByTitle(deps.database.pool, {
            installationId,
            repositoryId: repository.id,
            title: command.milestone,
          })
        : (issue.milestone?.number ?? undefined);
    if (milestoneNumber === undefined) {
      await reply(
        command.milestone !== undefined
          ? `cost-value has no record of a milestone titled "${escapeShort(command.milestone, 100)}" in this repository yet (it learns milestones from their PRs). ${COMMAND_HELP}`
          : `This ${issue.pull_request ? "pull request" : "issue"} has no milestone. Name one: \`/cost-value rollup <milestone title>\`.`,
      );
      return;
    }
    const data = await readRollup(deps.database.pool, {
      installationId,
      repositoryId: repository.id,
      milestoneNumber,
      currency,
    });
    if (data === undefined) {
      await reply("cost-value has recorded no pull request in this milestone yet.");
      return;
    }
    // an on-demand copy: without the marker of the maintained rollup comment
    const body = renderRollup({ data, repositoryId: repository.id, now: deps.now() }).replace(
      /^<!-- cost-value:rollup [^>]*-->\n\n/,
      "<!-- cost-value:rollup-on-demand -->\n\n",
    );
    await reply(body);
  });
}
