/**
 * The start of a test that delivers webhooks for acme/shop: the ledger emptied, and a fresh
 * GitHub (FakeGitHub with acme/shop, repository id 77, behind the nock GitHubMock) installed.
 */
import type { TestDatabase } from "./database.js";
import { FakeGitHub } from "./fake-github.js";
import { GitHubMock } from "./github-mock.js";
import { APP_ID } from "./probot.js";

export const ACME_SHOP_ID = 77;

export async function freshAcmeShop(
  db: TestDatabase,
): Promise<{ fake: FakeGitHub; github: GitHubMock }> {
  await db.pool.query("TRUNCATE installations CASCADE");
  const fake = new FakeGitHub().addRepo("acme", "shop", {}, ACME_SHOP_ID);
  const github = new GitHubMock(fake, APP_ID);
  github.install();
  return { fake, github };
}
