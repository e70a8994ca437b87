/**
 * Every parser and renderer on 1 MB adversarial inputs (test/fixtures/adversarial/corpus.ts):
 * a well-formed result, and no catastrophic slowness. The time bound is loose on purpose (the
 * target, well under 100 ms, is measured by `npm run bench -- --only adversarial`): 2 s, or 100
 * times a linear pass over the same input on a loaded machine. A quadratic algorithm on 1 MB takes
 * minutes to hours, so the bound catches ReDoS without making the test depend on the machine.
 *
 * The two costliest families (the markdown helpers: 7 functions per input; the whole render) take
 * the generic shapes in alternation here, each shape going to one of them; the bench runs all.
 */
import { describe, expect, it } from "vitest";
import {
  GENERIC,
  inputsFor,
  linearBaseline,
  MB,
  SPECIFIC,
  TARGETS,
} from "../fixtures/adversarial/corpus.js";

function looseBoundMs(input: string): number {
  const started = performance.now();
  linearBaseline(input);
  return Math.max(2_000, 100 * (performance.now() - started));
}

function testInputs(target: string) {
  if (target !== "markdown" && target !== "render") return inputsFor(target);
  const parity = target === "markdown" ? 0 : 1;
  return [...GENERIC.filter((_, i) => i % 2 === parity), ...(SPECIFIC[target] ?? [])];
}

for (const [target, run] of Object.entries(TARGETS)) {
  describe(target, () => {
    it.each(testInputs(target).map((input) => [input.name, input] as const))(
      "%s",
      (_name, input) => {
        const text = input.make();
        const bound = looseBoundMs(text);
        const started = performance.now();
        run(text); // throws when the result is malformed
        const elapsed = performance.now() - started;
        expect(elapsed).toBeLessThan(bound);
      },
    );
  });
}

it("the corpus is deterministic and every parser gets its own shapes", () => {
  for (const target of Object.keys(TARGETS)) {
    for (const input of inputsFor(target)) {
      const text = input.make();
      expect(input.make()).toBe(text);
      // 1 MB each; config shapes may be smaller (a config file is refused above 64 KiB)
      if (!(SPECIFIC.config ?? []).includes(input))
        expect(text.length, input.name).toBeGreaterThan(0.95 * MB);
    }
  }
  // the alternation above gives every generic shape to markdown or render
  expect(testInputs("markdown").length + testInputs("render").length).toBe(
    GENERIC.length + (SPECIFIC.markdown?.length ?? 0) + (SPECIFIC.render?.length ?? 0),
  );
  expect(Object.keys(TARGETS).sort()).toEqual(
    [
      "agents",
      "command",
      "config",
      "cost",
      "investment",
      "issue-ref",
      "markdown",
      "milestone",
      "money",
      "render",
      "tokens",
      "trailers",
      "usage",
      "value",
    ].sort(),
  );
});
