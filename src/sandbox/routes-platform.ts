import { NEAREST_REGION, REGIONS } from "./regions.js";
import { ok, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";

export function platformRoutes({ store }: RouteDeps): Route[] {
  return [
    {
      method: "GET",
      path: "/v1/platform/regions",
      limit: { action: "regions_list", key: () => "platform" },
      handle: () => ok({ nearest: NEAREST_REGION, regions: REGIONS.map((r) => ({ ...r })) }),
    },
    {
      method: "GET",
      path: "/v1/tokens/current",
      limit: { action: "whoami", key: () => "token" },
      handle: () => {
        // Whatever token was presented, the sandbox treats it as the viewer's user token.
        const viewer = store.viewer();
        const personal = store.orgs().find((o) => o.type === "PERSONAL");
        return ok({
          tokens: [
            {
              token_id: "tok_sandbox",
              user: viewer.email,
              org_slug: personal?.slug ?? "personal",
              organization: personal?.name ?? viewer.name,
              apps: [],
            },
          ],
        });
      },
    },
  ];
}
