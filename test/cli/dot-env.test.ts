import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withDotEnv } from "../../src/cli/dot-env.js";
import { captureIo, runCliCaptured } from "../helpers/cli.js";

describe("withDotEnv (the app's .env, for the commands that act as the app)", () => {
  it("adds the file's variables under those the environment sets (non-empty)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cv-dotenv-"));
    writeFileSync(
      join(dir, ".env"),
      'APP_ID=42\nDATABASE_URL=postgres://file/db\nPRIVATE_KEY="-----BEGIN\nline\n-----END"\nLOG_LEVEL=debug\n',
    );
    const result = withDotEnv(
      captureIo({ cwd: dir, env: { DATABASE_URL: "postgres://shell/db", LOG_LEVEL: "" } }),
    );
    if (!result.ok) throw new Error(result.problem);
    expect(result.io.env).toEqual({
      APP_ID: "42",
      DATABASE_URL: "postgres://shell/db",
      PRIVATE_KEY: "-----BEGIN\nline\n-----END",
      LOG_LEVEL: "debug",
    });
  });

  it("leaves the environment alone without a .env", () => {
    const dir = mkdtempSync(join(tmpdir(), "cv-dotenv-none-"));
    const result = withDotEnv(captureIo({ cwd: dir, env: { APP_ID: "7" } }));
    expect(result.ok && result.io.env).toEqual({ APP_ID: "7" });
  });

  it("names a .env it cannot read and the fix, instead of a stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cv-dotenv-dir-"));
    mkdirSync(join(dir, ".env"));
    const run = await runCliCaptured(["migrate"], { cwd: dir, env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `cost-value: ${join(dir, ".env")} cannot be read (EISDIR): the app reads its settings there; fix its permissions, or move it away and set the variables in the environment.\n`,
    );
  });
});
