import { z } from "zod";
import { ApiError, badRequest, notFound } from "./http-error.js";
import { readBody } from "./body.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import { appView } from "./views.js";

const APP_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

// The Machines API doc's example body says "app_name"; the spec's CreateAppRequest and fly-go's
// (flaps/flaps_apps.go) say "name". Fly takes either; both at once must agree.
const CreateApp = z.object({
  name: z.string().optional(),
  app_name: z.string().optional(),
  org_slug: z.string(),
  network: z.string().optional(),
  enable_subdomains: z.boolean().optional(),
});

function orgSlugOf(body: unknown): string {
  const slug =
    typeof body === "object" && body !== null ? (body as { org_slug?: unknown }).org_slug : undefined;
  return typeof slug === "string" ? slug : "";
}

export function appRoutes({ store }: RouteDeps): Route[] {
  return [
    {
      method: "GET",
      path: "/v1/apps",
      limit: { action: "apps_list", key: ({ query }) => query.get("org_slug") ?? "" },
      handle: ({ query }) => {
        // The spec makes org_slug required; "every app" means listing organizations first.
        const slug = query.get("org_slug");
        if (!slug)
          throw badRequest("org_slug is required: list organizations (GraphQL) and then the apps of each");
        const org = store.requireOrg(slug);
        const apps = store.apps(org.slug).map((a) => appView(store, a));
        return ok({ apps, total_apps: apps.length });
      },
    },
    {
      method: "POST",
      path: "/v1/apps",
      limit: { action: "apps_create", key: ({ body }) => orgSlugOf(body) },
      handle: ({ body }) => {
        const given = readBody(CreateApp, body);
        if (given.name !== undefined && given.app_name !== undefined && given.name !== given.app_name)
          throw badRequest("name and app_name differ: give the app's name once");
        const name = given.app_name ?? given.name;
        if (name === undefined) throw badRequest("app_name is required");
        const input = { ...given, name };
        if (!APP_NAME.test(input.name)) {
          throw badRequest(`invalid app name "${input.name}": use 1-63 lowercase letters, digits and dashes`);
        }
        const org = store.org(input.org_slug);
        if (!org) throw notFound(`organization ${input.org_slug}`);
        // fly-go flaps/flaps_error.go: the API sets status "name_taken" on this 422, beside the
        // validation text IsNameTakenError falls back to.
        if (store.app(input.name))
          throw new ApiError(422, "Validation failed: Name has already been taken", {}, "name_taken");
        store.addApp({
          id: input.name,
          name: input.name,
          org: org.slug,
          network: input.network ?? "default",
          internalNumericId: 700000 + store.nextNumber(),
          createdAt: store.now(),
          secretsVersion: 0,
        });
        store.changed();
        return ok(appView(store, store.requireApp(input.name)), 201);
      },
    },
    {
      method: "GET",
      path: "/v1/apps/:app_name",
      limit: per("apps_get", "app_name"),
      handle: ({ params }) => ok(appView(store, store.requireApp(params.app_name ?? ""))),
    },
    {
      method: "DELETE",
      path: "/v1/apps/:app_name",
      limit: per("apps_delete", "app_name"),
      handle: ({ params }) => {
        const app = store.requireApp(params.app_name ?? "");
        store.removeApp(app.name);
        store.changed();
        return ok(undefined, 202);
      },
    },
  ];
}
