/**
 * Durations written by people: `6h`, `90m`, `1.5h`, `2d`, `1h30m`, `1h30`, `1:30`, `45 min`,
 * `2 hours`, `~6h`, `6h (pairing)`. Generous in how a duration is written, strict in what it may
 * be: no bare numbers (`6` of what?), no negative values, no ranges (`4-6h`), no weeks or months
 * (calendar time, not effort), nothing above `MAX_DURATION_MINUTES`.
 *
 * The result is whole minutes: a fraction of a minute is rounded half up, and a positive duration
 * is never rounded to 0 (it is at least 1 minute). Zero (`0h`) is accepted: it declares that no
 * human time went into the work; the callers decide whether zero makes sense where they read it.
 *
 * A duration is a few characters: text longer than `MAX_DURATION_CHARS` is refused before it is
 * scanned, and the scan is one pass over char codes (no regular expressions), so a 1 MB value
 * costs one `trim`.
 */

import { type Problem, quoteInput } from "../problem.js";

/** The largest duration accepted: 2,000 hours (a year of full-time work) for one PR or value. */
export const MAX_DURATION_HOURS = 2_000;
export const MAX_DURATION_MINUTES = MAX_DURATION_HOURS * 60;

/** A written duration is at most this long (`1 day 7 hours 59 minutes (pairing)` fits). */
export const MAX_DURATION_CHARS = 60;

/** Hours in a working day when the config says nothing (`investment.day-hours`). */
export const DEFAULT_DAY_HOURS = 8;

export type DurationResult = { ok: true; minutes: number } | { ok: false; reason: string };

export interface DurationOptions {
  /** Hours in a day, for `2d` (`investment.day-hours`, default 8). */
  dayHours: number;
}

type Unit = "day" | "hour" | "minute";

const UNITS: Readonly<Record<string, Unit>> = {
  d: "day",
  day: "day",
  days: "day",
  h: "hour",
  hr: "hour",
  hrs: "hour",
  hour: "hour",
  hours: "hour",
  m: "minute",
  min: "minute",
  mins: "minute",
  minute: "minute",
  minutes: "minute",
};

/** Units people write that are refused, and why. */
const REFUSED_UNITS: Readonly<Record<string, string>> = {
  w: "weeks are calendar time, not effort; write days or hours",
  wk: "weeks are calendar time, not effort; write days or hours",
  wks: "weeks are calendar time, not effort; write days or hours",
  week: "weeks are calendar time, not effort; write days or hours",
  weeks: "weeks are calendar time, not effort; write days or hours",
  mo: "months are calendar time, not effort; write days or hours",
  month: "months are calendar time, not effort; write days or hours",
  months: "months are calendar time, not effort; write days or hours",
  s: "seconds are finer than the minutes counted; write minutes",
  sec: "seconds are finer than the minutes counted; write minutes",
  secs: "seconds are finer than the minutes counted; write minutes",
  second: "seconds are finer than the minutes counted; write minutes",
  seconds: "seconds are finer than the minutes counted; write minutes",
};

const RANK: Readonly<Record<Unit, number>> = { day: 0, hour: 1, minute: 2 };

function isUnit(value: string): value is Unit {
  return value === "day" || value === "hour" || value === "minute";
}

/** Words before the amount that say it is approximate (declared durations always are). */
const APPROXIMATELY = ["approximately ", "approx. ", "approx ", "about ", "around ", "ca. "];

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetterCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isBlankCode(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0;
}

/** A number read at `i`: its value and where it ends. */
interface NumberToken {
  value: number;
  end: number;
  integer: boolean;
}

function readNumber(s: string, start: number): NumberToken | undefined {
  let i = start;
  let digits = 0;
  let point = false;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isDigitCode(c)) digits++;
    else if (c === 46 /* . */ && !point && isDigitCode(s.charCodeAt(i + 1))) point = true;
    else break;
    i++;
  }
  if (digits === 0) return undefined;
  return { value: Number(s.slice(start, i)), end: i, integer: !point };
}

