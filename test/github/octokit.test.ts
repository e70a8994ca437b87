/**
 * `CostValueOctokit` (octokit.ts): Probot's Octokit with its own retries off, and the
 * pacer of the installation it acts for attached (the app's pacer when it acts as the app). The
 * pacing itself is tested in pacing.test.ts, the whole through the app in test/reliability.
 */
import { describe, expect, it } from "vitest";
import { CostValueOctokit } from "../../src/github/octokit.js";
import { installationKey, pacerFor, pacerOf } from "../../src/github/pacing.js";
import { throwawayPrivateKey } from "../helpers/probot.js";

describe("CostValueOctokit", () => {
  it("paces an installation's client with that installation's pacer, shared by every such client", () => {
    const privateKey = throwawayPrivateKey();
    const auth = { appId: 1001, privateKey, installationId: 2_200_000_001 };
    const a = new CostValueOctokit({ auth });
    const b = new CostValueOctokit({ auth });
    expect(pacerOf(a)).toBe(pacerFor(installationKey(2_200_000_001)));
    expect(pacerOf(b)).toBe(pacerOf(a));
    const other = new CostValueOctokit({ auth: { ...auth, installationId: 7 } });
    expect(pacerOf(other)).toBe(pacerFor(installationKey(7)));
    expect(pacerOf(other)).not.toBe(pacerOf(a));
  });

  it("paces a client acting as the app (or with a token) with the app's pacer", () => {
    expect(pacerOf(new CostValueOctokit({ auth: "token" }))).toBe(pacerFor("app"));
  });

  it("leaves Octokit's own retries off (the app's retry policy does that)", async () => {
    let attempts = 0;
    const octokit = new CostValueOctokit({
      auth: "token",
      request: {
        fetch: async () => {
          attempts++;
          return new Response("{}", {
            status: 502,
            headers: { "content-type": "application/json" },
          });
        },
      },
    });
    // the retry plugin would try a 502 again (3 times by default)
    await expect(
      octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" }),
    ).rejects.toMatchObject({ status: 502 });
    expect(attempts).toBe(1);
  });
});
