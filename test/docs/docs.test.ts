/** The docs that are part of the product stay true: generated examples, templates, env lists. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { generateReadme, README } from "../../scripts/generate-readme-example.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { resolveValueStatement } from "../../src/core/value/resolve.js";
import { PULL_REQUEST_ACTIONS } from "../../src/github/handlers/pull-request.js";

const read = (path: string): string =>
  readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("README", () => {
  it("shows the check output the renderer produces (npm run docs:readme)", () => {
    const current = readFileSync(README, "utf8");
    expect(generateReadme(current), "README is out of date: run npm run docs:readme").toBe(current);
  });
});

describe("docs/pull_request_template.md", () => {
  const template = read("docs/pull_request_template.md");

  it("has the value section of docs/value-statement.md", () => {
    const docs = read("docs/value-statement.md");
    const start = docs.indexOf("```markdown\n## Value\n<!--");
    const section = docs.slice(docs.indexOf("\n", start) + 1, docs.indexOf("```", start + 3));
    expect(template).toContain(section);
  });

  it("counts as missing until filled in", () => {
    const result = resolveValueStatement({
      prBody: template,
      linkedIssues: [],
      repository: { owner: "o", repo: "r" },
      config: DEFAULT_CONFIG,
    });
    expect(result.ok).toBe(false);
  });
});

describe(".env.example", () => {
  it("lists every variable the app reads", () => {
    const env = read(".env.example");
    for (const name of [
      "APP_ID",
      "PRIVATE_KEY",
      "PRIVATE_KEY_PATH",
      "WEBHOOK_SECRET",
      "WEBHOOK_PROXY_URL",
      "LOG_LEVEL",
      "PORT",
      "HOST",
      "GHE_HOST",
      "GHE_PROTOCOL",
      "NODE_ENV",
      "DATABASE_URL",
      "COST_VALUE_DATA_DIR",
    ]) {
      expect(env).toMatch(new RegExp(`^${name}=`, "m"));
    }
  });
});

describe("app.yml", () => {
  const manifest = parseYaml(read("app.yml")) as {
    default_permissions: Record<string, string>;
    default_events: string[];
  };

  it("asks for the least privilege, each with a reason", () => {
    expect(manifest.default_permissions).toEqual({
      checks: "write",
      pull_requests: "read",
      issues: "write",
      contents: "read",
      actions: "read",
      metadata: "read",
    });
    const text = read("app.yml");
    for (const key of Object.keys(manifest.default_permissions)) {
      expect(text).toMatch(new RegExp(`#[^\\n]+\\n\\s+${key}:`));
    }
  });

  it("subscribes to exactly the events the app handles", () => {
    const handled = new Set([
      ...PULL_REQUEST_ACTIONS.map((a) => a.split(".")[0]),
      "check_suite",
      "check_run",
      "milestone",
      "issue_comment",
      "pull_request_review",
      "workflow_job",
    ]);
    expect(new Set(manifest.default_events)).toEqual(handled);
  });
});
