/**
 * Secrets never reach the logs. Two layers, both set where the Probot logger is created
 * (`createLog`, which `npm start` passes to Probot's `run`):
 *
 * 1. pino `redact` paths: the places where credentials sit in what is logged (request headers
 *    of Octokit errors, including those nested in AggregateErrors and causes; incoming request
 *    headers; fields named like credentials).
 * 2. A last pass over every finished log line (`hooks.streamWrite`): the configured secrets'
 *    values (WEBHOOK_SECRET, the private key, the DATABASE_URL password, GITHUB_TOKEN), and
 *    anything shaped like a credential (GitHub tokens, JWTs, PEM private keys, passwords in
 *    URLs) are replaced, wherever they appear (a message, a stack, a payload).
 */
import { getPrivateKey } from "@probot/get-private-key";
import { getTransformStream } from "@probot/pino";
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";

export const REDACTED = "[REDACTED]";

/** Where credentials can sit in a log record (pino/fast-redact path syntax). */
export const REDACT_PATHS: readonly string[] = [
  // Octokit's RequestError (it masks the header value itself; this is a second lock)
  "err.request.headers.authorization",
  "err.cause.request.headers.authorization",
  "err.errors[*].request.headers.authorization",
  "err.errors[*].cause.request.headers.authorization",
  "err.response.headers.authorization",
  'err.response.headers["set-cookie"]',
  "err.response.data.token",
  "error.request.headers.authorization",
  "request.headers.authorization",
  "headers.authorization",
  // incoming HTTP requests (pino-http's `req`)
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  // fields named like credentials, at the top or one level down
  "token",
  "privateKey",
  "private_key",
  "secret",
  "webhookSecret",
  "password",
  "*.token",
  "*.privateKey",
  "*.private_key",
  "*.secret",
  "*.webhookSecret",
  "*.password",
];

/** Values shorter than this are not scrubbed by value (they would match ordinary text). */
const MIN_SECRET_LENGTH = 8;

/** The private key as Probot reads it (PRIVATE_KEY, PRIVATE_KEY_PATH or a .pem file in cwd). */
function privateKeyOf(env: Readonly<Record<string, string | undefined>>): string | undefined {
  try {
    return getPrivateKey({ env: { ...env } }) ?? undefined;
  } catch {
    return env.PRIVATE_KEY;
  }
}

/** The secret values in the environment, and the pieces of them that could be logged alone. */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const values = new Set<string>();
  const add = (v: string | undefined) => {
    const value = v?.trim();
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH) values.add(value);
  };
  add(env.WEBHOOK_SECRET);
  add(env.GITHUB_TOKEN);
  add(env.GH_TOKEN);
  add(env.SENTRY_DSN);
  for (const key of [env.PRIVATE_KEY, privateKeyOf(env)]) {
    if (key === undefined) continue;
    add(key);
    // each line of the key's base64 body (a log may hold the key with \n escaped, or a piece)
    for (const line of key.replaceAll("\\n", "\n").split(/\r?\n/)) {
      if (!line.startsWith("-----")) add(line);
    }
  }
  for (const name of ["DATABASE_URL", "REDIS_URL"]) {
    const url = env[name];
    if (url === undefined || url === "") continue;
    try {
      const parsed = new URL(url);
      add(decodeURIComponent(parsed.password));
      add(parsed.password);
    } catch {
      // unparsable: nothing to extract
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** A value as it appears inside a JSON string. */
const jsonEscaped = (value: string): string => JSON.stringify(value).slice(1, -1);

const escapeRegExp = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Credentials recognizable by shape. */
const SHAPES: [RegExp, string][] = [
  // PEM private keys, raw or with \n escaped
  [
    /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g,
    "-----BEGIN $1PRIVATE KEY-----[REDACTED]-----END $1PRIVATE KEY-----",
  ],
  // GitHub tokens: installation (ghs_), user (ghu_), OAuth (gho_), personal (ghp_, github_pat_), refresh (ghr_)
  [/\bgh[pousr]_[A-Za-z0-9_]{16,}/g, "gh*_[REDACTED]"],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, "github_pat_[REDACTED]"],
  // JSON Web Tokens (the app's JWT)
  [/\beyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{10,}/g, "[REDACTED JWT]"],
  // passwords in URLs: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]*:)[^\s@/"'\\]+@/gi, "$1***@"],
  // authorization header values that escaped the paths (token x, bearer x, basic x)
  [/("authorization"\s*:\s*")(?:token|bearer|basic) (?!\[REDACTED\])[^"\\]+/gi, `$1${REDACTED}`],
];

/** Scrub one finished log line. */
export function scrubber(secrets: readonly string[]): (line: string) => string {
  const byValue =
    secrets.length === 0
      ? undefined
      : new RegExp(
          [...new Set(secrets.flatMap((s) => [s, jsonEscaped(s)]))]
            .sort((a, b) => b.length - a.length)
            .map(escapeRegExp)
            .join("|"),
          "g",
        );
  return (line: string): string => {
    let out = line;
    if (byValue !== undefined) out = out.replace(byValue, REDACTED);
    for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
    return out;
  };
}

/** The pino options that keep secrets out of the logs (merge them into any logger's options). */
export function redactionOptions(
  env: Readonly<Record<string, string | undefined>>,
): Pick<LoggerOptions, "redact" | "hooks"> {
  const scrub = scrubber(secretValues(env));
  return {
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    hooks: { streamWrite: scrub },
  };
}

/**
 * Probot's logger (the same options and output format as Probot's own `getLog` reading the same
 * variables: LOG_LEVEL, LOG_FORMAT, NODE_ENV, LOG_LEVEL_IN_STRING, LOG_MESSAGE_KEY, SENTRY_DSN)
 * with the redaction above. Pass it to Probot's `run(app, { log })`. `destination` replaces the
 * formatted standard output (tests read the JSON lines).
 */
export async function createLog(
  env: Readonly<Record<string, string | undefined>>,
  destination?: DestinationStream,
): Promise<Logger> {
  const options: LoggerOptions = {
    level: env.LOG_LEVEL || "info",
    name: "probot",
    messageKey: env.LOG_MESSAGE_KEY || "msg",
    ...redactionOptions(env),
  };
  if (destination !== undefined) return pino(options, destination);
  const logFormat =
    env.LOG_FORMAT !== undefined && env.LOG_FORMAT !== ""
      ? env.LOG_FORMAT === "pretty"
        ? "pretty"
        : "json"
      : env.NODE_ENV === "production"
        ? "json"
        : "pretty";
  const transform = await getTransformStream({
    logFormat,
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    ...(env.SENTRY_DSN ? { sentryDsn: env.SENTRY_DSN } : {}),
  });
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino(options, transform);
}
