import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  appendValueSection,
  CONFIG_FILE_PATH,
  PR_TEMPLATE_PATH,
  pullRequestTemplate,
} from "../../src/cli/init-command.js";
import { renderDefaultConfigYaml } from "../../src/config/describe-config.js";
import { parseConfigText } from "../../src/config/parse-config.js";
import { type Config, DEFAULT_CONFIG } from "../../src/config/schema.js";
import { resolveValueStatement } from "../../src/core/value/resolve.js";
import { parseValueSection } from "../../src/core/value/section.js";
import { runCliCaptured } from "../helpers/cli.js";
import { createTempRepo, isolatedGitEnv } from "../helpers/temp-repo.js";

const ENV = isolatedGitEnv(mkdtempSync(join(tmpdir(), "cost-value-init-home-")));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string): Promise<Run> {
  return runCliCaptured(args, { cwd, env: ENV });
}

function read(repo: string, path: string): string {
  return readFileSync(join(repo, path), "utf8");
}

/** Every file under `dir` (but .git) with its content. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const path = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.name === ".git") continue;
      if (entry.isDirectory()) walk(path);
      else files[path] = readFileSync(join(dir, path), "utf8");
    }
  };
  walk("");
  return files;
}

describe("the files init writes", () => {
  it("the config file parses to exactly the defaults", () => {
    const text = renderDefaultConfigYaml();
    expect(text).toMatch(/^# /);
    const result = parseConfigText(text);
    expect(result).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  it("the template has a value section that reads as all placeholders, then as a statement", () => {
    const template = pullRequestTemplate(DEFAULT_CONFIG);
    const section = parseValueSection({ body: template, where: "PR body", config: DEFAULT_CONFIG });
    expect(section.found).toBe(true);
    expect(section.problems).toEqual([]);
    expect(Object.keys(section.placeholders).sort()).toEqual(
      ["budget", "effort", "issue", "type", "whyNow", "worth"].sort(),
    );
    const filled = template
      .replace("#<number>", "#12")
      .replace(/Type: <[^>]*>/, "Type: defect")
      .replace("Worth: $<amount>", "Worth: $5,000")
      .replace("Budget: $<amount>", "Budget: $300")
      .replace("<what it costs to wait>", "Customers are waiting.");
    const result = resolveValueStatement({
      prBody: filled,
      linkedIssues: [],
      repository: { owner: "acme", repo: "shop" },
      config: DEFAULT_CONFIG,
    });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.statement.type).toBe("defect");
  });

  it("the template follows the configured heading and required fields", () => {
    const config: Config = {
      ...DEFAULT_CONFIG,
      value: {
        ...DEFAULT_CONFIG.value,
        heading: "Worth it?",
        required: ["type", "worth", "budget"],
      },
    };
    const template = pullRequestTemplate(config);
    expect(template).toContain("\n## Worth it?\n");
    expect(template).toContain(
      "Required:\n     Type, Worth, Budget; optional: Issue, Why now, Effort.",
    );
  });

  it("appends the section after a blank line, keeping the file's line endings", () => {
    expect(appendValueSection("Describe it.\n\n\n", DEFAULT_CONFIG)).toMatch(
      /^Describe it\.\n\n## Value\n<!--[\s\S]*Why now: <what it costs to wait>\nEffort: <hours people spent, e\.g\. 6h>\n$/,
    );
    const crlf = appendValueSection("Describe it.\r\n", DEFAULT_CONFIG);
    expect(crlf).toMatch(/^Describe it\.\r\n\r\n## Value\r\n/);
    expect(crlf.replaceAll("\r\n", "")).not.toContain("\n");
    expect(appendValueSection("", DEFAULT_CONFIG)).toMatch(/^## Value\n/);
  });
});

describe("cost-value init", () => {
  it("creates both files in a fresh repository, from a subdirectory, and says so", async () => {
    const repo = createTempRepo();
    mkdirSync(join(repo.dir, "src"));
    const run = await cli(["init"], join(repo.dir, "src"));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`cost-value init in ${repo.dir}:`);
    expect(run.stdout).toContain(
      `  created  ${PR_TEMPLATE_PATH}: pull request template with the "## Value" section`,
    );
    expect(run.stdout).toContain(
      `  created  ${CONFIG_FILE_PATH}: every setting with its default, commented`,
    );
    expect(read(repo.dir, PR_TEMPLATE_PATH)).toBe(pullRequestTemplate(DEFAULT_CONFIG));
    expect(read(repo.dir, CONFIG_FILE_PATH)).toBe(renderDefaultConfigYaml());
    expect(parseConfigText(read(repo.dir, CONFIG_FILE_PATH))).toEqual({
      ok: true,
      config: DEFAULT_CONFIG,
    });
  });

  it("changes nothing the second time", async () => {
    const repo = createTempRepo();
    expect((await cli(["init", "--repo", repo.dir], repo.dir)).code).toBe(0);
    const before = snapshot(repo.dir);
    const run = await cli(["init", "--repo", repo.dir], repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `cost-value init in ${repo.dir}:\n` +
        `  left     ${PR_TEMPLATE_PATH} as it was: it has a "## Value" section\n` +
        `  left     ${CONFIG_FILE_PATH} as it was: it exists\n`,
    );
    expect(snapshot(repo.dir)).toEqual(before);
  });

  it("appends the section to a template that lacks it, wherever GitHub reads it from", async () => {
    const repo = createTempRepo();
    mkdirSync(join(repo.dir, "docs"));
    writeFileSync(
      join(repo.dir, "docs", "PULL_REQUEST_TEMPLATE.md"),
      "## Summary\n\n- [ ] Tests\n",
    );
    const run = await cli(["init", "--repo", repo.dir], repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '  appended docs/PULL_REQUEST_TEMPLATE.md: the "## Value" section, at its end',
    );
    const text = read(repo.dir, "docs/PULL_REQUEST_TEMPLATE.md");
    expect(text.startsWith("## Summary\n\n- [ ] Tests\n\n## Value\n")).toBe(true);
    expect(parseValueSection({ body: text, where: "t", config: DEFAULT_CONFIG }).found).toBe(true);
    // no second template that would shadow it
    expect(existsSync(join(repo.dir, PR_TEMPLATE_PATH))).toBe(false);
  });

  it("leaves a template with a value section (any heading level or case) as it was", async () => {
    const repo = createTempRepo();
    mkdirSync(join(repo.dir, ".github"));
    const template = "Intro\n\n### value\nWorth: $<amount>\n";
    writeFileSync(join(repo.dir, PR_TEMPLATE_PATH), template);
    const run = await cli(["init", "--repo", repo.dir], repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`left     ${PR_TEMPLATE_PATH} as it was`);
    expect(read(repo.dir, PR_TEMPLATE_PATH)).toBe(template);
  });

  it("leaves an existing config as it was, and uses its heading for the template", async () => {
    const repo = createTempRepo();
    mkdirSync(join(repo.dir, ".github"));
    const config = "value:\n  heading: Business value\n";
    writeFileSync(join(repo.dir, CONFIG_FILE_PATH), config);
    writeFileSync(join(repo.dir, PR_TEMPLATE_PATH), "## Value\n\nNot ours: a different heading.\n");
    const run = await cli(["init", "--repo", repo.dir], repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`left     ${CONFIG_FILE_PATH} as it was: it exists`);
    expect(run.stdout).toContain('the "## Business value" section');
    expect(read(repo.dir, CONFIG_FILE_PATH)).toBe(config);
    expect(read(repo.dir, PR_TEMPLATE_PATH)).toContain("\n## Business value\n");
  });

  it("notes a broken config and falls back to the default heading", async () => {
    const repo = createTempRepo();
    mkdirSync(join(repo.dir, ".github"));
    writeFileSync(join(repo.dir, CONFIG_FILE_PATH), "currency: dollars\n");
    const run = await cli(["init", "--repo", repo.dir], repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Note: ${CONFIG_FILE_PATH} is not valid`);
    expect(read(repo.dir, PR_TEMPLATE_PATH)).toContain("\n## Value\n");
  });

  it("--dry-run says what it would do and writes nothing", async () => {
    const repo = createTempRepo();
    writeFileSync(join(repo.dir, "pull_request_template.md"), "Describe the change.\n");
    const before = snapshot(repo.dir);
    const run = await cli(["init", "--repo", repo.dir, "--dry-run"], repo.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `cost-value init in ${repo.dir} (dry run: nothing is written):\n` +
        `  would append pull_request_template.md: the "## Value" section, at its end\n` +
        `  would create  ${CONFIG_FILE_PATH}: every setting with its default, commented\n`,
    );
    expect(snapshot(repo.dir)).toEqual(before);
  });

  it("works in a directory given with --repo even outside git", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-value-init-plain-"));
    const run = await cli(["init", "--repo", dir], tmpdir());
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, PR_TEMPLATE_PATH))).toBe(true);
  });

  it("exits 2 outside a git repository without --repo, and on a missing --repo", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-value-init-nogit-"));
    const outside = await cli(["init"], dir);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toBe(
      `cost-value init: ${dir} is not in a git work tree; pass --repo DIR\n`,
    );
    const missing = await cli(["init", "--repo", join(dir, "nope")], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such directory");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("has help with examples", async () => {
    const run = await cli(["init", "--help"], tmpdir());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Examples:\n  npx cost-value init");
    expect(run.stdout).toContain("--dry-run");
  });
});
