/**
 * Commit trailers, found exactly as git 2.39 finds them.
 *
 * The reference is git's `trailer.c` (`trailer_info_get`, `find_trailer_start`, `parse_trailers`,
 * `unfold_value`) and `commit.c` (`ignore_non_trailer`), as run by
 * `git interpret-trailers --parse --no-divider` with no `trailer.*` configuration, which is also
 * what `git log --format='%(trailers:only,unfold)'` prints. Each function below names the git
 * function it mirrors; the structure is kept close to git's so the two can be read side by side.
 *
 * Everything is linear in the length of the message and uses no regular expressions, so
 * untrusted input (a 1 MB commit message) cannot make it slow, and no input makes it throw.
 */

/** One trailer as git prints it: key as written, value unfolded and trimmed. */
export interface Trailer {
  readonly key: string;
  readonly value: string;
  /** 1-based line of the message where the trailer starts. */
  readonly line: number;
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const HASH = 35; // git's default comment_line_char
const DASH = 45;
const COLON = 58; // the only separator without trailer.separators configuration

const GIT_GENERATED_PREFIXES = ["Signed-off-by: ", "(cherry picked from commit "] as const;
const CUT_LINE = "\n# ------------------------ >8 ------------------------\n";

/** git's `isspace` (sane_ctype): only tab, newline, carriage return and space. */
function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

/** git's `isalnum`: ASCII letters and digits only. */
function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** `next_line`: the start of the line after the one at `i`, or the end of the text. */
function nextLine(s: string, i: number): number {
  const nl = s.indexOf("\n", i);
  return nl === -1 ? s.length : nl + 1;
}

/** `last_line`: the start of the last line of `s[0, len)`, or -1 when `len` is 0. */
function lastLine(s: string, len: number): number {
  if (len === 0) return -1;
  if (len === 1) return 0;
  // The last character is skipped: a final newline belongs to the last line.
  return s.lastIndexOf("\n", len - 2) + 1;
}

/** `is_blank_line`: the line at `i` holds only whitespace. */
function isBlankLine(s: string, i: number): boolean {
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === LF) return true;
    if (!isSpace(c)) return false;
  }
  return true;
}

/**
 * `find_separator`: the offset of the `:` after a token (`[A-Za-z0-9-]+`, then optional blanks),
 * 0 when the line starts with `:`, -1 when the line is not `token: …`.
 */
function findSeparator(s: string, i: number): number {
  let whitespaceFound = false;
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === COLON) return j - i;
    if (!whitespaceFound && (isAlnum(c) || c === DASH)) continue;
    if (j !== i && (c === SPACE || c === TAB)) {
      whitespaceFound = true;
      continue;
    }
    break;
  }
  return -1;
}

/** `wt_status_locate_end`: where the scissors line (`# --- >8 ---`) cuts the message. */
function locateEnd(s: string): number {
  if (s.startsWith(CUT_LINE.slice(1))) return 0;
  const p = s.indexOf(CUT_LINE);
  return p === -1 ? s.length : p + 1;
}

/**
 * `ignore_non_trailer` turned into `find_trailer_end`: the end of the message once trailing
 * comment lines, blank lines and an old-style `Conflicts:` block are set aside.
 */
function findTrailerEnd(s: string): number {
  const cutoff = locateEnd(s);
  let boc = 0; // beginning of the trailing run of comments; 0 means "none" (as in git)
  let bol = 0;
  let inOldConflictsBlock = false;
  while (bol < cutoff) {
    const next = nextLine(s, bol);
    const c = s.charCodeAt(bol);
    if (c === HASH || c === LF) {
      if (!boc) boc = bol;
    } else if (c === 67 /* C */ && s.startsWith("Conflicts:\n", bol)) {
      inOldConflictsBlock = true;
      if (!boc) boc = bol;
    } else if (inOldConflictsBlock && c === TAB) {
      // a pathname in the conflicts block
    } else if (boc) {
      boc = 0;
      inOldConflictsBlock = false;
    }
    bol = next;
  }
  return boc ? boc : cutoff;
}

function startsWithGitGeneratedPrefix(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c !== 83 /* S */ && c !== 40 /* ( */) return false;
  for (const prefix of GIT_GENERATED_PREFIXES) {
    if (s.startsWith(prefix, i)) return true;
  }
  return false;
}

/**
 * `find_trailer_start`: the start of the trailer block in `s[0, len)`, or `len` when there is
 * none. The block is the last paragraph (never the title paragraph) when all its lines are
 * trailers, or when it holds a git-generated trailer and at least 25% of its lines are trailers.
 */
