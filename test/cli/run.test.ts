/**
 * The command line's wiring (`runCli`), in-process: help and version, exit codes for usage
 * errors, a command's own exit code passed through, an unexpected error reported in one line, and
 * the commands that act as the app reading its `.env` first. Each command's behaviour is tested in
 * its own file; test/cli/bin.test.ts runs the real executable.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";
import { captureIo, runCliCaptured } from "../helpers/cli.js";

const emptyDir = () => mkdtempSync(join(tmpdir(), "cv-run-"));
const run = (
  args: string[],
  options: { stdin?: string; cwd?: string; env?: Record<string, string> } = {},
) => runCliCaptured(args, { cwd: options.cwd ?? emptyDir(), ...options });

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

describe("runCli", () => {
  it("prints the help and exits 2 when run without a command", async () => {
    const out = await run([]);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain("Usage: cost-value [options] [command]");
    expect(out.stdout).toContain("Exit codes: 0 ok");
  });

  it("prints the version of package.json, and the help with every command, exiting 0", async () => {
    expect(await run(["--version"])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    for (const command of [
      "trailers",
      "check",
      "migrate",
      "rollup",
      "redeliver",
      "reconcile",
      "hook",
      "init",
      "usage",
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
  });

  it("exits 2 on an unknown command or option, pointing to --help", async () => {
    const command = await run(["frobnicate"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'frobnicate'");
    expect(command.stderr).toContain("(run with --help for usage)");
    const option = await run(["trailers", "--bogus"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--bogus'");
  });

  it("runs a command with its options and returns its exit code", async () => {
    const out = await run(["trailers", "--null"], {
      stdin: "A\n\nAgent-Cost: 1 USD\n\0B\n\nX: y\n",
    });
    expect(out).toEqual({
      code: 0,
      stdout: '[["Agent-Cost","1 USD"]]\n[["X","y"]]\n',
      stderr: "",
    });
  });

  it("reports an unexpected error in one line and exits 2", async () => {
    const io = {
      ...captureIo({ cwd: emptyDir() }),
      readStdin: async (): Promise<Buffer> => {
        throw new Error("stdin was closed");
      },
    };
    expect(await runCli(["trailers"], io)).toBe(2);
    expect(io.output().stderr).toBe("cost-value: stdin was closed\n");
  });
});

describe("commands that act as the app", () => {
  it("read the app's .env in the working directory", async () => {
    const dir = emptyDir();
    writeFileSync(join(dir, ".env"), "APP_ID=not-a-number\n");
    const out = await run(["redeliver", "--dry-run"], { cwd: dir });
    expect(out.code).toBe(2);
    // the value came from .env: without it the command would say APP_ID is not set
    expect(out.stderr).toContain("APP_ID must be the app's numeric App ID (shown in");
    expect(out.stderr).toContain('not "not-a-number"');
  });

  it("stop with the problem when .env cannot be read", async () => {
    const dir = emptyDir();
    mkdirSync(join(dir, ".env"));
    const out = await run(["redeliver", "--dry-run"], { cwd: dir });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^cost-value: .*\.env cannot be read \(EISDIR\)/);
  });

  it("leave .env alone for a command that does not act as the app", async () => {
    const dir = emptyDir();
    mkdirSync(join(dir, ".env"));
    expect((await run(["trailers"], { cwd: dir, stdin: "A\n\nX: y\n" })).code).toBe(0);
  });
});
