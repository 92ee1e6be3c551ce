/**
 * Fly regions, defined once for the catalog's region field, the sandbox's platform API and the
 * local model's region words.
 *
 * Sources: Fly's regions reference (https://fly.io/docs/reference/regions/, superfly/docs
 * reference/regions.html.markerb) for the codes, places and which regions have a WireGuard
 * gateway; GET /v1/platform/regions (spec/fly/machines-openapi.json) for the other fields a
 * region carries. The areas, coordinates and paid-plan flags are the sandbox's stand-ins for what
 * that endpoint answers; no public document lists them.
 */

/** A region code: three letters, e.g. "iad" or "ams" (Fly's regions reference). */
export const REGION_CODE = /^[a-z]{3}$/;

export interface Region {
  code: string;
  /** "City, Country" as Fly's regions reference writes it. */
  name: string;
  /** Continent code, as `geo_region` on GET /v1/platform/regions. */
  area: "af" | "as" | "eu" | "na" | "oc" | "sa";
  latitude: number;
  longitude: number;
  /** Has a WireGuard gateway into the organization's private network (the reference's "Gateway" column). */
  gateway: boolean;
  paidOnly: boolean;
}

const region = (
  code: string,
  name: string,
  area: Region["area"],
  latitude: number,
  longitude: number,
  more: { gateway?: boolean; paidOnly?: boolean } = {},
): Region => ({
  code,
  name,
  area,
  latitude,
  longitude,
  gateway: more.gateway ?? true,
  paidOnly: more.paidOnly ?? false,
});

/** The regions machines and volumes can be created in today. */
export const REGIONS: readonly Region[] = [
  region("ams", "Amsterdam, Netherlands", "eu", 52.374, 4.8897),
  region("arn", "Stockholm, Sweden", "eu", 59.6512, 17.9178),
  region("bom", "Mumbai, India", "as", 19.0886, 72.868, { paidOnly: true }),
  region("cdg", "Paris, France", "eu", 48.8609, 2.3551),
  region("dfw", "Dallas, Texas (US)", "na", 32.7767, -96.797),
  region("ewr", "Secaucus, NJ (US)", "na", 40.7891, -74.0565),
  region("fra", "Frankfurt, Germany", "eu", 50.1167, 8.6833),
  region("gru", "Sao Paulo, Brazil", "sa", -23.5505, -46.6333, { gateway: false }),
  region("iad", "Ashburn, Virginia (US)", "na", 39.0438, -77.4874),
  region("jnb", "Johannesburg, South Africa", "af", -26.2041, 28.0473, { gateway: false }),
  region("lax", "Los Angeles, California (US)", "na", 33.9416, -118.4085),
  region("lhr", "London, United Kingdom", "eu", 51.5072, -0.1276),
  region("nrt", "Tokyo, Japan", "as", 35.6762, 139.6503),
  region("ord", "Chicago, Illinois (US)", "na", 41.8781, -87.6298),
  region("sin", "Singapore, Singapore", "as", 1.3521, 103.8198),
  region("sjc", "San Jose, California (US)", "na", 37.3541, -121.9552),
  region("syd", "Sydney, Australia", "oc", -33.8688, 151.2093),
  region("yyz", "Toronto, Canada", "na", 43.6532, -79.3832),
];

/**
 * Regions Fly has retired: removed from the regions reference in October 2025 (superfly/docs
 * commit 0a02708, "Remove deprecated regions"). Older machines, volumes and questions still name
 * them, so they are still known as words, but nothing new is placed there.
 */
export const RETIRED_REGIONS: ReadonlyArray<Pick<Region, "code" | "name">> = [
  { code: "atl", name: "Atlanta, Georgia (US)" },
  { code: "bog", name: "Bogotá, Colombia" },
  { code: "bos", name: "Boston, Massachusetts (US)" },
  { code: "den", name: "Denver, Colorado (US)" },
  { code: "eze", name: "Ezeiza, Argentina" },
  { code: "gdl", name: "Guadalajara, Mexico" },
  { code: "gig", name: "Rio de Janeiro, Brazil" },
  { code: "hkg", name: "Hong Kong, Hong Kong" },
  { code: "mad", name: "Madrid, Spain" },
  { code: "mia", name: "Miami, Florida (US)" },
  { code: "otp", name: "Bucharest, Romania" },
  { code: "phx", name: "Phoenix, Arizona (US)" },
  { code: "qro", name: "Querétaro, Mexico" },
  { code: "scl", name: "Santiago, Chile" },
  { code: "sea", name: "Seattle, Washington (US)" },
  { code: "waw", name: "Warsaw, Poland" },
  { code: "yul", name: "Montreal, Canada" },
];

/** Whether machines and volumes can be placed in `code` today. */
export function isRegion(code: string): boolean {
  return REGIONS.some((r) => r.code === code);
}

/** The city of a region's name: "Ashburn" of "Ashburn, Virginia (US)". */
export function cityOf(region: Pick<Region, "name">): string {
  return region.name.split(",")[0]?.trim() ?? region.name;
}
