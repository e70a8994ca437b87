#!/usr/bin/env node
// Runs the compiled CLI (dist/ is built by `npm ci`/`npm install` through the prepare script).
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/bin.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "cost-value: dist/ is missing; run `npm run build` (npm ci builds it unless --ignore-scripts)\n",
  );
  process.exit(2);
}
await import(entry.href);
