/**
 * Slash commands in issue and PR comments: `/cost-value rollup [milestone title]`. Comments are
 * untrusted: read line by line, the first line starting with `/cost-value` counts, lengths bounded.
 */
export type Command = { kind: "rollup"; milestone?: string } | { kind: "help"; unknown?: string };

const PREFIX = "/cost-value";
const MAX_TITLE = 200;

export function parseCommand(body: string): Command | undefined {
  let inFence = false;
  for (const raw of body.split("\n", 500)) {
    const line = raw.trim();
    if (line.startsWith("```") || line.startsWith("~~~")) inFence = !inFence;
    if (inFence || !line.startsWith(PREFIX)) continue;
    const rest = line.slice(PREFIX.length);
    if (rest !== "" && !rest.startsWith(" ") && !rest.startsWith("\t")) continue; // `/cost-valuex`
    const words = rest.trim();
    if (words === "" || words === "help") return { kind: "help" };
    const space = words.search(/\s/);
    const verb = (space === -1 ? words : words.slice(0, space)).toLowerCase();
    const argument = space === -1 ? "" : words.slice(space).trim();
    if (verb !== "rollup") return { kind: "help", unknown: verb.slice(0, 40) };
    let title = argument.slice(0, MAX_TITLE);
    if (title.length >= 2 && (title[0] === '"' || title[0] === "'") && title.at(-1) === title[0]) {
      title = title.slice(1, -1).trim();
    }
    return title === "" ? { kind: "rollup" } : { kind: "rollup", milestone: title };
  }
  return undefined;
}

export const COMMAND_HELP =
  "`/cost-value rollup` posts the cost & value rollup of this issue's milestone here; `/cost-value rollup <milestone title>` posts another milestone's. Only people with write access to the repository can run it.";

/**
 * How many `/cost-value` commands are answered per minute: each answer is a comment, so a user
 * (or several) repeating a command must not make the app post without bound. Commands beyond the
 * limits are ignored without a reply (a reply would itself be a post).
 */
export interface CommandRateLimits {
  /** Commands of one user on one issue or PR per window. */
  perUserPerIssue: number;
  /** Commands of everyone on one issue or PR per window. */
  perIssue: number;
  windowMs: number;
}

export const COMMAND_RATE_LIMITS: CommandRateLimits = {
  perUserPerIssue: 3,
  perIssue: 10,
  windowMs: 60_000,
};

export type CommandRateDecision =
  | { allowed: true }
  | { allowed: false; reason: "user" | "issue"; limit: number };

/** Whether one more command may be answered, given those answered in the current window. */
export function decideCommandRate(
  answered: { byUser: number; onIssue: number },
  limits: CommandRateLimits = COMMAND_RATE_LIMITS,
): CommandRateDecision {
  if (answered.byUser >= limits.perUserPerIssue)
    return { allowed: false, reason: "user", limit: limits.perUserPerIssue };
  if (answered.onIssue >= limits.perIssue)
    return { allowed: false, reason: "issue", limit: limits.perIssue };
  return { allowed: true };
}

/** A login GitHub gives to apps and bots (`dependabot[bot]`, `cost-value[bot]`). */
export const isBotLogin = (login: string | undefined | null): boolean =>
  typeof login === "string" && login.toLowerCase().endsWith("[bot]");
