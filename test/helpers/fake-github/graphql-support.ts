/**
 * What the GraphQL resolvers share: GitHub's errors (typed ones at a path, graphql-js's
 * serialization errors as they are), the loud failure for a field the fake does not model,
 * connections with GitHub's pagination rules, and `Int` database ids.
 */
import { GraphQLError, type GraphQLFieldResolver, type GraphQLResolveInfo } from "graphql";
import type { RestId } from "./json.js";
import type { GraphqlError } from "./schema.js";

/**
 * An error GitHub answers at a path: `NOT_FOUND`, `FORBIDDEN`, … (`type` at the top level of the
 * entry), or an untyped one (an invalid cursor). Throw it (or return it, or put it in a list) from
 * a resolver.
 */
export class GitHubGraphqlError extends Error {
  override name = "GitHubGraphqlError";
  constructor(
    readonly type: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** A field the fake does not model: the test must fail, not get a made-up null. */
export class FakeGap extends Error {
  override name = "FakeGap";
}

export const notFound = (message: string) => new GitHubGraphqlError("NOT_FOUND", message);

/**
 * Like graphql-js's default field resolver (a function-valued property is called with
 * `(args, context, info)`), but a field the source object does not have is a gap of the fake.
 */
export const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (
  source,
  args,
  context,
  info,
) => {
  if (source === null || typeof source !== "object" || !(info.fieldName in source)) {
    throw new FakeGap(`${info.parentType.name}.${info.fieldName}`);
  }
  const value = (source as Record<string, unknown>)[info.fieldName];
  return typeof value === "function" ? value.call(source, args, context, info) : value;
};

/** GraphQL `Int` of a database id: graphql-js rejects a number above 2^31 − 1 as GitHub does. */
export function intId(id: RestId): number {
  if (typeof id === "number") return id;
  // beyond 2^53 graphql-js would print the id as a float; GitHub's wording, exact digits
  throw new GraphQLError(`Int cannot represent non 32-bit signed integer value: ${id}`);
}

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
}

/** The page a connection argument asks for, with GitHub's pagination errors. */
export function pageOf<T>(items: readonly T[], args: PageArgs, info: GraphQLResolveInfo) {
  const name = info.fieldName;
  if (args.last !== undefined && args.last !== null) {
    throw new FakeGap(`${info.parentType.name}.${name}(last:)`);
  }
  const first = args.first;
  if (first === undefined || first === null) {
    throw new GitHubGraphqlError(
      "MISSING_PAGINATION_BOUNDARIES",
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  }
  if (first > 100) {
    throw new GitHubGraphqlError(
      "EXCESSIVE_PAGINATION",
      `Requesting ${first} records on the \`${name}\` connection exceeds the \`first\` limit of 100 records.`,
    );
  }
  let start = 0;
  if (args.after !== undefined && args.after !== null) {
    const match = /^cursor:(\d+)$/.exec(args.after);
    if (match === null) {
      throw new GitHubGraphqlError(
        undefined,
        `\`${args.after}\` does not appear to be a valid cursor.`,
      );
    }
    start = Number(match[1]);
  }
  const nodes = items.slice(start, start + Math.max(0, first));
  const end = start + nodes.length;
  return {
    totalCount: items.length,
    nodes,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: nodes.length > 0 ? `cursor:${start + 1}` : null,
      endCursor: nodes.length > 0 ? `cursor:${end}` : null,
    },
  };
}

/**
 * An execution error as GitHub answers it: a typed error (NOT_FOUND, FORBIDDEN, …) as
 * `{ type, path, locations, message }`, graphql-js's serialization errors (a value `Int` cannot
 * represent, an enum value the schema lacks) as graphql-js serializes them. Anything else (a field
 * the fake does not model, null for a non-null field, an abstract type left unresolved) is a gap
 * or a bug of the fake: thrown, so the test fails.
 */
export function githubError(e: GraphQLError, operation: string): GraphqlError {
  const original = e.originalError;
  const path = e.path !== undefined ? [...e.path] : undefined;
  const locations = e.locations?.map((l) => ({ ...l }));
  if (original instanceof GitHubGraphqlError) {
    return {
      ...(original.type !== undefined ? { type: original.type } : {}),
      ...(path !== undefined ? { path } : {}),
      ...(locations !== undefined ? { locations } : {}),
      message: e.message,
    };
  }
  // a leaf value the schema's scalar or enum cannot represent: what GitHub answers too
  if (
    (original === undefined || original instanceof GraphQLError) &&
    / cannot represent /.test(e.message)
  ) {
    return e.toJSON() as GraphqlError;
  }
  if (original instanceof FakeGap) {
    throw new Error(
      `FakeGitHub does not model ${original.message} (operation "${operation}", at ${path?.join(".")}); add it to test/helpers/fake-github/resolvers.ts`,
    );
  }
  throw new Error(
    `FakeGitHub failed on "${operation}" at ${path?.join(".")}: ${original?.message ?? e.message}`,
    { cause: original ?? e },
  );
}
