/**
 * `npm run bench`: measured figures, printed as a table (and as JSON with `--json FILE`).
 * `--quick` uses small sizes so CI can run it (it must never rot); `--only a,b` runs some sections.
 * Each section lives in scripts/bench/<name>.ts; see docs/performance.md for a full run.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { run as adversarial } from "./bench/adversarial.js";
import { run as apiCalls } from "./bench/api-calls.js";
import { run as burst } from "./bench/burst.js";
import type { BenchSection, Figure } from "./bench/common.js";
import { run as memory } from "./bench/memory.js";
import { run as overhead } from "./bench/overhead.js";
import { run as rollupScale } from "./bench/rollup-scale.js";
import { run as startup } from "./bench/startup.js";
import { run as throughput } from "./bench/throughput.js";
import { run as trailers } from "./bench/trailers.js";

/** In the order they run (and print). */
const SECTIONS: Record<string, BenchSection> = {
  trailers,
  "api-calls": apiCalls,
  throughput,
  burst,
  "rollup-scale": rollupScale,
  overhead,
  startup,
  memory,
  adversarial,
};

const USAGE = `usage: npm run bench -- [--quick] [--only SECTION,...] [--json FILE]
  --quick   small sizes (what CI runs; figures are not comparable to a full run)
  --only    run some sections: ${Object.keys(SECTIONS).join(", ")}
  --json    also write the figures to FILE as JSON`;

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        quick: { type: "boolean", default: false },
        json: { type: "string" },
        only: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exit(2);
  }
}
const args = parseCommandLine();
if (args.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const quick = args.quick === true;
const only = args.only?.split(",").map((s) => s.trim());
for (const name of only ?? []) {
  if (!(name in SECTIONS)) {
    console.error(`--only: no section "${name}"; sections: ${Object.keys(SECTIONS).join(", ")}`);
    process.exit(2);
  }
}

function machineDatabaseUrl(): string | undefined {
  const explicit = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (explicit) return explicit;
  try {
    execFileSync("pg_isready", ["-h", "127.0.0.1", "-p", "5432", "-q"], { stdio: "ignore" });
    return "postgres://postgres@127.0.0.1:5432/postgres";
  } catch {
    return undefined;
  }
}

const figures: Figure[] = [];
const databaseUrl = machineDatabaseUrl();
for (const [section, run] of Object.entries(SECTIONS)) {
  if (only !== undefined && !only.includes(section)) continue;
  console.error(`bench: ${section}…`);
  await run({
    quick,
    databaseUrl,
    record: (f) => figures.push({ section, ...f }),
    log: (m) => console.error(`  ${section}: ${m}`),
  });
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`cost-value bench${quick ? " (quick)" : ""} on ${machine}\n`);
const width = Math.max(...figures.map((f) => f.name.length));
let current: string | undefined;
for (const f of figures) {
  if (f.section !== current) {
    current = f.section;
    console.log(`\n[${current}]`);
  }
  const value = Number.isNaN(f.value)
    ? "n/a"
    : Math.abs(f.value) >= 100
      ? f.value.toFixed(0)
      : f.value.toFixed(2);
  console.log(
    `${f.name.padEnd(width)}  ${value.padStart(10)} ${f.unit}${f.note ? `  (${f.note})` : ""}`,
  );
}
if (args.json !== undefined) {
  writeFileSync(
    args.json,
    `${JSON.stringify({ machine, quick, at: new Date().toISOString(), figures }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${args.json}`);
}
