import type { HttpTransport } from "./http.js";
import { call, seg } from "./rest-support.js";
import {
  AppSchema,
  CurrentTokenSchema,
  ListAppsResponseSchema,
  RegionsResponseSchema,
  type App,
  type CurrentToken,
  type RegionsResponse,
} from "./schemas.js";

/** Apps, and what the platform and the token say about themselves. Part of FlyRest (rest.ts). */
export function appsRest(http: HttpTransport) {
  return {
    // Apps

    async listApps(org: string, signal?: AbortSignal): Promise<App[]> {
      const body = await call(http, ListAppsResponseSchema, {
        method: "GET",
        path: "/v1/apps",
        query: { org_slug: org },
        limit: { action: "apps_list", key: org },
        signal,
      });
      return body.apps ?? [];
    },

    getApp(app: string, signal?: AbortSignal): Promise<App> {
      return call(http, AppSchema, {
        method: "GET",
        path: `/v1/apps/${seg(app)}`,
        limit: { action: "apps_get", key: app },
        signal,
      });
    },

    async createApp(
      body: { name: string; org_slug: string; network?: string },
      signal?: AbortSignal,
    ): Promise<void> {
      await http.request({
        method: "POST",
        path: "/v1/apps",
        body,
        idempotent: false,
        limit: { action: "apps_create", key: body.org_slug },
        signal,
      });
    },

    /** Fly answers 202 and deletes the app with its machines and volumes (fly-go flaps/flaps_apps.go DeleteApp). */
    async deleteApp(
      app: string,
      options: { goneOnRetry?: boolean } = {},
      signal?: AbortSignal,
    ): Promise<void> {
      await http.request({
        method: "DELETE",
        path: `/v1/apps/${seg(app)}`,
        goneOnRetry: options.goneOnRetry,
        limit: { action: "apps_delete", key: app },
        signal,
      });
    },

    // Platform and token

    listRegions(signal?: AbortSignal): Promise<RegionsResponse> {
      return call(http, RegionsResponseSchema, {
        method: "GET",
        path: "/v1/platform/regions",
        limit: { action: "regions_list", key: "platform" },
        signal,
      });
    },

    currentToken(signal?: AbortSignal): Promise<CurrentToken> {
      return call(http, CurrentTokenSchema, {
        method: "GET",
        path: "/v1/tokens/current",
        limit: { action: "whoami", key: "token" },
        signal,
      });
    },
  };
}

export type AppsRest = ReturnType<typeof appsRest>;
