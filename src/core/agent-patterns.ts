/**
 * How coding agents mark the commits they help write, as DATA. `agents.ts` matches these with
 * plain case-insensitive string comparison (no regular expressions), and appends the patterns of
 * `agents.patterns` from the config. docs/trailers.md lists them for people.
 *
 * Each pattern names one place to look and the text conditions (all given ones must hold):
 * - `trailer`: trailer keys (any of them) in the commit's trailer block; the value is tested;
 * - `author`: the commit author's name, email and GitHub login (each tested on its own);
 * - `bodyLine`: every line of the message, trimmed.
 * With no condition a pattern matches any non-empty value (a trailer that is itself the mark).
 */

export interface AgentPattern {
  /** Name shown for commits that match. */
  agent: string;
  trailer?: readonly string[];
  author?: true;
  bodyLine?: true;
  contains?: string;
  equals?: string;
  startsWith?: string;
  endsWith?: string;
  /**
   * Take the agent's name from the value, before its first `:` (`Assisted-by: NAME:MODEL`, the
   * Linux kernel convention); the pattern matches only values of that form.
   */
  agentFromValue?: "before-colon";
}

/** Trailers in which tools credit themselves. */
export const CREDIT_TRAILERS = [
  "Co-authored-by",
  "Assisted-by",
  "Generated-by",
  "Signed-off-by",
] as const;

const credit = CREDIT_TRAILERS;

export const BUILT_IN_AGENT_PATTERNS: readonly AgentPattern[] = [
  // Claude Code: `Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>`
  { agent: "Claude Code", trailer: credit, contains: "<noreply@anthropic.com>" },
  { agent: "Claude Code", bodyLine: true, contains: "generated with [claude code]" },
  { agent: "Claude Code", trailer: ["Claude-Session"] },
  { agent: "Claude Code", trailer: credit, contains: "+claude[bot]@users.noreply.github.com" },
  { agent: "Claude Code", author: true, equals: "claude[bot]" },
  { agent: "Claude Code", author: true, endsWith: "+claude[bot]@users.noreply.github.com" },

  // Codex: `Co-authored-by: Codex <noreply@openai.com>`
  { agent: "Codex", trailer: credit, contains: "<noreply@openai.com>" },
  { agent: "Codex", trailer: ["Codex-Session"] },
  { agent: "Codex", trailer: credit, contains: "chatgpt-codex-connector[bot]" },
  { agent: "Codex", author: true, contains: "chatgpt-codex-connector[bot]" },

  // GitHub Copilot: `Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>`
  { agent: "Copilot", trailer: credit, contains: "+copilot@users.noreply.github.com>" },
  { agent: "Copilot", trailer: credit, contains: "copilot-swe-agent[bot]" },
  { agent: "Copilot", author: true, contains: "copilot-swe-agent[bot]" },
  { agent: "Copilot", author: true, endsWith: "+copilot@users.noreply.github.com" },

  // Cursor: `Co-authored-by: Cursor <cursoragent@cursor.com>`, `Made-with: Cursor`
  { agent: "Cursor", trailer: credit, contains: "<cursoragent@cursor.com>" },
  { agent: "Cursor", trailer: credit, contains: "<assistant@cursor.com>" },
  { agent: "Cursor", trailer: ["Made-with"], equals: "cursor" },
  { agent: "Cursor", trailer: ["Cursor-Session"] },
  { agent: "Cursor", bodyLine: true, equals: "cursor-ai-generated" },
  { agent: "Cursor", author: true, equals: "cursoragent@cursor.com" },

  // aider: `Co-authored-by: aider (anthropic/claude-sonnet-4-5) <aider@aider.chat>`, author `Jane (aider)`
  { agent: "aider", trailer: credit, contains: "<aider@aider.chat>" },
  { agent: "aider", trailer: credit, contains: "<noreply@aider.chat>" },
  { agent: "aider", author: true, endsWith: "(aider)" },
  { agent: "aider", author: true, equals: "aider@aider.chat" },
  { agent: "aider", author: true, equals: "noreply@aider.chat" },

  // Devin: the `devin-ai-integration[bot]` GitHub account
  { agent: "Devin", trailer: credit, contains: "devin-ai-integration[bot]" },
  { agent: "Devin", author: true, contains: "devin-ai-integration[bot]" },

  // Amp: `Co-authored-by: Amp <amp@ampcode.com>`, `Amp-Thread-ID: https://ampcode.com/threads/T-…`
  { agent: "Amp", trailer: credit, contains: "<amp@ampcode.com>" },
  { agent: "Amp", trailer: ["Amp-Thread-ID", "Amp-Thread"] },
  { agent: "Amp", author: true, equals: "amp@ampcode.com" },

  // Gemini Code Assist (review suggestions committed from a PR) and Gemini with Google's noreply
  { agent: "Gemini Code Assist", trailer: credit, contains: "gemini-code-assist[bot]" },
  { agent: "Gemini Code Assist", author: true, contains: "gemini-code-assist[bot]" },
  { agent: "Gemini", trailer: credit, contains: "<noreply@google.com>" },
  { agent: "Gemini", trailer: credit, contains: "<gemini@google.com>" },

  // Jules (Google) and opencode
  { agent: "Jules", trailer: credit, contains: "google-labs-jules[bot]" },
  { agent: "Jules", author: true, contains: "google-labs-jules[bot]" },
  { agent: "opencode", trailer: credit, contains: "<noreply@opencode.ai>" },

  // The Linux kernel convention: `Assisted-by: AGENT_NAME:MODEL_VERSION [TOOL…]`
  { agent: "", trailer: ["Assisted-by"], agentFromValue: "before-colon" },
];

/**
 * Display names of known tools, so that `Agent: claude-code`, `Assisted-by: Claude:…` and a
 * Claude co-author line count as one agent. Compared without case, spaces, `-` or `_`.
 */
export const AGENT_NAMES: readonly { name: string; ids: readonly string[] }[] = [
  { name: "Claude Code", ids: ["claude-code", "claude", "claude-code-action", "claude[bot]"] },
  { name: "Codex", ids: ["codex", "codex-cli", "openai-codex", "chatgpt-codex"] },
  { name: "Copilot", ids: ["copilot", "github-copilot", "copilot-agent", "copilot-swe-agent"] },
  { name: "Cursor", ids: ["cursor", "cursor-agent", "cursoragent"] },
  { name: "aider", ids: ["aider"] },
  { name: "Devin", ids: ["devin", "devin-ai"] },
  { name: "Amp", ids: ["amp", "ampcode"] },
  { name: "Gemini Code Assist", ids: ["gemini-code-assist"] },
  { name: "Gemini", ids: ["gemini", "gemini-cli"] },
  { name: "Jules", ids: ["jules", "google-jules"] },
  { name: "opencode", ids: ["opencode"] },
];
