/**
 * Money as integer micro-units (millionths of the currency unit) in a bigint, never a float.
 *
 * Parsing is a linear scan over ASCII characters only: untrusted text (commit trailers, PR bodies)
 * can never trigger regex backtracking, and digits from other scripts (`४.२`) are rejected
 * instead of being silently read as something else.
 */

export const MICROS_PER_UNIT = 1_000_000n;

/** The largest amount we accept: a trillion currency units. Anything above is a typo or an attack. */
export const MAX_MONEY_MICROS = 1_000_000_000_000n * MICROS_PER_UNIT;

export interface Money {
  micros: bigint;
  /** ISO-4217-like code, upper case (`USD`, `EUR`). */
  currency: string;
}

export type MoneyParseResult = { ok: true; money: Money } | { ok: false; reason: string };

const SYMBOLS: Readonly<Record<string, string>> = {
  $: "USD",
  "€": "EUR",
  "£": "GBP",
  "¥": "JPY",
  "₹": "INR",
};

const SYMBOL_FOR_CURRENCY: Readonly<Record<string, string>> = {
  USD: "$",
  EUR: "€",
  GBP: "£",
  JPY: "¥",
  INR: "₹",
};

function isAsciiDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function isAsciiLetter(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
}

/**
 * Parse a decimal number written by a person: `1204.5`, `1,204.50`, `8k`, `1.5M`.
 * Returns micro-units, or a reason. `allowSuffix` enables the `k`/`M` multipliers.
 */
export function parseDecimalMicros(
  text: string,
  options: { allowSuffix: boolean } = { allowSuffix: true },
): { ok: true; micros: bigint } | { ok: false; reason: string } {
  const s = text.trim();
  if (s === "") return { ok: false, reason: "no amount" };
  if (s.length > 40) return { ok: false, reason: "the amount is too long to be a number" };
  let i = 0;
  if (s[0] === "-" || s[0] === "−") return { ok: false, reason: "the amount is negative" };
  if (s[0] === "+") i++;
  let intDigits = "";
  let fracDigits = "";
  let sawPoint = false;
  let lastWasComma = false;
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if (isAsciiDigit(c)) {
      if (sawPoint) fracDigits += c;
      else intDigits += c;
      lastWasComma = false;
    } else if (c === "," && !sawPoint && intDigits !== "" && !lastWasComma) {
      lastWasComma = true;
    } else if (c === "." && !sawPoint && !lastWasComma) {
      sawPoint = true;
    } else if (c === "_" && !sawPoint && intDigits !== "" && !lastWasComma) {
      // 1_000 as in code; treated like a thousands separator
      lastWasComma = true;
    } else {
      break;
    }
  }
  if (lastWasComma) return { ok: false, reason: "a misplaced thousands separator" };
  if (intDigits === "" && fracDigits === "") return { ok: false, reason: "no digits" };
  let multiplier = 1n;
  const rest = s.slice(i).trim();
  if (rest !== "") {
    if (options.allowSuffix && (rest === "k" || rest === "K")) multiplier = 1_000n;
    else if (options.allowSuffix && (rest === "M" || rest === "m")) multiplier = 1_000_000n;
    else if (rest[0] === "e" || rest[0] === "E")
      return { ok: false, reason: "exponent notation is not accepted; write the plain amount" };
    else return { ok: false, reason: `unexpected "${rest.slice(0, 20)}" after the number` };
  }
  // Round to micro-units, half away from zero: 7+ decimal places come from float printing.
  const kept = `${fracDigits}000000`.slice(0, 6);
  let micros = BigInt(intDigits === "" ? "0" : intDigits) * MICROS_PER_UNIT + BigInt(kept);
  const next = fracDigits[6];
  if (next !== undefined && next >= "5") micros += 1n;
  micros *= multiplier;
  if (micros > MAX_MONEY_MICROS) return { ok: false, reason: "the amount is implausibly large" };
  return { ok: true, micros };
}

/**
 * Parse an amount of money: `$4.20`, `4.2`, `4.20 usd`, `1,204.50 USD`, `USD 4.20`, `€5`, `$8k`.
 * A bare number takes `defaultCurrency`.
 */
