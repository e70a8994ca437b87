import { describe, expect, it } from "vitest";
import { isInsideAny, parseSince } from "../../../src/core/agent-logs/entry-filters.js";
import { REPO, WORKTREE } from "./fixture-logs.js";

describe("isInsideAny and parseSince", () => {
  it("matches the directory and its subdirectories, not a sibling with the same prefix", () => {
    expect(isInsideAny(REPO, [REPO])).toBe(true);
    expect(isInsideAny(`${REPO}/src/app`, [`${REPO}/`])).toBe(true);
    expect(isInsideAny(`${REPO}-other`, [REPO])).toBe(false);
    expect(isInsideAny("/elsewhere", [REPO, WORKTREE])).toBe(false);
    expect(isInsideAny("C:\\work\\shop\\src", ["C:/work/shop"])).toBe(true);
  });

  it("reads ISO times and durations", () => {
    const now = Date.parse("2026-01-02T00:00:00Z");
    expect(parseSince("2h", now)).toEqual({ ok: true, ms: now - 7_200_000 });
    expect(parseSince("30m", now)).toEqual({ ok: true, ms: now - 1_800_000 });
    expect(parseSince("3d", now)).toEqual({ ok: true, ms: now - 3 * 86_400_000 });
    expect(parseSince("2026-01-01T09:00:00Z", now)).toEqual({
      ok: true,
      ms: Date.parse("2026-01-01T09:00:00Z"),
    });
    expect(parseSince("2026-01-01", now).ok).toBe(true);
    expect(parseSince("yesterday", now).ok).toBe(false);
    expect(parseSince("2h ago", now).ok).toBe(false);
  });
});
