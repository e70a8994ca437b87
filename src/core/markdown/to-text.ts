/**
 * The check's markdown (what `render.ts` writes for GitHub) as plain text for a terminal: no
 * backslash escapes (`\$8,000` → `$8,000`), no entities, no zero-width spaces (they break text
 * copied from a terminal), tables as aligned columns, headings and bold as text (or ANSI styles
 * when `color`). Pure.
 *
 * It reads only the markdown `render.ts` and `escape.ts` write: every piece of untrusted text in
 * it is escaped, so an unescaped `*`, `_`, `` ` `` or `|` is the renderer's own. Terminal control
 * characters (C0, DEL, C1: `ESC`, `CSI`) are dropped from the output, so no commit message can
 * move the cursor or recolour the terminal.
 */

export interface TextOptions {
  /** ANSI styles (bold, dim, cyan code). Only for a terminal, and not with NO_COLOR. */
  color: boolean;
}

const ZWSP = 0x200b;
const ENTITIES: Readonly<Record<string, string>> = { "&lt;": "<", "&gt;": ">", "&amp;": "&" };

const STYLE = {
  bold: ["\u001b[1m", "\u001b[22m"],
  italic: ["\u001b[2m", "\u001b[22m"],
  code: ["\u001b[36m", "\u001b[39m"],
  heading: ["\u001b[1;4m", "\u001b[22;24m"],
} as const;

/** ASCII punctuation: what a backslash escapes in CommonMark. */
function isAsciiPunctuation(c: number): boolean {
  return (
    (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)
  );
}

/** Control characters a terminal acts on (tab kept). */
function isTerminalControl(c: number): boolean {
  return (c < 0x20 && c !== 0x09) || (c >= 0x7f && c <= 0x9f);
}

function dropControls(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isTerminalControl(c) && c !== ZWSP) out += text[i];
  }
  return out;
}

/** The end of the backtick run starting at `i`. */
function runEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && text.charCodeAt(j) === 96) j++;
  return j;
}

/**
 * For each backtick run's start, the start of the next run of the same length (where a code span
 * opened there closes, as in CommonMark), found in one backwards pass: linear, whatever the runs.
 */
function closingRuns(text: string): Map<number, number> {
  const runs: { start: number; length: number }[] = [];
  for (let i = text.indexOf("`"); i !== -1; ) {
    const end = runEnd(text, i);
    runs.push({ start: i, length: end - i });
    i = text.indexOf("`", end);
  }
  const partner = new Map<number, number>();
  const nextByLength = new Map<number, number>();
  for (let k = runs.length - 1; k >= 0; k--) {
    const run = runs[k] as { start: number; length: number };
    const next = nextByLength.get(run.length);
    if (next !== undefined) partner.set(run.start, next);
    nextByLength.set(run.length, run.start);
  }
  return partner;
}

/** One line of inline markdown as text. */
export function inlineToText(text: string, options: TextOptions & { inTable?: boolean }): string {
  const style = (kind: keyof typeof STYLE, on: boolean): string =>
    options.color ? STYLE[kind][on ? 0 : 1] : "";
  const closing = closingRuns(text);
  let out = "";
  let bold = false;
  let italic = false;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 92 && i + 1 < text.length && isAsciiPunctuation(text.charCodeAt(i + 1))) {
      out += text[i + 1];
      i += 2;
    } else if (c === 96) {
      const end = runEnd(text, i);
      const close = closing.get(i) ?? -1;
      if (close === -1) {
        out += text.slice(i, end);
        i = end;
        continue;
      }
      let code = text.slice(end, close);
      if (code.length >= 2 && code.startsWith(" ") && code.endsWith(" ") && code.trim() !== "") {
        code = code.slice(1, -1);
      }
      code = dropControls(code);
      if (options.color) out += `${style("code", true)}${code}${style("code", false)}`;
      else if (options.inTable === true) out += code;
      else {
        const fence = "`".repeat(longestRun(code) + 1);
        const pad = code.startsWith("`") || code.endsWith("`") ? " " : "";
        out += `${fence}${pad}${code}${pad}${fence}`;
      }
      i = close + (end - i);
    } else if (c === 42 && text.charCodeAt(i + 1) === 42) {
      bold = !bold;
      out += style("bold", bold);
      i += 2;
    } else if (c === 95) {
      italic = !italic;
      out += style("italic", italic);
      i++;
    } else if (c === 38) {
      const entity = Object.keys(ENTITIES).find((e) => text.startsWith(e, i));
      out += entity === undefined ? "&" : ENTITIES[entity];
      i += entity === undefined ? 1 : entity.length;
    } else {
      if (!isTerminalControl(c) && c !== ZWSP) out += text[i];
      i++;
    }
  }
  if (bold) out += style("bold", false);
  if (italic) out += style("italic", false);
  return out;
}

function longestRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = text.charCodeAt(i) === 96 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/** The cells of a table row `| a | b |`: split at `|` outside escapes and code spans. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let start = 0;
  const body = line.trim();
  const closing = closingRuns(body);
  for (let i = 0; i < body.length; ) {
    const c = body.charCodeAt(i);
    if (c === 92) i += 2;
    else if (c === 96) {
      const end = runEnd(body, i);
      const close = closing.get(i) ?? -1;
      i = close === -1 ? end : close + (end - i);
    } else if (c === 124) {
      cells.push(body.slice(start, i));
      start = ++i;
    } else i++;
  }
  cells.push(body.slice(start));
  // the outer pipes leave an empty first and last cell
  if (cells[0]?.trim() === "") cells.shift();
  if (cells.at(-1)?.trim() === "") cells.pop();
  return cells.map((cell) => cell.trim());
}

const width = (text: string): number => [...text].length;

function tableToText(lines: readonly string[], options: TextOptions): string[] {
  const rows = lines.map(splitRow);
  const alignRow = rows[1] ?? [];
  const right = alignRow.map((cell) => cell.endsWith(":") && !cell.startsWith(":"));
  const body = [rows[0] ?? [], ...rows.slice(2)];
  const plain = body.map((row) =>
    row.map((cell) => inlineToText(cell, { color: false, inTable: true })),
  );
  const shown = body.map((row) =>
    row.map((cell) => inlineToText(cell, { ...options, inTable: true })),
  );
  const columns = Math.max(...plain.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, col) =>
    Math.max(...plain.map((row) => width(row[col] ?? ""))),
  );
  const format = (row: number): string =>
    widths
      .map((w, col) => {
        const text = shown[row]?.[col] ?? "";
        const pad = " ".repeat(w - width(plain[row]?.[col] ?? ""));
        return right[col] === true ? `${pad}${text}` : `${text}${pad}`;
      })
      .join("  ")
      .trimEnd();
  const out = [format(0), widths.map((w) => "─".repeat(w)).join("  ")];
  for (let row = 1; row < body.length; row++) out.push(format(row));
  if (options.color) out[0] = `${STYLE.bold[0]}${out[0]}${STYLE.bold[1]}`;
  return out;
}

const FENCE = /^( *)(`{3,})[A-Za-z0-9-]*$/;
const HEADING = /^(#{1,6}) (.*)$/;

/** The check's markdown as terminal text. */
export function markdownToText(markdown: string, options: TextOptions): string {
  const lines = markdown.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fence = line.length < 80 ? FENCE.exec(line) : null;
    if (fence !== null) {
      // a code block: its lines as they are, without the fences
      const length = (fence[2] as string).length;
      for (i++; i < lines.length; i++) {
        const inner = lines[i] as string;
        const trimmed = inner.trimStart();
        if (trimmed.length >= length && /^`+$/.test(trimmed)) break;
        out.push(dropControls(inner));
      }
      continue;
    }
    if (line.startsWith("|")) {
      const table: string[] = [];
      while (i < lines.length && (lines[i] as string).startsWith("|"))
        table.push(lines[i++] as string);
      i--;
      out.push(...tableToText(table, options));
      continue;
    }
    const heading = line.length < 300 ? HEADING.exec(line) : null;
    if (heading !== null) {
      const text = inlineToText(heading[2] as string, { color: false });
      out.push(
        options.color
          ? `${STYLE.heading[0]}${text}${STYLE.heading[1]}`
          : `${text}\n${"─".repeat(width(text))}`,
      );
      continue;
    }
    out.push(inlineToText(line, options));
  }
  return out.join("\n");
}
