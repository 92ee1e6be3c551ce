import { z } from "zod";
import type { Secret } from "../src/fly/schemas.js";
import { defineTool } from "./define-tool.js";
import * as f from "./fields.js";
import { secretName } from "./id-fields.js";
import { ToolInputError } from "./invoke.js";
import { appExists, identity, pick, type StepEffect } from "./step-knowledge.js";
import { listView, sortBy } from "./view.js";

/**
 * A plan holds references, never values: `{fromEnv}` and `{fromFile}` are resolved by the
 * applier just before the tool runs, so `run` only ever accepts plain strings.
 */
const secretValue = z.union([
  z.string().describe("The value itself; only the applier passes values, resolved from a reference"),
  z
    .object({ fromEnv: z.string().min(1).describe("Name of an environment variable holding the value") })
    .strict(),
  z.object({ fromFile: z.string().min(1).describe("Path of a file holding the value") }).strict(),
]);

export const secretsList = defineTool({
  name: "secrets_list",
  command: { verb: "list", noun: "secrets" },
  description:
    "List the names of an app's secrets with their digests and creation times. Values are never returned: flyops cannot read them.",
  access: "read",
  input: z.object({ app: f.app }).strict(),
  async run(ctx, input): Promise<Secret[]> {
    return sortBy(await ctx.fly.rest.listSecrets(input.app, ctx.signal), (s) => s.name, "asc");
  },
  view: (secrets) =>
    listView(
      secrets.map((s) => ({ name: s.name, digest: s.digest ?? null, created_at: s.created_at ?? null })),
      { noun: "secrets", notes: ["values are never shown"] },
    ),
});

/**
 * What setting or unsetting secrets through the Machines API does: the app gets a new secrets
 * version, and running machines keep their old values. A machine gets the new ones when it is
 * next deployed or updated with that version (flyctl's `secrets set --stage` does the same and
 * leaves the deploy to `fly deploy` or `fly secrets deploy`).
 */
export const SECRETS_STAGED =
  "staged: running machines keep their current values until they are next deployed or updated (a `secrets_deploy` step, `flyops fly secrets deploy APP`, or `fly deploy`); a restart alone is not guaranteed to pick it up";

const STAGED = `The change is ${SECRETS_STAGED}.`;

export const secretsSet = defineTool({
  name: "secrets_set",
  description: `Set one or more secrets of an app in one new secrets version. ${STAGED} In a plan each value is a reference, {"fromEnv": "NAME"} or {"fromFile": "PATH"}, never the value itself.`,
  access: "write",
  input: z
    .object({
      app: f.app,
      secrets: z
        .record(secretName, secretValue)
        .refine((s) => Object.keys(s).length > 0, "give at least one secret")
        .describe('Secret name to a reference, e.g. {"DATABASE_URL": {"fromEnv": "DATABASE_URL"}}'),
    })
    .strict(),
  async run(ctx, input) {
    const values = resolvedValues(input.secrets);
    const result = await ctx.fly.rest.setSecrets(input.app, values, ctx.signal);
    return {
      app: input.app,
      set: Object.keys(values).sort(),
      version: result.version ?? result.Version ?? null,
      staged: true,
    };
  },
  view: (result) => ({ ...result, note: SECRETS_STAGED }),
  step: {
    // Both ways (REST and `flyctl secrets import --stage`) only stage: nothing restarts now.
    describe: (i) => `stage secrets of ${i.app}: ${sourcesText(i.secrets)} (${SECRETS_STAGED})`,
    effect: (input, result) => secretsEffect(input.app, result.set, result.version),
    // Setting the same values again leaves the same secrets (with a newer version number).
    reconcile: { kind: "idempotent" },
    preconditions: (input) => [appExists(input.app)],
    secretRefs: "secrets",
    async viaFlyctl(flyctl, input, signal) {
      const values = resolvedValues(input.secrets);
      await flyctl.importSecrets(input.app, values, { signal });
      return { app: input.app, set: Object.keys(values).sort(), version: null, staged: true };
    },
  },
});

export const secretsUnset = defineTool({
  name: "secrets_unset",
  description: `Remove secrets from an app by name, all in one new secrets version; a name the app does not have is not an error. ${STAGED}`,
  access: "destructive",
  input: z
    .object({
      app: f.app,
      names: z.array(secretName).min(1).describe('Names of the secrets to remove, e.g. ["OLD_API_KEY"]'),
    })
    .strict(),
  async run(ctx, input) {
    const names = [...new Set(input.names)].sort();
    const result = await ctx.fly.rest.unsetSecrets(input.app, names, ctx.signal);
    return { app: input.app, unset: names, version: result.version ?? result.Version ?? null, staged: true };
  },
  view: (result) => ({ ...result, note: SECRETS_STAGED }),
  step: {
    describe: (i) => `remove secrets of ${i.app}: ${i.names.join(", ")} (${SECRETS_STAGED})`,
    effect: (input, result) => secretsEffect(input.app, result.unset, result.version),
    reconcile: { kind: "idempotent" },
    preconditions: (input) => [appExists(input.app)],
  },
});

type SecretValue = z.infer<typeof secretValue>;

/** The values `run` needs: every reference must have been resolved by the applier. */
function resolvedValues(secrets: Record<string, SecretValue>): Record<string, string> {
  const values: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value === "string") values[name] = value;
    else
      unresolved.push(
        `secrets.${name}: a reference must be resolved before the tool runs (apply resolves it)`,
      );
  }
  if (unresolved.length > 0) throw new ToolInputError("secrets_set", unresolved);
  return values;
}

/** Names and where each value comes from; a literal value is never shown (the validator blocks it). */
function sourcesText(secrets: Record<string, SecretValue>): string {
  return Object.entries(secrets)
    .map(([name, source]) => {
      if (typeof source === "string") return `${name} (literal value: blocked)`;
      return "fromEnv" in source
        ? `${name} (from env ${source.fromEnv})`
        : `${name} (from file ${source.fromFile})`;
    })
    .join(", ");
}

function secretsEffect(app: string, names: string[], version: unknown): StepEffect {
  return { ...identity({ app }), secrets: names, ...pick({ version }, { version: "version" }) };
}

export const secretTools = [secretsList, secretsSet, secretsUnset] as const;
