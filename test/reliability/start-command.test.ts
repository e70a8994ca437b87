/**
 * The documented start command, `npm start`, as Docker or systemd run it: SIGTERM goes to the
 * command's own pid (npm's). The app must get it, drain, free the port and unlock the PGlite
 * directory within the drain time; npm must not exit and leave node serving (the orphan that held
 * the port and the directory's lock when `start` ran node under a shell: npm 11 → sh → node).
 * Runs the built app (dist/, which `npm ci` builds through `prepare`).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, throwawayPrivateKey } from "../helpers/probot.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const DRAIN_SECONDS = 5;

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe("npm start", () => {
  it("SIGTERM to npm's pid drains the app: port free, data directory unlocked", async () => {
    expect(
      existsSync(join(ROOT, "dist/server.js")),
      "dist/server.js is missing: run `npm run build` (npm ci does it through `prepare`)",
    ).toBe(true);
    const port = await freePort();
    const dataDir = join(mkdtempSync(join(tmpdir(), "cv-npm-start-")), "data");
    const lockFile = join(dataDir, "cost-value.lock");
    const npm = spawn("npm", ["start", "--silent"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? tmpdir(),
        APP_ID: "1001",
        PRIVATE_KEY: throwawayPrivateKey(),
        WEBHOOK_SECRET: "start-command",
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_FORMAT: "json",
        GHE_HOST: "127.0.0.1:9",
        GHE_PROTOCOL: "http",
        DATABASE_URL: "",
        COST_VALUE_DATA_DIR: dataDir,
        COST_VALUE_SHUTDOWN_SECONDS: String(DRAIN_SECONDS),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    npm.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    npm.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    const npmExited = new Promise<number | null>((resolve) =>
      npm.on("exit", (code) => resolve(code)),
    );
    try {
      await expect
        .poll(
          async () => {
            try {
              return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
            } catch {
              return 0;
            }
          },
          { timeout: 90_000, interval: 200 },
        )
        .toBe(200);
      expect(existsSync(lockFile)).toBe(true);

      const sent = Date.now();
      npm.kill("SIGTERM");
      await expect
        .poll(async () => (await listening(port)) || existsSync(lockFile), {
          timeout: (DRAIN_SECONDS + 2) * 1000,
          interval: 100,
        })
        .toBe(false);
      expect(Date.now() - sent).toBeLessThan((DRAIN_SECONDS + 2) * 1000);
      expect(await npmExited).toBe(0);
      expect(output).toContain("cost-value: stopped cleanly");
    } finally {
      npm.kill("SIGKILL");
      // an orphaned server (the failure this test is about) would keep the port: end it
      if (existsSync(lockFile)) {
        const pid = Number(readFileSync(lockFile, "utf8"));
        if (Number.isSafeInteger(pid) && pid > 0) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // gone already
          }
        }
      }
    }
  }, 120_000);
});

describe("SIGTERM while the app is starting", () => {
  it("stops it once the database is open: exit 0, the PGlite directory unlocked", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "cv-early-term-")), "data");
    const lockFile = join(dataDir, "cost-value.lock");
    const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? tmpdir(),
        APP_ID: "1001",
        PRIVATE_KEY: throwawayPrivateKey(),
        WEBHOOK_SECRET: "start-command",
        PORT: String(await freePort()),
        HOST: "127.0.0.1",
        LOG_FORMAT: "json",
        GHE_HOST: "127.0.0.1:9",
        GHE_PROTOCOL: "http",
        DATABASE_URL: "",
        COST_VALUE_DATA_DIR: dataDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    try {
      // the lock is taken before PGlite's first start (seconds of initdb): the app is mid-start-up
      await expect.poll(() => existsSync(lockFile), { timeout: 60_000, interval: 20 }).toBe(true);
      expect(output).not.toContain("Listening on");
      child.kill("SIGTERM");
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(existsSync(lockFile)).toBe(false);
      expect(output).toContain("cost-value: stopped cleanly");
    } finally {
      child.kill("SIGKILL");
    }
  }, 120_000);
});
