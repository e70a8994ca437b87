/**
 * `npm run demo`: the app at work with no GitHub account. Starts the real app (`src/server.ts`,
 * what `npm start` runs, from source) on a throwaway PGlite directory against a fake GitHub on
 * 127.0.0.1 (test/helpers: GitHub's GraphQL schema and the REST endpoints the app uses), sends it
 * signed deliveries as GitHub would — three pull requests of one milestone (cost trailers with and
 * without a value statement) and a milestone budget edit — then prints the check runs and the
 * milestone's rollup comment the app posted, stops the app (SIGTERM: the documented drain) and
 * exits 0. Nothing leaves the machine. CI runs it as a smoke test.
 */
import { pathToFileURL } from "node:url";
import { markdownToText } from "../src/core/markdown/to-text.js";
import { sendDelivery, startAppProcess } from "../test/helpers/app-process.js";
import { commitsOf, FakeGitHub, type FakePullRequest } from "../test/helpers/fake-github/index.js";
import { APP_ID } from "../test/helpers/probot.js";
import { milestonePayload, pullRequestPayload } from "../test/helpers/webhook-payloads.js";

const OWNER = "acme";
const REPO = "shop";
const REPO_ID = 77;
const MILESTONE = {
  number: 3,
  title: "Checkout v2",
  state: "OPEN" as const,
  description: "Budget: $500\n",
};

interface DemoPullRequest {
  number: number;
  title: string;
  body: string;
  /** One commit message per commit. */
  commits: string[];
  /** What the demo says it is. */
  what: string;
}

const PULL_REQUESTS: DemoPullRequest[] = [
  {
    number: 11,
    title: "Fix rounding in EU card payments",
    what: "2 commits with Agent-Cost/Agent-Usage trailers, a complete value statement",
    body: [
      "Rounds VAT per line, as the card networks do.",
      "",
      "## Value",
      "",
      "Issue: #123",
      "Type: defect",
      "Worth: $8,000",
      "Budget: $300",
      "Why now: Checkout fails for 2% of EU card payments; ~40 support tickets a week.",
      "",
    ].join("\n"),
    commits: [
      "Round VAT per line\n\nAgent: claude-code\nAgent-Usage: anthropic/claude-sonnet-4-5 input=12000 output=3400 cache-read=180000 cost=0.71\nAgent-Cost: 0.71 USD\n",
      "Test the EU card totals\n\nAgent: claude-code\nAgent-Cost: 3.58 USD\n",
    ],
  },
  {
    number: 12,
    title: "Retry the payment provider on 503",
    what: "1 commit with a cost trailer, no value statement",
    body: "Retries twice with backoff.\n",
    commits: ["Retry the provider on 503\n\nAgent: codex\nAgent-Cost: 2.40 USD\n"],
  },
  {
    number: 13,
    title: "Show the saved card's expiry",
    what: "1 commit with a cost trailer, a value statement of type customer",
    body: [
      "## Value",
      "",
      "Issue: #130",
      "Type: customer",
      "Worth: $1,200",
      "Why now: asked for by three enterprise customers this quarter.",
      "",
    ].join("\n"),
    commits: ["Show the card expiry\n\nAgent: claude-code\nAgent-Cost: 12.50 USD\n"],
  },
];

export interface DemoResult {
  checkRuns: { number: number; conclusion: string; title: string; summary: string }[];
  rollup: string | undefined;
  seconds: number;
}

const indent = (text: string, by = "    "): string =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => (line === "" ? "" : by + line))
    .join("\n");

