/**
 * `adversarial`: every parser and renderer on the 1 MB adversarial corpus
 * (test/fixtures/adversarial/corpus.ts). Per parser family: the worst time over its inputs on the
 * first call (cold) and as a median of repeats, against the 100 ms target; the worst median as a
 * multiple of a linear pass over the same input (machine-independent); and how many inputs were
 * tried. `--quick` (CI): each parser's own shapes (at most 3) and 2 generic ones, still 1 MB each,
 * with 1 repeat instead of 5; the full run tries every input of the corpus.
 */
import {
  GENERIC,
  inputsFor,
  linearBaseline,
  SPECIFIC,
  TARGETS,
} from "../../test/fixtures/adversarial/corpus.js";
import { type BenchContext, median, time } from "./common.js";

const TARGET_MS = 100;

export async function run(ctx: BenchContext): Promise<void> {
  const repeats = ctx.quick ? 1 : 5;
  const QUICK_GENERIC = new Set(['run "\\n"', "backtick runs of every length"]);
  const quickInputs = (target: string) => [
    ...GENERIC.filter((g) => QUICK_GENERIC.has(g.name)),
    ...(SPECIFIC[target] ?? []).slice(0, 3),
  ];
  if (GENERIC.filter((g) => QUICK_GENERIC.has(g.name)).length !== QUICK_GENERIC.size)
    throw new Error("adversarial bench: a quick input was renamed in the corpus");
  let tried = 0;
  let over = 0;
  let worstOverall = { ms: 0, what: "" };
  for (const [target, parse] of Object.entries(TARGETS)) {
    let worstFirst = { ms: 0, input: "" };
    let worstMedian = { ms: 0, input: "", ratio: 0 };
    const inputs = ctx.quick ? quickInputs(target) : inputsFor(target);
    for (const input of inputs) {
      const text = input.make();
      tried++;
      const first = time(() => parse(text));
      const times = [first];
      for (let r = 0; r < repeats; r++) times.push(time(() => parse(text)));
      const typical = median(times);
      const baseline = median([0, 1, 2].map(() => time(() => linearBaseline(text))));
      if (first > worstFirst.ms) worstFirst = { ms: first, input: input.name };
      if (typical > worstMedian.ms)
        worstMedian = { ms: typical, input: input.name, ratio: typical / baseline };
      if (typical > TARGET_MS) over++;
      if (typical > worstOverall.ms)
        worstOverall = { ms: typical, what: `${target}: ${input.name}` };
    }
    ctx.log(
      `adversarial ${target}: ${inputs.length} inputs, worst median ${worstMedian.ms.toFixed(1)} ms (${worstMedian.input})`,
    );
    ctx.record({
      name: `${target}: worst first call on 1 MB`,
      value: round(worstFirst.ms),
      unit: "ms",
      note: `${worstFirst.input}; target ${TARGET_MS} ms`,
    });
    ctx.record({
      name: `${target}: worst median on 1 MB`,
      value: round(worstMedian.ms),
      unit: "ms",
      note: `${worstMedian.input}; ${inputs.length} inputs; target ${TARGET_MS} ms`,
    });
    ctx.record({
      name: `${target}: worst median / linear pass`,
      value: round(worstMedian.ratio),
      unit: "×",
      note: "the same input scanned once char by char, measured in the same run",
    });
  }
  ctx.record({ name: "adversarial inputs tried", value: tried, unit: "inputs" });
  ctx.record({
    name: "inputs over the 100 ms target (median)",
    value: over,
    unit: "inputs",
    note: over > 0 ? `worst: ${worstOverall.what}` : "",
  });
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
