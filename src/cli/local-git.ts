/**
 * Reading commits from a local git repository for `cost-value check`. The only place the CLI runs
 * git; everything it returns is plain data for the core.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { CommitInput } from "../core/commit.js";

const run = promisify(execFile);

export class GitError extends Error {
  override name = "GitError";
}

async function git(repo: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run("git", ["-C", repo, ...args], {
      maxBuffer: 1024 * 1024 * 1024,
      encoding: "utf8",
      // our parsing must not depend on the user's git configuration of log output
      env: { ...process.env, GIT_PAGER: "cat", LC_ALL: "C" },
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new GitError(`git ${args.join(" ")} failed in ${repo}: ${stderr || String(error)}`, {
      cause: error,
    });
  }
}

/** The first of the usual default-branch names that exists: origin/HEAD, main, master. */
export async function findDefaultBase(repo: string): Promise<string> {
  for (const candidate of ["origin/HEAD", "origin/main", "origin/master", "main", "master"]) {
    try {
      await git(repo, ["rev-parse", "--verify", "--quiet", `${candidate}^{commit}`]);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new GitError(
    `no base branch found in ${repo} (tried origin/HEAD, origin/main, origin/master, main, master); pass --base REF`,
  );
}

/** Commits in `base..head`, oldest first, as `git log` stores them (`%B` is the raw message). */
export async function readCommits(
  repo: string,
  base: string,
  head: string,
): Promise<CommitInput[]> {
  for (const ref of [base, head]) {
    try {
      await git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
      throw new GitError(`"${ref}" is not a commit in ${repo}; check --base/--head`);
    }
  }
  // NUL separates fields; git never stores NUL in a commit message.
  const out = await git(repo, [
    "log",
    "--reverse",
    "--no-color",
    "--format=%H%x00%an%x00%ae%x00%aI%x00%cI%x00%B%x00",
    `${base}..${head}`,
  ]);
  const fields = out.split("\0");
  const commits: CommitInput[] = [];
  for (let i = 0; i + 5 < fields.length; i += 6) {
    commits.push({
      sha: (fields[i] as string).replace(/^\n/, ""),
      author: { name: fields[i + 1] as string, email: fields[i + 2] as string },
      authoredAt: fields[i + 3] as string,
      committedAt: fields[i + 4] as string,
      message: fields[i + 5] as string,
    });
  }
  return commits;
}

/** `owner/repo` of the `origin` remote when it is a GitHub-style URL; undefined otherwise. */
export async function readOriginRepository(
  repo: string,
): Promise<{ owner: string; repo: string } | undefined> {
  let url: string;
  try {
    url = (await git(repo, ["remote", "get-url", "origin"])).trim();
  } catch {
    return undefined;
  }
  // git@github.com:owner/repo.git, https://github.com/owner/repo(.git), ssh://git@host/owner/repo
  const path = url.replace(/^[a-z+]+:\/\/[^/]+\//i, "").replace(/^[^@/]+@[^:]+:/, "");
  const parts = path
    .replace(/\.git$/, "")
    .split("/")
    .filter(Boolean);
  const [owner, name] = parts.slice(-2);
  return owner !== undefined && name !== undefined ? { owner, repo: name } : undefined;
}
