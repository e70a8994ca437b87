/**
 * Least privilege: app.yml asks for exactly the permissions the code uses, and for exactly the
 * events it handles.
 *
 * - Every GitHub REST route the code calls (each `"METHOD /path"` string in src/, and each
 *   `octokit.rest.<namespace>.<method>`) maps to the permission GitHub requires, in the table below.
 * - Every field the GraphQL documents read maps to a permission by the type it is read from.
 * - The permissions so needed (the highest access per permission) must equal app.yml's
 *   `default_permissions`: nothing missing, nothing extra, write only where a write is made.
 * - app.yml's `default_events` must equal the events the app subscribes to with `app.on(...)`
 *   (recorded by loading the app), installation events excepted (they reach every app unasked).
 *
 * The tables follow GitHub's "Permissions required for GitHub Apps":
 * https://docs.github.com/en/rest/authentication/permissions-required-for-github-apps
 * and each endpoint's "Fine-grained access tokens" section in the REST reference. Where GitHub
 * accepts either of two permissions (issue comments: issues or pull_requests) the one app.yml
 * relies on is listed, the other in a comment.
 *
 * (`@octokit/app-permissions` was considered: its scraped data keeps one permission per route,
 * e.g. pull_requests only for issue comments, and lacks routes the app calls, such as
 * `GET /repos/{owner}/{repo}/collaborators/{username}/permission`.)
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { emitterEventNames } from "@octokit/webhooks";
import {
  buildSchema,
  type GraphQLNamedType,
  getNamedType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import pino from "pino";
import { Probot } from "probot";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { migrate } from "../../src/db/migrate.js";
import { createCostValueApp } from "../../src/github/app.js";
import { ALL_DOCUMENTS } from "../../src/github/graphql-documents.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { APP_ID, TestOctokit } from "../helpers/probot.js";

type Access = "read" | "write";
type Need = { permission: string; access: Access };

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SRC = join(ROOT, "src");
const DOCS = "https://docs.github.com/en/rest";

/**
 * REST routes → the permission they need (`permission: null`: none of the installation's
 * permissions; the app's JWT, or any installation token, is enough). One entry per endpoint; the
 * link is its reference.
 */
const REST_PERMISSIONS: Record<
  string,
  (Need | { permission: null; auth: "app JWT" | "installation token" }) & { doc: string }
> = {
  // check runs: find ours on the head commit, create it, update it
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": {
    permission: "checks",
    access: "read",
    doc: `${DOCS}/checks/runs#list-check-runs-for-a-git-reference`,
  },
  "POST /repos/{owner}/{repo}/check-runs": {
    permission: "checks",
    access: "write",
    doc: `${DOCS}/checks/runs#create-a-check-run`,
  },
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": {
    permission: "checks",
    access: "write",
    doc: `${DOCS}/checks/runs#update-a-check-run`,
  },
  // rollup issues: find, create
  "GET /repos/{owner}/{repo}/issues": {
    permission: "issues",
    access: "read",
    doc: `${DOCS}/issues/issues#list-repository-issues`,
  },
  "POST /repos/{owner}/{repo}/issues": {
    permission: "issues",
    access: "write",
    doc: `${DOCS}/issues/issues#create-an-issue`,
  },
  // rollup comments and command replies (GitHub accepts issues or pull_requests for these)
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": {
    permission: "issues",
    access: "read",
    doc: `${DOCS}/issues/comments#list-issue-comments`,
  },
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": {
    permission: "issues",
    access: "write",
    doc: `${DOCS}/issues/comments#create-an-issue-comment`,
  },
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": {
    permission: "issues",
    access: "write",
    doc: `${DOCS}/issues/comments#update-an-issue-comment`,
  },
  // /cost-value commands: the commenter's permission on the repository
  "GET /repos/{owner}/{repo}/collaborators/{username}/permission": {
    permission: "metadata",
    access: "read",
    doc: `${DOCS}/collaborators/collaborators#get-repository-permissions-for-a-user`,
  },
  // `cost-value reconcile` (src/cli/reconcile-command.ts): installations, repositories, open PRs
  "GET /app/installations": {
    permission: null,
    auth: "app JWT",
    doc: `${DOCS}/apps/apps#list-installations-for-the-authenticated-app`,
  },
  "GET /app/installations/{installation_id}": {
    permission: null,
    auth: "app JWT",
    doc: `${DOCS}/apps/apps#get-an-installation-for-the-authenticated-app`,
  },
  "GET /repos/{owner}/{repo}/installation": {
    permission: null,
    auth: "app JWT",
    doc: `${DOCS}/apps/apps#get-a-repository-installation-for-the-authenticated-app`,
  },
  "GET /installation/repositories": {
    permission: null,
    auth: "installation token",
    doc: `${DOCS}/apps/installations#list-repositories-accessible-to-the-app-installation`,
  },
  "GET /repos/{owner}/{repo}": {
    permission: "metadata",
    access: "read",
    doc: `${DOCS}/repos/repos#get-a-repository`,
  },
  "GET /repos/{owner}/{repo}/pulls": {
    permission: "pull_requests",
    access: "read",
    doc: `${DOCS}/pulls/pulls#list-pull-requests`,
  },
  // `cost-value redeliver` (src/cli/redeliver-command.ts): the app's webhook deliveries
  "GET /app/hook/deliveries": {
    permission: null,
    auth: "app JWT",
    doc: `${DOCS}/apps/webhooks#list-deliveries-for-an-app-webhook`,
  },
  "POST /app/hook/deliveries/{delivery_id}/attempts": {
    permission: null,
    auth: "app JWT",
    doc: `${DOCS}/apps/webhooks#redeliver-a-delivery-for-an-app-webhook`,
  },
};

