import type { HttpTransport } from "./http.js";
import { call, seg } from "./rest-support.js";
import { AppSecretsSchema, SecretsVersionSchema, type Secret, type SecretsVersion } from "./schemas.js";

/** Secrets: names and digests only. Values go in; they are never requested and never kept. Part of FlyRest (rest.ts). */
export function secretsRest(http: HttpTransport) {
  return {
    async listSecrets(app: string, signal?: AbortSignal): Promise<Secret[]> {
      const body = await call(http, AppSecretsSchema, {
        method: "GET",
        path: `/v1/apps/${seg(app)}/secrets`,
        limit: { action: "secrets_list", key: app },
        signal,
      });
      return body.secrets ?? [];
    },

    /** Sets every name to its value in one new secrets version; setting the same values again changes nothing. */
    setSecrets(app: string, values: Record<string, string>, signal?: AbortSignal): Promise<SecretsVersion> {
      return call(http, SecretsVersionSchema, {
        method: "POST",
        path: `/v1/apps/${seg(app)}/secrets`,
        body: { values },
        idempotent: true,
        limit: { action: "secrets_set", key: app },
        signal,
      });
    },

    /**
     * Removes every name in one new secrets version: Fly's Secrets_update with a null value per
     * name, as flyctl's `secrets unset` sends it ("it is not an error to unset a secret that does
     * not exist"), so it is atomic and resending it is harmless. The spec's schema for the body
     * says string values only; its own description says "or nil to unset", which is what Fly does.
     */
    unsetSecrets(app: string, names: readonly string[], signal?: AbortSignal): Promise<SecretsVersion> {
      return call(http, SecretsVersionSchema, {
        method: "POST",
        path: `/v1/apps/${seg(app)}/secrets`,
        body: { values: Object.fromEntries(names.map((name) => [name, null])) },
        idempotent: true,
        // The same endpoint as setSecrets, so the same bucket on Fly's side.
        limit: { action: "secrets_set", key: app },
        signal,
      });
    },
  };
}

export type SecretsRest = ReturnType<typeof secretsRest>;
