/**
 * GitHub clients for the operator commands (`redeliver`, `reconcile`), made from the same
 * environment as the app: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH (read by Probot's own
 * `@probot/get-private-key`, so a key that works for `npm start` works here), GHE_HOST and
 * GHE_PROTOCOL for GitHub Enterprise Server. The app client authenticates with the app's JWT
 * (`/app/...` endpoints); an installation client with that installation's token, exchanged on
 * first use. Both carry the app's retry policy (`resilience.ts`). The key and the tokens are never
 * printed: errors name the variable to set, not its value.
 */
import { join } from "node:path";
import { getPrivateKey } from "@probot/get-private-key";
import type { ProbotOctokit } from "probot";
import { CostValueOctokit } from "./octokit.js";
import {
  applyResilience,
  DEFAULT_RETRY_POLICY,
  networkFailure,
  type RetryPolicy,
} from "./resilience.js";

export type AppOctokit = InstanceType<typeof ProbotOctokit>;

export interface AppCredentials {
  appId: number;
  privateKey: string;
  /** The REST API root: https://api.github.com, or https://HOST/api/v3 for GHE_HOST. */
  baseUrl: string;
}

/** The environment does not say how to authenticate as the app; the message says what to set. */
export class AppCredentialsError extends Error {
  override name = "AppCredentialsError";
}

const WHERE =
  "the GitHub App's settings (Settings → Developer settings → GitHub Apps → cost-value)";

/**
 * APP_ID and the private key from the environment (like Probot: PRIVATE_KEY, PEM text with real
 * or `\n`-escaped newlines or base64; else PRIVATE_KEY_PATH; else the only `*.pem` file in `cwd`).
 */
export function appCredentialsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): AppCredentials {
  const rawId = env.APP_ID?.trim() ?? "";
  if (rawId === "") {
    throw new AppCredentialsError(
      `APP_ID is not set (neither in the environment nor in ${join(cwd, ".env")}). Set it to the App ID shown in ${WHERE}, e.g. APP_ID=123456 in .env, as for the app itself.`,
    );
  }
  const appId = Number(rawId);
  if (!/^\d+$/.test(rawId) || !Number.isSafeInteger(appId) || appId <= 0) {
    throw new AppCredentialsError(
      `APP_ID must be the app's numeric App ID (shown in ${WHERE}), not "${rawId.slice(0, 40)}".`,
    );
  }
  let privateKey: string | null;
  try {
    // only the variables it needs: nothing else of the environment reaches the library
    const keyEnv: Record<string, string> = {};
    if (env.PRIVATE_KEY?.trim()) keyEnv.PRIVATE_KEY = env.PRIVATE_KEY;
    if (env.PRIVATE_KEY_PATH?.trim()) keyEnv.PRIVATE_KEY_PATH = env.PRIVATE_KEY_PATH.trim();
    privateKey = getPrivateKey({ env: keyEnv, cwd });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/does not exists at path/.test(message)) {
      throw new AppCredentialsError(
        `PRIVATE_KEY_PATH names a file that does not exist (${env.PRIVATE_KEY_PATH?.trim()}, relative to ${cwd}). Point it at the .pem file downloaded from ${WHERE}.`,
      );
    }
    if (/More than one file found/.test(message)) {
      throw new AppCredentialsError(
        `PRIVATE_KEY and PRIVATE_KEY_PATH are not set and ${cwd} holds several .pem files. Set PRIVATE_KEY_PATH to the app's key, e.g. PRIVATE_KEY_PATH=./cost-value.private-key.pem.`,
      );
    }
    if (/could not be validated/.test(message)) {
      throw new AppCredentialsError(
        "PRIVATE_KEY is not a PEM private key. Set it to the whole content of the .pem file (-----BEGIN RSA PRIVATE KEY----- … -----END RSA PRIVATE KEY-----; newlines may be written \\n), or its base64, or use PRIVATE_KEY_PATH=path/to/key.pem.",
      );
    }
    throw new AppCredentialsError(
      `The app's private key could not be read (PRIVATE_KEY / PRIVATE_KEY_PATH): ${message}`,
    );
  }
  if (privateKey === null || privateKey.trim() === "") {
    throw new AppCredentialsError(
      `PRIVATE_KEY is not set. Set PRIVATE_KEY to the content of the app's private key (.pem, generated in ${WHERE}) or PRIVATE_KEY_PATH to its file, as for the app itself.`,
    );
  }
  const host = env.GHE_HOST?.trim() ?? "";
  const protocol = env.GHE_PROTOCOL?.trim() || "https";
  if (host !== "" && !/^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) {
    throw new AppCredentialsError(
      `GHE_HOST must be the host name of your GitHub Enterprise Server (e.g. GHE_HOST=github.example.com), without a scheme or a path; got "${host.slice(0, 80)}".`,
    );
  }
  if (protocol !== "https" && protocol !== "http") {
    throw new AppCredentialsError(`GHE_PROTOCOL must be https or http, not "${protocol}".`);
  }
  return {
    appId,
    privateKey,
    baseUrl: host !== "" ? `${protocol}://${host}/api/v3` : "https://api.github.com",
  };
}

