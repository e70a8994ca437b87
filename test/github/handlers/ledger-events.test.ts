/**
 * The ledger's own events, delivered to the handlers `registerLedgerEvents` registers (a recording
 * app, no Probot): milestones recorded with their budget and their rollup refreshed (and the final
 * one on close), deleted; an uninstall and removed repositories purge their data only. GitHub is
 * answered by hand; the ledger is the test database.
 */
import { describe, expect, it } from "vitest";
import { upsertMilestone } from "../../../src/db/milestones.js";
import { recordPullRequest } from "../../../src/db/record.js";
import { registerLedgerEvents } from "../../../src/github/handlers/ledger-events.js";
import { migratedDatabaseForFile } from "../../helpers/database.js";
import { configFileAnswer, handGitHub, OPERATIONS } from "../../helpers/hand-github.js";
import { recordingApp } from "../../helpers/handler-app.js";
import { INSTALLATION, milestone, pr, REPO } from "../../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();

const APP_ID = 1001;
const NOW = new Date("2026-11-28T12:00:00Z");
const COMMENTS = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const REPOSITORY = { id: REPO.id, name: REPO.name, owner: { login: REPO.owner } };

function setup() {
  const recording = recordingApp();
  registerLedgerEvents(recording.app, { database: database(), appId: APP_ID, now: () => NOW });
  return recording;
}

/** GitHub with `.github/cost-value.yml` of the repository (none: the defaults). */
function github(config?: string) {
  return handGitHub({
    graphql: {
      [OPERATIONS.configFile]: (v) => configFileAnswer(v.repo === REPO.name ? config : undefined),
    },
  });
}

function milestonePayload(
  action: string,
  m: { description?: string; state?: string } = {},
  installationId = INSTALLATION,
) {
  return {
    action,
    milestone: {
      number: 3,
      title: "Checkout v2",
      state: m.state ?? "open",
      due_on: "2026-12-15T00:00:00Z",
      description: m.description ?? "Budget: $100",
    },
    repository: REPOSITORY,
    installation: { id: installationId },
  };
}

async function milestoneRow() {
  const { rows } = await database().pool.query<{
    title: string;
    state: string;
    budget: string | null;
    problem: string | null;
    due_on: Date | null;
  }>(
    `SELECT title, state, budget_micros::text AS budget, budget_problem AS problem, due_on
     FROM milestones WHERE repository_id = $1 AND number = 3`,
    [REPO.id],
  );
  return rows[0];
}

