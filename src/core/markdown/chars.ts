/**
 * Character tests shared by the markdown readers (the line scanner, issue references, value
 * statements). Plain comparisons, no regular expressions: they run once per character of
 * untrusted text.
 */

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

export function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
}

/** A space or a tab (not a no-break space). */
export function isSpaceOrTab(c: string | undefined): boolean {
  return c === " " || c === "\t";
}

/** Number of spaces and tabs a text starts with. */
export function leadingSpaces(text: string): number {
  let i = 0;
  while (i < text.length && isSpaceOrTab(text[i])) i++;
  return i;
}

/** Length of the run of `char` starting at `start`. */
export function runLength(text: string, start: number, char: string): number {
  let i = start;
  while (i < text.length && text[i] === char) i++;
  return i - start;
}
