import { z } from "zod";
import { readBody } from "./body.js";
import { badRequest, unprocessable } from "./http-error.js";
import { certCheckView, certDetailView, certSummaryView } from "./cert-views.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";

const HOSTNAME = /^(?=.{1,253}$)(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const AddCertificate = z.object({ hostname: z.string() });
const DEFAULT_PAGE = 25;
const MAX_PAGE = 500;

function intOr(raw: string | null, fallback: number): number {
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw badRequest(`invalid limit "${raw}": expected a whole number`);
  return Number(raw);
}

export function certRoutes({ store }: RouteDeps): Route[] {
  const certOf = (params: Record<string, string>) =>
    store.requireCert(store.requireApp(params.app_name ?? "").name, params.hostname ?? "");
  return [
    {
      method: "GET",
      path: "/v1/apps/:app_name/certificates",
      limit: per("certs_list", "app_name"),
      handle: ({ params, query }) => {
        const app = store.requireApp(params.app_name ?? "");
        const filter = query.get("filter") ?? "";
        const all = store
          .certs(app.name)
          .filter((c) => c.hostname.includes(filter))
          .sort((a, b) => a.hostname.localeCompare(b.hostname));
        const limit = Math.min(Math.max(intOr(query.get("limit"), DEFAULT_PAGE), 1), MAX_PAGE);
        const cursor = query.get("cursor");
        const rest = cursor
          ? all.filter((c) => c.hostname > Buffer.from(cursor, "base64url").toString("utf8"))
          : all;
        const page = rest.slice(0, limit);
        const last = page[page.length - 1];
        return ok({
          certificates: page.map(certSummaryView),
          total_count: all.length,
          ...(rest.length > limit && last
            ? { next_cursor: Buffer.from(last.hostname).toString("base64url") }
            : {}),
        });
      },
    },
    {
      method: "POST",
      path: "/v1/apps/:app_name/certificates/acme",
      limit: per("certs_add", "app_name"),
      handle: ({ params, body }) => {
        const app = store.requireApp(params.app_name ?? "");
        const hostname = readBody(AddCertificate, body).hostname.toLowerCase();
        if (!HOSTNAME.test(hostname)) throw unprocessable(`invalid hostname "${hostname}"`);
        const owner = store.apps().find((a) => store.certs(a.name).some((c) => c.hostname === hostname));
        if (owner) throw unprocessable(`hostname ${hostname} already has a certificate on app ${owner.name}`);
        const now = store.now();
        // The sandbox plays a DNS that already points at the app: the first check issues it.
        const cert = { app: app.name, hostname, createdAt: now, updatedAt: now, dnsConfigured: true };
        store.addCert(cert);
        store.changed();
        return ok(certDetailView(store, cert), 201);
      },
    },
    {
      method: "GET",
      path: "/v1/apps/:app_name/certificates/:hostname",
      limit: per("certs_get", "app_name"),
      handle: ({ params }) => ok(certDetailView(store, certOf(params))),
    },
    {
      method: "POST",
      path: "/v1/apps/:app_name/certificates/:hostname/check",
      limit: per("certs_check", "app_name"),
      handle: ({ params }) => {
        const cert = certOf(params);
        const now = store.now();
        if (cert.dnsConfigured && !cert.issuedAt) {
          cert.issuedAt = now;
          cert.expiresAt = new Date(Date.now() + 90 * 24 * 3600 * 1000)
            .toISOString()
            .replace(/\.\d{3}Z$/, "Z");
        }
        cert.updatedAt = now;
        store.changed();
        return ok(certCheckView(store, cert));
      },
    },
    {
      method: "DELETE",
      path: "/v1/apps/:app_name/certificates/:hostname",
      limit: per("certs_remove", "app_name"),
      handle: ({ params }) => {
        const cert = certOf(params);
        store.removeCert(cert.app, cert.hostname);
        store.changed();
        return ok(undefined, 204);
      },
    },
  ];
}
