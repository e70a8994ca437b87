/**
 * The built-in agent patterns are data (agent-patterns.ts): each one well formed, every agent it
 * names a known display name, the known names' ids claimed once, and docs/trailers.md listing
 * the same agents and credit trailers. How they match commits is tested in agents.test.ts. Each
 * check collects the offenders, so a failure names them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  AGENT_NAMES,
  type AgentPattern,
  BUILT_IN_AGENT_PATTERNS,
  CREDIT_TRAILERS,
} from "../../src/core/agent-patterns.js";

const places = (p: AgentPattern) =>
  [p.trailer !== undefined, p.author === true, p.bodyLine === true].filter(Boolean).length;
const conditions = (p: AgentPattern) => [p.contains, p.equals, p.startsWith, p.endsWith];
/** As agents.ts compares names: without case, spaces, `-` or `_`. */
const normal = (name: string) => name.toLowerCase().replace(/[ _-]/g, "");

describe("the built-in patterns", () => {
  // moved from test/core/agents.test.ts, offenders listed instead of a bare true/false
  it("each look in exactly one place, and name an agent or take it from the value", () => {
    expect(BUILT_IN_AGENT_PATTERNS.filter((p) => places(p) !== 1)).toEqual([]);
    expect(
      BUILT_IN_AGENT_PATTERNS.filter((p) => p.agent === "" && p.agentFromValue === undefined),
    ).toEqual([]);
  });

  it("have no empty condition (it would match every value) and no empty trailer list", () => {
    expect(BUILT_IN_AGENT_PATTERNS.filter((p) => conditions(p).some((c) => c === ""))).toEqual([]);
    expect(BUILT_IN_AGENT_PATTERNS.filter((p) => p.trailer?.length === 0)).toEqual([]);
  });

  it("only match the author or a body line on some condition (a bare one would match every commit)", () => {
    expect(
      BUILT_IN_AGENT_PATTERNS.filter(
        (p) => p.trailer === undefined && conditions(p).every((c) => c === undefined),
      ),
    ).toEqual([]);
  });

  it("name agents by their display names, so `Agent: claude-code` and a co-author line agree", () => {
    const names = new Set(AGENT_NAMES.map((n) => n.name));
    const named = [...new Set(BUILT_IN_AGENT_PATTERNS.map((p) => p.agent))].filter((a) => a !== "");
    expect(named.filter((a) => !names.has(a))).toEqual([]);
  });
});

describe("AGENT_NAMES", () => {
  it("claims each id, as compared, for one tool only", () => {
    const owners = new Map<string, string[]>();
    for (const { name, ids } of AGENT_NAMES) {
      for (const id of [name, ...ids]) {
        const list = owners.get(normal(id)) ?? [];
        if (!list.includes(name)) list.push(name);
        owners.set(normal(id), list);
      }
    }
    expect([...owners].filter(([, list]) => list.length > 1)).toEqual([]);
  });
});

describe("docs/trailers.md", () => {
  const doc = readFileSync(new URL("../../docs/trailers.md", import.meta.url), "utf8");

  it("lists exactly the agents the patterns name", () => {
    const start = doc.indexOf("| agent ");
    const table = doc.slice(start, doc.indexOf("\n\n", start)).split("\n").slice(2);
    const listed = table
      .map((row) => row.split("|")[1]?.trim() ?? "")
      .filter((name) => !name.startsWith("_"));
    const named = [...new Set(BUILT_IN_AGENT_PATTERNS.map((p) => p.agent))].filter((a) => a !== "");
    expect(listed.sort()).toEqual(named.sort());
  });

  it("names the credit trailers the patterns read", () => {
    const sentence = /"credit trailer" = ([^)]+)\)/.exec(doc.replace(/\n/g, " "))?.[1] ?? "";
    const keys = [...sentence.matchAll(/`([A-Za-z-]+)`/g)].map((m) => m[1]);
    expect(keys).toEqual([...CREDIT_TRAILERS]);
  });
});
