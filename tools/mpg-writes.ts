import { z } from "zod";
import { FlyopsError } from "../src/errors.js";
import { defineTool } from "./define-tool.js";
import * as f from "./fields.js";
import { secretName } from "./id-fields.js";
import { clusterId } from "./mpg.js";
import { SECRETS_STAGED } from "./secrets.js";
import { orgVisible } from "./members.js";
import {
  appExists,
  orMissing,
  pick,
  verdict,
  type PreconditionRead,
  outsideSnapshot,
} from "./step-knowledge.js";

const NOT_REHEARSABLE = outsideSnapshot("a Managed Postgres cluster");

/**
 * Managed Postgres changes, as flyctl's `mpg` commands make them (superfly/flyctl
 * internal/command/mpg/v2/run_*.go over internal/uiex/mpg/v2/client.go).
 */

// flyctl internal/command/mpg/plans.go.
const PLANS = ["basic", "starter", "launch", "scale", "performance"] as const;
// flyctl mpg/v2/client.go CreateUserWithRoleInput.
const USER_ROLES = ["schema_admin", "writer", "reader"] as const;
const pgName = z
  .string()
  .regex(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'expected a Postgres name: lowercase letters, digits and _, e.g. "app_db"',
  );

function clusterExists(id: string): PreconditionRead {
  return { tool: "mpg_get", input: { cluster_id: id }, expect: { exists: true } };
}

export const mpgCreate = defineTool({
  name: "mpg_create",
  description:
    "Create a Managed Postgres cluster in an org: name, region, plan (basic, starter, launch, scale, performance), disk size and Postgres major version.",
  access: "write",
  input: z
    .object({
      org: f.org,
      name: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'expected a cluster name, e.g. "acme-pg"')
        .describe('Cluster name, e.g. "acme-pg"'),
      region: f.region,
      plan: z
        .enum(PLANS)
        .default("basic")
        .describe("Plan; flyctl's plans are basic, starter, launch, scale and performance"),
      storage_gb: z.number().int().min(1).max(1000).default(10).describe("Disk size in GB"),
      pg_major_version: z.enum(["16", "17"]).default("16").describe("Postgres major version"),
    })
    .strict(),
  async run(ctx, input) {
    const cluster = await ctx.fly.mpg.createMpgCluster(
      {
        name: input.name,
        region: input.region,
        org_slug: input.org,
        plan: input.plan,
        pg_major_version: input.pg_major_version,
        storage_in_gb: input.storage_gb,
        postgis_enabled: false,
      },
      ctx.signal,
    );
    return {
      id: cluster.id,
      name: cluster.name,
      region: cluster.region ?? input.region,
      status: cluster.status ?? null,
      plan: input.plan,
    };
  },
  view: (result) => result,
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) =>
      `create Managed Postgres cluster ${i.name} in ${i.org}, ${i.region}, plan ${i.plan}, ${i.storage_gb} GB, Postgres ${i.pg_major_version}`,
    effect: (_input, result) => pick(result, { id: "cluster_id", name: "name", region: "region" }),
    reconcile: {
      kind: "create",
      effectKey: "cluster_id",
      existing: async (ctx, input) =>
        (await ctx.fly.mpg.listMpgClusters(input.org, ctx.signal)).map((c) => ({
          id: c.id,
          name: c.name,
          state: c.status,
        })),
      name: (input) => input.name,
    },
    preconditions: (input) => [orgVisible(input.org)],
  },
});

export const mpgDestroy = defineTool({
  name: "mpg_destroy",
  description: "Destroy a Managed Postgres cluster and every database in it. Irreversible.",
  access: "destructive",
  input: z.object({ org: f.org, cluster_id: clusterId }).strict(),
  async run(ctx, input) {
    await ctx.fly.mpg.destroyMpgCluster(input.org, input.cluster_id, ctx.signal);
    return { id: input.cluster_id, destroyed: true };
  },
  view: (result) => result,
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) => `DESTROY Managed Postgres cluster ${i.cluster_id} of ${i.org} with all its data`,
    effect: (input) => ({ cluster_id: input.cluster_id, org: input.org }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const found = await orMissing(ctx.fly.mpg.getMpgCluster(input.cluster_id, ctx.signal));
        return verdict(
          found === undefined,
          "the cluster is already gone",
          "the cluster still exists; destroying it now",
        );
      },
    },
    preconditions: (input) => [clusterExists(input.cluster_id)],
  },
});

export const mpgDatabaseCreate = defineTool({
  name: "mpg_database_create",
  description: "Create a database in a Managed Postgres cluster.",
  access: "write",
  input: z
    .object({ cluster_id: clusterId, database: pgName.describe('Database name, e.g. "app_db"') })
    .strict(),
  async run(ctx, input) {
    await ctx.fly.mpg.createMpgDatabase(input.cluster_id, input.database, ctx.signal);
    return { cluster_id: input.cluster_id, database: input.database };
  },
  view: (result) => result,
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) => `create database ${i.database} in Managed Postgres cluster ${i.cluster_id}`,
    effect: (input) => ({ cluster_id: input.cluster_id, database: input.database }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const names = (await ctx.fly.mpg.listMpgDatabases(input.cluster_id, ctx.signal)).map((d) => d.name);
        return verdict(
          names.includes(input.database),
          "the database exists",
          "no such database yet; creating it now",
        );
      },
    },
    preconditions: (input) => [clusterExists(input.cluster_id)],
  },
});

