/**
 * The operator commands' GitHub clients: credentials from the environment (each mistake named,
 * with the variable to set, never its value), the app and installation clients (a recording
 * Octokit class: what each is made with, the installation token asked once, the retry policy on
 * both, Octokit's log reduced to warnings), and one-line descriptions of GitHub errors.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProbotOctokit } from "probot";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AppCredentialsError,
  appCredentialsFromEnv,
  createAppClients,
  describeGitHubError,
} from "../../src/github/app-client.js";
import { throwawayPrivateKey } from "../helpers/probot.js";

let privateKey: string;
beforeAll(() => {
  privateKey = throwawayPrivateKey();
});

const emptyDir = () => mkdtempSync(join(tmpdir(), "cv-app-client-"));

function refusal(env: Record<string, string>, cwd = emptyDir()): AppCredentialsError {
  try {
    appCredentialsFromEnv(env, cwd);
  } catch (error) {
    if (error instanceof AppCredentialsError) return error;
    throw error;
  }
  throw new Error("the credentials were accepted");
}

describe("appCredentialsFromEnv", () => {
  it("reads APP_ID and PRIVATE_KEY, for github.com by default", () => {
    expect(
      appCredentialsFromEnv({ APP_ID: " 1001 ", PRIVATE_KEY: privateKey }, emptyDir()),
    ).toEqual({
      appId: 1001,
      privateKey,
      baseUrl: "https://api.github.com",
    });
  });

  // moved from test/cli/redeliver-command.test.ts
  it("reads the key with \\n escapes like Probot, and GHE_HOST for GitHub Enterprise Server", () => {
    const escaped = privateKey.trim().replaceAll("\n", "\\n");
    const credentials = appCredentialsFromEnv(
      { APP_ID: "1001", PRIVATE_KEY: escaped, GHE_HOST: "github.example.com" },
      tmpdir(),
    );
    expect(credentials.privateKey).toBe(privateKey.trim());
    expect(credentials.baseUrl).toBe("https://github.example.com/api/v3");
    expect(() =>
      appCredentialsFromEnv(
        { APP_ID: "1", PRIVATE_KEY: privateKey, GHE_HOST: "https://x/y" },
        tmpdir(),
      ),
    ).toThrow(/GHE_HOST must be the host name/);
  });

  it("reads a base64 key, a key file relative to the directory, or the only .pem there", () => {
    const base64 = Buffer.from(privateKey).toString("base64");
    expect(
      appCredentialsFromEnv({ APP_ID: "1", PRIVATE_KEY: base64 }, emptyDir()).privateKey,
    ).toContain("BEGIN RSA PRIVATE KEY");
    const dir = emptyDir();
    writeFileSync(join(dir, "cost-value.private-key.pem"), privateKey);
    expect(
      appCredentialsFromEnv({ APP_ID: "1", PRIVATE_KEY_PATH: "cost-value.private-key.pem" }, dir)
        .privateKey,
    ).toBe(privateKey);
    expect(appCredentialsFromEnv({ APP_ID: "1" }, dir).privateKey).toBe(privateKey);
  });

  it("takes GHE_PROTOCOL http for a server without TLS, and a port in GHE_HOST", () => {
    expect(
      appCredentialsFromEnv(
        { APP_ID: "1", PRIVATE_KEY: privateKey, GHE_HOST: "ghe.local:8080", GHE_PROTOCOL: "http" },
        emptyDir(),
      ).baseUrl,
    ).toBe("http://ghe.local:8080/api/v3");
  });

  it("names a missing or malformed APP_ID, and where it is found", () => {
    const dir = emptyDir();
    expect(refusal({ PRIVATE_KEY: privateKey }, dir).message).toContain(
      `APP_ID is not set (neither in the environment nor in ${join(dir, ".env")})`,
    );
    for (const bad of ["abc", "0", "12x", "-5", "1.5"]) {
      expect(refusal({ APP_ID: bad, PRIVATE_KEY: privateKey }).message, bad).toContain(
        `APP_ID must be the app's numeric App ID`,
      );
    }
  });

  it("names each key mistake with its fix, never echoing the key", () => {
    expect(refusal({ APP_ID: "1" }).message).toMatch(/^PRIVATE_KEY is not set\./);
    expect(refusal({ APP_ID: "1", PRIVATE_KEY: "   " }).message).toMatch(
      /^PRIVATE_KEY is not set\./,
    );
    const notPem = refusal({ APP_ID: "1", PRIVATE_KEY: "hunter2-not-a-key" });
    expect(notPem.message).toContain("PRIVATE_KEY is not a PEM private key");
    expect(notPem.message).not.toContain("hunter2");
    expect(refusal({ APP_ID: "1", PRIVATE_KEY_PATH: "nope.pem" }).message).toContain(
      "PRIVATE_KEY_PATH names a file that does not exist (nope.pem",
    );
    const two = emptyDir();
    writeFileSync(join(two, "a.pem"), privateKey);
    writeFileSync(join(two, "b.pem"), privateKey);
    expect(refusal({ APP_ID: "1" }, two).message).toContain("holds several .pem files");
  });

  it("refuses a GHE_HOST with a scheme or path, and a protocol other than http(s)", () => {
    expect(
      refusal({ APP_ID: "1", PRIVATE_KEY: privateKey, GHE_HOST: "ghe.example.com/api" }).message,
    ).toContain('got "ghe.example.com/api"');
    expect(
      refusal({ APP_ID: "1", PRIVATE_KEY: privateKey, GHE_HOST: "g.x", GHE_PROTOCOL: "ftp" })
        .message,
    ).toBe('GHE_PROTOCOL must be https or http, not "ftp".');
  });
});

/** A stand-in for the Octokit class: records how each instance is made and authenticated. */
function recordingOctokitClass() {
  const made: Record<string, unknown>[] = [];
  const authCalls: Record<string, unknown>[] = [];
  class RecordingOctokit {
    readonly options: Record<string, unknown>;
    readonly wrapped: string[] = [];
    readonly hook = { wrap: (name: string) => void this.wrapped.push(name) };
    constructor(options: Record<string, unknown>) {
      this.options = options;
      made.push(options);
    }
    async auth(params: {
      installationId: number;
      factory: (o: { octokitOptions: Record<string, unknown> }) => unknown;
    }): Promise<unknown> {
      authCalls.push(params);
      return params.factory({
        octokitOptions: {
          auth: { appId: 1001, privateKey: "k" },
          throttle: (this.options.throttle as object | undefined) ?? { enabled: true },
        },
      });
    }
  }
  return { Octokit: RecordingOctokit as unknown as typeof ProbotOctokit, made, authCalls };
}

