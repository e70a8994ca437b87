/**
 * `/cost-value rollup [milestone title]` in an issue or PR comment: posts the milestone's current
 * rollup there. Only people with write, maintain or admin permission may run it (asked of GitHub:
 * `author_association` is not enough); others get a short reply; bots are ignored.
 */
import type { Probot } from "probot";
import { COMMAND_HELP, parseCommand } from "../core/command.js";
import { escapeShort } from "../core/markdown.js";
import { renderRollup } from "../core/rollup.js";
import { findMilestoneByTitle, readRollup } from "../db/ledger.js";
import type { LedgerDeps } from "./ledger-events.js";
import { readRepositoryConfig } from "./repo-config.js";

const ALLOWED = new Set(["admin", "maintain", "write"]);

export function registerCommands(app: Probot, deps: LedgerDeps): void {
  app.on("issue_comment.created", async (context) => {
    const { comment, issue, repository, sender } = context.payload;
    const installationId = context.payload.installation?.id;
    if (installationId === undefined || sender.type === "Bot" || comment.user?.type === "Bot")
      return;
    const command = parseCommand(comment.body ?? "");
    if (command === undefined) return;
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
