/**
 * Coordination: the meetings, planning and hand-offs around a work item, declared on the
 * milestone or the issue, never measured. One line of the shape `Coordination: 12h` (time, priced
 * by the blended hourly rate) or `Coordination: $1,200` / `1200 USD` (money).
 *
 * The line is found anywhere in the text (a milestone description has no sections; in an issue
 * it belongs in the `## Value` section), outside code blocks and HTML comments, written like a
 * value field (`Coordination: 12h`, `- **Coordination:** 12h`, any case). The first one is read.
 * A bare number (`Coordination: 12`) is refused: hours or money? Money must say its currency
 * (`$`, `€`, `USD`…). Linear: one pass over the lines, the value at most a few characters.
 */

import { type Money, parseMoney } from "../money.js";
import type { Problem } from "../problem.js";
import { quoteInput } from "../problem.js";
import { unwrap } from "../value/text.js";
import { durationFix, parseDuration } from "./duration.js";
import { findKeyLine } from "./key-line.js";
import { type InvestmentLine, timeLine } from "./lines.js";
import type { InvestmentSettings } from "./settings.js";

export const COORDINATION_KEY = "Coordination";

export type Coordination = { kind: "time"; minutes: number } | { kind: "money"; money: Money };

export interface CoordinationRead {
  coordination?: Coordination;
  /** 1-based line of the `Coordination:` line read. */
  line?: number;
  problems: Problem[];
}

/** Whether a value reads as a duration rather than money: it starts with a digit or `~`. */
function looksLikeTime(value: string): boolean {
  const c = value.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 46 || value[0] === "~" || value[0] === "≈";
}

/** A `Coordination:` value: time or money, or why it is neither. */
export function parseCoordinationValue(
  text: string,
  options: { dayHours: number },
): { ok: true; coordination: Coordination } | { ok: false; reason: string } {
  const value = unwrap(text);
  if (looksLikeTime(value)) {
    const time = parseDuration(value, options);
    if (time.ok) return { ok: true, coordination: { kind: "time", minutes: time.minutes } };
    // `1200 USD` starts with a digit too
    const money = parseMoney(value, "");
    if (money.ok && money.money.currency !== "") {
      return { ok: true, coordination: { kind: "money", money: money.money } };
    }
    if (money.ok) {
      return {
        ok: false,
        reason: "a bare number: write hours (`12h`) or money with its currency (`$1,200`)",
      };
    }
    return { ok: false, reason: time.reason };
  }
  const money = parseMoney(value, "");
  if (money.ok && money.money.currency !== "") {
    return { ok: true, coordination: { kind: "money", money: money.money } };
  }
  const first = value[0];
  if (first === "-" || first === "−") return { ok: false, reason: "it is negative" };
  return {
    ok: false,
    reason: money.ok ? "it has no currency" : `it is neither time nor money (${money.reason})`,
  };
}

/** The `Coordination:` line of a milestone description or an issue body. Never throws. */
export function readCoordination(params: {
  text: string;
  /** Names the text in problems: `milestone "Sprint 12"`, `issue #12`. */
  where: string;
  dayHours: number;
}): CoordinationRead {
  const text = typeof params.text === "string" ? params.text : "";
  const found = text === "" ? undefined : findKeyLine(text, "coordination", "coordination");
  if (found === undefined) return { problems: [] };
  const result = parseCoordinationValue(found.value, { dayHours: params.dayHours });
  if (result.ok) return { coordination: result.coordination, line: found.line, problems: [] };
  return {
    line: found.line,
    problems: [
      {
        code: "investment.invalid-coordination",
        severity: "warning",
        message: `\`${COORDINATION_KEY}\` is neither a duration nor an amount of money: ${result.reason}`,
        fix: `${durationFix(`${COORDINATION_KEY}: 12h`, params.dayHours)}; or an amount with its currency, e.g. \`${COORDINATION_KEY}: $1,200\``,
        where: `${params.where} line ${found.line}`,
        quote: quoteInput(`${COORDINATION_KEY}: ${found.value}`),
      },
    ],
  };
}

/** The coordination line of one source (a milestone, an issue): declared. */
export function coordinationLine(params: {
  coordination: Coordination;
  /** Where it was declared, for the detail: `the milestone's description`, `issue #12`. */
  source: string;
  settings: Pick<InvestmentSettings, "hourlyRateMicros" | "currency">;
}): InvestmentLine {
  const { coordination, source, settings } = params;
  const detail = `declared by \`${COORDINATION_KEY}:\` in ${source}`;
  if (coordination.kind === "time") {
    return timeLine({
      kind: "coordination",
      basis: "declared",
      minutes: coordination.minutes,
      hourlyRateMicros: settings.hourlyRateMicros,
      currency: settings.currency,
      detail,
    });
  }
  return {
    kind: "coordination",
    basis: "declared",
    amountMicros: coordination.money.micros,
    currency: coordination.money.currency,
    detail,
  };
}
