/**
 * The fake GitHub on nock, for Probot in the test's own process: every request to `baseUrl` that
 * a route answers goes to `handle` (persisting, until `nock.cleanAll()`).
 */
import nock from "nock";
import { serializeJson } from "./json.js";
import type { Routable } from "./routes.js";

export interface InstallOptions {
  /**
   * Serve the app-authenticated endpoints (token exchange, installations, deliveries) too. Without
   * it they are left to the test's own interceptors.
   */
  all?: boolean;
  /** Default `https://api.github.com`. */
  baseUrl?: string;
}

export function installOnNock(github: Routable, options: InstallOptions = {}): void {
  const baseUrl = options.baseUrl ?? "https://api.github.com";
  const scope = nock(baseUrl).persist();
  const all = options.all === true;
  for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
    scope
      .intercept((uri: string) => github.answers(method, uri, all), method)
      .reply(async function (this: nock.ReplyFnContext, uri, body) {
        const headers: Record<string, string | string[] | undefined> = {};
        for (const [k, v] of Object.entries(this.req.headers)) headers[k.toLowerCase()] = v;
        const response = await github.handle({
          method,
          path: uri,
          headers,
          body,
          linkBase: baseUrl,
        });
        return [
          response.status,
          // a string, so bigint ids go out as plain digits
          response.body === undefined ? "" : serializeJson(response.body),
          { "content-type": "application/json; charset=utf-8", ...response.headers },
        ];
      });
  }
}
