import { randomBytes } from "node:crypto";
import type { HttpTransport } from "./http.js";
import { call, seg } from "./rest-support.js";
import { AppSecretsSchema, SecretsVersionSchema, type Secret, type SecretsVersion } from "./schemas.js";

/** Secrets: names and digests only. Values go in; they are never requested and never kept. Part of FlyRest (rest.ts). */
export function secretsRest(http: HttpTransport) {
  /**
   * Removes every name in one new secrets version: Fly's Secrets_update with a null value per
   * name, as flyctl's `secrets unset` sends it ("it is not an error to unset a secret that does
   * not exist"), so it is atomic and resending it is harmless. The spec's schema for the body
   * says string values only; its own description says "or nil to unset", which is what Fly does.
   */
  function unsetSecrets(
    app: string,
    names: readonly string[],
    signal?: AbortSignal,
  ): Promise<SecretsVersion> {
    return call(http, SecretsVersionSchema, {
      method: "POST",
      path: `/v1/apps/${seg(app)}/secrets`,
      body: { values: Object.fromEntries(names.map((name) => [name, null])) },
      idempotent: true,
      // The same endpoint as setSecrets, so the same bucket on Fly's side.
      limit: { action: "secrets_set", key: app },
      signal,
    });
  }

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

    unsetSecrets,

    /**
     * The app's newest secrets version. Fly's API answers it only to a change, so this is what
     * flyctl's `secrets sync` does (internal/appsecrets/secrets.go Sync): unset a name that does
     * not exist and read the version of the answer. No secret is changed.
     */
    async latestSecretsVersion(app: string, signal?: AbortSignal): Promise<number | undefined> {
      const absent = `FLYOPS_SYNC_${randomBytes(8).toString("hex")}`;
      const answer = await unsetSecrets(app, [absent], signal);
      return answer.version ?? answer.Version ?? undefined;
    },
  };
}

export type SecretsRest = ReturnType<typeof secretsRest>;
