/**
 * What a value section looks like when written: the ready-to-paste template and a filled-in
 * example line for each field (used in the fixes of problems).
 */

import { formatMoney } from "../money.js";
import { exampleAmount, type ValueConfig, type ValueFieldName } from "./fields.js";

function placeholderAmount(currency: string): string {
  return formatMoney({ micros: 0n, currency }, { whole: true }).replace("0", "<amount>");
}

/** A ready-to-paste section with placeholders (they count as missing until filled in). */
export function valueSectionTemplate(params: { config: ValueConfig; issue?: string }): string {
  const { config } = params;
  const types = Object.keys(config.value.types);
  const typeHint =
    types.length === 0
      ? "<type>"
      : `<${types.slice(0, 12).join(" | ")}${types.length > 12 ? " | …" : ""}>`;
  const amount = placeholderAmount(config.currency);
  return [
    `## ${config.value.heading}`,
    `Issue: ${params.issue ?? "#<number>"}`,
    `Type: ${typeHint}`,
    `Worth: ${amount}`,
    `Budget: ${amount}`,
    "Why now: <what it costs to wait>",
    "Effort: <hours people spent, e.g. 6h>",
  ].join("\n");
}

export function exampleLine(name: ValueFieldName, config: ValueConfig, issue?: string): string {
  switch (name) {
    case "issue":
      return `Issue: ${issue ?? "#123"}`;
    case "type":
      return `Type: ${Object.keys(config.value.types)[0] ?? "defect"}`;
    case "worth":
      return `Worth: ${exampleAmount(config.currency, 5_000n)}`;
    case "budget":
      return `Budget: ${exampleAmount(config.currency, 500n)}`;
    case "whyNow":
      return "Why now: <what it costs to wait, in a sentence>";
    case "effort":
      return "Effort: 6h";
  }
}
