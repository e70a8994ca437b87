import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_DOC, generateConfigDoc } from "../../scripts/generate-config-docs.js";
import {
  contentLines,
  formatConfigProblems,
  MAX_CONFIG_BYTES,
  MAX_CONFIG_LINES,
  parseConfigObject,
  parseConfigText,
} from "../../src/config/parse-config.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";

function problemsOf(text: string): string[] {
  const result = parseConfigText(text);
  if (result.ok) throw new Error("expected problems");
  return formatConfigProblems(result.problems, ".github/cost-value.yml");
}

describe("parseConfigText", () => {
  it("gives every default for an empty file, a comment-only file and null", () => {
    for (const text of ["", "# nothing here\n", "~\n"]) {
      const result = parseConfigText(text);
      expect(result).toEqual({ ok: true, config: DEFAULT_CONFIG });
    }
    expect(DEFAULT_CONFIG["check-name"]).toBe("cost/value");
    expect(DEFAULT_CONFIG.currency).toBe("USD");
    expect(DEFAULT_CONFIG.value.heading).toBe("Value");
    expect(Object.keys(DEFAULT_CONFIG.value.types)).toEqual([
      "defect",
      "customer",
      "security",
      "migration",
      "review-load",
      "compliance",
      "support",
      "revenue",
      "cost",
      "risk",
    ]);
  });

  it("merges a partial file with the defaults", () => {
    const result = parseConfigText("budgets:\n  enforce: true\ncurrency: eur\n");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.budgets.enforce).toBe(true);
    expect(result.config.currency).toBe("EUR");
    expect(result.config.policy["missing-value"]).toBe("failure");
  });

  it("quotes the bad key, the value and its line", () => {
    expect(
      problemsOf(
        "currency: dollars\nvalue:\n  heading: Value\n  typo: 1\npolicy:\n  missing-value: fail\n",
      ),
    ).toMatchInlineSnapshot(`
      [
        ".github/cost-value.yml line 1 \`currency\`: a three-letter currency code such as USD or EUR (found "dollars")",
        ".github/cost-value.yml line 4 \`value.typo\`: unknown setting "typo"; check the spelling against docs/configuration.md (found 1)",
        ".github/cost-value.yml line 6 \`policy.missing-value\`: Invalid option: expected one of "failure"|"neutral"|"success" (found "fail")",
      ]
    `);
  });

  it("reports YAML syntax errors with a line, and duplicate keys", () => {
    expect(problemsOf("check-name: a\nvalue: [\n")[0]).toMatch(
      /^\.github\/cost-value\.yml line \d+: not valid YAML/,
    );
    expect(problemsOf("check-name: a\ncheck-name: b\n")[0]).toContain("Map keys must be unique");
  });

  it("refuses a list, a scalar and an oversized file with a clear message", () => {
    expect(problemsOf("- a\n- b\n")[0]).toContain("must be a mapping of settings");
    expect(problemsOf("just text\n")[0]).toContain("must be a mapping of settings");
    expect(problemsOf(`# ${"x".repeat(MAX_CONFIG_BYTES)}\n`)[0]).toContain("larger than 64 KiB");
  });

  it("refuses more than 1,000 lines of settings before parsing them; comments and blank lines do not count", () => {
    const keys = Array.from({ length: MAX_CONFIG_LINES + 1 }, (_, i) => `k${i}: v`).join("\n");
    expect(problemsOf(keys)[0]).toContain("more than 1,000 lines of settings");
    expect(problemsOf(":\n".repeat(20_000))[0]).toContain("more than 1,000 lines of settings");
    const commented = `${"# a comment\n\n".repeat(5_000)}currency: EUR\n`;
    expect(parseConfigText(commented)).toMatchObject({ ok: true, config: { currency: "EUR" } });
    expect(contentLines("a: 1\n  # c\n\n\t\r\n  b: 2\r\n")).toBe(2);
  });

  it("survives an alias bomb", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 12; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`);
    }
    const result = parseConfigText(`${lines.join("\n")}\n`);
    expect(result.ok).toBe(false);
  });

  it("validates agent patterns and price overrides", () => {
    expect(problemsOf("agents:\n  patterns:\n    - agent: X\n")[0]).toContain(
      "give `contains` or `equals`",
    );
    expect(
      problemsOf("pricing:\n  overrides:\n    m:\n      input: -1\n      output: 2\n")[0],
    ).toContain("`pricing.overrides.m.input`");
    const ok = parseConfigText(
      "pricing:\n  overrides:\n    acme/m:\n      input: 1\n      output: 2\nagents:\n  patterns:\n    - agent: W\n      contains: windsurf\n",
    );
    expect(ok.ok).toBe(true);
  });

  it("ignores Probot's _extends key", () => {
    expect(parseConfigObject({ _extends: ".github", currency: "EUR" })).toMatchObject({
      ok: true,
      config: { currency: "EUR" },
    });
  });

  it("never throws on odd YAML, and says what is wrong with it", () => {
    for (const [text, problem] of [
      ["!!binary x", "YAML tags are not supported"],
      ["? [a]\n: b", 'unknown setting "[ a ]"'],
      ["{", "not valid YAML: "],
      ["a: !!js/function x", "YAML tags are not supported"],
      ["\u0000", "the file must be a mapping of settings (key: value), not a list or a scalar"],
      ["%YAML 9\n---\n", "not valid YAML: "],
    ] as const) {
      expect(() => parseConfigText(text)).not.toThrow();
      const result = parseConfigText(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.problems[0]?.message, text).toContain(problem);
    }
  });
});

describe("configuration docs", () => {
  it("docs/configuration.md is generated from the schema (run npm run docs:config)", () => {
    const current = readFileSync(CONFIG_DOC, "utf8");
    expect(generateConfigDoc(current)).toBe(current);
  });
});

describe("unknown settings: the nearest known key", () => {
  const messages = (text: string) => {
    const result = parseConfigText(text);
    return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
  };

  it("suggests the known setting a typo is near, at any level", () => {
    expect(messages("curency: EUR\n")).toEqual([
      'curency: unknown setting "curency"; did you mean `currency`? (see docs/configuration.md)',
    ]);
    expect(messages("policy:\n  missing_value: failure\n")).toEqual([
      'policy.missing_value: unknown setting "missing_value"; did you mean `missing-value`? (see docs/configuration.md)',
    ]);
    expect(messages("check_name: x\nvalue:\n  heding: Value\n").sort()).toEqual([
      'check_name: unknown setting "check_name"; did you mean `check-name`? (see docs/configuration.md)',
      'value.heding: unknown setting "heding"; did you mean `heading`? (see docs/configuration.md)',
    ]);
  });

  it("suggests nothing when no setting is near", () => {
    expect(messages("value:\n  typo: 1\n")[0]).toContain("check the spelling");
    expect(messages("colour-scheme: dark\n")).toEqual([
      'colour-scheme: unknown setting "colour-scheme"; check the spelling against docs/configuration.md',
    ]);
  });
});

describe("investment settings", () => {
  const messages = (text: string) => {
    const result = parseConfigText(text);
    return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
  };

  it("accepts durations written like Effort values and keeps unchanged defaults", () => {
    const result = parseConfigText(
      "investment:\n  hourly-rate: 95\n  session-gap: 90 min\n  review:\n    cap: 1h30m\ntools:\n  - name: Claude Team\n    monthly: 1500\nbudgets:\n  covers: agents\n",
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.investment["hourly-rate"]).toBe(95);
    expect(result.config.investment["session-gap"]).toBe("90 min");
    expect(result.config.investment.review).toEqual({
      "lines-per-hour": 300,
      floor: "10m",
      cap: "1h30m",
    });
    expect(result.config.tools).toEqual([{ name: "Claude Team", monthly: 1500 }]);
    expect(result.config.budgets.covers).toBe("agents");
    expect(DEFAULT_CONFIG.budgets.covers).toBe("total");
    expect(DEFAULT_CONFIG.investment["hourly-rate"]).toBeNull();
  });

  it("refuses bad values with clear messages", () => {
    expect(
      messages(
        "investment:\n  hourly-rate: 0\n  session-gap: soon\n  first-commit-allowance: -5m\n  review:\n    floor: 2h\n    cap: 90m\n  ci:\n    rates:\n      linux: -1\n      lunix: 1\ntools:\n  - name: X\nbudgets:\n  covers: everything\n",
      ).sort(),
    ).toEqual([
      'budgets.covers: Invalid option: expected one of "total"|"agents"',
      "investment.ci.rates.linux: Too small: expected number to be >=0",
      'investment.ci.rates.lunix: unknown setting "lunix"; did you mean `linux`? (see docs/configuration.md)',
      "investment.first-commit-allowance: a duration such as `2h` or `30m`: it is negative",
      "investment.hourly-rate: above zero (leave it out to show hours without money)",
      "investment.review.floor: `floor` must not be above `cap`",
      "investment.session-gap: a duration such as `2h` or `30m`: it does not start with a number",
      "tools.0.monthly: Invalid input: expected number, received undefined",
    ]);
    expect(messages("investment:\n  session-gap: 0h\n")).toEqual([
      "investment.session-gap: a duration above zero, such as `2h`",
    ]);
  });
});
