/** Figure 5: the trailer parser's speed on the real corpus, against `git interpret-trailers` per message, and on 1 MB adversarial messages. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTrailers } from "../../src/core/trailers.js";
import { type BenchContext, median, time } from "./common.js";

function loadCorpus(): string[] {
  const dir = join(import.meta.dirname, "..", "..", "test", "fixtures", "corpus");
  const messages: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".commits"))) {
    const fields = readFileSync(join(dir, file), "utf8").split("\0");
    for (let i = 1; i < fields.length; i += 2) messages.push(fields[i] ?? "");
  }
  return messages;
}

export async function run(ctx: BenchContext): Promise<void> {
  const { quick, record } = ctx;
  const corpus = loadCorpus();
  const bytes = corpus.reduce((n, m) => n + Buffer.byteLength(m), 0);
  const mb = bytes / 1e6;
  const rounds = quick ? 3 : 15;

  // baseline: a scan of the same bytes for newlines (memory speed of this machine)
  const joined = Buffer.from(corpus.join("\n"));
  const baseline = median(
    Array.from({ length: rounds }, () =>
      time(() => {
        let n = 0;
        for (let i = joined.indexOf(10); i !== -1; i = joined.indexOf(10, i + 1)) n++;
        if (n < 0) throw new Error("unreachable");
      }),
    ),
  );
  let trailers = 0;
  const parse = median(
    Array.from({ length: rounds }, () =>
      time(() => {
        trailers = 0;
        for (const m of corpus) trailers += parseTrailers(m).length;
      }),
    ),
  );
  record({
    name: "corpus messages",
    value: corpus.length,
    unit: "messages",
    note: `${mb.toFixed(2)} MB, ${trailers} trailers`,
  });
  record({
    name: "trailer parsing, corpus",
    value: mb / (parse / 1000),
    unit: "MB/s",
    note: `median of ${rounds}; target ≥ 20 MB/s`,
  });
  record({
    name: "trailer parsing vs newline scan",
    value: parse / baseline,
    unit: "× baseline",
    note: "machine-independent ratio",
  });

  // the naive way: one git process per message
  const home = mkdtempSync(join(tmpdir(), "cv-bench-git-"));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    LC_ALL: "C",
  };
  let gitAvailable = true;
  try {
    execFileSync("git", ["--version"], { env, cwd: home });
  } catch {
    gitAvailable = false;
  }
  if (gitAvailable) {
    const sample = corpus.slice(0, quick ? 30 : 300);
    const gitMs = time(() => {
      for (const m of sample) {
        spawnSync("git", ["interpret-trailers", "--parse", "--no-divider"], {
          input: m,
          env,
          cwd: home,
        });
      }
    });
    const perMessageGit = gitMs / sample.length;
    const perMessageOurs = parse / corpus.length;
    record({
      name: "git interpret-trailers per message",
      value: perMessageGit,
      unit: "ms",
      note: `${sample.length} messages`,
    });
    record({
      name: "parser speed-up over git per message",
      value: perMessageGit / perMessageOurs,
      unit: "×",
    });
  } else {
    record({
      name: "git interpret-trailers per message",
      value: Number.NaN,
      unit: "ms",
      note: "git not found",
    });
  }

  // 1 MB adversarial messages: first call (cold code paths for that shape) and median
  const size = quick ? 256 * 1024 : 1024 * 1024;
  const flat = (s: string): string => Buffer.from(s).toString();
  const shapes: Record<string, string> = {
    "one 1 MB token": flat(`T\n\n${"a".repeat(size)}: v`),
    "95k trailers": flat(`T\n\n${"Key: value\n".repeat(size / 11)}`),
    "350k continuation lines": flat(`T\n\nKey: v\n${" x\n".repeat(size / 3)}`),
    "1M blank lines": flat(`T\n\nA: b${"\n".repeat(size)}`),
    "token then 1 MB of spaces": flat(`T\n\nKey${" ".repeat(size)}x`),
    "sign-off and prose mix": flat(`T\n\n${"Signed-off-by: x\nprose\n".repeat(size / 23)}`),
  };
  let worst = 0;
  for (const [name, message] of Object.entries(shapes)) {
    const first = time(() => parseTrailers(message));
    const warm = median(
      Array.from({ length: quick ? 3 : 7 }, () => time(() => parseTrailers(message))),
    );
    worst = Math.max(worst, first);
    record({
      name: `${(size / 1048576).toFixed(2)} MB: ${name}`,
      value: warm,
      unit: "ms",
      note: `first call ${first.toFixed(1)} ms`,
    });
  }
  record({
    name: "adversarial worst first call",
    value: worst,
    unit: "ms",
    note: "target: well under 100 ms",
  });
}