/** Octokit's logger: warnings and errors to the given sink, the rest dropped. */
export interface ClientLog {
  warn: (message: string) => void;
}

export interface AppClientOptions {
  /** The Octokit class (tests pass one without pacing or throttling). Default: the app's. */
  Octokit?: typeof ProbotOctokit;
  retryPolicy?: RetryPolicy;
  log?: ClientLog;
}

export interface AppClients {
  readonly appId: number;
  /** Authenticated as the app (JWT): `/app/...` endpoints. */
  readonly app: AppOctokit;
  /** Authenticated as one installation (its token is requested on first use, then cached). */
  installation(installationId: number): Promise<AppOctokit>;
}

export function createAppClients(
  credentials: AppCredentials,
  options: AppClientOptions = {},
): AppClients {
  const Octokit = options.Octokit ?? CostValueOctokit;
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const sink = options.log?.warn ?? (() => undefined);
  const log = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: unknown) => sink(String(message)),
    error: (message: unknown) => sink(String(message)),
  };
  const app = new Octokit({
    auth: { appId: credentials.appId, privateKey: credentials.privateKey },
    baseUrl: credentials.baseUrl,
    log,
  });
  applyResilience(app, policy);
  const installations = new Map<number, Promise<AppOctokit>>();
  return {
    appId: credentials.appId,
    app,
    installation(installationId) {
      let client = installations.get(installationId);
      if (client === undefined) {
        client = Promise.resolve(
          app.auth({
            type: "installation",
            installationId,
            factory: ({
              octokitOptions,
            }: {
              octokitOptions: { auth?: Record<string, unknown>; throttle?: { enabled?: boolean } };
            }) =>
              new Octokit({
                ...octokitOptions,
                auth: { ...octokitOptions.auth, installationId },
                ...(octokitOptions.throttle?.enabled !== false
                  ? { throttle: { ...octokitOptions.throttle, id: String(installationId) } }
                  : {}),
              }),
          }) as Promise<AppOctokit>,
        ).then((octokit) => {
          applyResilience(octokit, policy);
          return octokit;
        });
        installations.set(installationId, client);
      }
      return client;
    },
  };
}

/**
 * An Octokit (or retry-policy) error in one line for an operator: the status when the message
 * lacks it, and the underlying cause (a refused connection, GitHub's own message) when it adds one.
 */
export function describeGitHubError(error: unknown): string {
  const e = error as { status?: unknown; message?: unknown; cause?: { message?: unknown } };
  const oneLine = (text: unknown) =>
    String(text ?? "")
      .replace(/\s+/g, " ")
      .trim();
  let message = oneLine(e?.message ?? error);
  // no HTTP answer (DNS, refused, reset): Octokit's status 500 on it is not GitHub's
  const unreachable = networkFailure(error);
  if (unreachable !== undefined) {
    return (
      message.includes(unreachable) && message.startsWith("GitHub")
        ? message
        : `GitHub could not be reached: ${unreachable}`
    ).slice(0, 400);
  }
  if (typeof e?.status === "number" && !message.includes(String(e.status))) {
    message = `HTTP ${e.status}: ${message}`;
  }
  const cause = oneLine(e?.cause?.message);
  if (cause !== "" && !message.includes(cause)) message = `${message}: ${cause}`;
  return message.slice(0, 400);
}
