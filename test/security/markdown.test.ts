/**
 * What GitHub renders from untrusted text: the check output, the rollup comment and the notices,
 * with hostile values in every field people control (PR body fields, commit messages and trailer
 * values, model and agent names, labels, author logins, issue references, milestone titles and
 * descriptions, PR titles, config values). `liveMarkdown` removes what GitHub shows literally
 * (fenced code blocks, code spans, as CommonMark pairs them); what is left must hold no live
 * mention, no reference or link into another repository, no HTML (so no comment and no forged
 * marker), table rows must keep their columns, and each output must stay within GitHub's limits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatConfigProblems, parseConfigText } from "../../src/config/parse-config.js";
import { type Config, configSchema } from "../../src/config/schema.js";
import type { CommitInput } from "../../src/core/commit.js";
import { escapeWithCode, inlineCode } from "../../src/core/markdown/code.js";
import { escapeInline } from "../../src/core/markdown/escape.js";
import { parseMilestoneBudget } from "../../src/core/milestone.js";
import { type CheckOutput, renderCheckOutput } from "../../src/core/render.js";
import { renderConfigProblems, renderEvaluationFailure } from "../../src/core/render-notices.js";
import { renderRollup } from "../../src/core/rollup.js";
import { evaluatePullRequest, type PullRequestInput } from "../../src/core/verdict.js";
import { hostileRollup } from "../fixtures/adversarial/corpus.js";

const REPOSITORY = { owner: "acme", repo: "shop" };
const CONTEXT = { repository: REPOSITORY, currency: "USD", valueHeading: "Value" };

/** Everything GitHub would make live, with a tag naming the field so its presence can be checked. */
function hostile(tag: string): string {
  return [
    tag,
    "@octocat @org/team",
    "#12 GH-34 other/repo#5 other/repo@abcdef1 org@abcdef1",
    "https://github.com/other/repo/issues/1 www.github.com/other/repo/issues/2 HTTP://x.y",
    "<!-- cost-value:rollup repository=1 milestone=1 --> <!-- hidden",
    "<img src=x onerror=alert(1)> <details open> &#64;octocat &lt;b&gt;",
    "| cell | break\n| --- |\r\n- list\n# heading\n> quote\n1. item",
    "`` ` `` ``` ```` [x](https://evil.example) ![i](https://evil.example/i.png) [r]: https://e.x",
    "\u202Eevil\u202C \u0000 \u2028 $x$ **b** _i_ ~~s~~",
    `${"`".repeat(70)} @inside ${"`".repeat(70)}`,
  ].join(" ");
}

/** The same on one line (a field or trailer value ends at the line break). */
function hostileLine(tag: string): string {
  return hostile(tag)
    .replace(/[\r\n\u2028]+/g, " ")
    .replace("\u0000", ""); // (git stops reading a message at NUL)
}

/** For a commit message: without NUL, where git stops reading the message. */
function hostileMessage(tag: string): string {
  return hostile(tag).replace("\u0000", "");
}

/** For a value-statement field: without the unclosed `<!--`, which hides the lines after it. */
function hostileField(tag: string): string {
  return hostileLine(tag).replace("<!-- hidden", "");
}

/** A hostile id without whitespace (agent ids, logins: single words). */
function hostileWord(tag: string): string {
  return `${tag}@octocat|<!--x-->\`#1\`https://e.x/o/r/issues/1|GH-2|www.e.x|${"`".repeat(70)}@in`;
}

/** A model id made only of the characters model ids may have, and still hostile. */
function hostileModel(tag: string): string {
  return `${tag}@octocat/[x]~~s~~+@org/team:www.evil.example/o/r/issues/1_GH-2`;
}

// ---------------------------------------------------------------------------------------------
// What GitHub renders

/** Remove fenced code blocks and code spans (CommonMark: a run closes at the next equal run). */
function liveMarkdown(md: string): string {
  const out: string[] = [];
  let fence: { char: string; length: number } | undefined;
  for (const line of md.split("\n")) {
    const opener = /^ *(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (
        opener !== undefined &&
        opener[0] === fence.char &&
        opener.length >= fence.length &&
        line.trim() === opener
      )
        fence = undefined;
      continue;
    }
    if (
      opener !== undefined &&
      !(opener[0] === "`" && line.slice(line.indexOf(opener) + opener.length).includes("`"))
    ) {
      fence = { char: opener[0] as string, length: opener.length };
      continue;
    }
    out.push(withoutCodeSpans(line));
  }
  return out.join("\n");
}

