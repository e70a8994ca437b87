/**
 * The redaction's own logic: which secret values are collected from the environment, what one
 * log line's scrub replaces (by value and by shape), and the logger `createLog` builds.
 * (test/security drives redaction through the running app.)
 */
import { describe, expect, it } from "vitest";
import { createLog, REDACTED, scrubber, secretValues } from "../../src/github/log-redaction.js";

const KEY_BODY = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw";
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${KEY_BODY}\n-----END RSA PRIVATE KEY-----`;

describe("secretValues", () => {
  it("collects trimmed values of 8 characters or more, longest first", () => {
    expect(
      secretValues({
        WEBHOOK_SECRET: "  webhook-secret-1  ",
        GITHUB_TOKEN: "short",
        GH_TOKEN: "12345678",
      }),
    ).toEqual(["webhook-secret-1", "12345678"]);
  });

  it("takes the DATABASE_URL password both decoded and as written", () => {
    expect(
      secretValues({ DATABASE_URL: "postgres://app:p%40ss-word-9@db.example.com:5432/cv" }),
    ).toEqual(["p%40ss-word-9", "p@ss-word-9"]);
  });

  it("ignores an unparsable or password-less URL", () => {
    expect(secretValues({ DATABASE_URL: "not a url", REDIS_URL: "redis://cache:6379" })).toEqual(
      [],
    );
  });

  it("takes the private key whole and each line of its body, not the BEGIN/END lines", () => {
    const values = secretValues({ PRIVATE_KEY: PEM });
    expect(values).toContain(PEM);
    expect(values).toContain(KEY_BODY);
    expect(values.filter((v) => v.startsWith("-----"))).toEqual([PEM]);
    expect(values).not.toContain("-----END RSA PRIVATE KEY-----");
  });
});

describe("scrubber", () => {
  it("replaces a configured value, raw and as escaped inside JSON", () => {
    const scrub = scrubber(['se"cret-value']);
    expect(scrub('{"msg":"x se\\"cret-value y"}')).toBe(`{"msg":"x ${REDACTED} y"}`);
    expect(scrub('plain se"cret-value')).toBe(`plain ${REDACTED}`);
  });

  it("replaces GitHub tokens and URL passwords by shape", () => {
    const scrub = scrubber([]);
    expect(scrub("token ghs_abcdefghijklmnop1234 used")).toBe("token gh*_[REDACTED] used");
    expect(scrub(`pat github_pat_${"A".repeat(30)}`)).toBe("pat github_pat_[REDACTED]");
    expect(scrub("connect postgres://app:hunter2@db/cv")).toBe("connect postgres://app:***@db/cv");
  });

  it("replaces a PEM private key body, keeping its header and footer", () => {
    expect(scrubber([])(`key ${PEM.replaceAll("\n", "\\n")} end`)).toBe(
      `key -----BEGIN RSA PRIVATE KEY-----${REDACTED}-----END RSA PRIVATE KEY----- end`,
    );
  });

  it("replaces a JWT and leaves ordinary text alone", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjEyMywiaWF0IjoxfQ.c2lnbmF0dXJlLXZhbHVl";
    const scrub = scrubber([]);
    expect(scrub(`Bearer ${jwt}`)).toBe("Bearer [REDACTED JWT]");
    const ordinary = "evaluated acme/widgets#7 in 42 ms: success";
    expect(scrub(ordinary)).toBe(ordinary);
  });
});

describe("createLog", () => {
  it("writes JSON lines with secrets and credential fields redacted", async () => {
    const lines: string[] = [];
    const log = await createLog(
      { WEBHOOK_SECRET: "the-webhook-secret", LOG_LEVEL: "info" },
      { write: (line: string) => lines.push(line) },
    );
    log.info({ headers: { authorization: "token abc" }, token: "t-1" }, "got the-webhook-secret");
    log.debug("below the level");
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(record.msg).toBe(`got ${REDACTED}`);
    expect(record.headers).toEqual({ authorization: REDACTED });
    expect(record.token).toBe(REDACTED);
    expect(record.name).toBe("probot");
  });
});