export const mpgUserCreate = defineTool({
  name: "mpg_user_create",
  description:
    "Create a user in a Managed Postgres cluster with a role: schema_admin, writer or reader. Its password is never fetched or shown.",
  access: "write",
  input: z
    .object({
      cluster_id: clusterId,
      username: pgName.describe('User name, e.g. "reporting"'),
      role: z.enum(USER_ROLES).describe("schema_admin, writer or reader"),
    })
    .strict(),
  async run(ctx, input) {
    const user = await ctx.fly.mpg.createMpgUser(input.cluster_id, input.username, input.role, ctx.signal);
    return { cluster_id: input.cluster_id, username: user.name, role: user.role ?? input.role };
  },
  view: (result) => result,
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) => `create user ${i.username} (${i.role}) in Managed Postgres cluster ${i.cluster_id}`,
    effect: (input) => ({ cluster_id: input.cluster_id, username: input.username, role: input.role }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const names = (await ctx.fly.mpg.listMpgUsers(input.cluster_id, ctx.signal)).map((u) => u.name);
        return verdict(
          names.includes(input.username),
          "the user exists",
          "no such user yet; creating it now",
        );
      },
    },
    preconditions: (input) => [clusterExists(input.cluster_id)],
  },
});

export const mpgAttach = defineTool({
  name: "mpg_attach",
  description: `Attach a Managed Postgres cluster to an app: its connection string is read at apply time and set as the app's secret (DATABASE_URL unless variable_name says otherwise), then the attachment is recorded. The connection string never appears in the plan, the journal or any output. The secret is ${SECRETS_STAGED}.`,
  access: "write",
  input: z
    .object({
      cluster_id: clusterId,
      app: f.app,
      variable_name: secretName
        .default("DATABASE_URL")
        .describe("The secret that receives the connection string"),
    })
    .strict(),
  async run(ctx, input) {
    // flyctl refuses when the app already has the variable (internal/command/mpg/v2/run_attach.go).
    const existing = await ctx.fly.rest.listSecrets(input.app, ctx.signal);
    if (existing.some((s) => s.name === input.variable_name))
      throw new FlyopsError(`${input.app} already has a secret ${input.variable_name}`, {
        hint: "unset it first (secrets_unset) or choose another variable_name",
      });
    const uri = await ctx.fly.mpg.mpgConnectionUri(input.cluster_id, ctx.signal);
    const version = await ctx.fly.rest.setSecrets(input.app, { [input.variable_name]: uri }, ctx.signal);
    await ctx.fly.mpg.attachMpgCluster(input.cluster_id, input.app, ctx.signal);
    return {
      cluster_id: input.cluster_id,
      app: input.app,
      secret: input.variable_name,
      version: version.version ?? version.Version ?? null,
      staged: true,
    };
  },
  view: (result) => ({ ...result, note: `connection string not shown; ${SECRETS_STAGED}` }),
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) =>
      `attach Managed Postgres cluster ${i.cluster_id} to ${i.app}: its connection string goes into secret ${i.variable_name} (read at apply time, never shown; ${SECRETS_STAGED})`,
    effect: (input, result) => ({
      cluster_id: input.cluster_id,
      app: input.app,
      secret: input.variable_name,
      ...pick(result, { version: "version" }),
    }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const [secrets, cluster] = await Promise.all([
          ctx.fly.rest.listSecrets(input.app, ctx.signal),
          ctx.fly.mpg.getMpgCluster(input.cluster_id, ctx.signal),
        ]);
        const hasSecret = secrets.some((s) => s.name === input.variable_name);
        const attached = (cluster.attached_apps ?? []).some((a) => a.name === input.app);
        if (hasSecret && attached)
          return { outcome: "done", note: `${input.app} has ${input.variable_name} and is attached` };
        if (!hasSecret)
          return { outcome: "rerun", note: `${input.app} has no ${input.variable_name} yet; attaching now` };
        return {
          outcome: "ask",
          note: `${input.app} has ${input.variable_name} but the attachment is not recorded: check that the secret is this cluster's`,
        };
      },
    },
    preconditions: (input) => [appExists(input.app), clusterExists(input.cluster_id)],
  },
});

export const mpgDetach = defineTool({
  name: "mpg_detach",
  description:
    "Remove the record that an app is attached to a Managed Postgres cluster. As with flyctl, the app's DATABASE_URL secret stays; remove it with secrets_unset.",
  access: "destructive",
  input: z.object({ cluster_id: clusterId, app: f.app }).strict(),
  async run(ctx, input) {
    await ctx.fly.mpg.detachMpgCluster(input.cluster_id, input.app, ctx.signal);
    return { cluster_id: input.cluster_id, app: input.app, detached: true };
  },
  view: (result) => ({ ...result, note: "the app's connection-string secret is left in place" }),
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) => `detach ${i.app} from Managed Postgres cluster ${i.cluster_id} (its secret stays)`,
    effect: (input) => ({ cluster_id: input.cluster_id, app: input.app }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const cluster = await ctx.fly.mpg.getMpgCluster(input.cluster_id, ctx.signal);
        const attached = (cluster.attached_apps ?? []).some((a) => a.name === input.app);
        return verdict(
          !attached,
          "the app is no longer attached",
          "the app is still attached; detaching now",
        );
      },
    },
    preconditions: (input) => [clusterExists(input.cluster_id), appExists(input.app)],
  },
});

export const mpgWriteTools = [
  mpgCreate,
  mpgDestroy,
  mpgDatabaseCreate,
  mpgUserCreate,
  mpgAttach,
  mpgDetach,
] as const;
