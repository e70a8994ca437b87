/** Every GraphQL document the app sends is valid against GitHub's published schema. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildClientSchema, type IntrospectionQuery, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { ALL_DOCUMENTS } from "../../src/github/graphql-documents.js";

// schema.json (introspection): the package's schema.graphql repeats a field, which buildSchema rejects
const schemaFile = fileURLToPath(
  new URL("schema.json", import.meta.resolve("@octokit/graphql-schema")),
);
const introspection = JSON.parse(readFileSync(schemaFile, "utf8")) as
  | IntrospectionQuery
  | { data: IntrospectionQuery };
const schema = buildClientSchema("data" in introspection ? introspection.data : introspection);

describe("GraphQL documents", () => {
  for (const [name, document] of Object.entries(ALL_DOCUMENTS)) {
    it(`${name} is valid against GitHub's schema`, () => {
      const errors = validate(schema, parse(document)).map((e) => e.message);
      expect(errors).toEqual([]);
    });
  }

  it("the validation catches a field GitHub does not have", () => {
    const errors = validate(
      schema,
      parse('query X { repository(owner: "o", name: "r") { nope } }'),
    );
    expect(errors.length).toBeGreaterThan(0);
  });
});