/**
 * GraphQL: the permission needed to read a field, by the type it is read from (`null`: connection
 * plumbing, no permission of its own). Fields that reach into another resource are listed in
 * GRAPHQL_FIELD_PERMISSIONS.
 */
const GRAPHQL_TYPE_PERMISSIONS: Record<string, Need | null> = {
  Query: { permission: "metadata", access: "read" },
  Repository: { permission: "metadata", access: "read" },
  RepositoryOwner: { permission: "metadata", access: "read" },
  Ref: { permission: "metadata", access: "read" },
  Actor: { permission: "metadata", access: "read" },
  PullRequest: { permission: "pull_requests", access: "read" },
  PullRequestCommit: { permission: "pull_requests", access: "read" },
  PullRequestReview: { permission: "pull_requests", access: "read" },
  // labels and milestones of a pull request (issues: read would do as well)
  Label: { permission: "pull_requests", access: "read" },
  Milestone: { permission: "pull_requests", access: "read" },
  Issue: { permission: "issues", access: "read" },
  Commit: { permission: "contents", access: "read" },
  GitActor: { permission: "contents", access: "read" },
  User: { permission: "metadata", access: "read" },
  Blob: { permission: "contents", access: "read" },
  CheckSuite: { permission: "checks", access: "read" },
  CheckRun: { permission: "checks", access: "read" },
  App: { permission: "checks", access: "read" },
  PageInfo: null,
  PullRequestCommitConnection: null,
  LabelConnection: null,
  IssueConnection: null,
  PullRequestConnection: null,
  CheckSuiteConnection: null,
  CheckRunConnection: null,
  SearchResultItemConnection: null,
  PullRequestReviewConnection: null,
};

const GRAPHQL_FIELD_PERMISSIONS: Record<string, Need> = {
  "Repository.object": { permission: "contents", access: "read" },
  "Repository.pullRequest": { permission: "pull_requests", access: "read" },
  "Repository.issue": { permission: "issues", access: "read" },
  "PullRequest.closingIssuesReferences": { permission: "issues", access: "read" },
  "Commit.checkSuites": { permission: "checks", access: "read" },
  "Commit.associatedPullRequests": { permission: "pull_requests", access: "read" },
  "PullRequest.commits": { permission: "pull_requests", access: "read" },
  "PullRequest.reviews": { permission: "pull_requests", access: "read" },
};

/** Events → the permission GitHub requires to receive them (webhook events and payloads). */
const EVENT_PERMISSIONS: Record<string, Need> = {
  pull_request: { permission: "pull_requests", access: "read" },
  check_suite: { permission: "checks", access: "read" },
  check_run: { permission: "checks", access: "read" },
  milestone: { permission: "issues", access: "read" }, // or pull_requests
  issue_comment: { permission: "issues", access: "read" }, // or pull_requests
  pull_request_review: { permission: "pull_requests", access: "read" },
  // delivered with the Actions permission; the app makes no Actions API call
  workflow_job: { permission: "actions", access: "read" },
};

