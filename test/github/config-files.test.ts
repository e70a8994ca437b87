/** The pure half of config resolution: merge and validate files already read; `_extends` values. */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import {
  combineConfigFiles,
  type FetchedFile,
  parseExtends,
} from "../../src/github/config-files.js";

const PATH = ".github/cost-value.yml";
const file = (repo: string, text?: string, extra: Partial<FetchedFile> = {}): FetchedFile => ({
  owner: "acme",
  repo,
  path: PATH,
  ...(text !== undefined ? { text } : {}),
  ...extra,
});

const problemsOf = (result: ReturnType<typeof combineConfigFiles>): string[] =>
  result.ok ? [] : result.problems;

describe("combineConfigFiles", () => {
  it("no file anywhere (or an empty one) means the defaults", () => {
    expect(combineConfigFiles([file("shop")])).toEqual({
      ok: true,
      config: DEFAULT_CONFIG,
      files: [{ owner: "acme", repo: "shop", path: PATH }],
    });
    expect(combineConfigFiles([])).toMatchObject({ ok: true, config: DEFAULT_CONFIG });
    expect(combineConfigFiles([file("shop", "")])).toMatchObject({
      ok: true,
      config: DEFAULT_CONFIG,
    });
    expect(combineConfigFiles([file("shop", "# only a comment\n")])).toMatchObject({
      ok: true,
      config: DEFAULT_CONFIG,
    });
  });

  it("one file: its settings, and problems with the file and line", () => {
    expect(combineConfigFiles([file("shop", "currency: eur\n")])).toMatchObject({
      ok: true,
      config: { currency: "EUR" },
    });
    const result = combineConfigFiles([file("shop", "currency: USD\ndrafts: maybe\n")]);
    expect(problemsOf(result)).toHaveLength(1);
    expect(problemsOf(result)[0]).toMatch(/^acme\/shop:\.github\/cost-value\.yml line 2 `drafts`/);
  });

  it("names broken YAML's file and line", () => {
    const result = combineConfigFiles([file("shop", "currency: USD\nskip:\n  labels: [a\n")]);
    expect(result.ok).toBe(false);
    expect(problemsOf(result)[0]).toMatch(
      /^acme\/shop:\.github\/cost-value\.yml line \d+: not valid YAML/,
    );
  });

  it("a truncated blob, a list or a scalar is a problem that names the file", () => {
    expect(problemsOf(combineConfigFiles([file("shop", "a: 1", { truncated: true })]))).toEqual([
      expect.stringMatching(/^acme\/shop:\.github\/cost-value\.yml: the file is larger than/),
    ]);
    expect(problemsOf(combineConfigFiles([file("shop", "- a\n- b\n")]))[0]).toMatch(
      /^acme\/shop:\.github\/cost-value\.yml: the file must be a mapping/,
    );
    expect(problemsOf(combineConfigFiles([file("shop", "just text\n")]))[0]).toMatch(
      /must be a mapping/,
    );
  });

  it("merges like Probot: the extending file wins, objects merge, lists concatenate", () => {
    const result = combineConfigFiles([
      file("shop", "_extends: policies\ncurrency: EUR\nskip:\n  labels: [wip]\n"),
      file(
        "policies",
        "_extends: base\nskip:\n  labels: [no-cost]\n  authors: [bot]\npolicy:\n  missing-value: neutral\n",
      ),
      file("base", "currency: USD\ncheck-name: base/check\npolicy:\n  unpriced-models: failure\n"),
    ]);
    expect(result).toMatchObject({
      ok: true,
      config: {
        currency: "EUR",
        "check-name": "base/check",
        // base first, then each extending file's entries (deepmerge's default for arrays)
        skip: { labels: ["no-cost", "wip"], authors: ["bot"] },
        policy: { "missing-value": "neutral", "unpriced-models": "failure" },
      },
    });
    expect(result.files.map((f) => f.repo)).toEqual(["shop", "policies", "base"]);
  });

  it("a missing primary file with the owner's file: the owner's settings", () => {
    const result = combineConfigFiles([file("shop"), file(".github", "check-name: org/cost\n")]);
    expect(result).toMatchObject({ ok: true, config: { "check-name": "org/cost" } });
    expect(result.files).toHaveLength(2);
  });

  it("problems of merged files name every file that took part", () => {
    const result = combineConfigFiles([
      file("shop", "_extends: base\ncurrency: dollars\n"),
      file("base", "drafts: evaluate\n"),
    ]);
    expect(problemsOf(result)).toEqual([
      expect.stringMatching(/^acme\/shop:\.github\/cost-value\.yml \+ acme\/base:.* `currency`/),
    ]);
  });

  it("a broken file among several is reported with its own line", () => {
    const result = combineConfigFiles([
      file("shop", "_extends: base\n"),
      file("base", "currency: USD\n  bad: [\n"),
    ]);
    expect(problemsOf(result)[0]).toMatch(/^acme\/base:\.github\/cost-value\.yml line \d+/);
  });

  it("problems found while fetching (loops, missing targets) are kept, files still listed", () => {
    const result = combineConfigFiles([file("shop", "_extends: a\n")], ["a loop"]);
    expect(result).toEqual({
      ok: false,
      problems: ["a loop"],
      files: [{ owner: "acme", repo: "shop", path: PATH, text: "_extends: a\n" }],
    });
  });
});

describe("parseExtends", () => {
  const from = { owner: "acme", repo: "shop", path: PATH };

  it("reads repo, owner/repo and owner/repo:path like the Probot plugin", () => {
    expect(parseExtends("base", from)).toEqual({ owner: "acme", repo: "base", path: PATH });
    expect(parseExtends("org/base", from)).toEqual({ owner: "org", repo: "base", path: PATH });
    expect(parseExtends("org/base:cfg/x.yaml", from)).toEqual({
      owner: "org",
      repo: "base",
      path: "cfg/x.yaml",
    });
    expect(parseExtends(".github", from)).toEqual({ owner: "acme", repo: ".github", path: PATH });
  });

  it("fills an omitted owner and path from the file first asked for, as Probot does", () => {
    const hop = { owner: "other", repo: "policies", path: "shared/cost.yml" };
    expect(parseExtends("base", hop, { owner: "acme", path: PATH })).toEqual({
      owner: "acme",
      repo: "base",
      path: PATH,
    });
  });

  it("rejects what the plugin rejects, naming the file", () => {
    for (const bad of ["bad value!", "org/repo:file.txt", "-org/repo", "a/b/c", ""]) {
      expect(parseExtends(bad, from)).toEqual({
        problem: expect.stringMatching(/^acme\/shop:\.github\/cost-value\.yml: `_extends: /),
      });
    }
    expect(parseExtends(42, from)).toEqual({
      problem: expect.stringMatching(/`_extends` must be a text/),
    });
  });
});
