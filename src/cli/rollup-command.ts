/** `cost-value rollup --repo owner/name --milestone TITLE`: the rollup markdown, from the database. */
import { renderRollup } from "../core/rollup.js";
import { type Database, DataDirLockedError, openDatabaseFromEnv } from "../db/database.js";
import { findMilestoneByTitle } from "../db/milestones.js";
import { milestoneCurrency } from "../db/pull-requests.js";
import { findRepository } from "../db/repositories.js";
import { readRollup } from "../db/rollup-read.js";
import { type CliIo, EXIT } from "./io.js";

export interface RollupOptions {
  repo: string;
  milestone: string;
  currency?: string;
}

export async function runRollupCommand(
  options: RollupOptions,
  io: CliIo,
  now = () => new Date(),
): Promise<number> {
  const [owner, name, ...rest] = options.repo.split("/");
  if (!owner || !name || rest.length > 0) {
    io.stderr(
      `cost-value rollup: --repo "${options.repo}" is not owner/name, e.g. --repo acme/shop\n`,
    );
    return EXIT.usage;
  }
  let db: Database | undefined;
  try {
    db = await openDatabaseFromEnv(io.env, io.cwd);
    const repository = await findRepository(db.pool, owner, name);
    if (repository === undefined) {
      io.stderr(
        `cost-value rollup: the database (${db.location}) has no record of ${options.repo}; is DATABASE_URL (or COST_VALUE_DATA_DIR) the app's?\n`,
      );
      return EXIT.usage;
    }
    const milestoneNumber = await findMilestoneByTitle(db.pool, {
      installationId: repository.installationId,
      repositoryId: repository.id,
      title: options.milestone,
    });
    if (milestoneNumber === undefined) {
      io.stderr(
        `cost-value rollup: ${options.repo} has no milestone titled "${options.milestone}" in the database\n`,
      );
      return EXIT.usage;
    }
    const currency =
      options.currency?.toUpperCase() ??
      (await milestoneCurrency(db.pool, { repositoryId: repository.id, milestoneNumber })) ??
      "USD";
    const data = await readRollup(db.pool, {
      installationId: repository.installationId,
      repositoryId: repository.id,
      milestoneNumber,
      currency,
    });
    if (data === undefined) {
      io.stderr(`cost-value rollup: milestone "${options.milestone}" has no data\n`);
      return EXIT.usage;
    }
    io.stdout(`${renderRollup({ data, repositoryId: repository.id, now: now() })}\n`);
    return EXIT.ok;
  } catch (error) {
    const hint = error instanceof DataDirLockedError ? "" : " (is the database reachable?)";
    io.stderr(`cost-value rollup: ${(error as Error).message}${hint}\n`);
    return EXIT.usage;
  } finally {
    await db?.close();
  }
}
