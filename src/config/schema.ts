/**
 * `.github/cost-value.yml`: every setting, its default and what it means. This schema IS the
 * documentation: `docs/configuration.md` is checked against it by a test.
 */
import { z } from "zod";
import { DEFAULT_DAY_HOURS, parseDuration } from "../core/investment/duration.js";
import {
  GITHUB_RUNNER_RATES,
  RUNNER_TYPES,
  type RunnerType,
} from "../core/investment/runner-rates.js";

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

export const VALUE_FIELDS = ["issue", "type", "worth", "budget", "why-now", "effort"] as const;
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

/**
 * A duration in the config (`2h`, `30m`): read like an `Effort:` value, so the same words work in
 * both places. Days are read as 8 h here (the core converts with `investment.day-hours`).
 */
function durationSetting(params: { allowZero: boolean }) {
  return z
    .string()
    .max(40)
    .superRefine((text, ctx) => {
      const result = parseDuration(text, { dayHours: DEFAULT_DAY_HOURS });
      if (!result.ok) {
        ctx.addIssue({
          code: "custom",
          message: `a duration such as \`2h\` or \`30m\`: ${result.reason}`,
        });
      } else if (!params.allowZero && result.minutes === 0) {
        ctx.addIssue({ code: "custom", message: "a duration above zero, such as `2h`" });
      }
    });
}

/** A price per minute of CI, in `investment.ci.currency`. */
const perMinute = z.number().nonnegative().max(100, "at most 100 per minute");

function runnerRates() {
  const shape = {} as Record<RunnerType, z.ZodDefault<typeof perMinute>>;
  for (const type of RUNNER_TYPES) {
    const { rate, what } = GITHUB_RUNNER_RATES[type];
    shape[type] = perMinute.default(rate).describe(`Per minute on ${what}.`);
  }
  return z.strictObject(shape);
}

const investment = z
  .strictObject({
    "hourly-rate": z
      .number()
      .positive("above zero (leave it out to show hours without money)")
      .max(100_000)
      .nullable()
      .default(null)
      .describe(
        "One blended rate for human time (engineering, review, coordination), in `currency` per hour; never a rate per person. Without it, hours are shown and labor is not priced.",
      ),
    "day-hours": z
      .number()
      .positive()
      .max(24)
      .default(DEFAULT_DAY_HOURS)
      .describe("Hours in a day, for durations written in days (`Effort: 2d`)."),
    "session-gap": durationSetting({ allowZero: false })
      .default("2h")
      .describe(
        "Estimating engineering time from commit times: a gap between two commits shorter than this counts as work; a longer one starts a new session.",
      ),
    "first-commit-allowance": durationSetting({ allowZero: true })
      .default("30m")
      .describe(
        "Estimating engineering time: the time added for each session's first commit (the work before it).",
      ),
    review: z
      .strictObject({
        "lines-per-hour": z
          .int()
          .positive()
          .max(100_000)
          .default(300)
          .describe(
            "Review rate: changed lines a reviewer reads in an hour (300, after the SmartBear/Cisco study).",
          ),
        floor: durationSetting({ allowZero: true })
          .default("10m")
          .describe("The least time counted for a reviewer, however small the change."),
        cap: durationSetting({ allowZero: false })
          .default("90m")
          .describe("The most time estimated for a reviewer, however large the change."),
      })
      .prefault({})
      .refine(
        (review) => {
          const floor = parseDuration(review.floor, { dayHours: DEFAULT_DAY_HOURS });
          const cap = parseDuration(review.cap, { dayHours: DEFAULT_DAY_HOURS });
          return !floor.ok || !cap.ok || floor.minutes <= cap.minutes;
        },
        { message: "`floor` must not be above `cap`", path: ["floor"] },
      )
      .describe(
        "Estimating review time: per reviewer who submitted a review, changed lines ÷ `lines-per-hour`, between `floor` and `cap`. A review whose body says `Review-Time: 30m` is declared instead.",
      ),
    ci: z
      .strictObject({
        currency: currencyCode
          .default("USD")
          .describe(
            "Currency of the CI rates (GitHub bills in USD). A CI line in another currency than `currency` is shown but not added.",
          ),
        rates: runnerRates()
          .prefault({})
          .describe(
            "Per-minute rates of GitHub-hosted runners by runner type; defaults are GitHub's published prices (USD, from January 1, 2026, read 2026-12-07).",
          ),
        labels: z
          .record(z.string().min(1).max(100), perMinute)
          .default({})
          .describe(
            "Per-minute rate for a runner label (exact, case-insensitive), e.g. a larger runner your organization named; wins over `rates`.",
          ),
        "self-hosted": perMinute
          .default(0)
          .describe(
            "Per-minute rate for jobs on self-hosted runners (a `self-hosted` label). GitHub's pricing page lists a cloud-platform charge of $0.002 a minute for them; set it to count that, or your own machines' cost.",
          ),
      })
      .prefault({})
      .describe(
        "CI minutes: each job is rounded up to a whole minute, as GitHub bills, and priced by its runner.",
      ),
  })
  .prefault({})
  .describe(
    "Total investment: human time (declared or estimated), review, CI and tools beside agent cost. See docs/investment.md.",
  );
export type InvestmentConfig = z.infer<typeof investment>;

const tool = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .describe("What the seat or subscription is, e.g. `Claude Team`."),
  monthly: z
    .number()
    .nonnegative()
    .max(10_000_000)
    .describe("What it costs per month, in `currency`."),
});
export type ToolConfig = z.infer<typeof tool>;

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
        .describe(
          "Fields a value statement must have. Add `budget`, `why-now` or `effort` to require them.",
        ),
    })
    .prefault({})
    .describe("The value statement in the PR (or its linked issue)."),
  budgets: z
    .strictObject({
      enforce: z
        .boolean()
        .default(false)
        .describe("When true, spend over budget fails the check; otherwise it is neutral."),
      covers: z
        .enum(["total", "agents"])
        .default("total")
        .describe(
          "What `Budget:` is compared with: `total` investment (every priced line) or `agents` (agent cost only).",
        ),
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
  investment,
  tools: z
    .array(tool)
    .max(100)
    .default([])
    .describe(
      "Seats and subscriptions (`[{ name: Claude Team, monthly: 1500 }]`), prorated over a milestone's days in its rollup.",
    ),
});

export type Config = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG: Config = configSchema.parse({});
