/** Shared by the value statement's tests (test/core/value/): a repository, configs, shorthands. */
import { type Config, configSchema, DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { Money } from "../../src/core/money.js";
import type { Problem } from "../../src/core/problem.js";
import {
  type LinkedIssue,
  resolveValueStatement,
  type ValueResult,
} from "../../src/core/value/resolve.js";
import { parseValueSection } from "../../src/core/value/section.js";

export const here = { owner: "acme", repo: "shop" };

export function configWith(overrides: { value?: object; currency?: string }): Config {
  return configSchema.parse(overrides);
}

export function section(body: string, config: Config = DEFAULT_CONFIG, where = "PR body") {
  return parseValueSection({ body, where, config });
}

export function resolve(
  prBody: string,
  linkedIssues: LinkedIssue[] = [],
  config: Config = DEFAULT_CONFIG,
): ValueResult {
  return resolveValueStatement({ prBody, linkedIssues, repository: here, config });
}

export function usd(units: number | bigint): Money {
  return { micros: BigInt(units) * 1_000_000n, currency: "USD" };
}

export function problemsOf(result: ValueResult): Problem[] {
  return result.ok ? result.warnings : result.problems;
}

export function codes(problems: readonly Problem[]): string[] {
  return problems.map((p) => p.code);
}

export const FULL = `Fixes the EU rounding bug.

## Value
Issue: #123
Type: defect
Worth: $8,000
Budget: $300
Why now: Checkout fails for 2% of EU card payments; ~40 support tickets a week.

## Testing
Ran it.
`;
