/**
 * Set-up mode (`npm start` on a fresh clone: no APP_ID, no private key): the health endpoints
 * answer (readiness "not configured", with what to do), and the manifest that "Register GitHub
 * App" posts has a webhook URL that reaches this server (it used to be app.yml's
 * `https://example.invalid/…`: the registered app never received an event).
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { needsSetup } from "../../src/github/setup-mode.js";
import { type AppProcess, startAppProcess } from "../helpers/app-process.js";
import { throwawayPrivateKey } from "../helpers/probot.js";

const appYml = parseYaml(readFileSync(new URL("../../app.yml", import.meta.url), "utf8")) as Record<
  string,
  unknown
>;

/** The manifest the set-up page's form posts (`value='…'`, HTML-escaped). */
function manifestOf(html: string): Record<string, unknown> {
  const match = html.match(/name="manifest" id="manifest" value='([^']*)'/);
  if (match === null) throw new Error(`no manifest in the page:\n${html}`);
  const json = (match[1] ?? "")
    .replaceAll("&#39;", "'")
    .replaceAll("&quot;", '"')
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
  return JSON.parse(json) as Record<string, unknown>;
}

let app: AppProcess | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe("npm start without credentials (set-up mode)", () => {
  it("answers /healthz, says 'not configured' on /readyz, and registers a reachable webhook URL", async () => {
    app = await startAppProcess({
      // no APP_ID and no key: Probot's set-up mode; no smee.io channel (no network in tests)
      env: { APP_ID: "", PRIVATE_KEY: "", NO_SMEE_SETUP: "true" },
      readyPath: "/healthz",
      timeoutMs: 30_000,
    });
    const health = await fetch(`${app.url}/healthz`);
    expect(await health.json()).toMatchObject({ status: "ok", mode: "setup" });

    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    const readiness = (await ready.json()) as { status: string; reason: string };
    expect(readiness.status).toBe("not configured");
    expect(readiness.reason).toContain("APP_ID");
    expect(readiness.reason).toContain("npm run demo");

    // the page opened on the address the operator's browser used (here behind a TLS proxy)
    const page = await fetch(`${app.url}/probot`, {
      headers: { "x-forwarded-host": "cv.example.com", "x-forwarded-proto": "https" },
    });
    expect(page.status).toBe(200);
    const manifest = manifestOf(await page.text());
    expect(manifest).toMatchObject({
      name: "cost-value",
      public: false,
      hook_attributes: { url: "https://cv.example.com/api/github/webhooks" },
      redirect_url: "https://cv.example.com/probot/setup",
      default_permissions: appYml.default_permissions,
      default_events: appYml.default_events,
    });

    // opened directly: that host
    const direct = manifestOf(await (await fetch(`${app.url}/probot`)).text());
    expect(direct.hook_attributes).toEqual({ url: `${app.url}/api/github/webhooks` });
    expect(app.output()).toContain("cost-value: set-up mode");
  }, 60_000);
});

describe("set-up mode", () => {
  it("set-up mode is Probot's: APP_ID or the key missing, never in production", () => {
    const key = throwawayPrivateKey();
    expect(needsSetup({})).toBe(true);
    expect(needsSetup({ APP_ID: "12" })).toBe(true);
    expect(needsSetup({ PRIVATE_KEY: key })).toBe(true);
    expect(needsSetup({ APP_ID: "12", PRIVATE_KEY: key })).toBe(false);
    expect(needsSetup({ NODE_ENV: "production" })).toBe(false);
  });
});
