/** `Key: value` lines → trailers as the parser returns them, line numbers counted from `firstLine`. */
import type { Trailer } from "../../src/core/trailers.js";

export function trailerLines(text: string, firstLine: number): Trailer[] {
  return text
    .split("\n")
    .map((line, i) => ({ line, number: firstLine + i }))
    .filter(({ line }) => line.includes(":"))
    .map(({ line, number }) => {
      const colon = line.indexOf(":");
      return {
        key: line.slice(0, colon).trim(),
        value: line.slice(colon + 1).trim(),
        line: number,
      };
    });
}
