import type { HttpTransport } from "./http.js";
import {
  call,
  orgQuery,
  paginate,
  seg,
  type OrgListQuery,
  type PageOptions,
  type Paged,
} from "./rest-support.js";
import { OrgMachinesPageSchema, OrgVolumesPageSchema, type OrgMachine, type OrgVolume } from "./schemas.js";

/** Org-wide listings of machines and volumes, walked through Fly's cursor pages. Part of FlyRest (rest.ts). */
export function orgListingsRest(http: HttpTransport) {
  return {
    async listOrgMachines(
      org: string,
      query: OrgListQuery = {},
      pages: PageOptions = {},
      signal?: AbortSignal,
    ): Promise<Paged<OrgMachine>> {
      return paginate(pages, async (cursor, limit) => {
        const page = await call(http, OrgMachinesPageSchema, {
          method: "GET",
          path: `/v1/orgs/${seg(org)}/machines`,
          query: { ...orgQuery(query), cursor, limit },
          limit: { action: "org_machines_list", key: org },
          signal,
        });
        return { items: page.machines ?? [], next: page.next_cursor, errorRegions: page.error_regions ?? [] };
      });
    },

    async listOrgVolumes(
      org: string,
      query: OrgListQuery = {},
      pages: PageOptions = {},
      signal?: AbortSignal,
    ): Promise<Paged<OrgVolume>> {
      return paginate(pages, async (cursor, limit) => {
        const page = await call(http, OrgVolumesPageSchema, {
          method: "GET",
          path: `/v1/orgs/${seg(org)}/volumes`,
          query: { ...orgQuery(query), cursor, limit },
          limit: { action: "org_volumes_list", key: org },
          signal,
        });
        return { items: page.volumes ?? [], next: page.next_cursor, errorRegions: [] };
      });
    },
  };
}

export type OrgListingsRest = ReturnType<typeof orgListingsRest>;
