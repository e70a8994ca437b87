/**
 * Which agent-log entries count: the `--since` cut-off and the working-directory roots (the
 * repository and its worktrees). Plain comparisons, no file system access.
 */

function normalizePath(path: string): string {
  let p = path.replaceAll("\\", "/");
  while (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

/** `path` is one of `roots` or inside one (plain path comparison, no file system access). */
export function isInsideAny(path: string, roots: readonly string[]): boolean {
  const p = normalizePath(path);
  return roots.some((root) => {
    const r = normalizePath(root);
    if (r === "") return false;
    return p === r || p.startsWith(r === "/" ? "/" : `${r}/`);
  });
}

export type SinceResult = { ok: true; ms: number } | { ok: false; reason: string };

const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** `--since`: an ISO time (`2026-01-31T09:00:00Z`, `2026-01-31`) or a duration before `nowMs`. */
export function parseSince(text: string, nowMs: number): SinceResult {
  const s = text.trim();
  const duration = /^(\d{1,6})\s*([smhdw])$/i.exec(s);
  if (duration !== null) {
    const unit = DURATION_UNITS[(duration[2] as string).toLowerCase()] as number;
    return { ok: true, ms: nowMs - Number(duration[1]) * unit };
  }
  if (/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return { ok: true, ms };
  }
  return {
    ok: false,
    reason: `--since "${s.slice(0, 40)}" is neither an ISO time (2026-01-31T09:00:00Z) nor a duration (30m, 2h, 3d, 1w)`,
  };
}