function findTrailerStart(s: string, len: number): number {
  // The first paragraph is the title and cannot be trailers.
  let p = 0;
  for (; p < len; p = nextLine(s, p)) {
    if (s.charCodeAt(p) === HASH) continue;
    if (isBlankLine(s, p)) break;
  }
  const endOfTitle = p;

  let onlySpaces = true;
  let recognizedPrefix = false;
  let trailerLines = 0;
  let nonTrailerLines = 0;
  // Lines that may continue a trailer: they become trailer lines' continuations when a trailer
  // comes above them, and non-trailer lines otherwise.
  let possibleContinuationLines = 0;

  for (let l = lastLine(s, len); l >= endOfTitle; l = lastLine(s, l)) {
    const first = s.charCodeAt(l);
    if (first === HASH) {
      nonTrailerLines += possibleContinuationLines;
      possibleContinuationLines = 0;
      continue;
    }
    if (isBlankLine(s, l)) {
      if (onlySpaces) continue;
      nonTrailerLines += possibleContinuationLines;
      if (recognizedPrefix && trailerLines * 3 >= nonTrailerLines) return nextLine(s, l);
      if (trailerLines && !nonTrailerLines) return nextLine(s, l);
      return len;
    }
    onlySpaces = false;

    if (startsWithGitGeneratedPrefix(s, l)) {
      trailerLines++;
      possibleContinuationLines = 0;
      recognizedPrefix = true;
      continue;
    }

    if (findSeparator(s, l) >= 1 && !isSpace(first)) {
      trailerLines++;
      possibleContinuationLines = 0;
    } else if (isSpace(first)) {
      possibleContinuationLines++;
    } else {
      nonTrailerLines++;
      nonTrailerLines += possibleContinuationLines;
      possibleContinuationLines = 0;
    }
  }
  return len;
}

/** `strbuf_trim` with git's `isspace`. */
function trim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * `unfold_value`: every newline and the whitespace after it becomes one space, then trim. Works
 * on UTF-8 bytes (only ASCII bytes are compared, so multi-byte characters pass through intact):
 * a 1 MB value of continuation lines unfolds several times faster than with string slices.
 */
function unfold(value: string): string {
  if (value.indexOf("\n") === -1) return value;
  const bytes = Buffer.from(value, "utf8");
  const out = Buffer.allocUnsafe(bytes.length);
  let j = 0;
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i++] as number;
    if (c === LF) {
      while (i < bytes.length && isSpace(bytes[i] as number)) i++;
      out[j++] = SPACE;
    } else {
      out[j++] = c;
    }
  }
  return trim(out.toString("utf8", 0, j));
}

/** The trailer block of a message: where it starts and ends (offsets into the message). */
export interface TrailerBlock {
  readonly start: number;
  readonly end: number;
}

/** Where git finds the trailer block of `message` (`start === end` when there is none). */
export function findTrailerBlock(message: string): TrailerBlock {
  const s = cString(message);
  const end = findTrailerEnd(s);
  const start = findTrailerStart(s, end);
  return { start, end };
}

/** git reads the message as a C string: nothing after a NUL byte exists for it. */
function cString(message: string): string {
  const nul = message.indexOf("\0");
  return nul === -1 ? message : message.slice(0, nul);
}

/**
 * The trailers of a commit message, as `git interpret-trailers --parse --no-divider` prints them
 * (keys as written, values unfolded), with the line each one starts on.
 */
export function parseTrailers(message: string): Trailer[] {
  const s = cString(message);
  const end = findTrailerEnd(s);
  const start = findTrailerStart(s, end);
  if (start >= end) return [];

  // `trailer_info_get` + `parse_trailers` (--only-trailers --unfold): split the block into lines;
  // a line starting with whitespace continues the line before when that one has a separator.
  // Lines without a key (comments, prose, orphan continuations) are dropped. Continuations
  // directly follow their trailer, so a trailer is one span [start, end) of the message.
  const trailers: Trailer[] = [];
  let open = -1; // start of the trailer being read, -1 when none
  let openEnd = 0;
  let openSeparator = 0;
  let openLine = 0;
  let line = countLines(s, start);
  for (let bol = start; bol < end; line++) {
    const nl = s.indexOf("\n", bol);
    const eol = nl === -1 || nl + 1 > end ? end : nl + 1;
    if (open >= 0 && isSpace(s.charCodeAt(bol))) {
      openEnd = eol;
    } else {
      if (open >= 0) trailers.push(readTrailer(s, open, openSeparator, openEnd, openLine));
      const separator = findSeparator(s, bol);
      open = separator >= 1 && s.charCodeAt(bol) !== HASH ? bol : -1;
      openSeparator = separator;
      openEnd = eol;
      openLine = line;
    }
    bol = eol;
  }
  if (open >= 0) trailers.push(readTrailer(s, open, openSeparator, openEnd, openLine));
  return trailers;
}

/** `parse_trailer` + `unfold_value` on the span [start, end) whose separator is at start+separator. */
function readTrailer(
  s: string,
  start: number,
  separator: number,
  end: number,
  line: number,
): Trailer {
  let keyEnd = start + separator;
  while (keyEnd > start && isSpace(s.charCodeAt(keyEnd - 1))) keyEnd--;
  let valueStart = start + separator + 1;
  let valueEnd = end;
  while (valueStart < valueEnd && isSpace(s.charCodeAt(valueStart))) valueStart++;
  while (valueEnd > valueStart && isSpace(s.charCodeAt(valueEnd - 1))) valueEnd--;
  const nl = s.indexOf("\n", valueStart);
  const value = s.slice(valueStart, valueEnd);
  return {
    key: s.slice(start, keyEnd),
    value: nl !== -1 && nl < valueEnd ? unfold(value) : value,
    line,
  };
}

/** 1-based line number of offset `i`. */
function countLines(s: string, i: number): number {
  let n = 1;
  for (let p = s.indexOf("\n"); p !== -1 && p < i; p = s.indexOf("\n", p + 1)) n++;
  return n;
}
