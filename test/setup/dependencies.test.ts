import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// `npm ci` prints `EBADENGINE` for every locked package whose `engines.node` excludes the running
// Node; a new operator reads that as "this install is broken". The project promises Node 20
// (`engines` in package.json), so every locked package must accept the Node 20 running the tests.
// semver is not a dependency: the few range forms npm packages use are evaluated here.

type Version = [number, number, number];

function parseVersion(text: string): Version | null {
  const match = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/.exec(text.trim());
  if (match === null) return null;
  const part = (raw: string | undefined): number =>
    raw === undefined || /[xX*]/.test(raw) ? -1 : Number(raw);
  return [part(match[1]), part(match[2]), part(match[3])];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** A wildcard or partial version ("10.x", "20", "6.*") is the range [lowest, next step). */
function partialRange(v: Version): { low: Version; high: Version | null } {
  const [major, minor, patch] = v;
  if (major < 0) return { low: [0, 0, 0], high: null };
  if (minor < 0) return { low: [major, 0, 0], high: [major + 1, 0, 0] };
  if (patch < 0) return { low: [major, minor, 0], high: [major, minor + 1, 0] };
  return { low: v, high: [major, minor, patch + 1] };
}

function satisfiesComparator(version: Version, comparator: string): boolean {
  const match = /^(\^|~|>=|<=|>|<|=)?\s*(.+)$/.exec(comparator.trim());
  if (match === null) throw new Error(`unreadable engines comparator ${comparator}`);
  const operator = match[1] ?? "=";
  const target = parseVersion(match[2] ?? "");
  if (target === null) throw new Error(`unreadable engines version ${comparator}`);
  const { low, high } = partialRange(target);
  const atLeastLow = compare(version, low) >= 0;
  const belowHigh = high === null || compare(version, high) < 0;
  switch (operator) {
    case ">=":
      return atLeastLow;
    case ">":
      return high === null ? false : !belowHigh;
    case "<":
      return compare(version, low) < 0;
    case "<=":
      return belowHigh;
    case "=":
      return atLeastLow && belowHigh;
    case "^": {
      const [major, minor] = low;
      const caretHigh: Version =
        major > 0 ? [major + 1, 0, 0] : minor > 0 ? [0, minor + 1, 0] : [0, 0, low[2] + 1];
      return atLeastLow && compare(version, caretHigh) < 0;
    }
    case "~":
      return atLeastLow && compare(version, [low[0], low[1] + 1, 0]) < 0;
    default:
      throw new Error(`unknown engines operator in ${comparator}`);
  }
}

function satisfiesRange(versionText: string, range: string): boolean {
  const version = parseVersion(versionText);
  if (version === null) throw new Error(`unreadable version ${versionText}`);
  return range.split("||").some((alternative) => {
    // npm allows a blank between operator and version (">= 20"): glue them before splitting on blanks
    const comparators = alternative
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1")
      .split(/\s+/);
    return comparators.filter((c) => c !== "").every((c) => satisfiesComparator(version, c));
  });
}

describe("satisfiesRange (the engines ranges npm packages write)", () => {
  it.each([
    ["20.20.2", ">=22", false],
    ["20.20.2", ">= 20", true],
    ["20.20.2", "^20.19.0 || >=22.12.0", true],
    ["20.18.0", "^20.19.0 || >=22.12.0", false],
    ["20.20.2", ">=18.20.0 <20 || >=20.12.1", true],
    ["20.20.2", "6.* || 8.* || >= 10.*", true],
    ["20.20.2", "^8.16.0 || ^10.6.0 || >=11.0.0", true],
    ["20.20.2", ">= 10.x", true],
    ["20.20.2", "*", true],
    ["20.20.2", "^20.0.0 || ^22.0.0 || >=24.0.0", true],
    ["21.0.0", "^20.0.0 || ^22.0.0 || >=24.0.0", false],
  ])("%s in %s → %s", (version, range, expected) => {
    expect(satisfiesRange(version, range)).toBe(expected);
  });
});

describe("package-lock.json", () => {
  it("locks no package whose engines exclude the running Node (npm ci prints no EBADENGINE)", () => {
    const lock = JSON.parse(
      readFileSync(new URL("../../package-lock.json", import.meta.url), "utf8"),
    ) as {
      packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
    };
    const excluded = Object.entries(lock.packages)
      .filter(([, entry]) => {
        const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return node !== undefined && !satisfiesRange(process.versions.node, node);
      })
      .map(([path, entry]) => {
        const node = Array.isArray(entry.engines) ? "" : entry.engines?.node;
        return `${path.replace(/^.*node_modules\//, "")}@${entry.version} wants node ${node}`;
      });
    expect(excluded).toEqual([]);
  });
});
