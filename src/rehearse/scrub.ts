import { Redactor } from "../security/redact.js";
import type { SandboxState } from "../sandbox/types.js";

/**
 * A copy of live state holds no token: a machine's config, metadata or an event may carry one
 * someone left there (an env variable named LEGACY_DEPLOY_TOKEN), and the copy is written to a
 * file and loaded into a sandbox. Every string of the state passes the project's redactor (token
 * shapes, and every credential this process holds); what it finds becomes "[REDACTED]".
 */

function scrubValue(value: unknown, redactor: Redactor, count: { n: number }): unknown {
  if (typeof value === "string") {
    const clean = redactor.redact(value);
    if (clean !== value) count.n += 1;
    return clean;
  }
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, redactor, count));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, scrubValue(item, redactor, count)]),
    );
  }
  return value;
}

/** The state with every token replaced by REDACTED, and how many strings held one. */
export function withoutTokens(
  state: SandboxState,
  credentials: readonly string[],
): { state: SandboxState; redacted: number } {
  const count = { n: 0 };
  const clean = scrubValue(state, new Redactor(credentials), count) as SandboxState;
  return { state: clean, redacted: count.n };
}
