/**
 * Rewrites the generated parts of docs/configuration.md from the config schema.
 * Run: `npm run docs:config`. A test fails when the file is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderConfigTable, renderDefaultConfigYaml } from "../src/config/describe-config.js";

export const CONFIG_DOC = fileURLToPath(new URL("../docs/configuration.md", import.meta.url));

export function replaceBlock(text: string, name: string, content: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- end:${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the file lacks the ${start} block`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

export function generateConfigDoc(current: string): string {
  let text = replaceBlock(current, "table", renderConfigTable());
  text = replaceBlock(text, "defaults", `\`\`\`yaml\n${renderDefaultConfigYaml()}\`\`\``);
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const next = generateConfigDoc(readFileSync(CONFIG_DOC, "utf8"));
  writeFileSync(CONFIG_DOC, next);
  console.log(`wrote ${CONFIG_DOC}`);
}