function skipBlanks(s: string, i: number): number {
  let j = i;
  while (j < s.length && isBlankCode(s.charCodeAt(j))) j++;
  return j;
}

function unitMinutes(unit: Unit, dayHours: number): number {
  return unit === "day" ? dayHours * 60 : unit === "hour" ? 60 : 1;
}

/** Whole minutes, half up; a positive duration is at least a minute. */
function wholeMinutes(minutes: number): number {
  const rounded = Math.floor(minutes + 0.5);
  return minutes > 0 && rounded === 0 ? 1 : rounded;
}

function finish(minutes: number): DurationResult {
  if (minutes > MAX_DURATION_MINUTES) {
    return {
      ok: false,
      reason: `it is over the ${MAX_DURATION_HOURS.toLocaleString("en-US")} h limit (a typo, or work to split)`,
    };
  }
  return { ok: true, minutes: wholeMinutes(minutes) };
}

/** What follows the duration: nothing, a final `.`, or an aside in parentheses. */
function isEnd(s: string, i: number): boolean {
  if (i >= s.length) return true;
  if (s[i] === "(") return true;
  return s[i] === "." && i === s.length - 1;
}

/** `h:mm` (`1:30`). */
function readClock(s: string): DurationResult | undefined {
  const hours = readNumber(s, 0);
  if (hours === undefined || !hours.integer || s[hours.end] !== ":") return undefined;
  const m = hours.end + 1;
  if (!isDigitCode(s.charCodeAt(m)) || !isDigitCode(s.charCodeAt(m + 1))) return undefined;
  if (isDigitCode(s.charCodeAt(m + 2))) return undefined;
  const minutes = Number(s.slice(m, m + 2));
  if (minutes >= 60) return { ok: false, reason: "minutes after `:` must be under 60" };
  if (!isEnd(s, skipBlanks(s, m + 2))) return undefined;
  return finish(hours.value * 60 + minutes);
}

/** The text after an optional `~`, `≈` or `about`. */
function skipApproximately(s: string): number {
  if (s.startsWith("~") || s.startsWith("≈")) return skipBlanks(s, 1);
  const lower = s.slice(0, 16).toLowerCase();
  for (const word of APPROXIMATELY) if (lower.startsWith(word)) return skipBlanks(s, word.length);
  return 0;
}

/** A separator between two parts: blanks, `,`, `+` or ` and `. Returns where the next part starts. */
function skipSeparator(s: string, i: number): number {
  let j = skipBlanks(s, i);
  if (s[j] === "," || s[j] === "+") return skipBlanks(s, j + 1);
  if (s.slice(j, j + 4).toLowerCase() === "and " && j > i) j = skipBlanks(s, j + 4);
  return j;
}

function readUnitWord(s: string, start: number): { word: string; end: number } {
  let i = start;
  while (i < s.length && isLetterCode(s.charCodeAt(i))) i++;
  return { word: s.slice(start, i).toLowerCase(), end: i };
}

/**
 * The unit of a number: its word (`h`, `hours`), or minutes for the bare number ending `1h30`.
 * A string that is not a unit is the reason the duration is refused.
 */
function unitOf(
  word: string,
  number: NumberToken,
  lastUnit: Unit | undefined,
  atEnd: boolean,
): Unit | string {
  const unit = UNITS[word];
  if (unit !== undefined) return unit;
  if (word === "") {
    if (lastUnit === "hour" && number.integer && number.value < 60 && atEnd) return "minute";
    return lastUnit === undefined
      ? "it has no unit (write `h` for hours or `m` for minutes)"
      : "a number has no unit";
  }
  return REFUSED_UNITS[word] ?? `\`${word.slice(0, 12)}\` is not a unit of time`;
}

/**
 * Parse one duration. `reason` says what is wrong in words that fit after "… is not a duration:".
 */