/** Events every installation receives without asking (not listed in default_events). */
const UNASKED_EVENTS = new Set(["installation", "installation_repositories"]);

const rank = (a: Access): number => (a === "write" ? 2 : 1);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

interface Found {
  routes: { route: string; where: string }[];
  restMethods: { name: string; where: string }[];
  inlineDocuments: string[];
}

/** String literals that are REST routes, `*.rest.<ns>.<method>` accesses, GraphQL documents. */
function scanSource(): Found {
  const found: Found = { routes: [], restMethods: [], inlineDocuments: [] };
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) =>
      `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visitNode = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        const value = node.text;
        if (/^(GET|POST|PUT|PATCH|DELETE|HEAD) \//.test(value))
          found.routes.push({ route: value, where: where(node) });
        if (/^\s*(query|mutation|subscription)\s+\w+/.test(value))
          found.inlineDocuments.push(where(node));
      }
      if (ts.isTemplateExpression(node) && /^\s*(query|mutation)\s+\w+/.test(node.head.text))
        found.inlineDocuments.push(where(node));
      if (
        ts.isPropertyAccessExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        ts.isPropertyAccessExpression(node.expression.expression) &&
        node.expression.expression.name.text === "rest"
      ) {
        found.restMethods.push({
          name: `${node.expression.name.text}.${node.name.text}`,
          where: where(node),
        });
      }
      ts.forEachChild(node, visitNode);
    };
    visitNode(source);
  }
  return found;
}

const schemaFile = (name: string): string =>
  fileURLToPath(new URL(name, import.meta.resolve("@octokit/graphql-schema")));

let analysed: { needs: Map<string, Need>; unknown: string[] } | undefined;

/** What each GraphQL document reads, by the type each field is read from. */
function graphqlNeeds(): { needs: Map<string, Need>; unknown: string[] } {
  if (analysed !== undefined) return analysed;
  const schema = buildSchema(readFileSync(schemaFile("schema.graphql"), "utf8"), {
    assumeValidSDL: true,
  });
  const needs = new Map<string, Need>();
  const unknown: string[] = [];
  for (const [name, document] of Object.entries(ALL_DOCUMENTS)) {
    const typeInfo = new TypeInfo(schema);
    visit(
      parse(document),
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          if (node.name.value === "__typename") return;
          const parent: GraphQLNamedType | null | undefined = typeInfo.getParentType();
          const parentName = parent?.name ?? "?";
          const key = `${parentName}.${node.name.value}`;
          const byField = GRAPHQL_FIELD_PERMISSIONS[key];
          const byType = GRAPHQL_TYPE_PERMISSIONS[parentName];
          if (byField === undefined && byType === undefined) {
            unknown.push(`${name}: ${key} (returns ${String(getNamedType(typeInfo.getType()))})`);
            return;
          }
          const need = byField ?? byType;
          if (need) needs.set(`graphql ${name} ${key}`, need);
        },
      }),
    );
  }
  analysed = { needs, unknown };
  return analysed;
}

function appYml(): {
  default_permissions: Record<string, string>;
  default_events: string[];
} {
  return parseYaml(readFileSync(join(ROOT, "app.yml"), "utf8"));
}

/** The highest access needed per permission. */
function required(needs: Iterable<Need>): Record<string, Access> {
  const out: Record<string, Access> = {};
  for (const n of needs) {
    const had = out[n.permission];
    if (had === undefined || rank(n.access) > rank(had)) out[n.permission] = n.access;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

const sorted = (r: Record<string, string>) =>
  Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));

describe("app.yml asks for what the code uses", () => {
  const found = scanSource();

  it("the scan sees the code's GitHub calls (a sanity check of the scanner)", () => {
    expect(found.routes.map((r) => r.route)).toContain("POST /repos/{owner}/{repo}/check-runs");
    expect(found.routes.length).toBeGreaterThanOrEqual(8);
  });

  it("every REST route in src/ has a permission in the table", () => {
    const missing = found.routes
      .filter((r) => REST_PERMISSIONS[r.route] === undefined)
      .map(
        (r) =>
          `${r.where}: "${r.route}" is not in REST_PERMISSIONS of test/security/app-permissions.test.ts: add it with the permission GitHub requires (see ${DOCS}/authentication/permissions-required-for-github-apps), and update app.yml if it needs more`,
      );
    expect(missing).toEqual([]);
  });

  it("every octokit.rest method in src/ maps to a route in the table", () => {
    const octokit = new TestOctokit({ auth: "x" }) as unknown as {
      rest: Record<
        string,
        Record<string, { endpoint: { DEFAULTS: { method: string; url: string } } }>
      >;
    };
    const missing: string[] = [];
    for (const m of found.restMethods) {
      const [namespace = "", method = ""] = m.name.split(".");
      const defaults = octokit.rest[namespace]?.[method]?.endpoint.DEFAULTS;
      const route = defaults ? `${defaults.method} ${defaults.url}` : `(unknown ${m.name})`;
      if (REST_PERMISSIONS[route] === undefined)
        missing.push(
          `${m.where}: octokit.rest.${m.name} (${route}) is not in REST_PERMISSIONS: add it with the permission GitHub requires`,
        );
    }
    expect(missing).toEqual([]);
  });

  it("GraphQL documents are all in graphql-documents.ts, and every field read has a permission", () => {
    const elsewhere = found.inlineDocuments.filter(
      (w) => !w.startsWith("src/github/graphql-documents.ts"),
    );
    expect(elsewhere, "put GraphQL documents in src/github/graphql-documents.ts").toEqual([]);
    const { unknown } = graphqlNeeds();
    expect(
      unknown,
      "add these to GRAPHQL_TYPE_PERMISSIONS or GRAPHQL_FIELD_PERMISSIONS in test/security/app-permissions.test.ts",
    ).toEqual([]);
  });

  it("default_permissions equal the permissions needed: nothing missing, nothing extra, write only where written", () => {
    const needs: Need[] = [
      ...found.routes.flatMap((r): Need[] => {
        const need = REST_PERMISSIONS[r.route];
        return need?.permission ? [{ permission: need.permission, access: need.access }] : [];
      }),
      ...graphqlNeeds().needs.values(),
      // events the app subscribes to that no API call needs a permission for
      ...appYml().default_events.flatMap((e) =>
        e === "workflow_job" ? [EVENT_PERMISSIONS[e] as Need] : [],
      ),
    ];
    expect(sorted(appYml().default_permissions)).toEqual(required(needs));
  });

  it("the table is not stale: every route in it is still called", () => {
    const called = new Set(found.routes.map((r) => r.route));
    const stale = Object.keys(REST_PERMISSIONS).filter((route) => !called.has(route));
    expect(stale, "remove routes the code no longer calls from REST_PERMISSIONS").toEqual([]);
  });
});

describe("app.yml subscribes to the events the app handles", () => {
  let db: TestDatabase;
  const subscribed = new Set<string>();

  beforeAll(async () => {
    db = await openTestDatabase();
    await migrate(db.pool);
    const probot = new Probot({
      githubToken: "test",
      Octokit: TestOctokit,
      log: pino({ level: "silent" }),
    });
    const on = probot.on;
    probot.on = ((events: string | string[], handler: never) => {
      for (const e of Array.isArray(events) ? events : [events]) subscribed.add(e);
      return on(events as never, handler);
    }) as typeof probot.on;
    await probot.load(createCostValueApp({ appId: APP_ID, database: db }));
  });
  afterAll(async () => {
    await db.close();
  });

  it("every subscription is a known webhook event", () => {
    expect(subscribed.size).toBeGreaterThan(0);
    const known = new Set<string>(emitterEventNames);
    expect([...subscribed].filter((e) => !known.has(e))).toEqual([]);
  });

  it("default_events equal the events subscribed to (installation events excepted)", () => {
    const events = [...new Set([...subscribed].map((e) => e.split(".")[0] ?? e))]
      .filter((e) => !UNASKED_EVENTS.has(e))
      .sort();
    expect([...appYml().default_events].sort()).toEqual(events);
  });

  it("each event's permission is granted by default_permissions", () => {
    const granted = appYml().default_permissions;
    const problems = appYml().default_events.flatMap((event) => {
      const need = EVENT_PERMISSIONS[event];
      if (need === undefined)
        return [`${event}: add it to EVENT_PERMISSIONS with the permission GitHub requires`];
      const has = granted[need.permission] as Access | undefined;
      return has !== undefined && rank(has) >= rank(need.access)
        ? []
        : [`${event} needs ${need.permission}: ${need.access}`];
    });
    expect(problems).toEqual([]);
  });
});
