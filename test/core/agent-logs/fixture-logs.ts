/** The agent-log fixtures (test/fixtures/agent-logs) read line by line, shared by the agent-logs tests. */
import { readFileSync } from "node:fs";
import { dedupeEntries, parseClaudeLine } from "../../../src/core/agent-logs/claude.js";
import {
  type CodexEvent,
  codexEntries,
  parseCodexLine,
} from "../../../src/core/agent-logs/codex.js";
import type { UsageEntry } from "../../../src/core/agent-logs/log-line.js";
import { summarizeUsage } from "../../../src/core/agent-logs/summary.js";

const FIXTURES = new URL("../../fixtures/agent-logs/", import.meta.url);
export const REPO = "/home/dev/shop";
export const WORKTREE = "/home/dev/shop-wt";
export const CUTOFF = Date.parse("2026-01-01T00:00:00Z");

function fixtureLines(path: string): string[] {
  return readFileSync(new URL(path, FIXTURES), "utf8")
    .replaceAll("__REPO__", REPO)
    .replaceAll("__WORKTREE__", WORKTREE)
    .split("\n");
}

const CLAUDE_FILES = [
  "claude-1/projects/-REPO/session-a.jsonl",
  "claude-2/projects/-REPO-wt/session-b.jsonl",
  "claude-2/projects/-REPO-other/session-c.jsonl",
];
const CODEX_FILES = [
  "codex/sessions/2026/01/01/rollout-2025-12-31T23-50-00-sess-x1.jsonl",
  "codex/sessions/2026/01/01/rollout-2026-01-01T00-30-00-sess-x2.jsonl",
];

export function readClaude(): { entries: UsageEntry[]; skipped: number; ignored: number } {
  const entries: UsageEntry[] = [];
  let skipped = 0;
  let ignored = 0;
  for (const file of CLAUDE_FILES) {
    for (const line of fixtureLines(file)) {
      const r = parseClaudeLine(line);
      if (r.kind === "entry") entries.push(r.value);
      else if (r.kind === "skipped") skipped++;
      else ignored++;
    }
  }
  return { entries, skipped, ignored };
}

export function readCodex(): { events: CodexEvent[][]; skipped: number } {
  let skipped = 0;
  const events = CODEX_FILES.map((file) =>
    fixtureLines(file).flatMap((line) => {
      const r = parseCodexLine(line);
      if (r.kind === "skipped") skipped++;
      return r.kind === "entry" ? [r.value] : [];
    }),
  );
  return { events, skipped };
}

export const assistant = (usage: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: "assistant",
    timestamp: "2026-01-01T00:10:00Z",
    cwd: REPO,
    sessionId: "s",
    requestId: "r",
    message: { id: "m", model: "claude-sonnet-4-5-20250929", usage },
    ...extra,
  });

export function fixtureSummary(agents: "all" | "claude-code" = "all") {
  const claude = dedupeEntries(readClaude().entries).entries;
  const codex = codexEntries(readCodex().events.map((e) => ({ events: e })));
  return summarizeUsage({
    entries: agents === "all" ? [...claude, ...codex] : claude,
    cutoffMs: CUTOFF,
    roots: [REPO, WORKTREE],
    currency: "USD",
    overrides: {},
  });
}
