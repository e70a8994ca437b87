import { describe, expect, it } from "vitest";
import { appIdFromEnv } from "../../src/github/app.js";
import { assertSafeEnvironment, UnsafeEnvironmentError } from "../../src/github/environment.js";

describe("assertSafeEnvironment", () => {
  it("refuses production with no secret or Probot's default secret", () => {
    for (const secret of [undefined, "", "development"]) {
      expect(() =>
        assertSafeEnvironment({ NODE_ENV: "production", WEBHOOK_SECRET: secret }),
      ).toThrow(UnsafeEnvironmentError);
    }
    expect(() => assertSafeEnvironment({ NODE_ENV: "production" })).toThrow(/WEBHOOK_SECRET/);
  });

  it("accepts a real secret in production, and anything in development", () => {
    expect(() =>
      assertSafeEnvironment({ NODE_ENV: "production", WEBHOOK_SECRET: "s3cr3t-value" }),
    ).not.toThrow();
    expect(() => assertSafeEnvironment({})).not.toThrow();
  });
});

describe("appIdFromEnv", () => {
  it("reads a positive integer APP_ID, else nothing", () => {
    expect(appIdFromEnv({ APP_ID: "1234" })).toBe(1234);
    for (const bad of [undefined, "", "abc", "-1", "1.5"]) {
      expect(appIdFromEnv({ APP_ID: bad })).toBeUndefined();
    }
  });
});
