/** Temporary git repositories for CLI tests, isolated from the user's git configuration. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function isolatedGitEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    LC_ALL: "C",
    GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
    GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
  };
}

export interface TempRepo {
  dir: string;
  git: (...args: string[]) => string;
  /** Commit a change with this exact message (and author), return the sha. */
  commit: (message: string, author?: { name: string; email: string }) => string;
}

export function createTempRepo(): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), "cost-value-repo-"));
  const home = mkdtempSync(join(tmpdir(), "cost-value-home-"));
  const env = isolatedGitEnv(home);
  const git = (...args: string[]): string =>
    execFileSync("git", ["-C", dir, ...args], { env, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Test Person");
  git("config", "user.email", "test@example.com");
  git("config", "commit.gpgsign", "false");
  let counter = 0;
  const commit = (message: string, author?: { name: string; email: string }): string => {
    counter++;
    writeFileSync(join(dir, "file.txt"), `change ${counter}\n`);
    git("add", "file.txt");
    const messageFile = join(home, `message-${counter}`);
    writeFileSync(messageFile, message);
    const authorArgs = author ? [`--author=${author.name} <${author.email}>`] : [];
    git("commit", "-q", "--cleanup=verbatim", "-F", messageFile, ...authorArgs);
    return git("rev-parse", "HEAD").trim();
  };
  return { dir, git, commit };
}
