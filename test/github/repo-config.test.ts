import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { readRepositoryConfig } from "../../src/github/repo-config.js";
import type { GraphqlFn } from "../../src/github/snapshot.js";

/** GraphQL answering the config-file query from `files` (`owner/repo` → text), counting reads. */
function fakeGraphql(files: Record<string, string>) {
  const reads: string[] = [];
  const graphql: GraphqlFn = async (_query, variables) => {
    const where = `${variables?.owner}/${variables?.repo}`;
    reads.push(where);
    const text = files[where];
    return { repository: { config: text !== undefined ? { text, isTruncated: false } : null } };
  };
  return { graphql, reads };
}

describe("readRepositoryConfig", () => {
  it("uses the repository's file, in one request", async () => {
    const { graphql, reads } = fakeGraphql({ "acme/shop": "currency: eur\n" });
    const result = await readRepositoryConfig(graphql, "acme", "shop");
    expect(result).toMatchObject({ ok: true, config: { currency: "EUR" } });
    expect(reads).toEqual(["acme/shop"]);
  });

  it("falls back to the owner's .github file when the repository has none", async () => {
    const { graphql, reads } = fakeGraphql({ "acme/.github": "currency: gbp\n" });
    const result = await readRepositoryConfig(graphql, "acme", "shop");
    expect(result).toMatchObject({ ok: true, config: { currency: "GBP" } });
    expect(reads).toEqual(["acme/shop", "acme/.github"]);
  });

  it("means the defaults when neither file exists, and does not read .github twice", async () => {
    const { graphql, reads } = fakeGraphql({});
    expect(await readRepositoryConfig(graphql, "acme", "shop")).toMatchObject({
      ok: true,
      config: DEFAULT_CONFIG,
    });
    expect(reads).toEqual(["acme/shop", "acme/.github"]);
    const own = fakeGraphql({});
    await readRepositoryConfig(own.graphql, "acme", ".github");
    expect(own.reads).toEqual(["acme/.github"]);
  });

  it("follows _extends, one request per hop", async () => {
    const { graphql, reads } = fakeGraphql({
      "acme/shop": "_extends: acme/base\ndrafts: skip\n",
      "acme/base": "currency: eur\n",
    });
    const result = await readRepositoryConfig(graphql, "acme", "shop");
    expect(result).toMatchObject({ ok: true, config: { currency: "EUR", drafts: "skip" } });
    expect(reads).toEqual(["acme/shop", "acme/base"]);
  });

  it("reports a problem naming the file and line", async () => {
    const { graphql } = fakeGraphql({ "acme/shop": "currency: USD\ndrafts: maybe\n" });
    const result = await readRepositoryConfig(graphql, "acme", "shop");
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([
      expect.stringMatching(/^acme\/shop:\.github\/cost-value\.yml line 2 `drafts`/),
    ]);
  });
});
