import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { applyResilience, DEFAULT_RETRY_POLICY } from "../../src/github/resilience.js";
import { parseJson, readBody, wantsRawBody } from "../../src/github/response-body.js";

const stream = (text: string) => new Response(text).body;

describe("readBody: a successful response's raw body, read as Octokit would", () => {
  it("parses JSON (and JSON with a charset) with JSON.parse", async () => {
    expect(
      await readBody(stream('{"id":1,"a":[true,null]}'), { "content-type": "application/json" }),
    ).toEqual({
      id: 1,
      a: [true, null],
    });
    expect(
      await readBody(stream("[1,2]"), { "content-type": "application/json; charset=utf-8" }),
    ).toEqual([1, 2]);
    expect(await readBody(stream('{"x":1}'), { "content-type": "application/scim+json" })).toEqual({
      x: 1,
    });
  });

  it("returns a JSON-typed body that is not JSON as text, as Octokit does", async () => {
    expect(await readBody(stream("<html>oops"), { "content-type": "application/json" })).toBe(
      "<html>oops",
    );
  });

  it("reads text/* and UTF-8 bodies as text, others as bytes, and no body as an empty string", async () => {
    expect(await readBody(stream("plain"), { "content-type": "text/plain" })).toBe("plain");
    expect(
      await readBody(stream("diff"), {
        "content-type": "application/vnd.github.diff; charset=UTF-8",
      }),
    ).toBe("diff");
    expect(await readBody(stream("no type"), {})).toBe("no type");
    const bytes = await readBody(stream("\u0001\u0002"), {
      "content-type": "application/octet-stream; charset=utf-8",
    });
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(bytes as ArrayBuffer)]).toEqual([1, 2]);
    expect(await readBody(null, { "content-type": "application/json" })).toBe("");
  });

  it("leaves an already parsed body alone", async () => {
    const data = { id: 1 };
    expect(await readBody(data, { "content-type": "application/json" })).toBe(data);
  });

  it("knows when a caller asked for the raw body itself", () => {
    expect(wantsRawBody({ parseSuccessResponseBody: false })).toBe(true);
    expect(wantsRawBody({})).toBe(false);
    expect(wantsRawBody(undefined)).toBe(false);
  });
});

describe("an Octokit with the retry policy applied", () => {
  /** An Octokit (no retries, no throttling) whose every request is answered 200 with `body`. */
  const answering = (body: string, contentType: string) =>
    new ProbotOctokit({
      request: {
        fetch: async () =>
          new Response(body, { status: 200, headers: { "content-type": contentType } }),
      },
      retry: { enabled: false },
      throttle: { enabled: false },
    });

  it("hands callers parsed JSON, REST and GraphQL alike", async () => {
    const octokit = answering('{"data":{"viewer":{"login":"octo"}},"id":7}', "application/json");
    applyResilience(octokit, DEFAULT_RETRY_POLICY);
    const rest = await octokit.request("GET /repos/{owner}/{repo}", { owner: "a", repo: "b" });
    expect(rest.data).toEqual({ data: { viewer: { login: "octo" } }, id: 7 });
    const graphql = await octokit.graphql<{ viewer: { login: string } }>(
      "query { viewer { login } }",
    );
    expect(graphql.viewer.login).toBe("octo");
  });

  it("parses with JSON.parse, and keeps an integer beyond 2^53 exact (a bigint) as Octokit would", async () => {
    const today = answering('{"id":30123456789,"sha":"1234567890123456789"}', "application/json");
    applyResilience(today, DEFAULT_RETRY_POLICY);
    const small = (await today.request("GET /")).data as unknown as { id: unknown; sha: unknown };
    expect(small).toEqual({ id: 30123456789, sha: "1234567890123456789" });

    const octokit = answering(
      '{"id":9007199254740993,"n":[1,18446744073709551]}',
      "application/json",
    );
    const plain = await octokit.request("GET /");
    expect(typeof (plain.data as unknown as { id: unknown }).id).toBe("bigint"); // Octokit's own parser
    applyResilience(octokit, DEFAULT_RETRY_POLICY);
    const parsed = (await octokit.request("GET /")).data as unknown as { id: unknown; n: unknown };
    expect(parsed.id).toBe(9007199254740993n);
    expect(parsed.n).toEqual([1, 18446744073709551n]);
  });

  it("parseJson: the fast parser unless a 16-digit integer may have lost digits", () => {
    expect(parseJson('{"id":1,"x":[2]}')).toEqual({ id: 1, x: [2] });
    expect(parseJson('{"id": 9007199254740993}')).toEqual({ id: 9007199254740993n });
    expect(parseJson("[9007199254740993]")).toEqual([9007199254740993n]);
    // digits inside a string stay a string (the slow path may run; the result is the same)
    expect(parseJson('{"m":"a,1234567890123456789"}')).toEqual({ m: "a,1234567890123456789" });
    expect(() => parseJson("<html>")).toThrow();
  });

  it("still streams a body a caller asked to read raw", async () => {
    const octokit = answering("raw bytes", "application/octet-stream");
    applyResilience(octokit, DEFAULT_RETRY_POLICY);
    const response = await octokit.request("GET /repos/{owner}/{repo}/tarball", {
      owner: "a",
      repo: "b",
      request: { parseSuccessResponseBody: false },
    });
    expect(await new Response(response.data as ReadableStream).text()).toBe("raw bytes");
  });
});
