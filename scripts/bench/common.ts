/**
 * What every benchmark section shares: the figure type, the context a section runs in, and small
 * statistics. A section is a module `scripts/bench/<name>.ts` exporting `run(ctx)`.
 */
export interface Figure {
  /** Which section (e.g. "api-calls", "rollup-scale"); filled in by the runner when left out. */
  section?: string;
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export interface BenchContext {
  /** Small sizes, whole run under a minute (CI). */
  quick: boolean;
  /** PostgreSQL for sections that need a real server (`BENCH_DATABASE_URL`, else DATABASE_URL, else the machine's 127.0.0.1:5432 when reachable); undefined: none. */
  databaseUrl: string | undefined;
  record(figure: Figure): void;
  /** Progress lines (stderr), so the table on stdout stays clean. */
  log(message: string): void;
}

export type BenchSection = (ctx: BenchContext) => Promise<void>;

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100) of a sample. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1] ?? Number.NaN;
}

export function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
