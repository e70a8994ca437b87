/**
 * GitHub's published GraphQL schema (@octokit/graphql-schema's `schema.graphql`), built once per
 * process (per test file's module graph), and documents parsed and validated against it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  validate,
} from "graphql";

/** An entry of GitHub's `errors`. `type` only for GitHub's typed errors (NOT_FOUND, …). */
export interface GraphqlError {
  type?: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  message: string;
}

let schema: GraphQLSchema | undefined;
let schemaBuildMs: number | undefined;

/** GitHub's published schema (@octokit/graphql-schema), built on first use. */
export function githubSchema(): GraphQLSchema {
  if (schema === undefined) {
    const file = fileURLToPath(
      new URL("schema.graphql", import.meta.resolve("@octokit/graphql-schema")),
    );
    const sdl = readFileSync(file, "utf8");
    const started = performance.now();
    // The SDL of @octokit/graphql-schema 15.26.1 defines two fields of EnterpriseOwnerInfo twice
    // (identically), which buildSchema's SDL validation rejects: skip that validation.
    schema = buildSchema(sdl, { assumeValidSDL: true });
    schemaBuildMs = performance.now() - started;
  }
  return schema;
}

/** How long `buildSchema` took in this process (undefined before the first use). */
export function githubSchemaBuildMs(): number | undefined {
  return schemaBuildMs;
}

export interface Prepared {
  /** The operation's name (from the text when it does not parse; "" when it has none). */
  operation: string;
  document?: DocumentNode;
  /** Syntax and validation errors, as GitHub puts them in the body. */
  errors: GraphqlError[];
}

const prepared = new Map<string, Prepared>();

/** Parse and validate a document against GitHub's schema (cached by its text). */
export function prepare(query: string, operationName: string | undefined): Prepared {
  const cacheKey = `${operationName ?? ""}\n${query}`;
  const cached = prepared.get(cacheKey);
  if (cached !== undefined) return cached;
  let result: Prepared;
  try {
    const document = parse(query);
    const errors = validate(githubSchema(), document).map(bodyError);
    const op = getOperationAST(document, operationName);
    if (op === null && errors.length === 0) {
      errors.push({
        message:
          operationName === undefined
            ? "Must provide operation name if query contains multiple operations."
            : `Unknown operation named "${operationName}".`,
      });
    }
    result = { operation: op?.name?.value ?? operationName ?? "", document, errors };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const operation = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? operationName ?? "";
    result = { operation, errors: [bodyError(error)] };
  }
  prepared.set(cacheKey, result);
  return result;
}

/** A validation or syntax error as GitHub puts it in the body: message and locations. */
export function bodyError(e: GraphQLError): GraphqlError {
  return {
    message: e.message,
    ...(e.locations !== undefined ? { locations: e.locations.map((l) => ({ ...l })) } : {}),
  };
}
