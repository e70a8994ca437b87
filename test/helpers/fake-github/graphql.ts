/**
 * GitHub's GraphQL endpoint: every document executed with graphql-js against GitHub's published
 * schema, with the resolvers over the fake's stores. Answers have GitHub's shapes: always HTTP 200,
 * `{ data, errors? }`, partial data with `NOT_FOUND` / `FORBIDDEN` errors (type at the top level,
 * path, locations, message), and graphql-js's own serialization errors as they are (a check run id
 * above 2^31 − 1 comes back as `databaseId: null` plus "Int cannot represent non 32-bit signed
 * integer value: …", like github.com).
 *
 * Loud on anything GitHub would not answer or the fake cannot: a document that does not validate
 * against the schema (or variables that do not fit it) is recorded in `invalidDocuments` and
 * throws (or, with `{ invalidDocuments: "answer" }`, gets GitHub's `{ errors }` body); a field the
 * fake does not model throws.
 */
import { type ExecutionResult, execute } from "graphql";
import { ALL_DOCUMENTS } from "../../../src/github/graphql-documents.js";
import { fieldResolver, githubError } from "./graphql-support.js";
import { Resolvers } from "./resolvers.js";
import { bodyError, type GraphqlError, githubSchema, prepare } from "./schema.js";
import type { GitHubState } from "./state.js";

/** An answer as it goes over the wire: HTTP status and JSON body. */
export interface GraphqlAnswer {
  status: number;
  json: unknown;
}

export type Variables = Record<string, unknown>;

export interface GraphqlBody {
  query: string;
  variables?: Variables | null;
  operationName?: string | null;
}

export class GraphqlEndpoint {
  /** Documents that did not validate (or whose variables did not fit), with GitHub's errors. */
  readonly invalidDocuments: { operation: string; errors: GraphqlError[] }[] = [];
  readonly #faults: { operation: string; answer: GraphqlAnswer }[] = [];
  readonly #resolvers: Resolvers;

  constructor(
    state: GitHubState,
    readonly onInvalid: "throw" | "answer" = "throw",
  ) {
    this.#resolvers = new Resolvers(state);
    // build the schema (~0.4-1 s, once per process) and validate the app's documents now, in the
    // test's setup, not on the first request: that one may be inside a timed window
    for (const document of Object.values(ALL_DOCUMENTS)) prepare(document, undefined);
  }

  /** The operation a body names (what a request is recorded as). */
  operationOf(body: unknown): string | undefined {
    const b = body as Partial<GraphqlBody> | undefined;
    if (typeof b?.query !== "string") return undefined;
    return prepare(b.query, b.operationName ?? undefined).operation;
  }

  /** Answer the next request for `operation` with `answer` instead (a 502, a `RATE_LIMITED` body). */
  failNext(operation: string, answer: GraphqlAnswer): void {
    this.#faults.push({ operation, answer });
  }

  /** Validate the document against GitHub's schema, execute it, answer as GitHub would. */
  answer(body: GraphqlBody): GraphqlAnswer {
    const vars = body.variables ?? {};
    const doc = prepare(body.query, body.operationName ?? undefined);
    if (doc.document === undefined || doc.errors.length > 0) {
      return this.#invalid(doc.operation, doc.errors);
    }
    const fault = this.#faults.findIndex((f) => f.operation === doc.operation);
    if (fault >= 0) return this.#faults.splice(fault, 1)[0]?.answer as GraphqlAnswer;
    const result = execute({
      schema: githubSchema(),
      document: doc.document,
      rootValue: this.#resolvers.root(),
      variableValues: vars,
      ...(body.operationName ? { operationName: body.operationName } : {}),
      fieldResolver,
    }) as ExecutionResult;
    if ("then" in result) throw new Error("FakeGitHub: a resolver returned a promise");
    // variables that do not fit the document: errors and no data, like a document error
    if (result.data === undefined) {
      return this.#invalid(doc.operation, (result.errors ?? []).map(bodyError));
    }
    const errors = (result.errors ?? []).map((e) => githubError(e, doc.operation));
    // what went over the wire: plain JSON (graphql-js builds null-prototype objects)
    const data: unknown = JSON.parse(JSON.stringify(result.data));
    return { status: 200, json: errors.length > 0 ? { data, errors } : { data } };
  }

  #invalid(operation: string, errors: GraphqlError[]): GraphqlAnswer {
    this.invalidDocuments.push({ operation, errors });
    if (this.onInvalid === "answer") return { status: 200, json: { errors } };
    throw new Error(
      `FakeGitHub: the ${operation === "" ? "anonymous" : `"${operation}"`} document is not valid against GitHub's schema: ${errors.map((e) => e.message).join("; ")}`,
    );
  }
}
