import { describe, expect, it } from "vitest";
import {
  CHECK_RUN_OUTPUT_LIMIT_BYTES,
  CHECK_RUN_TITLE_LIMIT_CHARS,
  COMMENT_BODY_LIMIT_BYTES,
} from "../../src/core/github-limits.js";

describe("GitHub limits", () => {
  it("keeps the app's margins exactly, under what GitHub accepts", () => {
    expect(CHECK_RUN_OUTPUT_LIMIT_BYTES).toBe(65_000);
    expect(CHECK_RUN_OUTPUT_LIMIT_BYTES).toBeLessThan(65_535);
    expect(COMMENT_BODY_LIMIT_BYTES).toBe(65_000);
    expect(COMMENT_BODY_LIMIT_BYTES).toBeLessThan(65_536);
    expect(CHECK_RUN_TITLE_LIMIT_CHARS).toBe(200);
  });
});