export function parseDuration(text: string, options: DurationOptions): DurationResult {
  const trimmed = typeof text === "string" ? text.trim() : "";
  if (trimmed === "") return { ok: false, reason: "it is empty" };
  if (trimmed.length > MAX_DURATION_CHARS) {
    return { ok: false, reason: "it is too long to be a duration" };
  }
  const first = trimmed[0];
  if (first === "-" || first === "−") return { ok: false, reason: "it is negative" };
  const s = trimmed.slice(skipApproximately(trimmed));
  if (!isDigitCode(s.charCodeAt(0)) && !(s[0] === "." && isDigitCode(s.charCodeAt(1)))) {
    return { ok: false, reason: "it does not start with a number" };
  }
  const clock = readClock(s);
  if (clock !== undefined) return clock;

  let total = 0;
  let lastUnit: Unit | undefined;
  for (let i = 0; ; ) {
    const number = readNumber(s, i);
    if (number === undefined) return { ok: false, reason: `unexpected \`${s.slice(i, i + 12)}\`` };
    const j = skipBlanks(s, number.end);
    if (s[j] === "," && isDigitCode(s.charCodeAt(j + 1))) {
      return { ok: false, reason: "write decimals with a point (`1.5h`), not a comma" };
    }
    if (s[j] === "-" || s[j] === "–" || s[j] === "—" || s.slice(j, j + 3).toLowerCase() === "to ") {
      return { ok: false, reason: "it is a range; write one number (the best guess)" };
    }
    const { word, end } = readUnitWord(s, j);
    const unit = unitOf(word, number, lastUnit, isEnd(s, j));
    if (!isUnit(unit)) return { ok: false, reason: unit };
    const known = unit;
    if (lastUnit !== undefined && RANK[known] <= RANK[lastUnit]) {
      return { ok: false, reason: "give days, hours and minutes once each, in that order" };
    }
    lastUnit = known;
    total += number.value * unitMinutes(known, options.dayHours);
    if (isEnd(s, skipBlanks(s, end))) break;
    const next = skipSeparator(s, end);
    if (
      !isDigitCode(s.charCodeAt(next)) &&
      !(s[next] === "." && isDigitCode(s.charCodeAt(next + 1)))
    ) {
      return { ok: false, reason: `unexpected \`${s.slice(next, next + 12)}\` after the duration` };
    }
    i = next;
  }
  return finish(total);
}

/** Minutes as decimal hours for machines (JSON): 90 → 1.5, 80 → 1.33 (two decimals). */
export function minutesToHours(minutes: number): number {
  return Math.round((minutes * 100) / 60) / 100;
}

/** Minutes for people: `45 min`, `1.5 h`, `6 h`, `1,200 h`, `0 h`. */
export function formatHours(minutes: number): string {
  if (minutes > 0 && minutes < 60) return `${minutes} min`;
  const hours = minutesToHours(minutes);
  return `${hours.toLocaleString("en-US", { maximumFractionDigits: 2 })} h`;
}

/**
 * A duration read for a person: the minutes, or a Problem that quotes the text and says how to
 * write it. `label` names the value in the message (`Effort`, `Engineering-Time`).
 */
export function readDuration(params: {
  text: string;
  options: DurationOptions;
  code: string;
  label: string;
  example: string;
  where?: string;
  severity?: Problem["severity"];
}): { ok: true; minutes: number } | { ok: false; problem: Problem } {
  const result = parseDuration(params.text, params.options);
  if (result.ok) return result;
  return {
    ok: false,
    problem: {
      code: params.code,
      severity: params.severity ?? "error",
      message: `${params.label} is not a duration: ${result.reason}`,
      fix: durationFix(params.example, params.options.dayHours),
      ...(params.where !== undefined ? { where: params.where } : {}),
      quote: quoteInput(params.text),
    },
  };
}

/** How to write a duration, with an example: the fix of every duration problem. */
export function durationFix(example: string, dayHours: number): string {
  return `Write a duration such as \`${example}\` (\`90m\`, \`1.5h\`, \`1h30m\` and \`2d\` work too; a day is ${dayHours.toLocaleString("en-US")} h), at most ${MAX_DURATION_HOURS.toLocaleString("en-US")} h`;
}
