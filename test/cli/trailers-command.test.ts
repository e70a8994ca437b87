import { describe, expect, it } from "vitest";
import { runTrailersCommand } from "../../src/cli/trailers-command.js";

describe("cost-value trailers", () => {
  it("prints one message's trailers as [[key, value], …]", () => {
    const out = runTrailersCommand(Buffer.from("T\n\nAgent-Cost: 1 USD\nKey: a\n  b\n"), {
      null: false,
    });
    expect(out).toBe('[["Agent-Cost","1 USD"],["Key","a b"]]\n');
  });

  it("prints [] for a message without trailers, including empty input", () => {
    expect(runTrailersCommand(Buffer.from("Just a title\n"), { null: false })).toBe("[]\n");
    expect(runTrailersCommand(Buffer.alloc(0), { null: false })).toBe("[]\n");
  });

  it("with --null prints one array per NUL-separated message, in order", () => {
    const input = Buffer.from("A\n\nX: 1\n\0B\n\0C\n\nY: 2\n\0");
    expect(runTrailersCommand(input, { null: true })).toBe('[["X","1"]]\n[]\n[["Y","2"]]\n');
    expect(runTrailersCommand(Buffer.from("A\n\nX: 1\0B\n\nY: 2"), { null: true })).toBe(
      '[["X","1"]]\n[["Y","2"]]\n',
    );
    expect(runTrailersCommand(Buffer.alloc(0), { null: true })).toBe("");
  });

  it("escapes values as JSON and survives invalid UTF-8", () => {
    const out = runTrailersCommand(Buffer.from('T\n\nKey: "quoted" \\ back\n'), { null: false });
    expect(JSON.parse(out)).toEqual([["Key", '"quoted" \\ back']]);
    const bad = Buffer.concat([
      Buffer.from("T\n\nKey: "),
      Buffer.from([0xff, 0xfe]),
      Buffer.from("\n"),
    ]);
    expect(JSON.parse(runTrailersCommand(bad, { null: false }))).toEqual([["Key", "\uFFFD\uFFFD"]]);
  });
});
