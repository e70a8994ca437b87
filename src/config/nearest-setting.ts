/**
 * "did you mean `currency`?": the known setting nearest to a misspelt one, by edit distance.
 * Pure; the settings are read from the zod schema, so the suggestions follow it.
 */
import type { z } from "zod";
import { configSchema } from "./schema.js";

/** The part of zod 4's internal definition this walk needs. */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef =>
  (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The schema inside defaults, optionals and pipes. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (inner === undefined) return current;
    current = inner;
  }
  return current;
}

/** The setting names allowed at `path` (the keys of the object there); none when not an object. */
export function settingsAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = configSchema;
  for (const key of path) {
    const def = defOf(unwrap(schema));
    if (def.type === "object") schema = def.shape?.[String(key)];
    else if (def.type === "record") schema = def.valueType;
    else return [];
    if (schema === undefined) return [];
  }
  const def = defOf(unwrap(schema));
  return def.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

/** Levenshtein distance (insertions, deletions, substitutions); both strings are short keys. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The known setting nearest to `key`, when it is near enough to be a typo: at most 2 edits, or a
 * third of the key's length for long keys, 1 for keys under 5 characters (`_` and case count as nothing: `check_name`,
 * `Currency`). Undefined when nothing is that near.
 */
export function nearestSetting(key: string, known: readonly string[]): string | undefined {
  if (key.length > 100) return undefined;
  const normal = (text: string): string => text.toLowerCase().replaceAll("_", "-");
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(normal(key), normal(name));
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  // short keys get one edit: two would turn `typo` into `types`
  const allowed = key.length < 5 ? 1 : Math.max(2, Math.floor(key.length / 3));
  return best.distance <= allowed && best.distance < key.length ? best.name : undefined;
}
