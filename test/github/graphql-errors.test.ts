/**
 * Sorting what `graphql()` threw: transport errors pass, tolerated errors beside data give the
 * data, "not found" on a required part is `missing`, anything else fails naming GitHub's
 * messages. The errors are built as `@octokit/graphql`'s `GraphqlResponseError` carries them
 * (`errors` and the partial `data`), by hand.
 */
import { GraphqlResponseError } from "@octokit/graphql";
import { describe, expect, it } from "vitest";
import {
  classifyGraphqlFailure,
  describeGraphqlErrors,
  type GraphqlErrorEntry,
  GraphqlReadError,
  isDatabaseIdPath,
  queryAllowingMissing,
} from "../../src/github/graphql-errors.js";

/** What `octokit.graphql` throws when the answer has `errors`. */
function answered(errors: GraphqlErrorEntry[], data: unknown): Error {
  return Object.assign(new Error(errors.map((e) => e.message).join("; ")), { errors, data });
}

const BIG_ID: GraphqlErrorEntry = {
  type: "INTERNAL",
  path: [
    "repository",
    "headCommit",
    "checkSuites",
    "nodes",
    0,
    "checkRuns",
    "nodes",
    0,
    "databaseId",
  ],
  message: "Int cannot represent non 32-bit signed integer value: 30000000001",
};
const NO_OWNER_REPO: GraphqlErrorEntry = {
  type: "NOT_FOUND",
  path: ["ownerConfig"],
  message: "Could not resolve to a Repository with the name 'acme/.github'.",
};
const NO_PR: GraphqlErrorEntry = {
  type: "NOT_FOUND",
  path: ["repository", "pullRequest"],
  message: "Could not resolve to a PullRequest with the number of 7.",
};
const optionalOwner = {
  optional: (path: readonly (string | number)[]) => path[0] === "ownerConfig",
};

describe("isDatabaseIdPath", () => {
  it("is a path ending in databaseId, at any depth", () => {
    expect(isDatabaseIdPath(BIG_ID.path ?? [])).toBe(true);
    expect(isDatabaseIdPath(["repository", "databaseId"])).toBe(true);
    expect(isDatabaseIdPath(["repository", "fullDatabaseId"])).toBe(false);
    expect(isDatabaseIdPath(["databaseId", "x"])).toBe(false);
  });
});

describe("classifyGraphqlFailure", () => {
  it("calls anything without GraphQL errors transport (HTTP, network, abort)", () => {
    expect(
      classifyGraphqlFailure(Object.assign(new Error("Bad Gateway"), { status: 502 })),
    ).toEqual({ kind: "transport" });
    expect(classifyGraphqlFailure(answered([], { a: 1 }))).toEqual({ kind: "transport" });
    expect(classifyGraphqlFailure("a string")).toEqual({ kind: "transport" });
    expect(classifyGraphqlFailure(null)).toEqual({ kind: "transport" });
  });

  it("gives the data when every error is a databaseId beyond 32 bits, keeping them for the log", () => {
    const data = { repository: { name: "shop" } };
    expect(classifyGraphqlFailure(answered([BIG_ID], data))).toEqual({
      kind: "partial",
      data,
      ignored: [BIG_ID],
    });
  });

  it("gives the data when a missing part is optional, or a field is nullable by the reader", () => {
    const data = { repository: { name: "shop" }, ownerConfig: null };
    expect(classifyGraphqlFailure(answered([NO_OWNER_REPO], data), optionalOwner)).toMatchObject({
      kind: "partial",
      ignored: [NO_OWNER_REPO],
    });
    const timeout = { type: "TIMEOUT", path: ["repository", "headCommit"], message: "timeout" };
    expect(
      classifyGraphqlFailure(answered([timeout], data), {
        nullable: (path) => path[1] === "headCommit",
      }),
    ).toMatchObject({ kind: "partial" });
    // without the tolerance, a timeout fails the read
    expect(classifyGraphqlFailure(answered([timeout], data))).toEqual({
      kind: "failed",
      errors: [timeout],
    });
  });

  it("calls a missing required part missing, even beside tolerated errors", () => {
    expect(classifyGraphqlFailure(answered([NO_OWNER_REPO, NO_PR], {}), optionalOwner)).toEqual({
      kind: "missing",
      errors: [NO_PR],
    });
    // FORBIDDEN is missing too (the app may not see it)
    const forbidden = { ...NO_PR, type: "FORBIDDEN" };
    expect(classifyGraphqlFailure(answered([forbidden], {}))).toEqual({
      kind: "missing",
      errors: [forbidden],
    });
  });

  it("calls tolerated errors without data missing (nothing to read)", () => {
    expect(classifyGraphqlFailure(answered([NO_OWNER_REPO], null), optionalOwner)).toEqual({
      kind: "missing",
      errors: [NO_OWNER_REPO],
    });
  });

  it("calls an optional part that failed otherwise than missing a failure", () => {
    const limited = { type: "RATE_LIMITED", path: ["ownerConfig"], message: "API rate limit" };
    expect(classifyGraphqlFailure(answered([limited], {}), optionalOwner)).toEqual({
      kind: "failed",
      errors: [limited],
    });
  });

  it("never tolerates an error without a path", () => {
    const noPath = { type: "NOT_FOUND", message: "gone" };
    expect(
      classifyGraphqlFailure(answered([noPath], { a: 1 }), {
        optional: () => true,
        nullable: () => true,
      }),
    ).toEqual({ kind: "missing", errors: [noPath] });
  });

  it("keeps only the known fields of odd error entries", () => {
    const odd = answered([], {}) as Error & { errors: unknown[] };
    odd.errors = ["plain text", { type: 5, path: "x", message: "m", extra: true }];
    expect(classifyGraphqlFailure(odd)).toEqual({
      kind: "failed",
      errors: [{ message: "plain text" }, { message: "m" }],
    });
  });

  it("reads @octokit/graphql's own GraphqlResponseError", () => {
    const error = new GraphqlResponseError({ method: "POST", url: "/graphql" }, {}, {
      data: { repository: null },
      errors: [{ ...NO_PR, locations: [] }],
    } as never);
    expect(classifyGraphqlFailure(error).kind).toBe("missing");
  });
});

