/**
 * Token counts by kind, and the `k`/`M` notation people write them in (`1.1M`, `20k`).
 *
 * Kinds follow the providers' bills: `input` is input NOT served from cache, `cacheRead` and
 * `cacheWrite` are separate (never included in `input`), `output` includes reasoning tokens.
 * `unspecified` holds a bare total (`Agent-Tokens: 128000`) that cannot be priced by kind.
 *
 * Parsing is a linear scan over ASCII characters; untrusted text cannot cause backtracking.
 */

export interface TokenCounts {
  /** Input tokens not served from cache. */
  input: number;
  /** Output tokens, reasoning included. */
  output: number;
  /** Tokens read from the prompt cache. */
  cacheRead: number;
  /** Tokens written to the prompt cache (5-minute cache, or the provider's only kind). */
  cacheWrite: number;
  /** Tokens written to Claude's 1-hour prompt cache. */
  cacheWrite1h: number;
  /** A total written without kinds: counted, never priced. */
  unspecified: number;
}

/** The kinds that have a price. */
export type PricedTokenKind = Exclude<keyof TokenCounts, "unspecified">;

/** How each kind is written in a trailer (`cache-read=1.1M`) and its field. */
export const TOKEN_FIELDS: readonly { name: string; kind: PricedTokenKind }[] = [
  { name: "input", kind: "input" },
  { name: "output", kind: "output" },
  { name: "cache-read", kind: "cacheRead" },
  { name: "cache-write", kind: "cacheWrite" },
  { name: "cache-write-1h", kind: "cacheWrite1h" },
];

export const PRICED_TOKEN_KINDS: readonly PricedTokenKind[] = TOKEN_FIELDS.map((f) => f.kind);

/** The largest count we accept in one value: a trillion tokens. Anything above is a typo. */
export const MAX_TOKEN_COUNT = 1_000_000_000_000;

export function emptyTokens(): TokenCounts {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, unspecified: 0 };
}

export function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    cacheWrite1h: a.cacheWrite1h + b.cacheWrite1h,
    unspecified: a.unspecified + b.unspecified,
  };
}

export function totalTokens(t: TokenCounts): number {
  return t.input + t.output + t.cacheRead + t.cacheWrite + t.cacheWrite1h + t.unspecified;
}

export function hasTokens(t: TokenCounts): boolean {
  return totalTokens(t) > 0;
}

/** Find a kind by the name written in a trailer: case-insensitive, `_` read as `-`. */
export function tokenFieldByName(name: string): PricedTokenKind | undefined {
  const normalized = name.toLowerCase().replaceAll("_", "-");
  return TOKEN_FIELDS.find((f) => f.name === normalized)?.kind;
}

export type TokenCountResult = { ok: true; count: number } | { ok: false; reason: string };

function isAsciiDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

/**
 * Parse one count: `120000`, `120,000`, `8k`, `20K`, `1.1M`, `2m`. The result must be a whole
 * number of tokens (`1.5` and `1.2345k` are not). No sign, no exponent, ASCII digits only.
 */
export function parseTokenCount(text: string): TokenCountResult {
  const s = text.trim();
  if (s === "") return { ok: false, reason: "no number" };
  if (s.length > 30) return { ok: false, reason: "too long to be a token count" };
  const first = s[0] as string;
  if (first === "-" || first === "−")
    return { ok: false, reason: "a token count cannot be negative" };
  let intDigits = "";
  let fracDigits = "";
  let sawPoint = false;
  let lastWasSeparator = false;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if (isAsciiDigit(c)) {
      if (sawPoint) fracDigits += c;
      else intDigits += c;
      lastWasSeparator = false;
    } else if ((c === "," || c === "_") && !sawPoint && intDigits !== "" && !lastWasSeparator) {
      lastWasSeparator = true;
    } else if (c === "." && !sawPoint && !lastWasSeparator) {
      sawPoint = true;
    } else {
      break;
    }
  }
  if (lastWasSeparator) return { ok: false, reason: "a misplaced thousands separator" };
  if (intDigits === "" && fracDigits === "") return { ok: false, reason: "not a number" };
  const rest = s.slice(i);
  let zeros = 0;
  if (rest === "k" || rest === "K") zeros = 3;
  else if (rest === "M" || rest === "m") zeros = 6;
  else if (rest !== "") {
    if (rest[0] === "e" || rest[0] === "E") {
      return { ok: false, reason: "exponent notation is not accepted" };
    }
    return { ok: false, reason: `unexpected "${rest.slice(0, 10)}" after the number` };
  }
  // exact: the digits past the multiplier's zeros must all be 0
  const excess = fracDigits.slice(zeros);
  for (const c of excess) {
    if (c !== "0") {
      return {
        ok: false,
        reason:
          zeros === 0
            ? "a token count must be a whole number (decimals only with k or M, e.g. 1.5k)"
            : "this is not a whole number of tokens",
      };
    }
  }
  const digits = `${intDigits}${fracDigits.slice(0, zeros).padEnd(zeros, "0")}`;
  const count = Number(BigInt(digits === "" ? "0" : digits));
  if (count > MAX_TOKEN_COUNT) return { ok: false, reason: "implausibly large" };
  return { ok: true, count };
}
