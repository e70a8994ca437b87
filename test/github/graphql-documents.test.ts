/** Every GraphQL document the app sends is valid against GitHub's published schema. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  buildClientSchema,
  type GraphQLSchema,
  type IntrospectionQuery,
  parse,
  validate,
} from "graphql";
import { describe, expect, it } from "vitest";
import { ALL_DOCUMENTS } from "../../src/github/graphql-documents.js";
import { FakeGitHub, fakeSha, githubSchema } from "../helpers/fake-github/index.js";

const schemaFile = (name: string): string =>
  fileURLToPath(new URL(name, import.meta.resolve("@octokit/graphql-schema")));

// schema.graphql, built once per process by the fake (which executes documents against it)
const sdlSchema = githubSchema();
// The introspection JSON of the same release, as a second opinion.
const introspection = JSON.parse(readFileSync(schemaFile("schema.json"), "utf8")) as
  | IntrospectionQuery
  | { data: IntrospectionQuery };
const jsonSchema = buildClientSchema("data" in introspection ? introspection.data : introspection);

const SCHEMAS: [string, GraphQLSchema][] = [
  ["schema.graphql", sdlSchema],
  ["schema.json", jsonSchema],
];

/** Variables of the right types for each document, for the fake. */
const SAMPLE_VARIABLES: Record<keyof typeof ALL_DOCUMENTS, Record<string, unknown>> = {
  PULL_REQUEST_QUERY: {
    owner: "acme",
    repo: "shop",
    number: 1,
    headSha: fakeSha(),
    configExpression: "HEAD:.github/cost-value.yml",
    withIssue: false,
    issueOwner: "acme",
    issueRepo: "shop",
    issueNumber: 0,
  },
  COMMITS_PAGE_QUERY: { owner: "acme", repo: "shop", number: 1, cursor: "cursor:100" },
  CONFIG_FILE_QUERY: { owner: "acme", repo: "shop", expression: "HEAD:.github/cost-value.yml" },
  ISSUE_QUERY: { owner: "acme", repo: "shop", number: 1 },
  COMMIT_PULL_REQUESTS_QUERY: { owner: "acme", repo: "shop", sha: fakeSha(), search: "x" },
};

describe("GraphQL documents", () => {
  for (const [name, document] of Object.entries(ALL_DOCUMENTS)) {
    for (const [schemaName, schema] of SCHEMAS) {
      it(`${name} is valid against GitHub's ${schemaName}`, () => {
        const errors = validate(schema, parse(document)).map((e) => e.message);
        expect(errors).toEqual([]);
      });
    }

    it(`${name} has an operation name the fake answers`, () => {
      const fake = new FakeGitHub().addRepo("acme", "shop");
      fake.addPullRequest({
        owner: "acme",
        repo: "shop",
        number: 1,
        body: "",
        headSha: fakeSha(),
        commits: [],
      });
      const answer = fake.answer({
        query: document,
        variables: SAMPLE_VARIABLES[name as keyof typeof ALL_DOCUMENTS],
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toHaveProperty("data");
      expect(fake.requests[0]?.operation).toMatch(/^CostValue/);
    });
  }

  it("the validation catches a field GitHub does not have", () => {
    for (const [, schema] of SCHEMAS) {
      const errors = validate(
        schema,
        parse('query X { repository(owner: "o", name: "r") { nope } }'),
      );
      expect(errors.length).toBeGreaterThan(0);
    }
  });

  it("the fake refuses a document GitHub would reject, and a field it does not model", () => {
    const fake = new FakeGitHub();
    expect(() =>
      fake.answer({ query: 'query Nope { repository(owner: "o", name: "r") { nope } }' }),
    ).toThrow(
      /the "Nope" document is not valid against GitHub's schema: Cannot query field "nope"/,
    );
    expect(() => fake.answer({ query: "query Broken {" })).toThrow(/Syntax Error/);
    // valid for GitHub, but the fake has no data for it: a gap of the fake, not a made-up null
    expect(() => fake.answer({ query: "query SomethingElse { viewer { login } }" })).toThrow(
      /FakeGitHub does not model Query.viewer \(operation "SomethingElse"/,
    );
    expect(fake.invalidDocuments.map((d) => d.operation)).toEqual(["Nope", "Broken"]);
    expect(fake.requests.map((r) => r.operation)).toEqual(["Nope", "Broken", "SomethingElse"]);
  });
});
