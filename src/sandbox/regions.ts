/** Fly's public regions (code, city, continent, approximate coordinates) as GET /v1/platform/regions lists them. */
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

const row = (
  code: string,
  name: string,
  geo: string,
  latitude: number,
  longitude: number,
  paid = false,
): RegionRow => ({
  code,
  name,
  geo_region: geo,
  latitude,
  longitude,
  gateway_available: true,
  requires_paid_plan: paid,
  deprecated: false,
});

export const REGIONS: readonly RegionRow[] = [
  row("ams", "Amsterdam, Netherlands", "eu", 52.374, 4.8897),
  row("arn", "Stockholm, Sweden", "eu", 59.6512, 17.9178),
  row("bom", "Mumbai, India", "as", 19.0886, 72.868, true),
  row("cdg", "Paris, France", "eu", 48.8609, 2.3551),
  row("dfw", "Dallas, Texas (US)", "na", 32.7767, -96.797),
  row("ewr", "Secaucus, NJ (US)", "na", 40.7891, -74.0565),
  row("fra", "Frankfurt, Germany", "eu", 50.1167, 8.6833),
  row("gru", "Sao Paulo, Brazil", "sa", -23.5505, -46.6333),
  row("iad", "Ashburn, Virginia (US)", "na", 39.0438, -77.4874),
  row("jnb", "Johannesburg, South Africa", "af", -26.2041, 28.0473),
  row("lax", "Los Angeles, California (US)", "na", 33.9416, -118.4085),
  row("lhr", "London, United Kingdom", "eu", 51.5072, -0.1276),
  row("nrt", "Tokyo, Japan", "as", 35.6762, 139.6503),
  row("ord", "Chicago, Illinois (US)", "na", 41.8781, -87.6298),
  row("sin", "Singapore, Singapore", "as", 1.3521, 103.8198),
  row("sjc", "San Jose, California (US)", "na", 37.3541, -121.9552),
  row("syd", "Sydney, Australia", "oc", -33.8688, 151.2093),
  row("yyz", "Toronto, Canada", "na", 43.6532, -79.3832),
];

export const NEAREST_REGION = "iad";

export function isRegion(code: string): boolean {
  return REGIONS.some((r) => r.code === code);
}
