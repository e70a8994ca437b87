/**
 * The configuration reference, generated from the zod schema so the docs cannot drift from the
 * code: `docs/configuration.md` carries this table and a test compares them.
 */
import { stringify } from "yaml";
import { configSchema, DEFAULT_CONFIG } from "./schema.js";

export interface SettingDescription {
  key: string;
  type: string;
  default: unknown;
  description: string;
}

interface ZodLike {
  description?: string;
  _zod: { def: Record<string, unknown> & { type: string } };
}

function unwrap(schema: ZodLike): ZodLike {
  let current = schema;
  for (;;) {
    const def = current._zod.def;
    if (def.type === "default" || def.type === "prefault" || def.type === "optional") {
      current = def.innerType as ZodLike;
    } else if (def.type === "pipe") {
      current = def.in as ZodLike;
    } else {
      return current;
    }
  }
}

function describeType(schema: ZodLike): string {
  const inner = unwrap(schema);
  const def = inner._zod.def;
  switch (def.type) {
    case "enum":
      return Object.values(def.entries as Record<string, string>)
        .map((v) => `\`${v}\``)
        .join(" / ");
    case "array":
      return `list of ${describeType(def.element as ZodLike)}`;
    case "record":
      return `map of ${describeType(def.valueType as ZodLike)}`;
    case "object":
      return "settings";
    case "nullable":
      return `${describeType(def.innerType as ZodLike)} or \`null\``;
    case "int":
      return "integer";
    default:
      return def.type;
  }
}

function valueAt(path: readonly string[]): unknown {
  let node: unknown = DEFAULT_CONFIG;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

function walk(schema: ZodLike, path: string[], out: SettingDescription[]): void {
  const inner = unwrap(schema);
  const shape = inner._zod.def.shape as Record<string, ZodLike> | undefined;
  const isSection = inner._zod.def.type === "object" && path.length > 0;
  if (isSection && shape !== undefined && path.length > 0) {
    out.push({
      key: path.join("."),
      type: "section",
      default: undefined,
      description: schema.description ?? "",
    });
  }
  if (shape !== undefined) {
    for (const [key, child] of Object.entries(shape)) walk(child, [...path, key], out);
    return;
  }
  out.push({
    key: path.join("."),
    type: describeType(schema),
    default: valueAt(path),
    description: schema.description ?? "",
  });
}

export function describeConfig(): SettingDescription[] {
  const out: SettingDescription[] = [];
  walk(configSchema as unknown as ZodLike, [], out);
  return out;
}

function formatDefault(value: unknown): string {
  if (value === undefined) return "";
  const json = JSON.stringify(value);
  if (json === "{}" || json === "[]") return `\`${json}\``;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return "see below";
  }
  return `\`${json}\``;
}

/** The markdown table of every setting (pipes in descriptions escaped). */
export function renderConfigTable(): string {
  const rows = describeConfig().map((s) =>
    s.type === "section"
      ? `| **\`${s.key}\`** | | | ${s.description.replaceAll("|", "\\|")} |`
      : `| \`${s.key}\` | ${s.type.replaceAll("|", "\\|")} | ${formatDefault(s.default)} | ${s.description.replaceAll("|", "\\|")} |`,
  );
  return ["| setting | type | default | meaning |", "| --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}

/** A complete `.github/cost-value.yml` with every default, each setting commented. */
export function renderDefaultConfigYaml(): string {
  const yaml = stringify(DEFAULT_CONFIG, { lineWidth: 0 });
  const descriptions = new Map(describeConfig().map((s) => [s.key, s.description]));
  const lines: string[] = [
    "# cost-value configuration: every setting with its default.",
    "# Delete what you do not change; see docs/configuration.md.",
  ];
  const stack: string[] = [];
  for (const line of yaml.trimEnd().split("\n")) {
    const match = /^( *)([A-Za-z0-9_-]+):/.exec(line);
    if (match !== null) {
      const depth = (match[1] as string).length / 2;
      stack.length = depth;
      stack.push(match[2] as string);
      const description = descriptions.get(stack.join("."));
      if (description) lines.push(`${match[1]}# ${description}`);
    }
    lines.push(line);
  }
  return `${lines.join("\n")}\n`;
}
