import type { HttpTransport } from "./http.js";
import {
  call,
  certPath,
  paginate,
  seg,
  type AssignIpBody,
  type PageOptions,
  type Paged,
} from "./rest-support.js";
import {
  CertificateDetailSchema,
  CertificatesPageSchema,
  IPAssignmentSchema,
  ListIPAssignmentsSchema,
  type CertificateDetail,
  type CertificateSummary,
  type IPAssignment,
} from "./schemas.js";

/** What routes traffic to an app: its IP assignments and its custom domains' certificates. Part of FlyRest (rest.ts). */
export function networkRest(http: HttpTransport) {
  return {
    // IP assignments

    async listIpAssignments(app: string, signal?: AbortSignal): Promise<IPAssignment[]> {
      const body = await call(http, ListIPAssignmentsSchema, {
        method: "GET",
        path: `/v1/apps/${seg(app)}/ip_assignments`,
        limit: { action: "ips_list", key: app },
        signal,
      });
      return body.ips ?? [];
    },

    assignIp(app: string, body: AssignIpBody, signal?: AbortSignal): Promise<IPAssignment> {
      return call(http, IPAssignmentSchema, {
        method: "POST",
        path: `/v1/apps/${seg(app)}/ip_assignments`,
        body,
        idempotent: false,
        limit: { action: "ips_allocate", key: app },
        signal,
      });
    },

    async releaseIp(
      app: string,
      ip: string,
      options: { goneOnRetry?: boolean } = {},
      signal?: AbortSignal,
    ): Promise<void> {
      await http.request({
        method: "DELETE",
        path: `/v1/apps/${seg(app)}/ip_assignments/${seg(ip)}`,
        goneOnRetry: options.goneOnRetry,
        limit: { action: "ips_release", key: app },
        signal,
      });
    },

    // Certificates

    async listCertificates(
      app: string,
      options: { filter?: string } = {},
      pages: PageOptions = {},
      signal?: AbortSignal,
    ): Promise<Paged<CertificateSummary>> {
      return paginate({ pageSize: 500, ...pages }, async (cursor, limit) => {
        const page = await call(http, CertificatesPageSchema, {
          method: "GET",
          path: `/v1/apps/${seg(app)}/certificates`,
          query: { filter: options.filter, cursor, limit },
          limit: { action: "certs_list", key: app },
          signal,
        });
        return { items: page.certificates ?? [], next: page.next_cursor, errorRegions: [] };
      });
    },

    addAcmeCertificate(app: string, hostname: string, signal?: AbortSignal): Promise<CertificateDetail> {
      return call(http, CertificateDetailSchema, {
        method: "POST",
        path: `/v1/apps/${seg(app)}/certificates/acme`,
        body: { hostname },
        idempotent: false,
        limit: { action: "certs_add", key: app },
        signal,
      });
    },

    getCertificate(app: string, hostname: string, signal?: AbortSignal): Promise<CertificateDetail> {
      return call(http, CertificateDetailSchema, {
        method: "GET",
        path: certPath(app, hostname),
        limit: { action: "certs_get", key: app },
        signal,
      });
    },

    /** Asks Fly to check DNS again now, which may start issuing a certificate: a write, not a read. */
    checkCertificate(app: string, hostname: string, signal?: AbortSignal): Promise<CertificateDetail> {
      return call(http, CertificateDetailSchema, {
        method: "POST",
        path: `${certPath(app, hostname)}/check`,
        idempotent: true,
        limit: { action: "certs_check", key: app },
        signal,
      });
    },

    async deleteCertificate(
      app: string,
      hostname: string,
      options: { goneOnRetry?: boolean } = {},
      signal?: AbortSignal,
    ): Promise<void> {
      await http.request({
        method: "DELETE",
        path: certPath(app, hostname),
        goneOnRetry: options.goneOnRetry,
        limit: { action: "certs_remove", key: app },
        signal,
      });
    },
  };
}

export type NetworkRest = ReturnType<typeof networkRest>;