async function count(table: string, where = "true"): Promise<number> {
  const { rows } = await database().pool.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${table} WHERE ${where}`,
  );
  return Number(rows[0]?.n);
}

describe("registerLedgerEvents", () => {
  it("listens to the milestone, uninstall and removed-repository events", () => {
    expect(setup().events().sort()).toEqual(
      [
        "installation.deleted",
        "installation_repositories.removed",
        "milestone.closed",
        "milestone.created",
        "milestone.deleted",
        "milestone.edited",
        "milestone.opened",
      ].sort(),
    );
  });
});

describe("milestone events", () => {
  it("record the milestone with its due date and the description's budget, then refresh its rollup", async () => {
    const { deliver } = setup();
    await recordPullRequest(database().pool, pr(11, { cost: 14.62 }));
    const gh = github();
    await deliver("milestone", milestonePayload("edited", { description: "Budget: $250" }), gh.api);
    expect(await milestoneRow()).toMatchObject({
      title: "Checkout v2",
      state: "open",
      budget: "250000000",
      problem: null,
      due_on: new Date("2026-12-15T00:00:00Z"),
    });
    // the repository's file, then the owner's .github (neither exists: the defaults)
    expect(gh.graphqlCalls.map((c) => c.variables.repo)).toEqual([REPO.name, ".github"]);
    const posted = gh.restCalls.filter((c) => c.route === COMMENTS);
    expect(posted).toHaveLength(1);
    // the rollup shows the new budget
    expect(String(posted[0]?.params.body)).toContain("budget \\$250");
  });

  it("keep a budget line that cannot be read as a problem, and say so in the log", async () => {
    const { deliver, logs } = setup();
    await deliver(
      "milestone",
      milestonePayload("created", { description: "Budget: a lot" }),
      github().api,
    );
    const row = await milestoneRow();
    expect(row?.budget).toBeNull();
    expect(row?.problem).toContain("`Budget:` line (line 1)");
    expect(logs).toContainEqual(
      expect.objectContaining({ level: "warn", fields: { milestone: 3 } }),
    );
  });

  it("read the budget in the config's currency", async () => {
    const { deliver } = setup();
    await deliver(
      "milestone",
      milestonePayload("edited", { description: "Budget: €900" }),
      github("currency: EUR\n").api,
    );
    expect((await milestoneRow())?.budget).toBe("900000000");
    const { rows } = await database().pool.query("SELECT budget_currency FROM milestones");
    expect(rows).toEqual([{ budget_currency: "EUR" }]);
  });

  it("post the closing rollup as well when the milestone is closed", async () => {
    const { deliver } = setup();
    await recordPullRequest(database().pool, pr(11));
    const gh = github();
    await deliver("milestone", milestonePayload("closed", { state: "closed" }), gh.api);
    expect((await milestoneRow())?.state).toBe("closed");
    // the kept-up-to-date comment, then the final one
    expect(gh.restCalls.filter((c) => c.route === COMMENTS)).toHaveLength(2);
    const { rows } = await database().pool.query("SELECT final_posted FROM rollup_posts");
    expect(rows).toEqual([{ final_posted: true }]);
  });

  it("post to the config's fixed rollup issue, and nothing when rollups are off", async () => {
    const fixed = setup();
    const gh = github("rollups:\n  issue: 42\n");
    await fixed.deliver("milestone", milestonePayload("edited"), gh.api);
    expect(gh.restCalls.map((c) => [c.route, c.params.issue_number])).toEqual([[COMMENTS, 42]]);

    const off = setup();
    const quiet = github("rollups:\n  enabled: false\n");
    await off.deliver(
      "milestone",
      milestonePayload("edited", { description: "Budget: $7" }),
      quiet.api,
    );
    expect(quiet.restCalls).toEqual([]);
    // still recorded: the next evaluation's check shows its budget
    expect((await milestoneRow())?.budget).toBe("7000000");
  });

  it("record nothing when the config is broken, and log its problems", async () => {
    const { deliver, logs } = setup();
    const gh = github("currency: dollars\n");
    await deliver("milestone", milestonePayload("edited"), gh.api);
    expect(await milestoneRow()).toBeUndefined();
    expect(gh.restCalls).toEqual([]);
    const warning = logs.find((l) => l.level === "warn");
    expect(warning?.message).toContain("invalid config");
    expect(String(warning?.fields.problems)).toContain("currency");
  });

  it("leave a repository recorded under another installation alone", async () => {
    await upsertMilestone(database().pool, milestone({ title: "Theirs" }));
    const { deliver, logs } = setup();
    const gh = github();
    await deliver("milestone", milestonePayload("edited", {}, INSTALLATION + 1), gh.api);
    expect((await milestoneRow())?.title).toBe("Theirs");
    expect(gh.restCalls).toEqual([]);
    expect(logs.map((l) => l.message)).toContainEqual(
      expect.stringContaining("recorded under another installation"),
    );
  });

  it("forget a deleted milestone and where its rollup was, without asking GitHub", async () => {
    const { deliver } = setup();
    await recordPullRequest(database().pool, pr(11));
    await deliver("milestone", milestonePayload("edited"), github().api);
    expect(await count("rollup_posts")).toBe(1);
    const gh = github();
    await deliver("milestone", milestonePayload("deleted"), gh.api);
    expect(await milestoneRow()).toBeUndefined();
    expect(await count("rollup_posts")).toBe(0);
    expect(gh.graphqlCalls).toEqual([]);
    expect(gh.restCalls).toEqual([]);
  });

  it("ignore a payload without what they read, with one warning", async () => {
    const { deliver, logs } = setup();
    const gh = github();
    const { milestone: _, ...payload } = milestonePayload("edited");
    await deliver("milestone", payload, gh.api);
    expect(gh.graphqlCalls).toEqual([]);
    expect(logs).toHaveLength(1);
    expect(logs[0]?.message).toContain("milestone is missing");
  });
});

describe("installation and repository removal", () => {
  it("an uninstall deletes the installation's data and nothing of another's", async () => {
    const other = { ...REPO, id: REPO.id + 1 };
    await recordPullRequest(database().pool, pr(11));
    await recordPullRequest(
      database().pool,
      pr(12, { installationId: INSTALLATION + 1, repository: other }),
    );
    const { deliver, logs } = setup();
    await deliver(
      "installation",
      { action: "deleted", installation: { id: INSTALLATION } },
      github().api,
    );
    expect(await count("installations")).toBe(1);
    expect(await count("pull_requests", `installation_id = ${INSTALLATION}`)).toBe(0);
    expect(await count("pull_requests", `installation_id = ${INSTALLATION + 1}`)).toBe(1);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: "info", fields: { installation: INSTALLATION } }),
    );
  });

  it("a payload without its installation deletes nothing, with one warning", async () => {
    await recordPullRequest(database().pool, pr(11));
    const { deliver, logs } = setup();
    await deliver("installation", { action: "deleted" }, github().api);
    await deliver(
      "installation_repositories",
      { action: "removed", repositories_removed: [{ id: REPO.id }] },
      github().api,
    );
    expect(await count("pull_requests")).toBe(1);
    expect(logs.map((l) => l.level)).toEqual(["warn", "warn"]);
  });

  it("removed repositories lose their data; the installation's other repositories keep theirs", async () => {
    const kept = { ...REPO, id: REPO.id + 1, name: "kept" };
    await recordPullRequest(database().pool, pr(11));
    await recordPullRequest(database().pool, pr(12, { repository: kept }));
    const { deliver } = setup();
    await deliver(
      "installation_repositories",
      {
        action: "removed",
        installation: { id: INSTALLATION },
        repositories_removed: [{ id: REPO.id }],
      },
      github().api,
    );
    const { rows } = await database().pool.query<{ id: string }>(
      "SELECT id::text FROM repositories ORDER BY id",
    );
    expect(rows).toEqual([{ id: String(kept.id) }]);
    expect(await count("pull_requests")).toBe(1);
    expect(await count("installations")).toBe(1);
  });
});
