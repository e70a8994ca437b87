/**
 * The configuration reference generated from the schema (describe-config.ts): one row per setting
 * and per section, in the schema's order, types spelt out through defaults, pipes and nullables,
 * defaults from DEFAULT_CONFIG; the markdown table; the commented default file. The docs file
 * itself is compared in test/config/parse-config.test.ts. The last two tests moved here from there.
 */

import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  describeConfig,
  renderConfigTable,
  renderDefaultConfigYaml,
} from "../../src/config/describe-config.js";
import { parseConfigText } from "../../src/config/parse-config.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";

const byKey = () => new Map(describeConfig().map((s) => [s.key, s]));

describe("describeConfig", () => {
  it("lists each top-level setting and section in the schema's order, sections before their settings", () => {
    const keys = describeConfig().map((s) => s.key);
    expect(keys.filter((k) => !k.includes("."))).toEqual(Object.keys(DEFAULT_CONFIG));
    expect(keys.indexOf("policy")).toBeLessThan(keys.indexOf("policy.missing-value"));
    expect(byKey().get("policy")).toMatchObject({ type: "section", default: undefined });
  });

  it("spells out each kind of type", () => {
    const settings = byKey();
    expect(settings.get("check-name")?.type).toBe("string");
    expect(settings.get("budgets.enforce")?.type).toBe("boolean");
    // an enum, through its default
    expect(settings.get("drafts")?.type).toBe("`evaluate` / `neutral` / `skip`");
    // a list of an enum
    expect(settings.get("value.required")?.type).toBe(
      "list of `issue` / `type` / `worth` / `budget` / `why-now` / `effort`",
    );
    expect(settings.get("value.types")?.type).toBe("map of string");
    expect(settings.get("trailers.aliases")?.type).toBe("map of list of string");
    expect(settings.get("agents.patterns")?.type).toBe("list of settings");
    expect(settings.get("rollups.issue")?.type).toBe("number or `null`");
  });

  it("takes each default from DEFAULT_CONFIG, and the description from the schema", () => {
    const settings = byKey();
    expect(settings.get("check-name")?.default).toBe(DEFAULT_CONFIG["check-name"]);
    expect(settings.get("skip.authors")?.default).toEqual(DEFAULT_CONFIG.skip.authors);
    expect(settings.get("rollups.issue")?.default).toBeNull();
    expect(settings.get("currency")?.description).toMatch(/^Currency of totals and budgets/);
  });

  // moved from test/config/parse-config.test.ts
  it("every setting has a description", () => {
    for (const setting of describeConfig()) expect(setting.description, setting.key).not.toBe("");
  });
});

describe("renderConfigTable", () => {
  const table = renderConfigTable().split("\n");

  it("has a header, a bold row per section, a row per setting with its default as JSON", () => {
    expect(table.slice(0, 2)).toEqual([
      "| setting | type | default | meaning |",
      "| --- | --- | --- | --- |",
    ]);
    expect(table).toHaveLength(describeConfig().length + 2);
    expect(table).toContain(
      "| **`policy`** | | | What each finding does to the check's conclusion. |",
    );
    expect(table.find((l) => l.startsWith("| `check-name` |"))).toBe(
      '| `check-name` | string | `"cost/value"` | Name of the check run shown on pull requests. |',
    );
  });

  it("shows an object default as 'see below', empty ones and null as JSON", () => {
    const row = (key: string) => table.find((l) => l.startsWith(`| \`${key}\` |`)) ?? "";
    expect(row("value.types")).toContain("| see below |");
    expect(row("pricing.overrides")).toContain("| `{}` |");
    expect(row("agents.patterns")).toContain("| `[]` |");
    expect(row("rollups.issue")).toContain("| `null` |");
  });

  it("keeps four cells in every row", () => {
    // no description or type holds a pipe today; one added later must be escaped (the renderer
    // does), or its row would split and this fails
    for (const line of table) {
      // unescaped pipes only: the five cell borders
      expect(line.replaceAll("\\|", "").split("|"), line).toHaveLength(6);
    }
  });
});

describe("renderDefaultConfigYaml", () => {
  const text = renderDefaultConfigYaml();

  it("comments each setting with its description, indented like it", () => {
    const lines = text.split("\n");
    const at = lines.indexOf("  missing-value: failure");
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toBe(
      "  # Conclusion when the PR has no value statement (or an incomplete one).",
    );
    expect(lines[lines.indexOf("currency: USD") - 1]).toMatch(/^# Currency of totals/);
    expect(lines.slice(0, 2)).toEqual([
      "# cost-value configuration: every setting with its default.",
      "# Delete what you do not change; see docs/configuration.md.",
    ]);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("is YAML of exactly the defaults", () => {
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(DEFAULT_CONFIG)));
  });

  // moved from test/config/parse-config.test.ts
  it("the commented default file parses back to the defaults", () => {
    expect(parseConfigText(renderDefaultConfigYaml())).toEqual({
      ok: true,
      config: DEFAULT_CONFIG,
    });
  });
});