/** Runs the demo, printing as it goes; resolves with what the app posted. */
export async function runDemo(print: (line: string) => void = console.log): Promise<DemoResult> {
  const started = performance.now();
  const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);
  const github = new FakeGitHub({ ids: "small" }).addRepo(OWNER, REPO, {}, REPO_ID);
  const prs: FakePullRequest[] = PULL_REQUESTS.map((p) => {
    const commits = commitsOf(p.commits.length, (i) => p.commits[i] ?? "");
    return github.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: p.number,
      title: p.title,
      body: p.body,
      headSha: commits.at(-1)?.sha ?? "",
      commits,
      milestone: MILESTONE,
    });
  });
  const server = await github.serve();
  print(`cost-value demo: a fake GitHub on ${server.url} (nothing leaves this machine)`);
  print("starting the app (src/server.ts, as `npm start` runs it) on a new PGlite directory …");
  const app = await startAppProcess({
    github: server.url,
    appId: APP_ID,
    readyPath: "/readyz",
    timeoutMs: 90_000,
    env: { LOG_LEVEL: "warn", NODE_ENV: "production" },
  }).catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  let failure: unknown;
  try {
    print(`app ready at ${app.url} after ${elapsed()} s\n`);
    print("deliveries, signed like GitHub's:");
    for (const [i, p] of PULL_REQUESTS.entries()) {
      const pr = prs[i] as FakePullRequest;
      const { status } = await sendDelivery({
        url: app.url,
        secret: app.secret,
        event: "pull_request",
        deliveryId: `demo-pr-${p.number}`,
        payload: pullRequestPayload("opened", {
          owner: OWNER,
          repo: REPO,
          repoId: REPO_ID,
          number: p.number,
          headSha: pr.headSha,
          body: p.body,
        }),
      });
      print(`  pull_request.opened  ${OWNER}/${REPO}#${p.number} (${p.what}) → ${status}`);
      if (status !== 200) throw new Error(`the app answered ${status}:\n${app.output()}`);
    }
    const { status } = await sendDelivery({
      url: app.url,
      secret: app.secret,
      event: "milestone",
      deliveryId: "demo-milestone",
      payload: milestonePayload(
        "edited",
        { owner: OWNER, repo: REPO, repoId: REPO_ID },
        { ...MILESTONE, state: "open" },
      ),
    });
    print(
      `  milestone.edited     "${MILESTONE.title}" (${MILESTONE.description.trim()}) → ${status}`,
    );
    if (status !== 200) throw new Error(`the app answered ${status}:\n${app.output()}`);
  } catch (error) {
    failure = error;
  }
  // SIGTERM, as Docker or systemd stop it: the app drains and closes the database
  const exit = await app.stop();
  await server.close();
  if (failure !== undefined) throw failure;
  if (exit.code !== 0) {
    throw new Error(`the app exited with ${exit.code ?? exit.signal} on SIGTERM:\n${app.output()}`);
  }

  const checkRuns = PULL_REQUESTS.map((p) => {
    const run = github.checkRuns.filter((r) => r.writes[0]?.external_id === `pr:${p.number}`);
    const last = run.at(-1);
    return {
      number: p.number,
      conclusion: last?.conclusion ?? "(none)",
      title: last?.output?.title ?? "",
      summary: last?.output?.summary ?? "",
    };
  });
  print("\ncheck runs the app posted:");
  for (const run of checkRuns) {
    print(`\n  ${OWNER}/${REPO}#${run.number}  ${run.conclusion}  — ${run.title}`);
    print(indent(markdownToText(run.summary, { color: false })));
  }
  const rollup = github.comments.filter((c) => c.body.startsWith("<!-- cost-value:rollup")).at(-1);
  const issue = github.issues.find((i) => i.number === rollup?.issue_number);
  print(
    rollup !== undefined
      ? `\nthe milestone's rollup comment (on issue #${rollup.issue_number} "${issue?.title ?? ""}"):\n`
      : "\nno rollup comment was posted",
  );
  if (rollup !== undefined) print(indent(markdownToText(rollup.body, { color: false })));
  // a smoke test too (CI runs it): every PR got its check run, the milestone its rollup
  const missing = checkRuns.filter((r) => r.conclusion === "(none)").map((r) => `#${r.number}`);
  if (missing.length > 0) throw new Error(`no check run for ${missing.join(", ")}`);
  if (rollup === undefined) throw new Error("no rollup comment for the milestone");
  const seconds = Number(elapsed());
  print(`\ndemo done in ${seconds} s: the app stopped cleanly (SIGTERM, drained).`);
  return { checkRuns, rollup: rollup?.body, seconds };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runDemo().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`cost-value demo failed: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}
