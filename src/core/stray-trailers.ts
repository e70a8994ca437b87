/**
 * Cost trailers git does not read. `Agent-Cost: 4.20 USD` written above a blank line, or with prose
 * after it, is not in the message's trailer block, so git (and cost-value, which reads trailers
 * exactly as git does) ignores it. This finds such lines so the check can say why the cost was not
 * read and how to fix it. It never changes what counts as a trailer: `findTrailerBlock` (git's
 * rules) decides; this only looks at the lines outside that block.
 *
 * Linear in the message's length; no regular expressions over untrusted text.
 */
import type { Config } from "../config/schema.js";
import { type CostTrailerKey, costTrailerKey } from "./cost/keys.js";
import { type Problem, quoteInput } from "./problem.js";
import { findTrailerBlock } from "./trailers.js";

/** Keys that record cost (`Agent:` alone is left out: `AI: …` is common prose). */
const RECORDING_KEYS: ReadonlySet<CostTrailerKey> = new Set([
  "Agent-Cost",
  "Agent-Usage",
  "Agent-Tokens",
  "Agent-Model",
]);

interface Line {
  start: number;
  /** Offset of the line's end (its newline, or the end of the message). */
  end: number;
  /** 1-based. */
  number: number;
  blank: boolean;
}

/** A line of only whitespace (what `trim()` removes); no string made for the common cases. */
function isBlankLine(message: string, start: number, end: number): boolean {
  if (start === end) return true;
  const c = message.charCodeAt(start);
  if (c > 32 && c < 127) return false; // printable ASCII: not whitespace
  return message.slice(start, end).trim() === "";
}

function splitLines(message: string): Line[] {
  const lines: Line[] = [];
  let number = 1;
  for (let start = 0; start <= message.length; number++) {
    const nl = message.indexOf("\n", start);
    const end = nl === -1 ? message.length : nl;
    if (nl === -1 && start === message.length) break;
    lines.push({ start, end, number, blank: isBlankLine(message, start, end) });
    start = end + 1;
  }
  return lines;
}

/** The key of a `token: value` line starting in column 0 (git's token: `[A-Za-z0-9-]+`). */
function lineKey(message: string, line: Line): string | undefined {
  let i = line.start;
  while (i < line.end) {
    const c = message.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!alnum && c !== 45) break;
    i++;
  }
  if (i === line.start) return undefined;
  const key = message.slice(line.start, i);
  while (i < line.end && (message[i] === " " || message[i] === "\t")) i++;
  return message[i] === ":" ? key : undefined;
}

/**
 * One problem for the commit when it has cost trailers git does not read (the first one is
 * quoted, the others counted), else undefined.
 */
export function findStrayCostTrailers(params: {
  message: string;
  sha: string;
  aliases?: Config["trailers"]["aliases"];
}): Problem | undefined {
  const { message, sha } = params;
  const nul = message.indexOf("\0");
  const text = nul === -1 ? message : message.slice(0, nul); // git stops at a NUL, like trailers.ts
  // most messages have no cost trailer outside the block: look for one line by line before
  // making an object per line (a 1 MB message of newlines is a million lines)
  if (!hasCostTrailerLine(text, params.aliases)) return undefined;
  const lines = splitLines(text);
  const candidates: { line: Line; index: number }[] = [];
  lines.forEach((line, index) => {
    if (index === 0 || line.blank) return; // the subject line is never a trailer
    if (isCostTrailerLine(text, line, params.aliases)) candidates.push({ line, index });
  });
  if (candidates.length === 0) return undefined; // most messages: no second look at the block
  const block = findTrailerBlock(text);
  const stray = candidates.filter(
    ({ line }) => !(block.start < block.end && line.start >= block.start && line.start < block.end),
  );
  const first = stray[0];
  if (first === undefined) return undefined;

  const shortSha = sha.slice(0, 7);
  const quoted = text.slice(first.line.start, first.line.end);
  const key = lineKey(text, first.line) ?? "Agent-Cost";
  const why = strayReason(text, lines, first.index, block);
  const more = stray.length > 1 ? ` (and ${stray.length - 1} more cost trailer lines)` : "";
  return {
    code: "cost.stray-trailer",
    severity: "warning",
    message: `\`${quoteInput(key, 40)}\` is not in the commit's trailer block, so git does not read it and its cost is not counted${more}: ${why}.`,
    fix: `Move it into the message's last paragraph, with the other trailers and no blank line or text between them or after them (\`git commit --amend\`, or \`git rebase -i\` for an older commit).`,
    where: `commit ${shortSha} line ${first.line.number}`,
    quote: quoteInput(quoted, 200),
  };
}

function isCostTrailerLine(
  text: string,
  line: Line,
  aliases: Config["trailers"]["aliases"] | undefined,
): boolean {
  const key = lineKey(text, line);
  if (key === undefined) return false;
  const known = costTrailerKey(key, aliases);
  return known !== undefined && RECORDING_KEYS.has(known);
}

/** Whether any line after the subject is a `token: value` line of a cost trailer key. */
function hasCostTrailerLine(text: string, aliases: Config["trailers"]["aliases"] | undefined) {
  let start = text.indexOf("\n");
  if (start === -1) return false;
  start++;
  for (let number = 2; start < text.length; number++) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    // a key starts in column 0 with [A-Za-z0-9]: skip other lines without looking further
    const c = text.charCodeAt(start);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (alnum && isCostTrailerLine(text, { start, end, number, blank: false }, aliases))
      return true;
    start = end + 1;
  }
  return false;
}

/** Why git does not read the line at `index` as a trailer. */
function strayReason(
  text: string,
  lines: readonly Line[],
  index: number,
  block: { start: number; end: number },
): string {
  // the paragraph holding the line: from the first line after a blank line to the next blank
  let first = index;
  while (first > 0 && !(lines[first - 1] as Line).blank) first--;
  let last = index;
  while (last + 1 < lines.length && !(lines[last + 1] as Line).blank) last++;
  if (first === 0) return "it is in the message's first paragraph (the title), which is never read";
  const next = lines.slice(last + 1).find((l) => !l.blank && !text.startsWith("#", l.start));
  if (next === undefined) {
    const prose = lines
      .slice(first, last + 1)
      .find((l) => lineKey(text, l) === undefined && !/^\s/.test(text.slice(l.start, l.end)));
    return prose === undefined
      ? "its paragraph is not read as trailers"
      : `its paragraph also has text that is not a trailer (line ${prose.number}), and git reads a paragraph as trailers only when all its lines are`;
  }
  if (block.start < block.end && next.start >= block.start) {
    return `a blank line (line ${next.number - 1}) separates it from the trailer block below, and git reads only the last paragraph`;
  }
  return `text follows it (line ${next.number}), and git reads trailers only from the message's last paragraph`;
}
