/**
 * Set-up mode: `npm start` without APP_ID or a private key. Probot then serves its "Register
 * GitHub App" page instead of the app (https://probot.github.io/docs/development/#configuring-a-github-app).
 * Probot's own set-up server answers nothing else (404 on /healthz and /readyz) and posts app.yml
 * as the manifest as is; this one is Probot's set-up app behind our own handler, which
 * - answers `/healthz` (200, `mode: "setup"`) and `/readyz` (503 `not configured`, with what to do),
 * - serves the set-up page with the manifest's webhook URL filled in (manifest.ts).
 * No database is opened in set-up mode: it is created on the first start with credentials.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { getPrivateKey } from "@probot/get-private-key";
import { Probot, Server } from "probot";
import { parse as parseYaml } from "yaml";
import { appManifest, createAppUrl, requestBaseUrl } from "./manifest.js";

type Env = Readonly<Record<string, string | undefined>>;
type Logger = ConstructorParameters<typeof Server>[0] extends infer O
  ? O extends { log?: infer L }
    ? NonNullable<L>
    : never
  : never;

const ROOT = new URL("../../", import.meta.url);

export const NOT_CONFIGURED_REASON =
  "not configured: APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are not set, so this is Probot's set-up mode: open this server's address in a browser and press \"Register GitHub App\" (it writes .env), then restart; `npm run demo` shows the app at work without any GitHub account";

/**
 * Whether Probot's `run()` would start in set-up mode: APP_ID or the private key missing (the
 * key from PRIVATE_KEY, PRIVATE_KEY_PATH or a single *.pem file in the working directory), outside
 * production (with NODE_ENV=production Probot refuses to start instead, naming what is missing).
 */
export function needsSetup(env: Env): boolean {
  if (env.NODE_ENV === "production") return false;
  let key: string | null;
  try {
    key = getPrivateKey({ env: { ...env } });
  } catch {
    key = null;
  }
  return !Number(env.APP_ID) || !key;
}

/** Probot's set-up app and page: not exported by the package, loaded from its files (pinned). */
async function probotSetupInternals(): Promise<{
  setupAppFactory: (options: { host: string; port: number; log: Logger }) => unknown;
  setupView: (options: Record<string, unknown>) => string;
}> {
  const lib = dirname(createRequire(import.meta.url).resolve("probot"));
  const setup = (await import(pathToFileURL(join(lib, "apps/setup.js")).href)) as {
    setupAppFactory: (options: { host: string; port: number; log: Logger }) => unknown;
  };
  const views = (await import(pathToFileURL(join(lib, "views/setup.js")).href)) as {
    setupView: (options: Record<string, unknown>) => string;
  };
  return { setupAppFactory: setup.setupAppFactory, setupView: views.setupView };
}

/** For an HTML attribute value (the page puts the manifest JSON in `value='…'`). */
function escapeAttribute(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("'", "&#39;")
    .replaceAll('"', "&quot;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

function send(res: ServerResponse, status: number, body: string, type = "application/json"): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

/** The handler in front of Probot's set-up app: health, readiness, and the set-up page. */
export function setupModeRoutes(params: {
  env: Env;
  appYml: Record<string, unknown>;
  webhookPath: string;
  pkg: { name?: string; version?: string; description?: string };
  setupView: (options: Record<string, unknown>) => string;
}) {
  const { env, appYml, webhookPath, pkg, setupView } = params;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz") {
      send(res, 200, JSON.stringify({ status: "ok", mode: "setup", inFlight: 0 }));
      return true;
    }
    if (path === "/readyz") {
      send(
        res,
        503,
        JSON.stringify({ status: "not configured", ready: false, reason: NOT_CONFIGURED_REASON }),
      );
      return true;
    }
    if (path === "/probot") {
      const manifest = appManifest({
        appYml,
        baseUrl: requestBaseUrl(req),
        webhookPath,
        // read now: Probot may have just created a smee.io channel and put it in the environment
        webhookProxyUrl: env.WEBHOOK_PROXY_URL,
      });
      const page = setupView({
        name: pkg.name,
        version: pkg.version,
        description: pkg.description,
        createAppUrl: createAppUrl(env),
        manifest: escapeAttribute(JSON.stringify(manifest)),
      });
      send(res, 200, page, "text/html; charset=utf-8");
      return true;
    }
    return false;
  };
}

/** Probot's set-up server with our handler in front (the same options as Probot's `run()`). */
export async function startSetupServer(params: { env: Env; log: Logger }): Promise<Server> {
  const { env, log } = params;
  const webhookPath = env.WEBHOOK_PATH || "/api/github/webhooks";
  const server = new Server({
    host: env.HOST || "localhost",
    port: Number(env.PORT) || 3000,
    webhookPath,
    ...(env.WEBHOOK_PROXY_URL ? { webhookProxy: env.WEBHOOK_PROXY_URL } : {}),
    log,
    // Probot's own workaround (#1512): the instance is never used to call GitHub in set-up mode
    Probot: Probot.defaults({
      appId: 1,
      privateKey: "dummy value for setup, see #1512",
      log,
      ...(env.WEBHOOK_SECRET ? { secret: env.WEBHOOK_SECRET } : {}),
    }),
  });
  const { setupAppFactory, setupView } = await probotSetupInternals();
  const appYml = (parseYaml(readFileSync(new URL("app.yml", ROOT), "utf8")) ?? {}) as Record<
    string,
    unknown
  >;
  const pkg = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")) as {
    name?: string;
    version?: string;
    description?: string;
  };
  server.addHandler(setupModeRoutes({ env, appYml, webhookPath, pkg, setupView }));
  await server.loadHandlerFactory(
    setupAppFactory({
      host: server.host,
      port: server.port,
      log: log.child({ name: "setup" }),
    }) as Parameters<Server["loadHandlerFactory"]>[0],
  );
  await server.start();
  log.info(
    `cost-value: set-up mode (no APP_ID or private key): /readyz answers 503 "not configured"; register the app at http://${server.host}:${server.port}, or run \`npm run demo\` to see it work against a local fake GitHub`,
  );
  return server;
}
