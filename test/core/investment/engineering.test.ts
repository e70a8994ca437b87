import { describe, expect, it } from "vitest";
import {
  engineeringLine,
  readEngineeringTrailers,
} from "../../../src/core/investment/engineering.js";
import { unitsToMicros } from "../../../src/core/investment/lines.js";
import { parseTrailers } from "../../../src/core/trailers.js";
import { fill, growthRatio, LINEAR_RATIO } from "../../helpers/linear-time.js";

const SHA = "1a2b3c4d5e6f";
const commit = (message: string, sha = SHA) => ({ sha, message });
const read = (...messages: string[]) =>
  readEngineeringTrailers({
    commits: messages.map((m, i) => commit(m, `${i}${SHA}`)),
    dayHours: 8,
  });

describe("readEngineeringTrailers", () => {
  it("sums `Engineering-Time` over the commits, keys in any case, several per commit", () => {
    const result = read(
      "Fix rounding\n\nEngineering-Time: 45m\n",
      "Add tests\n\nSigned-off-by: A <a@example.com>\nengineering-time: 1.5h\n",
      "Squashed\n\nENGINEERING-TIME: 1h\nEngineering-Time: 30m\n",
      "No trailer here\n",
    );
    expect(result).toEqual({ minutes: 45 + 90 + 90, commits: 3, problems: [] });
  });

  it("reads only what git reads: the trailer block, not a line in the body", () => {
    const body = "Fix\n\nEngineering-Time: 2h\nwas spent here, as I said.\n\nReviewed in person.\n";
    expect(parseTrailers(body)).toEqual([]);
    expect(read(body)).toEqual({ minutes: 0, commits: 0, problems: [] });
  });

  it("uses the trailers already parsed when given (one parse per commit)", () => {
    const result = readEngineeringTrailers({
      commits: [
        {
          sha: SHA,
          message: "ignored",
          trailers: [{ key: "Engineering-Time", value: "2h", line: 3 }],
        },
      ],
      dayHours: 8,
    });
    expect(result.minutes).toBe(120);
  });

  it("a day is `dayHours` long", () => {
    const result = readEngineeringTrailers({
      commits: [commit("Fix\n\nEngineering-Time: 1d\n")],
      dayHours: 6,
    });
    expect(result.minutes).toBe(360);
  });

  it("an unreadable value is a problem naming the commit, the line and the fix; it adds nothing", () => {
    const result = readEngineeringTrailers({
      commits: [commit("Fix\n\nEngineering-Time: soon\nEngineering-Time: 20m\n")],
      dayHours: 8,
    });
    expect(result).toEqual({
      minutes: 20,
      commits: 1,
      problems: [
        {
          code: "investment.invalid-engineering-time",
          severity: "warning",
          message: "`Engineering-Time` is not a duration: it does not start with a number",
          fix: "Write a duration such as `Engineering-Time: 45m` (`90m`, `1.5h`, `1h30m` and `2d` work too; a day is 8 h), at most 2,000 h",
          where: "commit 1a2b3c4 line 3",
          quote: "Engineering-Time: soon",
        },
      ],
    });
  });

  it("commits adding up past the limit are not used, with a problem", () => {
    const result = read("A\n\nEngineering-Time: 1500h\n", "B\n\nEngineering-Time: 1000h\n");
    expect(result.minutes).toBe(0);
    expect(result.commits).toBe(0);
    expect(result.problems.map((p) => p.code)).toEqual(["investment.engineering-time-over-limit"]);
    expect(result.problems[0]?.message).toContain("add up to 2,500 h");
  });

  it("caps the problems: a megabyte of bad trailers gives 50 and a count", () => {
    const message = `Fix\n\n${"Engineering-Time: soon\n".repeat(1_000)}`;
    const result = read(message);
    expect(result.problems).toHaveLength(51);
    expect(result.problems[50]?.message).toBe(
      "950 more `Engineering-Time` trailers could not be read.",
    );
  });

  it("is linear on 1 MB messages", () => {
    // git's trailer rules themselves (parseTrailers) are checked by test/security/adversarial
    for (const unit of ["Engineering-Time: 45m\n", "Engineering-Time: soon\n"]) {
      const make = (n: number) => `Fix\n\n${fill(unit, n)}`;
      const run = (message: string) => read(message);
      expect(growthRatio(make, run), unit).toBeLessThan(LINEAR_RATIO);
    }
  });
});

describe("engineeringLine: declared over estimated", () => {
  const settings = {
    engineering: { sessionGapMinutes: 120, firstCommitAllowanceMinutes: 30 },
    hourlyRateMicros: unitsToMicros(100),
    currency: "USD",
  };
  const commits = [
    { authoredAt: "2026-03-02T09:00:00Z" },
    { authoredAt: "2026-03-02T10:00:00Z" },
    { authoredAt: "2026-03-02T10:30:00Z" },
  ];
  const trailers = read("A\n\nEngineering-Time: 45m\n", "B\n\nEngineering-Time: 15m\n");
  const none = { minutes: 0, commits: 0, problems: [] };

  it("Effort: wins over the trailers and the estimate, and says what it set aside", () => {
    expect(engineeringLine({ effortMinutes: 360, trailers, commits, settings })).toEqual({
      kind: "engineering",
      basis: "declared",
      minutes: 360,
      amountMicros: unitsToMicros(600),
      currency: "USD",
      detail:
        "declared by the PR's `Effort:` line; the commits' `Engineering-Time` trailers (1 h) are not added: `Effort:` wins",
    });
    expect(engineeringLine({ effortMinutes: 360, trailers: none, commits, settings }).detail).toBe(
      "declared by the PR's `Effort:` line",
    );
  });

  it("the trailers' sum wins over the estimate; commits without one count 0", () => {
    expect(engineeringLine({ trailers, commits, settings })).toMatchObject({
      basis: "declared",
      minutes: 60,
      amountMicros: unitsToMicros(100),
      detail:
        "declared by `Engineering-Time:` trailers on 2 of 3 commits (the others count 0), summed; an `Effort:` line in the PR description would win over them",
    });
  });

  it("otherwise estimated from the commit times", () => {
    const line = engineeringLine({ trailers: none, commits, settings });
    expect(line).toMatchObject({ basis: "estimated", minutes: 30 + 60 + 30 });
    expect(line.detail).toMatch(/^estimated from the times of 3 commits in 1 session/);
  });

  it("a declared 0 is kept (agent-only work), not replaced by an estimate", () => {
    expect(engineeringLine({ effortMinutes: 0, trailers: none, commits, settings })).toMatchObject({
      basis: "declared",
      minutes: 0,
      amountMicros: 0n,
    });
  });

  it("without an hourly rate: hours, no money", () => {
    const line = engineeringLine({
      trailers: none,
      commits,
      settings: { ...settings, hourlyRateMicros: undefined },
    });
    expect(line.minutes).toBe(120);
    expect(line.amountMicros).toBeUndefined();
    expect(line.detail).toContain("not priced: set `investment.hourly-rate`");
  });
});
