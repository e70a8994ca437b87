/** The README's first screens: the commands a newcomer runs, and a short start for each role. */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The text of a `## ` section, up to the next `## ` heading. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README has no "## ${heading}"`).toBeGreaterThan(-1);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replaceAll(" ", "-");

describe("README", () => {
  it('"The two commands" lists exactly two', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(section("The two commands"))?.[1] ?? "";
    const commands = block.split("\n").filter((line) => line.trim() !== "");
    expect(commands.map((line) => line.split("#")[0]?.trim())).toEqual(["npm ci", "npm start"]);
  });

  it("starts each role in a few lines, linking docs that exist", () => {
    const start = section("Start here");
    const anchors = new Set(
      [...readme.matchAll(/^#{2,4} (.+)$/gm)].map((m) => slug(m[1] as string)),
    );
    for (const role of ["Reviewer", "Engineer", "Manager", "Operator"]) {
      const paragraph = start.split("\n\n").find((p) => p.startsWith(`**${role}:`));
      expect(paragraph, `no start for the ${role.toLowerCase()}`).toBeDefined();
      expect((paragraph as string).split("\n").length).toBeLessThanOrEqual(6);
      const links = [...(paragraph as string).matchAll(/\]\(([^)]+)\)/g)].map(
        (m) => m[1] as string,
      );
      // on failure: the role's links, none of them into docs/
      expect(
        links.filter((l) => l.startsWith("docs/")),
        `${role}: no link to docs/ among ${links.join(", ")}`,
      ).not.toEqual([]);
      for (const link of links) {
        if (link.startsWith("#")) expect(anchors, link).toContain(link.slice(1));
      }
      // on failure: the links whose file is missing, by name
      const missing = links.filter(
        (l) => !l.startsWith("#") && !existsSync(new URL(`../../${l}`, import.meta.url)),
      );
      expect(missing, `${role}: links to missing files`).toEqual([]);
    }
  });
});
