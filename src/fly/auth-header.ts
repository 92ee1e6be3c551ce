/**
 * The Authorization header value for a Fly token, following flyctl: macaroon tokens
 * (`fm1r_`, `fm1a_`, `fm2_`, and comma-joined bundles of them) use the `FlyV1` scheme, older
 * OAuth-style tokens use `Bearer`, and a token that already names its scheme is sent unchanged.
 */
const MACAROON_PREFIXES = ["fm1r_", "fm1a_", "fm2_"] as const;

export function authorizationHeader(token: string): string {
  const value = token.trim();
  if (/^(FlyV1|Bearer)\s+\S/i.test(value)) return value;
  if (isMacaroonToken(value)) return `FlyV1 ${value}`;
  return `Bearer ${value}`;
}

export function isMacaroonToken(token: string): boolean {
  if (token.includes(",")) return true;
  return MACAROON_PREFIXES.some((prefix) => token.startsWith(prefix));
}
