/**
 * Escaping untrusted text for GitHub-flavoured markdown (check-run output, issue comments).
 *
 * Library choice: `markdown-escape` and mdast's serializer escape markdown syntax but know nothing of
 * GitHub's own extensions: `@mentions` that ping people, `#123` / `owner/repo#123` / issue URLs
 * that create back-links in other repositories, and HTML comments that can hide text or forge our
 * markers. So this small module does all of it in one linear pass, character by character.
 *
 * Rules (https://github.github.com/gfm/#backslash-escapes and GitHub's autolink behaviour):
 * - punctuation that markdown gives meaning to is backslash-escaped: emphasis, code, links, math,
 *   strikethrough and table pipes everywhere; list, heading and rule markers at the start;
 * - `<`, `>` and `&` become entities, so no HTML (and no `<!-- -->` marker) can be formed;
 * - `|` is escaped so a table cell cannot be broken; line breaks become spaces in inline text;
 * - `@`, `#` and `://` get a zero-width space inserted after them, which breaks mentions, issue
 *   references and autolinks while reading the same to a person.
 */

const ZWSP = "\u200B";

/**
 * Punctuation that has meaning anywhere in a line. (`(`, `)` and `!` only matter next to `[` and
 * `]`, which are escaped; `-`, `+`, `=` and `.` only at the start of a line: see `LINE_START`.)
 */
const BACKSLASH_ESCAPED = new Set(["\\", "`", "*", "_", "[", "]", "|", "~", "$"]);

/** Characters that start a block (list, heading underline, thematic break) at a line's start. */
const LINE_START = new Set(["-", "+", "="]);

/** Characters that are never useful in rendered output and can hide or reorder text. */
function isInvisibleControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    code === 0x7f ||
    (code >= 0x202a && code <= 0x202e) || // bidi embeddings/overrides
    (code >= 0x2066 && code <= 0x2069) // bidi isolates
  );
}

/**
 * Escape untrusted text for use inline (a table cell, a sentence, a title). Line breaks become
 * spaces. The result renders as the literal input.
 */
export function escapeInline(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const code = c.charCodeAt(0);
    if (c === "\n" || c === "\r") {
      if (!out.endsWith(" ")) out += " ";
    } else if (c === "\t") {
      out += " ";
    } else if (isInvisibleControl(code)) {
      // dropped: invisible, or reorders text (Trojan Source)
    } else if (c === "<") {
      out += "&lt;";
    } else if (c === ">") {
      out += "&gt;";
    } else if (c === "&") {
      out += "&amp;";
    } else if (c === "@" || c === "#") {
      out += `${c}${ZWSP}`;
    } else if (c === ":" && text[i + 1] === "/" && text[i + 2] === "/") {
      out += `:${ZWSP}`;
    } else if (BACKSLASH_ESCAPED.has(c)) {
      out += `\\${c}`;
    } else if (LINE_START.has(c) && /^ {0,3}$/.test(out)) {
      out += `\\${c}`;
    } else if ((c === "." || c === ")") && /^ {0,3}[0-9]{1,9}$/.test(out)) {
      // "1." or "1)" at the start of a line would open an ordered list
      out += `\\${c}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Escape and shorten: at most `max` characters of input, with `…` when cut. */
export function escapeShort(text: string, max = 80): string {
  const chars = Array.from(text);
  const cut = chars.length > max ? `${chars.slice(0, max).join("")}…` : text;
  return escapeInline(cut);
}

/**
 * Untrusted text as inline code: a span whose backtick fence is longer than any run inside.
 * `|` cannot be escaped inside code spans except as `\|` in tables, so it is replaced by `¦`.
 */
export function inlineCode(text: string, options: { inTable?: boolean } = {}): string {
  let clean = "";
  let longestRun = 0;
  let run = 0;
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (c === "\n" || c === "\r" || c === "\t") {
      clean += " ";
      run = 0;
      continue;
    }
    if (isInvisibleControl(code)) continue;
    if (c === "`") {
      run++;
      if (run > longestRun) longestRun = run;
    } else {
      run = 0;
    }
    clean += options.inTable === true && c === "|" ? "¦" : c;
  }
  if (clean.trim() === "") return "` `";
  const fence = "`".repeat(Math.min(longestRun + 1, 64));
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A markdown table. Cells must already be escaped (they are pasted as they are). */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  /** Per column; default: the first column left, the others right (numbers). */
  alignment?: readonly ("left" | "right")[],
): string {
  const align = headers.map((_, i) =>
    (alignment?.[i] ?? (i === 0 ? "left" : "right")) === "left" ? "---" : "--:",
  );
  const lines = [`| ${headers.join(" | ")} |`, `| ${align.join(" | ")} |`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

/**
 * Untrusted text as a fenced code block: the fence is longer than any backtick run inside, so the
 * text cannot close it; nothing inside is rendered (no mentions, links or HTML).
 */
export function codeBlock(text: string, options: { lang?: string; indent?: string } = {}): string {
  const indent = options.indent ?? "";
  let longestRun = 0;
  let run = 0;
  let clean = "";
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (c === "\r" || (c !== "\n" && c !== "\t" && isInvisibleControl(code))) continue;
    if (c === "`") {
      run++;
      if (run > longestRun) longestRun = run;
    } else {
      run = 0;
    }
    clean += c;
  }
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  const body = clean
    .replace(/\n+$/, "")
    .split("\n")
    .map((line) => (line === "" ? "" : `${indent}${line}`))
    .join("\n");
  return `${indent}${fence}${options.lang ?? ""}\n${body}\n${indent}${fence}`;
}