function withoutCodeSpans(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === "\\" && i + 1 < line.length && /[!-/:-@[-`{-~]/.test(line[i + 1] as string)) {
      out += line.slice(i, i + 2); // an escaped character (an escaped backtick opens nothing)
      i += 2;
      continue;
    }
    if (c !== "`") {
      out += c;
      i++;
      continue;
    }
    let j = i;
    while (line[j] === "`") j++;
    const run = j - i;
    // the closing run: exactly as long
    let k = j;
    let close = -1;
    while (k < line.length) {
      const at = line.indexOf("`", k);
      if (at < 0) break;
      let e = at;
      while (line[e] === "`") e++;
      if (e - at === run) {
        close = at;
        break;
      }
      k = e;
    }
    if (close < 0) {
      out += line.slice(i, j); // no partner: literal backticks
      i = j;
    } else {
      out += "␣"; // the span, rendered literally
      i = close + run;
    }
  }
  return out;
}

const ALLOWED_HTML = [/^<!-- cost-value:rollup repository=\d+ milestone=\d+ -->\n/, /<\/?sub>/g];

/** Everything that must not be live; `ownNumbers`: issue/PR numbers we link in our own repo. */
function expectNeutral(md: string, ownNumbers: readonly number[] | "any" = []): void {
  let live = liveMarkdown(md);
  for (const allowed of ALLOWED_HTML) live = live.replace(allowed, "");
  const failures: string[] = [];
  const forbid = (what: string, re: RegExp) => {
    const m = re.exec(live);
    if (m !== null)
      failures.push(`${what}: …${live.slice(Math.max(0, m.index - 30), m.index + 40)}…`);
  };
  forbid("live @mention", /@[A-Za-z0-9_-]/);
  forbid("cross-repository reference", /[A-Za-z0-9_.-]\/[A-Za-z0-9_.-]+#[0-9]/);
  forbid("GH- reference", /(^|[^A-Za-z0-9_])GH-[0-9]/i);
  forbid("autolink", /[A-Za-z][A-Za-z0-9+.-]*:\/\//);
  forbid("www autolink", /(^|[^A-Za-z0-9])www\./i);
  forbid("raw HTML", /<[A-Za-z!?/]/);
  forbid("entity", /&(?!lt;|gt;|amp;)#?[A-Za-z0-9]+;/);
  forbid("markdown link", /(^|[^\\])\]\(/);
  for (const m of live.matchAll(/(^|[^A-Za-z0-9_\u200B])#([0-9]+)/g)) {
    if (ownNumbers !== "any" && !ownNumbers.includes(Number(m[2])))
      failures.push(`issue link #${m[2]} not ours`);
  }
  for (const c of ["\u202E", "\u202C", "\u0000"])
    if (md.includes(c)) failures.push(`control ${JSON.stringify(c)}`);
  expect(failures, md.slice(0, 3_000)).toEqual([]);
  expectTablesWhole(md);
}

/** Cell separators as GitHub's table scanner finds them: `\` escapes the next character. */
function pipes(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === "|") count++;
  }
  return count;
}

/** Every row of a table has the header's number of (unescaped) pipes. */
function expectTablesWhole(md: string): void {
  const lines = md.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const header = lines[i] as string;
    if (!header.startsWith("| ") || !/^\| [-:| ]+\|$/.test(lines[i + 1] ?? "")) continue;
    const columns = pipes(header);
    let j = i + 1;
    for (; j < lines.length && (lines[j] as string).startsWith("|"); j++) {
      expect(pipes(lines[j] as string), lines[j]).toBe(columns);
      expect((lines[j] as string).endsWith("|"), lines[j]).toBe(true);
    }
    // the line after a table is blank, the end, or our own text: never the rest of a broken row
    const after = lines[j];
    if (after !== undefined) expect(after === "" || after.startsWith("_"), after).toBe(true);
    i = j;
  }
}

function expectWithinLimits(out: CheckOutput): void {
  expect(out.title.length).toBeLessThanOrEqual(200);
  expect(out.summary.length).toBeLessThanOrEqual(65_535);
  expect(out.text.length).toBeLessThanOrEqual(65_535);
  // no half of a surrogate pair (GitHub rejects the request)
  for (const part of [out.title, out.summary, out.text]) {
    expect(part).not.toMatch(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Inputs

let n = 0;
const commit = (message: string, author: CommitInput["author"] = { name: "Dev" }): CommitInput => ({
  sha: (++n).toString(16).padStart(40, "c"),
  message,
  author,
});

function render(overrides: Partial<PullRequestInput>, config: Config = configSchema.parse({})) {
  const pr: PullRequestInput = {
    repository: REPOSITORY,
    number: 7,
    title: hostile("TITLE"),
    body: "## Value\nIssue: #12\nType: defect\nWorth: $8,000\nBudget: $300\n",
    author: "dev",
    labels: [],
    draft: false,
    commits: [commit("Fix\n\nAgent-Cost: 4.20 USD\n")],
    linkedIssues: [],
    ...overrides,
  };
  const out = renderCheckOutput(evaluatePullRequest({ pr, config }), CONTEXT);
  expectWithinLimits(out);
  return out;
}

const all = (out: CheckOutput) => `${out.title}\n${out.summary}\n${out.text}`;

function hostileCommits(): CommitInput[] {
  return [
    commit(
      `${hostileMessage("SUBJECT")}\n\n${hostileMessage("PROSE")}\n\nAgent: ${hostileLine("AGENT")}\nAgent-Cost: ${hostileLine("COST")}\nAgent-Usage: ${hostileModel("USAGEMODEL")} input=1000 output=10\nCo-authored-by: ${hostileLine("COAUTHOR")} <noreply@anthropic.com>\nAssisted-by: ASSISTED #1 |x \`y\` **z** GH-3 www.e.x:model\n`,
      { name: hostileLine("AUTHORNAME"), email: hostileWord("EMAIL"), login: hostileWord("LOGIN") },
    ),
    commit(
      `Second\n\nAgent: ${hostileWord("AGENTWORD")}\nAgent-Model: ${hostileModel("MODEL")}\nAgent-Tokens: input=${hostileLine("TOKENS")}\n`,
    ),
    commit(
      `Third\n\nAgent-Model: ${hostileModel("PRICEDMODEL")}\nAgent-Tokens: input=5 output=1\n`,
    ),
  ];
}

describe("the check output neutralizes every user-controlled field", () => {
  it("commit messages, trailer values, model and agent names, author names", () => {
    const out = render({ commits: hostileCommits() });
    for (const tag of ["USAGEMODEL", "AGENT", "COST", "PRICEDMODEL", "TOKENS", "ASSISTED"])
      expect(all(out).toLowerCase()).toContain(tag.toLowerCase());
    expect(all(out)).toContain("unpriced");
    expectNeutral(out.summary, [12]);
    expectNeutral(out.text, [12]);
  });

  it("value statement fields: type, worth, budget, why now, and other repositories' issues", () => {
    const invalid = render({
      body: `## Value\nIssue: ${hostileField("ISSUE")}\nType: ${hostileField("TYPE")}\nWorth: ${hostileField("WORTH")}\nBudget: ${hostileField("BUDGET")}\nWhy now: ${hostileLine("WHY")}\n${hostileWord("EXTRA")}: x\n`,
    });
    for (const tag of ["ISSUE", "TYPE", "WORTH", "BUDGET"]) expect(all(invalid)).toContain(tag);
    expectNeutral(invalid.summary);
    expectNeutral(invalid.text);

    const valid = render({
      body: `## Value\nIssue: other/repo#5\nWorth: $8,000\nWhy now: ${hostileLine("WHY")}\n`,
      linkedIssues: [
        {
          ref: { owner: "other", repo: "repo", number: 5 },
          body: `## Value\nType: defect\nBudget: $300\nWhy now: ${hostileLine("ISSUEWHY")}\n`,
        },
      ],
    });
    expect(valid.summary).toContain("WHY");
    expect(valid.summary).toContain("other/repo#\u200B5"); // shown, not linked
    expectNeutral(valid.summary);
  });

  it("a linked issue's hostile type and an unreadable issue reference", () => {
    const out = render({
      body: "Fixes other/repo#9\n",
      linkedIssues: [
        {
          ref: { owner: "other", repo: "repo", number: 9 },
          body: `## Value\nIssue: ${hostileField("ISSUEREF")}\nType: ${hostileField("ISSUETYPE")}\nWorth: 1\n`,
        },
      ],
    });
    expect(all(out)).toContain("ISSUETYPE");
    expectNeutral(out.summary);
    expectNeutral(out.text);
  });

  it("labels and author logins that skip the PR, and a hostile config", () => {
    const label = hostile("LABEL").replaceAll("\n", " ").slice(0, 300);
    const config = configSchema.parse({
      "check-name": hostile("CHECKNAME").replaceAll("\n", " ").slice(0, 100),
      skip: { labels: [label], authors: [hostile("LOGIN").slice(0, 90)] },
    });
    const byLabel = render({ labels: [label] }, config);
    expect(byLabel.summary).toContain("LABEL");
    expectNeutral(byLabel.summary);
    const byAuthor = render({ author: hostile("LOGIN").slice(0, 90) }, config);
    expect(byAuthor.summary).toContain("LOGIN");
    expectNeutral(byAuthor.summary);
  });

  it("a hostile value heading from the config (problems and the section to paste)", () => {
    const config = configSchema.parse({
      value: { heading: hostile("HEADING").replaceAll("\n", " ").slice(0, 100) },
    });
    const out = render({ body: "no section" }, config);
    expect(out.summary).toContain("HEADING");
    expectNeutral(out.summary);
    expectNeutral(out.text);
  });

  it("stays within the limits with many commits with long hostile messages", () => {
    const long = hostile("LONG").repeat(40); // ~20 KB
    const commits = Array.from({ length: 3_000 }, (_, i) =>
      commit(
        `${long}\n\n${long}\n\nAgent: ${hostileWord(`A${i}`)}\nAgent-Cost: ${long}\nAgent-Usage: ${hostileWord(`m${i}`)} input=${i}\n`,
      ),
    );
    const out = render({
      commits,
      body: `## Value\nType: ${long}\nWorth: ${long}\nWhy now: ${long}\n`,
    });
    expect(Buffer.byteLength(out.summary)).toBeLessThanOrEqual(65_000);
    expect(Buffer.byteLength(out.text)).toBeLessThanOrEqual(65_000);
    expect(out.text).toMatch(/more commits not shown|cut here/);
    expectNeutral(out.summary);
    expectNeutral(out.text);
  });
});

describe("the rollup comment neutralizes milestone, PR and model text", () => {
  it("every field hostile: milestone title and budget problem, PR titles, types, work items, models", () => {
    const md = renderRollup({
      data: hostileRollup(hostile("ROLLUP")),
      repositoryId: 9,
      now: new Date("2026-11-28T12:00:00Z"),
    });
    expect(md.startsWith("<!-- cost-value:rollup repository=9 milestone=3 -->\n")).toBe(true);
    // the one marker is ours, on the first line; no other comment is live
    expect(liveMarkdown(md).match(/<!--/g)).toHaveLength(1);
    expect(md).toContain("ROLLUP");
    expectNeutral(md, [1, 2, 3]);
  });

  it("a milestone description's unreadable Budget: line is quoted, not rendered", () => {
    const budget = parseMilestoneBudget(
      `Budget: 5 @octocat <!-- x --> https://e.x/o/r/issues/1\n`,
      "USD",
    );
    expect(budget.kind).toBe("problem");
    if (budget.kind !== "problem") return;
    const data = {
      ...hostileRollup("x"),
      milestone: { ...hostileRollup("x").milestone, budgetProblem: budget.message },
    };
    const md = renderRollup({ data, repositoryId: 9, now: new Date("2026-11-28T12:00:00Z") });
    expect(md).toContain("`Budget:`"); // our code spans stay code
    expectNeutral(md, [1, 2, 3]);
  });

  it("stays within the comment limit with thousands of rows of long titles", () => {
    const md = renderRollup({
      data: hostileRollup(hostile("BIG").repeat(3), 5_000),
      repositoryId: 9,
      now: new Date("2026-11-28T12:00:00Z"),
    });
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md).toContain("cut here");
    expectNeutral(
      md,
      Array.from({ length: 5_000 }, (_, i) => i + 1),
    );
  });
});

describe("the notices", () => {
  it("a broken config file: the problems quote it in code", () => {
    const yaml = `check-name: ${JSON.stringify(hostile("CFG"))}\ncurrency: "${hostile("CUR").replaceAll("\n", " ")}"\n${hostileWord("KEY").replaceAll(":", "")}: 1\nvalue: { types: { "${hostileWord("T")}": x } }\n`;
    const parsed = parseConfigText(yaml);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const out = renderConfigProblems({
      problems: formatConfigProblems(parsed.problems, ".github/cost-value.yml"),
      files: [".github/cost-value.yml"],
    });
    expect(out.summary).toContain("CUR");
    expectWithinLimits(out);
    expectNeutral(out.summary);
  });

  it("a hostile reason for a failed evaluation, and 10,000 problems", () => {
    const failed = renderEvaluationFailure({ reason: hostile("REASON").repeat(1_000) });
    expectWithinLimits(failed);
    expectNeutral(failed.summary);
    const many = renderConfigProblems({
      problems: Array.from({ length: 10_000 }, () => hostile("P").repeat(20)),
      files: [".github/cost-value.yml"],
    });
    expectWithinLimits(many);
    expectNeutral(many.summary);
  });
});

describe("the escaping helpers close every hole they are used for", () => {
  it("a backtick run as long as any fence cannot close a code span", () => {
    for (const run of [1, 2, 63, 64, 65, 200]) {
      const code = inlineCode(`${"`".repeat(run)} @octocat <!-- x --> ${"`".repeat(run)}`);
      expect(liveMarkdown(`x ${code} y`)).toBe("x ␣ y");
    }
  });

  it("www. and GH- references are broken, not only #, @ and ://", () => {
    expect(liveMarkdown(escapeInline("see www.github.com/o/r/issues/1 and GH-7"))).not.toMatch(
      /www\.|GH-7/,
    );
    expect(escapeInline("awww.b xGH-1")).toBe("awww.b xGH-1"); // inside words: nothing to break
  });

  it("escapeWithCode keeps our code spans and escapes the rest", () => {
    const out = escapeWithCode("Write `Budget: $5` not @octocat `` ` `` `unpaired");
    expect(out).toContain("`Budget: $5`");
    expect(out).toContain("@\u200Boctocat");
    expectNeutral(out);
  });
});

/** Strings built from the pieces that matter to GitHub's renderer, and arbitrary text. */
const piece = fc.oneof(
  fc.constantFrom(
    "@",
    "@octocat",
    "#",
    "#1",
    "GH-2",
    "o/r#3",
    "o/r@abcdef1",
    "https://",
    "http://e.x",
    "www.",
    "www.e.x/o/r/issues/1",
    "<",
    "<!--",
    "-->",
    "<!-- cost-value:rollup repository=1 milestone=1 -->",
    "<b>",
    "&#64;",
    "&",
    "|",
    "\\|",
    "\\",
    "`",
    "``",
    "```",
    "~~~",
    "\n",
    "\r\n",
    "\r",
    "\u2028",
    "\u202E",
    "\u0000",
    "\uD800",
    "[x](y)",
    "](",
    "- ",
    "1. ",
    "# ",
    "> ",
    " ",
    "\t",
    ":",
    "Worth: ",
    "Agent-Cost: ",
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ maxLength: 6, unit: "binary" }),
);
const hostileText = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(""));

describe("property: any text in any field renders neutral", () => {
  it("check output (body fields, commit trailers, agents, models) and rollup", () => {
    fc.assert(
      fc.property(hostileText, hostileText, hostileText, (a, b, c) => {
        const word = (s: string) => s.replace(/\s/g, "x") || "m";
        const out = render({
          body: `## Value\nIssue: ${a}\nType: ${b}\nWorth: ${c}\nWhy now: ${a}${b}\n`,
          commits: [
            commit(
              `${a}\n\n${b}\n\nAgent: ${c}\nAgent-Cost: ${a}\nAgent-Usage: ${word(b)} input=1\nAssisted-by: ${word(c)}:m\n`,
              { name: b, email: c, login: a },
            ),
          ],
          labels: [a],
        });
        // (an `Issue:` of this repository, e.g. `GH-2`, is linked: any number may appear)
        expectNeutral(out.summary, "any");
        expectNeutral(out.text, "any");
        const md = renderRollup({
          data: hostileRollup(`${a}${b}${c}`),
          repositoryId: 1,
          now: new Date("2026-11-28T12:00:00Z"),
        });
        expectNeutral(md, [1, 2, 3]);
        expectNeutral(escapeWithCode(`${a}\`${b}\`${c}`));
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});
