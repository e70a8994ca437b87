import http from "node:http";
import { describe, expect, it } from "vitest";

describe("test network", () => {
  it("is closed: a request that leaves the machine fails", async () => {
    const error = await new Promise<Error>((resolve) => {
      const req = http.get("http://example.com/", () => resolve(new Error("connected")));
      req.on("error", resolve);
    });
    expect(error.name).toBe("NetConnectNotAllowedError");
  });
});
