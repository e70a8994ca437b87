/**
 * "did you mean …?" (nearest-setting.ts): the settings allowed at a path of the schema, the edit
 * distance, and the nearest known setting within the allowed number of edits. The messages built
 * from it are tested in test/config/parse-config.test.ts.
 */
import { describe, expect, it } from "vitest";
import { editDistance, nearestSetting, settingsAt } from "../../src/config/nearest-setting.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";

describe("settingsAt", () => {
  it("is the top-level settings at the root, a section's inside it", () => {
    expect(settingsAt([])).toEqual(Object.keys(DEFAULT_CONFIG));
    expect(settingsAt(["policy"])).toEqual(Object.keys(DEFAULT_CONFIG.policy));
  });

  it("goes through a map to its values' settings (a model's prices)", () => {
    expect(settingsAt(["pricing", "overrides", "acme/model"])).toEqual([
      "input",
      "output",
      "cache-read",
      "cache-write",
    ]);
  });

  it("is empty below a setting that is not a section, or a key the schema lacks", () => {
    expect(settingsAt(["currency"])).toEqual([]);
    expect(settingsAt(["value", "types"])).toEqual([]);
    expect(settingsAt(["nope", "deeper"])).toEqual([]);
    // a list's items are not walked
    expect(settingsAt(["agents", "patterns", 0])).toEqual([]);
  });
});

describe("editDistance", () => {
  it("counts insertions, deletions and substitutions", () => {
    expect(editDistance("", "")).toBe(0);
    expect(editDistance("abc", "")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("curency", "currency")).toBe(1);
    expect(editDistance("currencyy", "currency")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    // a swap is two edits here (no transpositions)
    expect(editDistance("tpye", "type")).toBe(2);
  });

  it("is symmetric", () => {
    expect(editDistance("heding", "heading")).toBe(editDistance("heading", "heding"));
  });
});

describe("nearestSetting", () => {
  const top = settingsAt([]);

  it("suggests the nearest setting within the allowed edits", () => {
    expect(nearestSetting("curency", top)).toBe("currency");
    expect(nearestSetting("rollup", top)).toBe("rollups");
    expect(nearestSetting("drafs", top)).toBe("drafts");
  });

  it("counts case and _ for - as nothing", () => {
    expect(nearestSetting("check_name", top)).toBe("check-name");
    expect(nearestSetting("CURRENCY", top)).toBe("currency");
    expect(nearestSetting("Check_Name", top)).toBe("check-name");
  });

  it("allows one edit under 5 characters, then 2, then a third of the key's length", () => {
    expect(nearestSetting("skp", ["skip"])).toBe("skip");
    // two edits on a short key would turn `typo` into `types`
    expect(nearestSetting("typo", ["types"])).toBeUndefined();
    expect(nearestSetting("vallue", ["value", "other"])).toBe("value");
    expect(nearestSetting("valu_", ["value"])).toBe("value");
    expect(nearestSetting("heaxyng", ["heading"])).toBe("heading"); // 2 edits, 7 characters
    expect(nearestSetting("agent-work-withot-cst", ["agent-work-without-cost"])).toBe(
      "agent-work-without-cost",
    ); // 2 edits
    // 21 characters allow 7 edits; 8 is too far
    expect(nearestSetting("xxxxxxxx-work-without", ["agent-work-without-cost"])).toBeUndefined();
  });

  it("suggests nothing for a key unlike every setting, an empty list, or a very long key", () => {
    expect(nearestSetting("colour-scheme", top)).toBeUndefined();
    expect(nearestSetting("currency", [])).toBeUndefined();
    expect(nearestSetting(`${"x".repeat(101)}`, ["x".repeat(101)])).toBeUndefined();
  });

  it("never suggests a setting that shares nothing with a tiny key", () => {
    // one edit turns `x` into `y`, but that is the whole key
    expect(nearestSetting("x", ["y"])).toBeUndefined();
  });
});