export function parseMoney(text: string, defaultCurrency: string): MoneyParseResult {
  let s = text.trim();
  if (s === "") return { ok: false, reason: "no amount" };
  if (s.length > 60) return { ok: false, reason: "the amount is too long" };
  let currency: string | undefined;
  const first = s[0] as string;
  const symbolCurrency = SYMBOLS[first];
  if (symbolCurrency !== undefined) {
    currency = symbolCurrency;
    s = s.slice(1).trim();
  } else if (s.startsWith("US$")) {
    currency = "USD";
    s = s.slice(3).trim();
  }
  // currency code before or after the number: three ASCII letters
  const leadingCode = s.slice(0, 3);
  if (
    currency === undefined &&
    s.length > 3 &&
    [...leadingCode].every(isAsciiLetter) &&
    !isAsciiLetter(s[3] as string)
  ) {
    currency = leadingCode.toUpperCase();
    s = s.slice(3).trim();
  }
  const lastSpace = s.lastIndexOf(" ");
  if (lastSpace > 0) {
    const trailing = s.slice(lastSpace + 1);
    if (trailing.length === 3 && [...trailing].every(isAsciiLetter)) {
      const code = trailing.toUpperCase();
      if (currency !== undefined && currency !== code)
        return { ok: false, reason: `two different currencies (${currency} and ${code})` };
      currency = code;
      s = s.slice(0, lastSpace).trim();
    }
  }
  const amount = parseDecimalMicros(s);
  if (!amount.ok) return amount;
  return {
    ok: true,
    money: { micros: amount.micros, currency: currency ?? defaultCurrency.toUpperCase() },
  };
}

function groupThousands(digits: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return out;
}

/**
 * `4200000n` → `"4.20"`; keeps two decimals, more only when the amount needs them (`0.000123`).
 * No grouping, no symbol: for JSON and machine output.
 */
export function microsToDecimal(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / MICROS_PER_UNIT;
  let frac = (abs % MICROS_PER_UNIT).toString().padStart(6, "0");
  while (frac.length > 2 && frac.endsWith("0")) frac = frac.slice(0, -1);
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** Round micro-units to cents (half away from zero). */
function roundToCents(micros: bigint): bigint {
  const unit = 10_000n;
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const rounded = ((abs + unit / 2n) / unit) * unit;
  return negative ? -rounded : rounded;
}

/**
 * For people: `$1,204.50`, `€5.00`, `1,204.50 CHF`. Amounts under a cent but above zero show as
 * `<$0.01` so that a real cost never reads as zero.
 */
export function formatMoney(money: Money, options: { whole?: boolean } = {}): string {
  const symbol = SYMBOL_FOR_CURRENCY[money.currency];
  const negative = money.micros < 0n;
  const abs = negative ? -money.micros : money.micros;
  if (abs > 0n && abs < 5_000n) {
    return symbol !== undefined ? `<${symbol}0.01` : `<0.01 ${money.currency}`;
  }
  const cents = roundToCents(abs);
  const whole = cents / MICROS_PER_UNIT;
  const fraction = ((cents % MICROS_PER_UNIT) / 10_000n).toString().padStart(2, "0");
  const showFraction = !(options.whole === true && fraction === "00");
  const number = `${groupThousands(whole.toString())}${showFraction ? `.${fraction}` : ""}`;
  const sign = negative ? "-" : "";
  return symbol !== undefined ? `${sign}${symbol}${number}` : `${sign}${number} ${money.currency}`;
}

/** Sum amounts of one currency. */
export function sumMicros(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/**
 * `numerator / denominator` as a plain number for display (ratios, percentages). Both are
 * micro-units; the result is only for rendering, never stored or summed.
 */
export function ratio(numerator: bigint, denominator: bigint): number | undefined {
  if (denominator === 0n) return undefined;
  // scale to keep 6 significant decimals without converting large bigints to float first
  const scaled = (numerator * 1_000_000n) / denominator;
  return Number(scaled) / 1_000_000;
}
