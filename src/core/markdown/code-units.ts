/**
 * UTF-16 code units: a growing output buffer (`CodeUnits`) and the code-unit tests the escapers
 * share (surrogate halves, invisible controls, whitespace as `trim` sees it).
 */

/**
 * Output built as UTF-16 code units in a growing buffer, turned into a string once. `out += c`
 * per character builds a rope of a million nodes on a 1 MB input, and flattening it took
 * 150–500 ms (the adversarial bench); this takes a few.
 */
export class CodeUnits {
  private units: Uint16Array;
  length = 0;

  constructor(capacity: number) {
    this.units = new Uint16Array(Math.max(16, capacity));
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.units.length) return;
    const bigger = new Uint16Array(Math.max(2 * this.units.length, this.length + extra));
    bigger.set(this.units.subarray(0, this.length));
    this.units = bigger;
  }

  push(unit: number): void {
    if (this.length === this.units.length) this.reserve(1);
    this.units[this.length++] = unit;
  }

  push2(first: number, second: number): void {
    this.reserve(2);
    this.units[this.length++] = first;
    this.units[this.length++] = second;
  }

  append(text: string, start = 0, end = text.length): void {
    this.reserve(end - start);
    for (let i = start; i < end; i++) this.units[this.length++] = text.charCodeAt(i);
  }

  /** Whether the output since `from` is `^ {0,3}$` (`digits`: `^ {0,3}[0-9]{1,9}$`). */
  isLineStart(from: number, digits: boolean): boolean {
    if (this.length - from > (digits ? 12 : 3)) return false;
    let i = from;
    while (i < this.length && i < from + 3 && this.units[i] === 32) i++;
    if (!digits) return i === this.length;
    const first = i;
    while (i < this.length && (this.units[i] as number) >= 48 && (this.units[i] as number) <= 57)
      i++;
    return i === this.length && i > first && i - first <= 9;
  }

  /** `text` put at `at`, the units after it moved along. */
  insert(at: number, text: string): void {
    this.reserve(text.length);
    this.units.copyWithin(at + text.length, at, this.length);
    for (let i = 0; i < text.length; i++) this.units[at + i] = text.charCodeAt(i);
    this.length += text.length;
  }

  unitAt(i: number): number {
    return this.units[i] as number;
  }

  toString(): string {
    return decodeUnits(this.units.subarray(0, this.length));
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The string of these UTF-16 code units, exactly (lone surrogates included). */
export function decodeUnits(units: Uint16Array): string {
  // a Buffer costs more than the copy for short output (code spans of `escapeWithCode`)
  if (units.length <= 256) return String.fromCharCode.apply(null, units as unknown as number[]);
  if (LITTLE_ENDIAN)
    return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString("utf16le");
  const parts: string[] = [];
  for (let i = 0; i < units.length; i += 8192)
    parts.push(String.fromCharCode(...units.subarray(i, i + 8192)));
  return parts.join("");
}

export const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
export const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Characters that are never useful in rendered output and can hide or reorder text. */
export function isInvisibleControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    code === 0x7f ||
    (code >= 0x202a && code <= 0x202e) || // bidi embeddings/overrides
    (code >= 0x2066 && code <= 0x2069) // bidi isolates
  );
}

/** What `String.prototype.trim` removes (WhiteSpace and LineTerminator of ECMAScript). */
export function isWhitespace(code: number): boolean {
  return code <= 0xff
    ? code === 32 || (code >= 9 && code <= 13) || code === 0xa0
    : code === 0x1680 ||
        (code >= 0x2000 && code <= 0x200a) ||
        code === 0x2028 ||
        code === 0x2029 ||
        code === 0x202f ||
        code === 0x205f ||
        code === 0x3000 ||
        code === 0xfeff;
}
