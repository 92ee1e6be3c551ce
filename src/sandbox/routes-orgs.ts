import { queryFlag } from "./body.js";
import { pageOf } from "./org-pages.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import { filterMachines } from "./routes-machines.js";
import { orgMachineView, orgVolumeView } from "./views.js";

export function orgRoutes({ store }: RouteDeps): Route[] {
  const appsOf = (slug: string): Set<string> =>
    new Set(store.apps(store.requireOrg(slug).slug).map((a) => a.name));
  return [
    {
      method: "GET",
      path: "/v1/orgs/:org_slug/machines",
      limit: per("org_machines_list", "org_slug"),
      handle: ({ params, query }) => {
        const apps = appsOf(params.org_slug ?? "");
        const summary = queryFlag(query, "summary");
        const machines = filterMachines(
          store.machines().filter((m) => apps.has(m.app)),
          query,
        );
        const page = pageOf(machines, query);
        const last = page.items[page.items.length - 1];
        return ok({
          machines: page.items.map((m) => orgMachineView(m, summary)),
          ...(page.next ? { next_cursor: page.next } : {}),
          ...(last ? { last_machine_id: last.id, last_updated_at: last.updatedAt } : {}),
        });
      },
    },
    {
      method: "GET",
      path: "/v1/orgs/:org_slug/volumes",
      limit: per("org_volumes_list", "org_slug"),
      handle: ({ params, query }) => {
        const apps = appsOf(params.org_slug ?? "");
        const summary = queryFlag(query, "summary");
        const includeDeleted = queryFlag(query, "include_deleted");
        const region = query.get("region");
        const states = (query.get("state") ?? "")
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        const volumes = store
          .volumes()
          .filter(
            (v) =>
              apps.has(v.app) &&
              (includeDeleted || v.state !== "destroyed") &&
              (!region || v.region === region) &&
              (states.length === 0 || states.includes(v.state)),
          );
        const page = pageOf(volumes, query);
        const last = page.items[page.items.length - 1];
        return ok({
          volumes: page.items.map((v) => orgVolumeView(v, summary)),
          ...(page.next ? { next_cursor: page.next } : {}),
          ...(last ? { last_volume_id: last.id, last_updated_at: last.updatedAt } : {}),
        });
      },
    },
  ];
}
