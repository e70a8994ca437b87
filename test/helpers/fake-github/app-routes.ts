/**
 * The endpoints the app reaches with its JWT (recorded in `appRequests`, not in `requests`): the
 * installation token exchange, the installations, the hook's deliveries and redelivery attempts.
 */
import { json, notFound, paged, type Route, route } from "./routes.js";
import type { GitHubState } from "./state.js";

/** `onToken` hears of each token issued (the fake counts them per installation). */
export function appRoutes(state: GitHubState, onToken: (installationId: number) => void): Route[] {
  let tokens = 0;
  return [
    route(
      "POST",
      "/app/installations/(\\d+)/access_tokens",
      "token",
      (r) => {
        const id = Number(r.match[1]);
        onToken(id);
        return json(201, {
          token: `ghs_fake_${id}_${++tokens}`,
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          permissions: { checks: "write", issues: "write", pull_requests: "read" },
          repository_selection: "all",
        });
      },
      true,
    ),
    route("GET", "/app/installations", "installations", (r) => paged(r, state.installations), true),
    route(
      "GET",
      "/app/hook/deliveries",
      "deliveries",
      (r) => {
        // GitHub pages deliveries with a cursor (here: the index of the next one)
        const perPage = Math.min(100, Number(r.url.searchParams.get("per_page") ?? 30));
        const from = Number(r.url.searchParams.get("cursor") ?? 0);
        const newestFirst = [...state.deliveries].sort(
          (a, b) => Date.parse(b.delivered_at) - Date.parse(a.delivered_at),
        );
        const slice = newestFirst.slice(from, from + perPage);
        if (from + perPage >= newestFirst.length) return json(200, slice);
        const next = new URL(`${r.linkBase}${r.url.pathname}${r.url.search}`);
        next.searchParams.set("cursor", String(from + perPage));
        return json(200, slice, { link: `<${next}>; rel="next"` });
      },
      true,
    ),
    route(
      "POST",
      "/app/hook/deliveries/(\\d+)/attempts",
      "redeliver",
      (r) => {
        const id = Number(r.match[1]);
        const delivery = state.deliveries.find((d) => d.id === id);
        if (delivery === undefined) return notFound();
        state.redeliveries.push(id);
        const status_code = state.onRedeliver?.(delivery) ?? 200;
        const { id: _old, delivered_at: _at, status: _status, ...same } = delivery;
        state.addDelivery({ ...same, redelivery: true, status_code });
        return json(202, {});
      },
      true,
    ),
  ];
}
