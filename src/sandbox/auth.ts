/**
 * Fly's API takes `Authorization: Bearer <token>` or `FlyV1 <token>`. The sandbox accepts any
 * non-empty token, or only `expected` when one was configured (compared without its scheme).
 * Returns the reason to refuse, or undefined.
 */
export function authProblem(header: string | undefined, expected: string | undefined): string | undefined {
  if (!header) return "unauthorized: send Authorization: Bearer <token> (set FLY_API_TOKEN)";
  const match = /^(Bearer|FlyV1)\s+(\S.*)$/i.exec(header.trim());
  const token = match?.[2]?.trim();
  if (!token) return "unauthorized: the Authorization header must be 'Bearer <token>' or 'FlyV1 <token>'";
  if (expected !== undefined && token !== stripScheme(expected))
    return "unauthorized: token is not valid for this sandbox";
  return undefined;
}

function stripScheme(token: string): string {
  return token.trim().replace(/^(Bearer|FlyV1)\s+/i, "");
}
