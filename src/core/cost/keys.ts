/**
 * Which trailers are ours: `Agent`, `Agent-Cost`, `Agent-Tokens`, `Agent-Model`, `Agent-Usage`,
 * their `AI-…` spellings and the config's aliases, matched case-insensitively.
 */
import type { Config } from "../../config/schema.js";

export const COST_TRAILER_KEYS = [
  "Agent",
  "Agent-Cost",
  "Agent-Tokens",
  "Agent-Model",
  "Agent-Usage",
] as const;
export type CostTrailerKey = (typeof COST_TRAILER_KEYS)[number];

const keyIndexes = new WeakMap<object, Map<string, CostTrailerKey>>();

function builtInKeys(): Map<string, CostTrailerKey> {
  const map = new Map<string, CostTrailerKey>();
  for (const key of COST_TRAILER_KEYS) {
    map.set(key.toLowerCase(), key);
    map.set(`ai${key.slice("agent".length)}`.toLowerCase(), key);
  }
  return map;
}
const BUILT_IN_KEYS = builtInKeys();

export function keyIndex(aliases: Config["trailers"]["aliases"]): Map<string, CostTrailerKey> {
  const cached = keyIndexes.get(aliases);
  if (cached !== undefined) return cached;
  const map = new Map(BUILT_IN_KEYS);
  for (const key of COST_TRAILER_KEYS) {
    for (const alias of aliases[key] ?? []) {
      const lower = alias.trim().toLowerCase();
      if (!map.has(lower)) map.set(lower, key);
    }
  }
  keyIndexes.set(aliases, map);
  return map;
}

/** Which of our trailers `key` is (case-insensitive; `AI-` and the config's aliases included). */
export function costTrailerKey(
  key: string,
  aliases: Config["trailers"]["aliases"] = {},
): CostTrailerKey | undefined {
  return keyIndex(aliases).get(key.trim().toLowerCase());
}
