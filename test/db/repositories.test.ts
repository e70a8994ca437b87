import { describe, expect, it } from "vitest";
import { findRepository, upsertRepository } from "../../src/db/repositories.js";
import { migratedDatabaseForFile, usingPostgres } from "../helpers/database.js";
import { INSTALLATION, REPO } from "../helpers/ledger-fixtures.js";

const database = migratedDatabaseForFile();

describe(`the repositories table (${usingPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("records a repository under its installation and finds it by name, in any case", async () => {
    expect(await upsertRepository(database().pool, INSTALLATION, REPO, false)).toBe(true);
    expect(await findRepository(database().pool, "ACME", "Shop")).toEqual({
      id: REPO.id,
      installationId: INSTALLATION,
    });
    expect(await findRepository(database().pool, "acme", "other")).toBeUndefined();
  });

  it("moves a repository to another installation only with a claim", async () => {
    await upsertRepository(database().pool, INSTALLATION, REPO, false);
    expect(await upsertRepository(database().pool, INSTALLATION + 1, REPO, false)).toBe(false);
    expect((await findRepository(database().pool, "acme", "shop"))?.installationId).toBe(
      INSTALLATION,
    );
    expect(await upsertRepository(database().pool, INSTALLATION + 1, REPO, true)).toBe(true);
    expect((await findRepository(database().pool, "acme", "shop"))?.installationId).toBe(
      INSTALLATION + 1,
    );
  });
});
