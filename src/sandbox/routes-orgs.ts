import { queryFlag } from "./body.js";
import { listFilter } from "./list-filters.js";
import { pageOf } from "./org-pages.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import { orgMachineView, orgVolumeView } from "./views.js";

export function orgRoutes({ store, shortPages = false }: RouteDeps): Route[] {
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
        const matches = listFilter(query);
        const machines = store.machines().filter((m) => apps.has(m.app) && matches(m));
        // Fly: "Responses may be shorter, or even empty, even when more machines remain".
        const page = pageOf(machines, query, shortPages ? "short-or-empty" : "full");
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
        const matches = listFilter(query);
        const volumes = store.volumes().filter((v) => apps.has(v.app) && matches(v));
        // Fly: "Responses may be shorter, even when more volumes remain" (not empty).
        const page = pageOf(volumes, query, shortPages ? "short" : "full");
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
