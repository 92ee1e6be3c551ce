import { z } from "zod";
import { isRegion } from "../platform/regions.js";
import { readBody } from "./body.js";
import { badRequest, notFound } from "./http-error.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import type { SandboxStore } from "./store.js";
import type { IpKind, IpRecord } from "./types.js";
import { ipView } from "./views.js";

const AssignIp = z.object({
  type: z.enum(["v4", "shared_v4", "v6", "private_v6"], {
    errorMap: () => ({ message: "type must be one of v4, shared_v4, v6, private_v6" }),
  }),
  region: z.string().optional(),
  service_name: z.string().optional(),
  network: z.string().optional(),
  org_slug: z.string().optional(),
});

/** The next free address of a kind, from the store's counter so it repeats across runs. */
function nextAddress(store: SandboxStore, kind: IpKind): string {
  const taken = new Set(store.ips().map((i) => i.ip));
  for (;;) {
    const n = store.nextNumber();
    const hex = (n % 0xffff).toString(16);
    const ip =
      kind === "v4"
        ? `137.66.${Math.floor(n / 250) % 256}.${(n % 250) + 2}`
        : kind === "shared_v4"
          ? `66.241.125.${(n % 250) + 2}`
          : kind === "v6"
            ? `2a09:8280:1::${hex}:${((n * 7919) % 0xffff).toString(16)}`
            : `fdaa:0:1a2b:0:1::${hex}`;
    if (!taken.has(ip)) return ip;
  }
}

export function ipRoutes({ store }: RouteDeps): Route[] {
  return [
    {
      method: "GET",
      path: "/v1/apps/:app_name/ip_assignments",
      limit: per("ips_list", "app_name"),
      handle: ({ params }) =>
        ok({ ips: store.ips(store.requireApp(params.app_name ?? "").name).map(ipView) }),
    },
    {
      method: "POST",
      path: "/v1/apps/:app_name/ip_assignments",
      limit: per("ips_allocate", "app_name"),
      handle: ({ params, body }) => {
        const app = store.requireApp(params.app_name ?? "");
        const input = readBody(AssignIp, body);
        if (input.region !== undefined && input.region !== "global" && !isRegion(input.region)) {
          throw badRequest(`invalid region "${input.region}": not a Fly region`);
        }
        // An app has at most one shared IPv4; asking again returns it.
        const shared =
          input.type === "shared_v4" ? store.ips(app.name).find((i) => i.kind === "shared_v4") : undefined;
        if (shared) return ok(ipView(shared));
        const ip: IpRecord = {
          app: app.name,
          ip: nextAddress(store, input.type),
          kind: input.type,
          region: input.region ?? "global",
          shared: input.type === "shared_v4",
          ...(input.service_name ? { serviceName: input.service_name } : {}),
          createdAt: store.now(),
        };
        store.addIp(ip);
        store.changed();
        return ok(ipView(ip));
      },
    },
    {
      method: "DELETE",
      path: "/v1/apps/:app_name/ip_assignments/:ip",
      limit: per("ips_release", "app_name"),
      handle: ({ params }) => {
        const app = store.requireApp(params.app_name ?? "");
        if (!store.removeIp(app.name, params.ip ?? "")) throw notFound(`ip ${params.ip}`);
        store.changed();
        return ok(undefined, 204);
      },
    },
  ];
}
