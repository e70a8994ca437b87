import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

// A clean `npm ci` must print no warning: a new operator reads `EBADENGINE` or "install scripts
// not yet covered by allowScripts" as "this install is broken". `EBADENGINE` comes from a locked
// package whose `engines.node` excludes the running Node; the install-scripts warning (npm 11)
// from a locked package with an install script that `allowScripts` in package.json neither
// approves nor denies.

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
}
const read = <T>(file: string): T =>
  JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8")) as T;
const lock = read<{ packages: Record<string, LockEntry> }>("package-lock.json");
const manifest = read<{ engines: { node: string }; allowScripts?: Record<string, boolean> }>(
  "package.json",
);
const nodeRangeOf = (entry: LockEntry) =>
  Array.isArray(entry.engines) ? undefined : entry.engines?.node;
const nameOf = (path: string) => path.replace(/^.*node_modules\//, "");

/** Locked packages whose engines exclude `version`, as `name@version wants node RANGE`. */
function excluding(version: string): string[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => {
      const range = nodeRangeOf(entry);
      return path !== "" && range !== undefined && !semver.satisfies(version, range);
    })
    .map(([path, entry]) => `${nameOf(path)}@${entry.version} wants node ${nodeRangeOf(entry)}`);
}

describe("package-lock.json", () => {
  it("locks no package whose engines exclude the running Node (npm ci prints no EBADENGINE)", () => {
    expect(excluding(process.versions.node)).toEqual([]);
  });

  it("locks no package whose engines exclude the oldest Node package.json's engines allow", () => {
    const oldest = semver.minVersion(manifest.engines.node)?.version;
    expect(oldest).toBeDefined();
    expect(excluding(oldest ?? "")).toEqual([]);
  });

  it("every package with an install script is approved or denied in allowScripts (npm 11 warns otherwise)", () => {
    const unreviewed = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== "" && entry.hasInstallScript === true)
      .map(([path]) => nameOf(path))
      .filter((name) => manifest.allowScripts?.[name] === undefined);
    expect(unreviewed).toEqual([]);
  });
});
