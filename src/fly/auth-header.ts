/**
 * The Authorization header value for a Fly token, following flyctl's tokens package: macaroon
 * tokens (`fm1r_`, `fm1a_`, `fm2_`) use the `FlyV1` scheme, older OAuth-style tokens
 * (`fo1_…`) use `Bearer`, and a token that already names its scheme is sent unchanged.
 *
 * A comma-joined bundle may mix both kinds. Like flyctl (`Tokens.FlapsHeader`), the Machines
 * API gets only the bundle's macaroons under `FlyV1` (or, when it has none, its other tokens
 * under `Bearer`); only GraphQL (`Tokens.GraphQLHeader`) gets every part, under `FlyV1` when
 * any part is a macaroon.
 */
const MACAROON_PREFIXES = ["fm1r_", "fm1a_", "fm2_"] as const;

/** Which Fly API the header is for: they differ in what they accept from a mixed bundle. */
export type TokenAudience = "machines" | "graphql";

export function authorizationHeader(token: string, audience: TokenAudience = "machines"): string {
  const value = token.trim();
  if (/^(FlyV1|Bearer)\s+\S/i.test(value)) return value;
  const parts = value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  const macaroons = parts.filter(isMacaroonPart);
  if (macaroons.length === 0) return `Bearer ${parts.join(",")}`;
  const others = parts.filter((part) => !isMacaroonPart(part));
  return `FlyV1 ${(audience === "graphql" ? [...macaroons, ...others] : macaroons).join(",")}`;
}

function isMacaroonPart(part: string): boolean {
  return MACAROON_PREFIXES.some((prefix) => part.startsWith(prefix));
}
