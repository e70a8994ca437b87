/**
 * `npm start`'s entry (src/server.ts) as a real process: it serves webhooks with APP_ID, a key and
 * a secret, and refuses to start in production with Probot's default webhook secret.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, throwawayPrivateKey } from "../helpers/probot.js";

const root = new URL("../../", import.meta.url).pathname;
const privateKey = throwawayPrivateKey();

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

function start(env: Record<string, string>): {
  done: Promise<number | null>;
  output: () => string;
} {
  let output = "";
  child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      LOG_FORMAT: "json",
      COST_VALUE_DATA_DIR: mkdtempSync(join(tmpdir(), "cv-start-")),
      ...env,
    },
  });
  child.stdout?.on("data", (d) => {
    output += String(d);
  });
  child.stderr?.on("data", (d) => {
    output += String(d);
  });
  const done = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
  return { done, output: () => output };
}

// a first start on PGlite runs initdb in WebAssembly (~3 s alone, far more on a loaded machine)
async function waitFor(check: () => boolean, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("npm start (src/server.ts)", () => {
  it("serves webhooks with APP_ID, a private key and a secret", async () => {
    const port = await freePort();
    const { output } = start({
      APP_ID: "1001",
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: "a-real-secret",
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
    });
    await waitFor(() => output().includes("Listening on"));
    const ping = await fetch(`http://127.0.0.1:${port}/ping`);
    expect(ping.status).toBe(200);
    const unsigned = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: "POST",
      body: "{}",
      headers: {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-github-delivery": "1",
      },
    });
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(unsigned.status).toBeLessThan(500);
  }, 90_000);

  it("refuses to start in production with the default webhook secret", async () => {
    const { done, output } = start({
      APP_ID: "1001",
      PRIVATE_KEY: privateKey,
      PORT: String(await freePort()),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
    });
    const code = await done;
    expect(code).not.toBe(0);
    expect(output()).toContain("cost-value refuses to start: WEBHOOK_SECRET is not set");
  }, 90_000);
});
