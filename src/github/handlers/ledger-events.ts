/**
 * Events that change the ledger without a pull request evaluation: milestones (a budget edited, a
 * milestone closed: the final rollup, deleted), an app uninstalled (all its data deleted) and
 * repositories removed from an installation (their data deleted). Every write is scoped by the
 * installation of the (signature-verified) delivery.
 */
import type { Context, Probot } from "probot";
import { parseMilestoneBudget } from "../../core/milestone.js";
import type { Database } from "../../db/database.js";
import { deleteMilestone, upsertMilestone } from "../../db/milestones.js";
import { deleteInstallation, deleteRepository } from "../../db/purges.js";
import { acceptPayload } from "../payload-guard.js";
import { readRepositoryConfig } from "../repo-config.js";
import { refreshRollup } from "../rollups.js";

export interface LedgerDeps {
  database: Database;
  appId?: number;
  now: () => Date;
}

interface MilestonePayload {
  action: string;
  milestone: {
    number: number;
    title: string;
    state: string;
    due_on?: string | null;
    description?: string | null;
  };
  repository: { id: number; name: string; owner: { login: string } };
  installation?: { id: number };
}

export function registerLedgerEvents(app: Probot, deps: LedgerDeps): void {
  app.on(
    [
      "milestone.created",
      "milestone.edited",
      "milestone.closed",
      "milestone.opened",
      "milestone.deleted",
    ],
    async (context: Context) => {
      if (!acceptPayload(context)) return;
      const payload = context.payload as unknown as MilestonePayload;
      const installationId = payload.installation?.id;
      if (installationId === undefined) return;
      const repository = {
        id: payload.repository.id,
        owner: payload.repository.owner.login,
        name: payload.repository.name,
      };
      const m = payload.milestone;
      if (payload.action === "deleted") {
        await deleteMilestone(deps.database.pool, {
          installationId,
          repositoryId: repository.id,
          number: m.number,
        });
        return;
      }
      const config = await readRepositoryConfig(
        (query, variables) => context.octokit.graphql(query, variables),
        repository.owner,
        repository.name,
      );
      if (!config.ok) {
        context.log.warn(
          { problems: config.problems },
          "cost-value: invalid config; the rollup is not updated",
        );
        return;
      }
      const budget = parseMilestoneBudget(m.description ?? "", config.config.currency);
      if (budget.kind === "problem") context.log.warn({ milestone: m.number }, budget.message);
      const recorded = await upsertMilestone(deps.database.pool, {
        installationId,
        repository,
        number: m.number,
        title: m.title,
        state: m.state === "closed" ? "closed" : "open",
        ...(m.due_on ? { dueOn: new Date(m.due_on) } : {}),
        ...(budget.kind === "budget" ? { budget: budget.budget } : {}),
        ...(budget.kind === "problem" ? { budgetProblem: budget.message } : {}),
      });
      if (!recorded) {
        context.log.warn(
          { installation: installationId, repository: repository.id, milestone: m.number },
          "cost-value: the repository is recorded under another installation; the milestone is ignored until an evaluation of its pull requests claims it",
        );
        return;
      }
      if (!config.config.rollups.enabled) return;
      const api = {
        request: (route: string, params: Record<string, unknown>) =>
          context.octokit.request(route, params),
      };
      const target = {
        installationId,
        repository,
        milestoneNumber: m.number,
        currency: config.config.currency,
        ...(config.config.rollups.issue !== null
          ? { fixedIssue: config.config.rollups.issue }
          : {}),
      };
      const settings = {
        ...(deps.appId !== undefined ? { appId: deps.appId } : {}),
        now: deps.now,
      };
      await refreshRollup(api, deps.database.pool, target, settings, "update");
      if (payload.action === "closed")
        await refreshRollup(api, deps.database.pool, target, settings, "final");
    },
  );

  app.on("installation.deleted", async (context) => {
    if (!acceptPayload(context)) return;
    await deleteInstallation(deps.database.pool, context.payload.installation.id);
    context.log.info(
      { installation: context.payload.installation.id },
      "cost-value: installation's data deleted",
    );
  });

  // repositories taken out of the installation ("Only select repositories"): their data goes
  app.on("installation_repositories.removed", async (context) => {
    if (!acceptPayload(context)) return;
    const installationId = context.payload.installation.id;
    const removed = context.payload.repositories_removed ?? [];
    for (const repository of removed) {
      await deleteRepository(deps.database.pool, { installationId, repositoryId: repository.id });
    }
    context.log.info(
      { installation: installationId, repositories: removed.map((r) => r.id) },
      "cost-value: removed repositories' data deleted",
    );
  });
}
