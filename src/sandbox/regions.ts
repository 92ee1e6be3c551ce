import { REGIONS as FLY_REGIONS } from "../platform/regions.js";

/** A region as GET /v1/platform/regions lists it (main.regionRow in spec/fly/machines-openapi.json). */
export interface RegionRow {
  code: string;
  name: string;
  geo_region: string;
  latitude: number;
  longitude: number;
  gateway_available: boolean;
  requires_paid_plan: boolean;
  deprecated: boolean;
}

/** Fly's current regions (src/platform/regions.ts); retired ones are not listed, so not placeable. */
export const REGIONS: readonly RegionRow[] = FLY_REGIONS.map((r) => ({
  code: r.code,
  name: r.name,
  geo_region: r.area,
  latitude: r.latitude,
  longitude: r.longitude,
  gateway_available: r.gateway,
  requires_paid_plan: r.paidOnly,
  deprecated: false,
}));

/** The region the sandbox answers as nearest to its caller. */
export const NEAREST_REGION = "iad";
