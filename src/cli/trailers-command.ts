/**
 * `cost-value trailers`: the trailer parser on the command line, so anyone can compare it with
 * `git interpret-trailers --parse --no-divider`. Output: `[["Key","value"],…]`, one array per
 * message.
 */
import { parseTrailers } from "../core/trailers.js";

export interface TrailersOptions {
  /** Many messages separated by NUL bytes (as `git log -z --format=%B` prints them). */
  readonly null: boolean;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

function trailersJson(message: string): string {
  return JSON.stringify(parseTrailers(message).map((t) => [t.key, t.value]));
}

/**
 * The command's whole output for `input`. With `null`, each NUL-separated message gives one line;
 * a NUL at the very end terminates the last message rather than starting an empty one.
 */
export function runTrailersCommand(input: Buffer | string, options: TrailersOptions): string {
  const text = typeof input === "string" ? input : decoder.decode(input);
  if (!options.null) return `${trailersJson(text)}\n`;
  if (text.length === 0) return "";
  const messages = text.split("\0");
  if (messages[messages.length - 1] === "") messages.pop();
  return messages.map((m) => `${trailersJson(m)}\n`).join("");
}
