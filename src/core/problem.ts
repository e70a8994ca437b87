/**
 * A problem found in untrusted input. Parsers return these instead of throwing: each one names
 * where the bad input is, quotes it, and says how to fix it.
 */
export type Severity = "error" | "warning";

export interface Problem {
  /** Stable machine code, e.g. `cost.malformed`, `value.missing-field`. */
  code: string;
  severity: Severity;
  /** What is wrong, in one sentence, for a person. */
  message: string;
  /** The exact fix, e.g. "Write `Agent-Cost: 4.20 USD`". */
  fix: string;
  /** Where: `commit 1a2b3c4 line 12`, `PR body line 5`, `issue #123 line 3`. */
  where?: string;
  /** The offending text, shortened (raw: the renderer escapes it). */
  quote?: string;
}

/** Shorten untrusted text quoted in a problem so one bad line cannot flood the output. */
export function quoteInput(text: string, max = 80): string {
  // cut before replacing: the text may be megabytes (line-break runs shorten, so keep 2× the room)
  const cut = text.length > 2 * max + 2;
  const oneLine = (cut ? text.slice(0, 2 * max + 2) : text).replace(/[\r\n]+/g, " ");
  if (oneLine.length > max) return `${oneLine.slice(0, max)}…`;
  return cut ? `${oneLine}…` : oneLine;
}
