/**
 * `.github/cost-value.yml`: every setting, its default and what it means. This schema IS the
 * documentation: `docs/configuration.md` is checked against it by a test.
 */
import { z } from "zod";

export const CONCLUSION_LEVELS = ["failure", "neutral", "success"] as const;
const level = z.enum(CONCLUSION_LEVELS);

export const DEFAULT_VALUE_TYPES: Readonly<Record<string, string>> = {
  defect: "a production defect fixed",
  customer: "a customer commitment delivered",
  security: "a security exposure closed",
  migration: "a migration the business needs",
  "review-load": "tests or tooling that cut review load",
  compliance: "a compliance requirement met",
  support: "support volume removed",
  revenue: "revenue protected or won",
  cost: "running cost removed",
  risk: "operational risk reduced",
};

export const VALUE_FIELDS = ["issue", "type", "worth", "budget", "why-now"] as const;
export type ValueField = (typeof VALUE_FIELDS)[number];

const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, "a three-letter currency code such as USD or EUR")
  .transform((s) => s.toUpperCase());

/** Price of one model, in the configured currency per million tokens. */
const modelPrice = z.strictObject({
  input: z.number().nonnegative().describe("Price per million input tokens (not from cache)."),
  output: z.number().nonnegative().describe("Price per million output tokens (incl. reasoning)."),
  "cache-read": z
    .number()
    .nonnegative()
    .optional()
    .describe("Price per million cache-read tokens; defaults to the input price."),
  "cache-write": z
    .number()
    .nonnegative()
    .optional()
    .describe("Price per million cache-write tokens; defaults to the input price."),
});
export type ModelPriceOverride = z.infer<typeof modelPrice>;

/**
 * An extra way to recognise agent-assisted commits. Matching is plain, case-insensitive text
 * comparison (no regular expressions: the config file is untrusted input too).
 */
const agentPattern = z
  .strictObject({
    agent: z
      .string()
      .min(1)
      .max(100)
      .describe("Name shown for commits that match, e.g. `Windsurf`."),
    trailer: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, "a trailer key such as Co-authored-by")
      .optional()
      .describe("Trailer key to look at (case-insensitive). Omit to look at the commit author."),
    contains: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Matches when the value contains this."),
    equals: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Matches when the value is exactly this."),
  })
  .refine((p) => p.contains !== undefined || p.equals !== undefined, {
    message: "give `contains` or `equals`",
  });
export type AgentPatternConfig = z.infer<typeof agentPattern>;

export const configSchema = z.strictObject({
  "check-name": z
    .string()
    .min(1)
    .max(100)
    .default("cost/value")
    .describe("Name of the check run shown on pull requests."),
  currency: currencyCode
    .default("USD")
    .describe(
      "Currency of totals and budgets. Costs in another currency are shown but not added (no exchange rates).",
    ),
  value: z
    .strictObject({
      heading: z
        .string()
        .min(1)
        .max(100)
        .default("Value")
        .describe("Heading of the value section in PR and issue bodies (any level, any case)."),
      types: z
        .record(
          z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case words joined by -"),
          z.string(),
        )
        .default({ ...DEFAULT_VALUE_TYPES })
        .describe("Allowed value types and what each means."),
      required: z
        .array(z.enum(VALUE_FIELDS))
        .default(["issue", "type", "worth"])
        .describe("Fields a value statement must have. Add `budget` or `why-now` to require them."),
    })
    .prefault({})
    .describe("The value statement in the PR (or its linked issue)."),
  budgets: z
    .strictObject({
      enforce: z
        .boolean()
        .default(false)
        .describe("When true, spend over budget fails the check; otherwise it is neutral."),
    })
    .prefault({})
    .describe("Budgets on work."),
  rollups: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .describe(
          "Post each milestone's rollup (spend vs worth vs budget) as a comment, kept up to date.",
        ),
      issue: z
        .int()
        .positive()
        .nullable()
        .default(null)
        .describe(
          "Post every rollup on this issue number instead of one `Cost & value: <milestone>` issue per milestone.",
        ),
    })
    .prefault({})
    .describe("Milestone rollups for managers."),
  policy: z
    .strictObject({
      "missing-value": level
        .default("failure")
        .describe("Conclusion when the PR has no value statement (or an incomplete one)."),
      "agent-work-without-cost": level
        .default("neutral")
        .describe("Conclusion when agent-assisted commits recorded no cost."),
      "unpriced-models": level
        .default("neutral")
        .describe("Conclusion when tokens were recorded for a model with no known price."),
      "foreign-currency": level
        .default("neutral")
        .describe("Conclusion when a cost is in another currency than `currency`."),
      "malformed-trailers": level
        .default("neutral")
        .describe(
          "Conclusion when a cost trailer could not be read, or is outside the trailer block (git does not read it).",
        ),
    })
    .prefault({})
    .describe("What each finding does to the check's conclusion."),
  skip: z
    .strictObject({
      labels: z
        .array(z.string().min(1))
        .default(["skip-cost-value"])
        .describe("PRs with any of these labels are skipped."),
      authors: z
        .array(z.string().min(1))
        .default(["dependabot[bot]", "renovate[bot]", "github-actions[bot]"])
        .describe("PRs by these authors are skipped."),
    })
    .prefault({})
    .describe("PRs that get a `skipped` check."),
  drafts: z
    .enum(["evaluate", "neutral", "skip"])
    .default("neutral")
    .describe(
      "Draft PRs: `evaluate` like any PR, `neutral` (a failure is shown as neutral), or `skip`.",
    ),
  pricing: z
    .strictObject({
      overrides: z
        .record(z.string().min(1).max(200), modelPrice)
        .default({})
        .describe(
          "Prices per model (`provider/model` or bare model id), per million tokens, in `currency`. Wins over the bundled price data.",
        ),
    })
    .prefault({})
    .describe("Token pricing."),
  trailers: z
    .strictObject({
      aliases: z
        .partialRecord(
          z.enum(["Agent", "Agent-Cost", "Agent-Tokens", "Agent-Model", "Agent-Usage"]),
          z.array(z.string().regex(/^[A-Za-z0-9-]+$/, "a trailer key")),
        )
        .default({})
        .describe("Extra trailer keys read as ours, e.g. `Agent-Cost: [X-LLM-Cost]`."),
    })
    .prefault({})
    .describe("Cost trailers. `AI-` is always accepted as an alias of `Agent-`."),
  agents: z
    .strictObject({
      patterns: z
        .array(agentPattern)
        .default([])
        .describe("Extra patterns that mark a commit as agent-assisted."),
    })
    .prefault({})
    .describe("Recognising agent-assisted commits."),
});

export type Config = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG: Config = configSchema.parse({});
