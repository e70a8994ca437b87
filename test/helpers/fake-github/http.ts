/**
 * The fake GitHub over real HTTP on 127.0.0.1, for the app run as a process (or any Octokit).
 * Probot reaches it as a GitHub Enterprise host: `GHE_HOST=127.0.0.1:PORT GHE_PROTOCOL=http` makes
 * the REST base `http://127.0.0.1:PORT/api/v3` and Octokit's GraphQL URL
 * `http://127.0.0.1:PORT/api/graphql`; plain paths (`/graphql`, `/repos/…`) are served too.
 * Keep-alive, no per-request logging.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serializeJson } from "./json.js";
import type { Routable } from "./routes.js";

export interface FakeGitHubServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT/api/v3`: an Octokit `baseUrl` (GraphQL then goes to /api/graphql). */
  restUrl: string;
  /** `127.0.0.1:PORT`: GHE_HOST for Probot (with GHE_PROTOCOL=http). */
  host: string;
  port: number;
  /** Environment for the app process: GHE_HOST and GHE_PROTOCOL. */
  env: { GHE_HOST: string; GHE_PROTOCOL: string };
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Latency added to every answer (GitHub's own is tens to hundreds of ms). */
  delayMs?: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parse(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function serveHttp(
  github: Routable,
  options: ServeOptions = {},
): Promise<FakeGitHubServer> {
  let origin = "";
  const delayMs = options.delayMs ?? 0;

  const respond = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const path = req.url ?? "/";
    const answer = await github.handle({
      method: req.method ?? "GET",
      path,
      headers: req.headers,
      body: parse(text),
      linkBase: path.startsWith("/api/v3/") ? `${origin}/api/v3` : origin,
    });
    // bigint ids as plain digits, like GitHub's JSON
    const payload = answer.body === undefined ? "" : serializeJson(answer.body);
    res.writeHead(answer.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(payload),
      "x-github-media-type": "github.v3; format=json",
      ...answer.headers,
    });
    res.end(payload);
  };

  const server = createServer((req, res) => {
    respond(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const payload = JSON.stringify({
        message: `fake GitHub: ${error instanceof Error ? error.message : String(error)}`,
      });
      res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
      res.end(payload);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  const host = `127.0.0.1:${port}`;
  return {
    url: origin,
    restUrl: `${origin}/api/v3`,
    host,
    port,
    env: { GHE_HOST: host, GHE_PROTOCOL: "http" },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
