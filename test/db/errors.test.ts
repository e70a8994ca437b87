import { describe, expect, it } from "vitest";
import { isDatabaseError } from "../../src/db/errors.js";

describe("isDatabaseError", () => {
  it("knows SQLSTATE codes, socket errors and pg's connection messages", () => {
    expect(isDatabaseError({ code: "57P01" })).toBe(true);
    expect(isDatabaseError({ code: "ECONNREFUSED" })).toBe(true);
    expect(isDatabaseError(new Error("Connection terminated unexpectedly"))).toBe(true);
  });

  it("leaves GitHub's and other errors alone", () => {
    expect(isDatabaseError(Object.assign(new Error("Not Found"), { status: 404 }))).toBe(false);
    expect(isDatabaseError({ code: "ENOTFOUND" })).toBe(false);
    expect(isDatabaseError(undefined)).toBe(false);
  });
});
