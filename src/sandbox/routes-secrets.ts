import { z } from "zod";
import { readBody } from "./body.js";
import { ApiError, badRequest, notFound } from "./http-error.js";
import { hexDigestOf } from "./ids.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import type { SandboxStore } from "./store.js";
import type { AppRecord } from "./types.js";
import { secretView } from "./views.js";

/**
 * Secrets: values go in, only names and digests come out. `show_secrets=true` is refused with
 * 403 rather than ignored, so a client that asks for values learns it at once.
 */

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const UpdateSecrets = z.object({ values: z.record(z.string().nullable()) });
const SetSecret = z.object({ value: z.string() });

function refuseShowSecrets(query: URLSearchParams): void {
  const show = query.get("show_secrets");
  if (show !== null && show !== "" && show !== "false" && show !== "0") {
    throw new ApiError(403, "show_secrets is not allowed: this sandbox never returns secret values");
  }
}

function checkName(name: string): void {
  if (!SECRET_NAME.test(name))
    throw badRequest(
      `invalid secret name "${name}": use letters, digits and underscores, not starting with a digit`,
    );
}

/** Applies one set/unset; true when something changed. */
function apply(
  store: SandboxStore,
  app: AppRecord,
  name: string,
  value: string | null,
  now: string,
): boolean {
  if (value === null) return store.removeSecret(app.name, name);
  const digest = hexDigestOf(value);
  const existing = store.secrets(app.name).find((s) => s.name === name);
  if (existing?.digest === digest) return false;
  store.putSecret({
    app: app.name,
    name,
    value,
    digest,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  });
  return true;
}

function versionOf(app: AppRecord): { version: number; Version: number } {
  return { version: app.secretsVersion, Version: app.secretsVersion };
}

export function secretRoutes({ store }: RouteDeps): Route[] {
  const bump = (app: AppRecord): void => {
    app.secretsVersion += 1;
    store.changed();
  };
  return [
    {
      method: "GET",
      path: "/v1/apps/:app_name/secrets",
      limit: per("secrets_list", "app_name"),
      handle: ({ params, query }) => {
        refuseShowSecrets(query);
        const app = store.requireApp(params.app_name ?? "");
        const secrets = store.secrets(app.name).sort((a, b) => a.name.localeCompare(b.name));
        return ok({ secrets: secrets.map(secretView) });
      },
    },
    {
      method: "POST",
      path: "/v1/apps/:app_name/secrets",
      limit: per("secrets_set", "app_name"),
      handle: ({ params, body }) => {
        const app = store.requireApp(params.app_name ?? "");
        const { values } = readBody(UpdateSecrets, body);
        const entries = Object.entries(values);
        entries.forEach(([name]) => checkName(name));
        const now = store.now();
        const changed = entries.map(([name, value]) => apply(store, app, name, value, now)).some(Boolean);
        if (changed) bump(app);
        const secrets = store.secrets(app.name).sort((a, b) => a.name.localeCompare(b.name));
        return ok({ secrets: secrets.map(secretView), ...versionOf(app) });
      },
    },
    {
      method: "GET",
      path: "/v1/apps/:app_name/secrets/:secret_name",
      limit: per("secrets_get", "app_name"),
      handle: ({ params, query }) => {
        refuseShowSecrets(query);
        const app = store.requireApp(params.app_name ?? "");
        const secret = store.secrets(app.name).find((s) => s.name === params.secret_name);
        if (!secret) throw notFound(`secret ${params.secret_name}`);
        return ok(secretView(secret));
      },
    },
    {
      method: "POST",
      path: "/v1/apps/:app_name/secrets/:secret_name",
      limit: per("secrets_set", "app_name"),
      handle: ({ params, body }) => {
        const app = store.requireApp(params.app_name ?? "");
        const name = params.secret_name ?? "";
        checkName(name);
        const { value } = readBody(SetSecret, body);
        if (apply(store, app, name, value, store.now())) bump(app);
        const secret = store.secrets(app.name).find((s) => s.name === name);
        return ok({ ...(secret ? secretView(secret) : {}), ...versionOf(app) }, 201);
      },
    },
    {
      method: "DELETE",
      path: "/v1/apps/:app_name/secrets/:secret_name",
      limit: per("secrets_unset", "app_name"),
      handle: ({ params }) => {
        const app = store.requireApp(params.app_name ?? "");
        if (!store.removeSecret(app.name, params.secret_name ?? ""))
          throw notFound(`secret ${params.secret_name}`);
        bump(app);
        return ok(versionOf(app));
      },
    },
  ];
}
