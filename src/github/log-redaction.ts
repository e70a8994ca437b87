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
import { summarizeEvent, wasLogged } from "./failure-log.js";

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

/**
 * Credentials recognizable by shape. Every repetition is bounded and every pattern starts at a
 * fixed prefix, so a long adversarial line (a commit message in a debug-logged request body) is
 * scrubbed in linear time; PEM keys and JWTs are found by scanning, not by regular expressions.
 */
const SHAPES: [RegExp, string][] = [
  // GitHub tokens: installation (ghs_), user (ghu_), OAuth (gho_), personal (ghp_, github_pat_), refresh (ghr_)
  [/\bgh[pousr]_[A-Za-z0-9_]{16,255}/g, "gh*_[REDACTED]"],
  [/\bgithub_pat_[A-Za-z0-9_]{20,255}/g, "github_pat_[REDACTED]"],
  // passwords in URLs: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@"'\\]{0,256}:)[^\s@/"'\\]{1,256}@/gi, "$1***@"],
  // authorization header values that escaped the paths (token x, bearer x, basic x)
  [
    /("authorization"\s{0,8}:\s{0,8}")(?:token|bearer|basic) (?!\[REDACTED\])[^"\\]{1,4096}/gi,
    `$1${REDACTED}`,
  ],
];

/** PEM private key blocks (raw, or with \n escaped), from BEGIN to END, replaced. */
function scrubPem(line: string): string {
  const BEGIN = "-----BEGIN ";
  let out = "";
  let from = 0;
  for (;;) {
    const begin = line.indexOf(BEGIN, from);
    if (begin === -1) break;
    const label = line.indexOf("PRIVATE KEY-----", begin);
    if (label === -1) break;
    if (label - begin > 60) {
      out += line.slice(from, begin + BEGIN.length);
      from = begin + BEGIN.length;
      continue;
    }
    const end = line.indexOf("-----END ", label);
    if (end === -1) {
      // no end: everything after the header is the key
      out += `${line.slice(from, label)}PRIVATE KEY-----${REDACTED}`;
      return out;
    }
    const close = line.indexOf("-----", end + 9);
    const stop = close === -1 ? line.length : close + 5;
    out += `${line.slice(from, label)}PRIVATE KEY-----${REDACTED}${line.slice(end, stop)}`;
    from = stop;
  }
  return out + line.slice(from);
}

/** JSON Web Tokens (`eyJ….eyJ….sig`, the app's JWT): runs of the JWT alphabet, checked once. */
function scrubJwt(line: string): string {
  if (!line.includes("eyJ")) return line;
  return line.replace(/[A-Za-z0-9_.-]{30,}/g, (run) => {
    const parts = run.split(".");
    for (let i = 0; i + 2 < parts.length; i++) {
      const header = parts[i] ?? "";
      if (
        header.includes("eyJ") &&
        (parts[i + 1] ?? "").startsWith("eyJ") &&
        (parts[i + 2] ?? "").length >= 10
      ) {
        return "[REDACTED JWT]";
      }
    }
    return run;
  });
}

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
    out = scrubPem(out);
    out = scrubJwt(out);
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
 * Errors in log records: a webhook event inside one (Probot and @octokit/webhooks attach the
 * delivery to a handler's error) is shown by id and name, never with its payload.
 */
export function serializeError(error: unknown): unknown {
  const out = pino.stdSerializers.err(error as Error) as unknown;
  if (out === error || typeof out !== "object" || out === null) return out;
  const trim = (record: Record<string, unknown>): void => {
    if (record.event !== undefined) record.event = summarizeEvent(record.event);
    if (Array.isArray(record.aggregateErrors)) {
      for (const inner of record.aggregateErrors) {
        if (typeof inner === "object" && inner !== null) trim(inner as Record<string, unknown>);
      }
    }
  };
  trim(out as Record<string, unknown>);
  return out;
}

/** pino-http's stand-in error for a 5xx answer: its stack only points into pino-http. */
function isHttpStandIn(error: unknown): boolean {
  return error instanceof Error && /^failed with status code \d{3}$/.test(error.message);
}

/**
 * The pino options that log each failure once and without payloads (see failure-log.ts): the
 * error serializer above; records of an error the app has logged already are dropped; the access
 * line of a 5xx answer keeps its status and time, not pino-http's stand-in error and its stack.
 */
export function failureLogOptions(): Pick<LoggerOptions, "serializers" | "hooks"> {
  return {
    serializers: { err: serializeError },
    hooks: {
      logMethod(args, method) {
        const first = args[0] as unknown;
        const error =
          first instanceof Error
            ? first
            : typeof first === "object" && first !== null
              ? (first as { err?: unknown }).err
              : undefined;
        if (error !== undefined && wasLogged(error)) return;
        if (!(first instanceof Error) && isHttpStandIn(error)) {
          const { err: _standIn, ...rest } = first as Record<string, unknown>;
          method.apply(this, [rest, ...args.slice(1)] as typeof args);
          return;
        }
        method.apply(this, args);
      },
    },
  };
}

/**
 * Probot's logger (the same options and output format as Probot's own `getLog` reading the same
 * variables: LOG_LEVEL, LOG_FORMAT, NODE_ENV, LOG_LEVEL_IN_STRING, LOG_MESSAGE_KEY, SENTRY_DSN)
 * with the redaction above, and each failure logged once without payloads. Pass it to Probot's
 * `run(app, { log })`. `destination` replaces the formatted standard output (tests read the JSON
 * lines).
 */
export async function createLog(
  env: Readonly<Record<string, string | undefined>>,
  destination?: DestinationStream,
): Promise<Logger> {
  const redaction = redactionOptions(env);
  const failures = failureLogOptions();
  const options: LoggerOptions = {
    level: env.LOG_LEVEL || "info",
    name: "probot",
    messageKey: env.LOG_MESSAGE_KEY || "msg",
    redact: redaction.redact,
    serializers: failures.serializers,
    hooks: { ...redaction.hooks, ...failures.hooks },
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
