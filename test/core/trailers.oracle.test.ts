/**
 * The trailer parser against the real git (`git interpret-trailers --parse --no-divider`, git
 * 2.39 on these machines): every message of the real corpus and a few thousand generated ones
 * built from the line shapes that steer git's rules. The bar is zero differences. Without git the
 * test fails and says why: it never passes silently.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTrailers } from "../../src/core/trailers.js";
import { readCorpus } from "../helpers/corpus.js";
import { type GitOracle, openGitOracle } from "../helpers/git-oracle.js";

const oracle = openGitOracle();

function requireGit(): GitOracle {
  if ("unavailable" in oracle) {
    throw new Error(
      `The trailer oracle needs git (2.39) on PATH: ${oracle.unavailable}. Install git (apt-get install git) and re-run; this test does not pass without it.`,
    );
  }
  return oracle;
}

/** Our answer in git's output format: `Key: value` lines. */
function ours(message: string): string {
  return parseTrailers(message)
    .map((t) => `${t.key}: ${t.value}\n`)
    .join("");
}

interface Difference {
  readonly label: string;
  readonly message: string;
  readonly git: string;
  readonly ours: string;
}

async function compareAll(
  git: GitOracle,
  cases: readonly { label: string; message: string }[],
): Promise<{ differences: Difference[]; withTrailers: number; trailers: number }> {
  const answers = await git.trailersOfMany(cases.map((c) => c.message));
  const differences: Difference[] = [];
  let withTrailers = 0;
  let trailers = 0;
  cases.forEach((c, i) => {
    const expected = answers[i] ?? "";
    const actual = ours(c.message);
    if (expected !== "") withTrailers++;
    trailers += expected === "" ? 0 : expected.split("\n").length - 1;
    if (expected !== actual) differences.push({ ...c, git: expected, ours: actual });
  });
  return { differences, withTrailers, trailers };
}

function describeDifferences(differences: readonly Difference[]): string {
  return differences
    .slice(0, 5)
    .map(
      (d) =>
        `${d.label}\n  message: ${JSON.stringify(d.message.slice(0, 2000))}\n  git:  ${JSON.stringify(d.git)}\n  ours: ${JSON.stringify(d.ours)}`,
    )
    .join("\n");
}

// Line shapes that decide git's answer: trailers and near-trailers, git-generated prefixes,
// continuations, comments, blank and whitespace-only lines, the scissors line, old-style
// conflict blocks, and the whitespace characters git does (\t \r) and does not (\v \f) count.
const LINE_SHAPES = [
  "",
  " ",
  "\t",
  "  \t ",
  "\r",
  " \r",
  "\v",
  "\f",
  "Subject line",
  "prose that is not a trailer",
  "Prose with: a colon",
  "Key: value",
  "Key:value",
  "Key : value",
  "Key\t: value",
  "Key  :  spaced value  ",
  "Key:",
  "Key: ",
  "Key:\r",
  "Key: value\r",
  "key-with-dashes: v",
  "-: dash key",
  "9: digit key",
  ": no key",
  " Key: indented",
  "Two words: not a trailer",
  "Key=value",
  "Key=value: x",
  "https://example.com/path",
  "Clé: non-ascii key",
  "Key: non-ascii välue ✓",
  "Signed-off-by: A U Thor <a@example.com>",
  "Signed-off-by:no-space",
  "signed-off-by: lower case",
  "(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)",
  "(cherry picked from",
  "Co-authored-by: Claude <noreply@anthropic.com>",
  "Agent-Cost: 4.20 USD",
  "AI-Tokens: input=1200 output=300",
  " continuation",
  "\tcontinuation with tab",
  "    indented prose",
  "# comment",
  "#",
  "#Key: commented trailer",
  "Conflicts:",
  "\tsrc/conflicted.c",
  "# ------------------------ >8 ------------------------",
  "# ------------------------ >8 ------------------------ tail",
  "---",
  "--- ",
  "---------",
  "* bullet: item",
  "Fixes #123",
  "Closes: #123",
];

const lineArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...LINE_SHAPES) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom("K", "e", "y", "-", " ", "\t", ":", "v", "#", "(", "\r", "é"), {
        maxLength: 8,
      })
      .map((cs) => cs.join("")),
  },
);

const messageArb = fc
  .tuple(
    fc.array(lineArb, { minLength: 0, maxLength: 4 }), // title paragraph (and leading lines)
    fc.array(fc.array(lineArb, { minLength: 0, maxLength: 7 }), { minLength: 0, maxLength: 3 }),
    fc.constantFrom("", "\n", "\n\n", " \n", "\n# trailing comment\n"),
  )
  .map(([title, paragraphs, ending]) =>
    [title.join("\n"), ...paragraphs.map((p) => p.join("\n"))].join("\n\n").concat(ending),
  );

describe("trailer parser = git interpret-trailers --parse --no-divider", () => {
  it("git is available for the oracle", () => {
    const git = requireGit();
    console.log(`oracle: ${git.version}`);
    expect(git.version).toMatch(/^git version \d+\.\d+/);
  });

  it("agrees with git on every message of the real corpus", async () => {
    const git = requireGit();
    const corpus = readCorpus();
    expect(corpus.length).toBe(6049);
    const cases = corpus.map((c) => ({ label: `${c.repository} ${c.sha}`, message: c.message }));
    const { differences, withTrailers, trailers } = await compareAll(git, cases);
    console.log(
      `oracle corpus: ${cases.length} messages, ${withTrailers} with trailers, ${trailers} trailers, ${differences.length} differences`,
    );
    expect(withTrailers).toBeGreaterThan(1000); // the corpus exercises the parser
    expect(differences, describeDifferences(differences)).toHaveLength(0);
  }, 300_000);

  it("agrees with git on 3,000 generated messages built from tricky line shapes", async () => {
    const git = requireGit();
    const messages = fc.sample(messageArb, { numRuns: 3000, seed: 20261128 });
    const cases = messages.map((message, i) => ({ label: `generated #${i}`, message }));
    const { differences, withTrailers, trailers } = await compareAll(git, cases);
    console.log(
      `oracle generated: ${cases.length} messages, ${withTrailers} with trailers, ${trailers} trailers, ${differences.length} differences`,
    );
    expect(withTrailers).toBeGreaterThan(500);
    expect(differences, describeDifferences(differences)).toHaveLength(0);
  }, 300_000);

  it("agrees with git on large and adversarial messages", async () => {
    const git = requireGit();
    const mb = 1024 * 1024;
    const cases = [
      { label: "1 MB of one token", message: `T\n\n${"a".repeat(mb)}: v` },
      { label: "1 MB of trailers", message: `T\n\n${"Key: value\n".repeat(mb / 11)}` },
      { label: "1 MB of continuations", message: `T\n\nKey: v\n${" x\n".repeat(mb / 3)}` },
      { label: "1 MB of blank lines", message: `T\n\nA: b${"\n".repeat(mb)}` },
      { label: "1 MB of comments", message: `T\n\nA: b\n${"#\n".repeat(mb / 2)}` },
      { label: "1 MB of token then spaces", message: `T\n\nKey${" ".repeat(mb)}x` },
      { label: "1 MB of spaces lines", message: `T\n\nA: b\n${"  \n".repeat(mb / 3)}` },
      {
        label: "1 MB mixed",
        message: `T\n\n${"Signed-off-by: x\nprose\nprose\nprose\n".repeat(mb / 40)}`,
      },
    ];
    const { differences } = await compareAll(git, cases);
    expect(differences.map((d) => d.label)).toEqual([]);
  }, 120_000);
});
