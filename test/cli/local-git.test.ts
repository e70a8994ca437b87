/**
 * Reading commits from a local repository, against a real temporary git repository. Git runs
 * isolated from the machine's configuration (HOME in a temp dir, no system or global config).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  findDefaultBase,
  GitError,
  readCommits,
  readOriginRepository,
} from "../../src/cli/local-git.js";

let root: string;
let repo: string;

function git(dir: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-C", dir, "-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com", ...args],
    { encoding: "utf8" },
  ).trim();
}

function newRepo(name: string, branch: string): string {
  const dir = join(root, name);
  execFileSync("git", ["init", "-q", "-b", branch, dir]);
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "cost-value-local-git-"));
  const home = join(root, "home");
  mkdirSync(home);
  vi.stubEnv("HOME", home);
  vi.stubEnv("GIT_CONFIG_NOSYSTEM", "1");
  vi.stubEnv("GIT_CONFIG_GLOBAL", "/dev/null");
  vi.stubEnv("LC_ALL", "C");
  // fixed dates: readCommits returns them (the engineering estimate reads commit times)
  vi.stubEnv("GIT_AUTHOR_DATE", "2026-12-01T10:00:00+00:00");
  vi.stubEnv("GIT_COMMITTER_DATE", "2026-12-01T10:05:00+00:00");
  repo = newRepo("repo", "main");
  git(repo, "commit", "-q", "--allow-empty", "-m", "base commit");
  git(repo, "checkout", "-q", "-b", "feature");
  git(repo, "commit", "-q", "--allow-empty", "-m", "first\n\nbody line\n\nAgent-Cost: 1.20 USD");
  git(
    repo,
    "-c",
    "user.name=Grace Hopper",
    "-c",
    "user.email=grace@example.com",
    "commit",
    "-q",
    "--allow-empty",
    "-m",
    "second",
  );
});

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

describe("readCommits", () => {
  it("returns base..head oldest first, with sha, author and the raw message", async () => {
    const commits = await readCommits(repo, "main", "feature");
    const shas = git(repo, "rev-list", "--reverse", "main..feature").split("\n");
    expect(commits).toEqual([
      {
        sha: shas[0],
        author: { name: "Ada Lovelace", email: "ada@example.com" },
        authoredAt: "2026-12-01T10:00:00+00:00",
        committedAt: "2026-12-01T10:05:00+00:00",
        message: "first\n\nbody line\n\nAgent-Cost: 1.20 USD\n",
      },
      {
        sha: shas[1],
        author: { name: "Grace Hopper", email: "grace@example.com" },
        authoredAt: "2026-12-01T10:00:00+00:00",
        committedAt: "2026-12-01T10:05:00+00:00",
        message: "second\n",
      },
    ]);
  });

  it("returns nothing for an empty range", async () => {
    expect(await readCommits(repo, "feature", "feature")).toEqual([]);
  });

  it("refuses a ref that is not a commit, naming it", async () => {
    const failure = readCommits(repo, "no-such-branch", "feature");
    await expect(failure).rejects.toBeInstanceOf(GitError);
    await expect(failure).rejects.toThrow(`"no-such-branch" is not a commit in ${repo}`);
  });
});

describe("findDefaultBase", () => {
  it("finds main when there is no origin", async () => {
    expect(await findDefaultBase(repo)).toBe("main");
  });

  it("finds master, and fails with a hint when no usual name exists", async () => {
    const other = newRepo("other", "master");
    git(other, "commit", "-q", "--allow-empty", "-m", "c");
    expect(await findDefaultBase(other)).toBe("master");
    const odd = newRepo("odd", "trunk");
    git(odd, "commit", "-q", "--allow-empty", "-m", "c");
    await expect(findDefaultBase(odd)).rejects.toThrow(/no base branch found .*; pass --base REF$/);
  });
});

describe("readOriginRepository", () => {
  it("is undefined without an origin remote", async () => {
    expect(await readOriginRepository(repo)).toBeUndefined();
  });

  it.each([
    ["git@github.com:acme/widgets.git", { owner: "acme", repo: "widgets" }],
    ["https://github.com/acme/widgets", { owner: "acme", repo: "widgets" }],
    ["ssh://git@ghe.example.com/org/tool.git", { owner: "org", repo: "tool" }],
    ["local", undefined],
  ])("reads %s", async (url, expected) => {
    const dir = newRepo(`remote-${url.replace(/[^a-z]/gi, "")}`, "main");
    git(dir, "remote", "add", "origin", url);
    expect(await readOriginRepository(dir)).toEqual(expected);
  });
});
