/**
 * The GitHub App manifest set-up mode posts (manifest.ts): app.yml plus the webhook URL that
 * reaches this server and the redirect back to it; the page's address as the browser saw it; and
 * GitHub's new-app page. The first two tests moved here from test/github/setup-mode.test.ts
 * (which runs set-up mode itself).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { appManifest, createAppUrl, requestBaseUrl } from "../../src/github/manifest.js";

const appYml = parseYaml(readFileSync(new URL("../../app.yml", import.meta.url), "utf8")) as Record<
  string,
  unknown
>;
const base = { appYml, baseUrl: "http://localhost:3000", webhookPath: "/api/github/webhooks" };
const socket = {} as never;

describe("appManifest", () => {
  it("takes the webhook URL from WEBHOOK_PROXY_URL, else the page's address, else app.yml", () => {
    expect(appManifest(base).hook_attributes).toEqual({
      url: "http://localhost:3000/api/github/webhooks",
    });
    expect(
      appManifest({ ...base, webhookProxyUrl: "https://smee.io/abc" }).hook_attributes,
    ).toEqual({ url: "https://smee.io/abc" });
    expect(
      appManifest({
        ...base,
        appYml: { ...appYml, hook_attributes: { url: "https://cv.acme.com/hooks" } },
      }).hook_attributes,
    ).toEqual({ url: "https://cv.acme.com/hooks" });
    // app.yml itself names no webhook URL: the address is filled in when the app is registered
    expect(appYml.hook_attributes).toBeUndefined();
  });

  it("keeps app.yml's fields, adds the manifest version and the redirect to this server", () => {
    const manifest = appManifest({ ...base, baseUrl: "https://cv.acme.com" });
    expect(manifest).toMatchObject({
      version: "v1",
      redirect_url: "https://cv.acme.com/probot/setup",
      name: appYml.name,
      default_permissions: appYml.default_permissions,
      default_events: appYml.default_events,
    });
  });

  it("puts a slash before a webhook path without one, ignores a blank proxy URL, keeps hook settings", () => {
    expect(appManifest({ ...base, webhookPath: "hooks" }).hook_attributes).toEqual({
      url: "http://localhost:3000/hooks",
    });
    expect(appManifest({ ...base, webhookProxyUrl: "  " }).hook_attributes).toEqual({
      url: "http://localhost:3000/api/github/webhooks",
    });
    expect(
      appManifest({ ...base, appYml: { ...appYml, hook_attributes: { active: true, url: " " } } })
        .hook_attributes,
    ).toEqual({ active: true, url: "http://localhost:3000/api/github/webhooks" });
  });
});

describe("requestBaseUrl", () => {
  it("reads the page's address from the Host header, or from a reverse proxy's headers", () => {
    expect(requestBaseUrl({ headers: { host: "127.0.0.1:3000" }, socket })).toBe(
      "http://127.0.0.1:3000",
    );
    expect(
      requestBaseUrl({
        headers: {
          host: "10.0.0.5",
          "x-forwarded-host": "cv.acme.com",
          "x-forwarded-proto": "https, http",
        },
        socket,
      }),
    ).toBe("https://cv.acme.com");
  });

  it("says https on a TLS socket, and falls back to localhost:3000 without a Host", () => {
    expect(
      requestBaseUrl({ headers: { host: "cv.acme.com" }, socket: { encrypted: true } as never }),
    ).toBe("https://cv.acme.com");
    expect(requestBaseUrl({ headers: {}, socket })).toBe("http://localhost:3000");
    // a repeated header: the first
    expect(
      requestBaseUrl({ headers: { host: "h", "x-forwarded-proto": ["https", "http"] }, socket }),
    ).toBe("https://h");
  });
});

describe("createAppUrl", () => {
  it("is github.com's new-app page, an organization's, or a GitHub Enterprise Server's", () => {
    expect(createAppUrl({})).toBe("https://github.com/settings/apps/new");
    expect(createAppUrl({ GH_ORG: "acme" })).toBe(
      "https://github.com/organizations/acme/settings/apps/new",
    );
    expect(createAppUrl({ GHE_HOST: "ghe.acme.com", GHE_PROTOCOL: "http" })).toBe(
      "http://ghe.acme.com/settings/apps/new",
    );
  });
});
