import { z } from "zod";
import type { App } from "../src/fly/schemas.js";
import { RUNNING_STATES } from "../src/platform/machine-states.js";
import { defineTool } from "./define-tool.js";
import * as f from "./fields.js";
import { ToolInputError } from "./invoke.js";
import { appExists, orMissing, verdict, type PreconditionRead } from "./step-knowledge.js";

/** Creating and destroying an app through the Machines API (POST and DELETE /v1/apps). */

const NETWORK = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function appAbsent(app: string): PreconditionRead {
  return { tool: "apps_get", input: { app }, expect: { exists: false } };
}

export const appsCreate = defineTool({
  name: "apps_create",
  command: { verb: "apps", noun: "create", id: "app" },
  description:
    "Create an app in an organization, optionally in its own private network (machines of other apps of the org cannot reach it). App names are global: a name taken by anyone is refused. Returns the new app.",
  access: "write",
  input: z
    .object({
      app: f.app.describe('Name of the new app, e.g. "my-new-app"'),
      org: f.org.describe('Organization slug, e.g. "personal"'),
      network: z
        .string()
        .regex(NETWORK, 'expected a network name: lowercase letters, digits, "_" and "-", e.g. "my-network"')
        .optional()
        .describe("A private network of its own for the app (Fly's default: the org's network)"),
    })
    .strict(),
  async run(ctx, input): Promise<App> {
    // The spec's and fly-go's body (flaps/flaps_apps.go CreateAppRequest): name, org_slug, network.
    await ctx.fly.rest.createApp(
      { name: input.app, org_slug: input.org, ...(input.network ? { network: input.network } : {}) },
      ctx.signal,
    );
    return ctx.fly.rest.getApp(input.app, ctx.signal);
  },
  view: (app) => ({
    name: app.name,
    org: app.organization?.slug ?? null,
    network: app.network ?? null,
    status: app.status ?? null,
  }),
  step: {
    describe: (i) =>
      `create app ${i.app} in org ${i.org}${i.network ? `, in its own network ${i.network}` : ""}`,
    effect: (input, app) => ({ app: input.app, org: input.org, ...(app.id ? { app_id: app.id } : {}) }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const app = await orMissing(ctx.fly.rest.getApp(input.app, ctx.signal));
        if (app && app.organization?.slug && app.organization.slug !== input.org) {
          return { outcome: "ask", note: `an app ${input.app} exists, but in org ${app.organization.slug}` };
        }
        return verdict(app !== undefined, "the app exists", "the app does not exist; creating it now");
      },
    },
    preconditions: (input) => [appAbsent(input.app)],
  },
});

interface DestroyAppResult {
  app: string;
  destroyed: true;
  /** Machines that ran when it was destroyed (forced). */
  running: string[];
}

export const appsDestroy = defineTool({
  name: "apps_destroy",
  command: { verb: "apps", noun: "destroy", id: "app" },
  description:
    "Destroy an app permanently, with all its machines, volumes, IPs, certificates and secrets. Refused while any of its machines runs unless force is true.",
  access: "destructive",
  input: z
    .object({
      app: f.app,
      force: z.boolean().optional().describe("Destroy it even while machines run"),
    })
    .strict(),
  async run(ctx, input): Promise<DestroyAppResult> {
    // Fly's DELETE /v1/apps/{app} takes no force and flyctl's `apps destroy` only asks for a yes
    // (internal/command/apps/destroy.go); flyops is stricter: an app still serving is refused
    // unless forced, like a running machine is.
    await ctx.fly.rest.getApp(input.app, ctx.signal);
    const machines = await ctx.fly.rest.listMachines(input.app, {}, ctx.signal);
    const running = machines.filter((m) => RUNNING_STATES.has(m.state ?? "")).map((m) => m.id);
    if (running.length > 0 && input.force !== true) {
      throw new ToolInputError(
        "apps_destroy",
        [`app: ${input.app} has ${running.length} running machine(s) (${running.join(", ")})`],
        'stop them first, or pass --force (in a plan step, "force": true) to destroy the app while they run',
      );
    }
    await ctx.fly.rest.deleteApp(input.app, { goneOnRetry: true }, ctx.signal);
    return { app: input.app, destroyed: true, running };
  },
  view: (r) => r,
  step: {
    describe: (i) =>
      `destroy app ${i.app} with all its machines, volumes and secrets${i.force ? " (forced, even while machines run)" : ""}`,
    effect: (input) => ({ app: input.app }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const app = await orMissing(ctx.fly.rest.getApp(input.app, ctx.signal));
        return verdict(app === undefined, "the app is gone", "the app still exists; destroying it now");
      },
    },
    preconditions: (input) => [appExists(input.app)],
  },
});