describe("createAppClients", () => {
  const credentials = () => ({
    appId: 1001,
    privateKey,
    baseUrl: "https://ghe.example.com/api/v3",
  });

  it("makes the app client with the app's JWT credentials, base URL and the retry policy", () => {
    const { Octokit, made } = recordingOctokitClass();
    const clients = createAppClients(credentials(), { Octokit });
    expect(clients.appId).toBe(1001);
    expect(made[0]).toMatchObject({
      auth: { appId: 1001, privateKey },
      baseUrl: "https://ghe.example.com/api/v3",
    });
    expect((clients.app as unknown as { wrapped: string[] }).wrapped).toEqual(["request"]);
  });

  it("asks an installation's token once, with its own throttle id and the retry policy", async () => {
    const { Octokit, made, authCalls } = recordingOctokitClass();
    const clients = createAppClients(credentials(), { Octokit });
    const [a, b] = await Promise.all([clients.installation(5), clients.installation(5)]);
    expect(a).toBe(b);
    expect(authCalls).toEqual([
      expect.objectContaining({ type: "installation", installationId: 5 }),
    ]);
    expect(made[1]).toMatchObject({
      auth: { appId: 1001, privateKey: "k", installationId: 5 },
      throttle: { enabled: true, id: "5" },
    });
    expect((a as unknown as { wrapped: string[] }).wrapped).toEqual(["request"]);
    await clients.installation(6);
    expect(authCalls).toHaveLength(2);
  });

  it("leaves throttling off when the Octokit class turns it off (tests)", async () => {
    const { Octokit, made } = recordingOctokitClass();
    const Unthrottled = class extends (Octokit as unknown as new (
      o: Record<string, unknown>,
    ) => object) {
      constructor(options: Record<string, unknown>) {
        // off unless the options say otherwise (as ProbotOctokit.defaults does in the tests)
        super({ throttle: { enabled: false }, ...options });
      }
    } as unknown as typeof ProbotOctokit;
    const clients = createAppClients(credentials(), { Octokit: Unthrottled });
    await clients.installation(5);
    expect(made[1]?.throttle).toEqual({ enabled: false });
  });

  it("passes Octokit's warnings and errors to the log as text, nothing else", () => {
    const { Octokit, made } = recordingOctokitClass();
    const warnings: string[] = [];
    createAppClients(credentials(), { Octokit, log: { warn: (m) => void warnings.push(m) } });
    const log = made[0]?.log as Record<string, (m: unknown) => void>;
    log.debug?.("d");
    log.info?.("i");
    log.warn?.("w");
    log.error?.(new Error("e"));
    expect(warnings).toEqual(["w", "Error: e"]);
  });
});

describe("describeGitHubError", () => {
  it("adds the HTTP status when the message lacks it, and a cause that adds something", () => {
    expect(describeGitHubError(Object.assign(new Error("Not Found"), { status: 404 }))).toBe(
      "HTTP 404: Not Found",
    );
    expect(
      describeGitHubError(Object.assign(new Error("HTTP 502 from GitHub"), { status: 502 })),
    ).toBe("HTTP 502 from GitHub");
    expect(
      describeGitHubError(
        Object.assign(new Error("Bad credentials"), {
          status: 401,
          cause: { message: "token expired" },
        }),
      ),
    ).toBe("HTTP 401: Bad credentials: token expired");
  });

  it("says GitHub could not be reached for a request without an HTTP answer", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), {
      code: "ECONNREFUSED",
      address: "10.0.0.1",
      port: 443,
    });
    expect(
      describeGitHubError(
        Object.assign(new Error("fetch failed"), { status: 500, cause: refused }),
      ),
    ).toBe("GitHub could not be reached: ECONNREFUSED 10.0.0.1:443");
  });

  it("is one line of at most 400 characters, for anything thrown", () => {
    expect(describeGitHubError(new Error("line one\n  line two"))).toBe("line one line two");
    expect(describeGitHubError(new Error("x".repeat(1_000)))).toHaveLength(400);
    expect(describeGitHubError("plain text")).toBe("plain text");
  });
});
