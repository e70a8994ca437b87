/**
 * Linear-time checks without a wall-clock threshold: the time per call on a 1 MB input divided by
 * the time per call on a 100 KB one. Linear work gives about 10 (13 measured for `indexOf`: caches
 * make large inputs a little slower), quadratic work about 100 (260 measured); the tests require
 * under `LINEAR_RATIO`. Each side is timed over a loop of at least `minMs` (so timer resolution
 * does not matter) and the best of five interleaved trials is kept (so a busy machine does not
 * either).
 */

/** The most a 10× larger input may cost, as a multiple: linear is about 10, quadratic 100. */
export const LINEAR_RATIO = 25;

/** Time per call over a loop of at least `minMs`. */
function perCallMs(run: () => void, minMs: number): number {
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    run();
    calls++;
    elapsed = performance.now() - started;
  } while (elapsed < minMs);
  return elapsed / calls;
}

/** How much slower `run` is on 1,000,000 characters than on 100,000 (about 10 when linear). */
export function growthRatio(
  make: (size: number) => string,
  run: (input: string) => unknown,
  minMs = 20,
): number {
  const small = make(100_000);
  const large = make(1_000_000);
  run(small); // warm up
  // the best of five trials each, interleaved, so a busy moment of the machine hits both sides
  let bestLarge = Number.POSITIVE_INFINITY;
  let bestSmall = Number.POSITIVE_INFINITY;
  for (let trial = 0; trial < 5; trial++) {
    bestLarge = Math.min(
      bestLarge,
      perCallMs(() => run(large), minMs),
    );
    bestSmall = Math.min(
      bestSmall,
      perCallMs(() => run(small), minMs),
    );
  }
  return bestLarge / bestSmall;
}

/** `unit` repeated to exactly `size` characters. */
export function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}
