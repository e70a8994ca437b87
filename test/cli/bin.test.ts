/** The real executable entry (src/cli/bin.ts) in a child process: stdin, stdout, exit codes. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const bin = new URL("src/cli/bin.ts", root).pathname;

function run(args: string[], input = "") {
  const result = spawnSync(process.execPath, ["--import", "tsx", bin, ...args], {
    input,
    encoding: "utf8",
    cwd: root.pathname,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("cost-value executable", () => {
  it("prints its version from package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
      version: string;
    };
    expect(run(["--version"])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it("reads many messages on stdin with trailers --null", () => {
    const out = run(["trailers", "--null"], "A\n\nAgent-Cost: 1 USD\n\0B\n\nX: y\n");
    expect(out).toMatchObject({ code: 0, stdout: '[["Agent-Cost","1 USD"]]\n[["X","y"]]\n' });
  });

  it("exits 2 with usage help on a bad command or option", () => {
    const out = run(["trailers", "--bogus"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("unknown option '--bogus'");
    expect(run([]).code).toBe(2);
  });
});