describe("queryAllowingMissing", () => {
  const DOC = "query X { repository { name } }";

  it("returns the data with nothing ignored, sending the document and variables as given", async () => {
    const calls: unknown[] = [];
    const result = await queryAllowingMissing(
      async (query, variables) => {
        calls.push([query, variables]);
        return { repository: { name: "shop" } };
      },
      DOC,
      { owner: "acme" },
      "acme/shop",
      {},
    );
    expect(result).toEqual({ found: true, data: { repository: { name: "shop" } }, ignored: [] });
    expect(calls).toEqual([[DOC, { owner: "acme" }]]);
  });

  it("returns the partial data and what was ignored", async () => {
    const data = { repository: { databaseId: null } };
    const result = await queryAllowingMissing(
      async () => {
        throw answered([BIG_ID], data);
      },
      DOC,
      {},
      "acme/shop",
      {},
    );
    expect(result).toEqual({ found: true, data, ignored: [BIG_ID] });
  });

  it("says not found, with what graphql() threw as the cause", async () => {
    const thrown = answered([NO_PR], { repository: { pullRequest: null } });
    const result = await queryAllowingMissing(
      async () => {
        throw thrown;
      },
      DOC,
      {},
      "acme/shop#7",
      {},
    );
    expect(result).toEqual({ found: false, cause: thrown });
  });

  it("rethrows a transport error unchanged (the caller's retry policy decides)", async () => {
    const down = Object.assign(new Error("Bad Gateway"), { status: 502 });
    await expect(
      queryAllowingMissing(
        async () => {
          throw down;
        },
        DOC,
        {},
        "acme/shop",
        {},
      ),
    ).rejects.toBe(down);
  });

  it("throws a GraphqlReadError naming what and GitHub's messages, the original as cause", async () => {
    const thrown = answered(
      [
        { type: "RATE_LIMITED", message: "API rate limit exceeded" },
        { type: "SERVICE_UNAVAILABLE", message: "try later" },
      ],
      null,
    );
    const error = await queryAllowingMissing(
      async () => {
        throw thrown;
      },
      DOC,
      {},
      "acme/shop#7",
      {},
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphqlReadError);
    expect((error as Error).message).toBe(
      "acme/shop#7 could not be read: GitHub answered API rate limit exceeded; try later",
    );
    expect((error as Error).cause).toBe(thrown);
  });
});

describe("describeGraphqlErrors", () => {
  it("joins up to three messages (else the type), and counts the rest", () => {
    expect(describeGraphqlErrors([{ message: "a" }, { type: "T" }, {}])).toBe(
      "a; T; unknown error",
    );
    expect(
      describeGraphqlErrors([
        { message: "a" },
        { message: "b" },
        { message: "c" },
        { message: "d" },
        { message: "e" },
      ]),
    ).toBe("a; b; c (and 2 more)");
  });
});
