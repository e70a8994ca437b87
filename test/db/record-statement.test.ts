import { describe, expect, it } from "vitest";
import { RECORD, RECORD_PARAMETERS } from "../../src/db/record-statement.js";

describe("the record statement's named parameters", () => {
  it("are unique, and each placeholder $1…$n of the statement is one of them", () => {
    expect(new Set(RECORD_PARAMETERS).size).toBe(RECORD_PARAMETERS.length);
    const used = new Set([...RECORD.matchAll(/\$(\d+)\b/g)].map((m) => Number(m[1])));
    expect([...used].sort((a, b) => a - b)).toEqual(RECORD_PARAMETERS.map((_, i) => i + 1));
  });
});
