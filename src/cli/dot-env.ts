/**
 * The app reads `.env` in its working directory at start (Probot's `run()`, parsed with Node's
 * `util.parseEnv`); the commands that act as the app or on its database (migrate, rollup,
 * redeliver, reconcile) read the same file, so `npx cost-value redeliver` next to the app's `.env`
 * authenticates as the app without exporting anything. A variable set (non-empty) in the
 * environment wins over the file, so `APP_ID=… npx cost-value …` does what it says.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import type { CliIo } from "./io.js";

export type AppEnvironment =
  | { ok: true; io: CliIo; dotEnvPath: string }
  | { ok: false; problem: string };

/** `io` with the variables of `<cwd>/.env` added under those the environment already sets. */
export function withDotEnv(io: CliIo): AppEnvironment {
  const dotEnvPath = join(io.cwd, ".env");
  let text: string;
  try {
    text = readFileSync(dotEnvPath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: true, io, dotEnvPath };
    return {
      ok: false,
      problem: `${dotEnvPath} cannot be read (${code ?? String(error)}): the app reads its settings there; fix its permissions, or move it away and set the variables in the environment.`,
    };
  }
  const env: Record<string, string | undefined> = { ...io.env };
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (value !== undefined && (env[name] ?? "").trim() === "") env[name] = value;
  }
  return { ok: true, io: { ...io, env }, dotEnvPath };
}
