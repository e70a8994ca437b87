import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  HOOK_MARKER,
  isCostValueHook,
  renderHookScript,
  shellQuote,
} from "../../src/cli/hook-script.js";

const FILES = mkdtempSync(join(tmpdir(), "cost-value-hook-script-"));

describe("the hook script", () => {
  const options = { node: "/opt/node's/bin/node", bin: "/opt/cost value/bin/cost-value.js" };

  it("is a POSIX sh script with the marker, the install-time node and CLI, quoted", () => {
    const script = renderHookScript(options);
    expect(script.startsWith(`#!/bin/sh\n${HOOK_MARKER}\n`)).toBe(true);
    expect(script).toContain(
      `'/opt/node'\\''s/bin/node' '/opt/cost value/bin/cost-value.js' usage`,
    );
    expect(script).toContain("npx --no-install cost-value usage");
    expect(script.trimEnd().endsWith("exit 0")).toBe(true);
    const path = join(FILES, "rendered.sh");
    writeFileSync(path, script);
    expect(spawnSync("sh", ["-n", path]).status).toBe(0);
    expect(renderHookScript(options)).toBe(script);
  });

  it("is recognised by its marker, and other hooks are not", () => {
    expect(isCostValueHook(renderHookScript(options))).toBe(true);
    expect(isCostValueHook("#!/bin/sh\r\n# cost-value hook v2\r\nexit 0\r\n")).toBe(true);
    expect(isCostValueHook("#!/bin/sh\nexec husky\n")).toBe(false);
    expect(isCostValueHook("#!/bin/sh\necho '# cost-value hook v1'\n")).toBe(false);
  });

  it("quotes any text as one sh word", () => {
    const text = `it's "$HOME" \`x\` \\ !`;
    expect(execFileSync("sh", ["-c", `printf %s ${shellQuote(text)}`], { encoding: "utf8" })).toBe(
      text,
    );
  });
});
