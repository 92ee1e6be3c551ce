import { z } from "zod";
import type { ReleaseNode } from "../src/fly/graphql-releases.js";
import { expansionView, fleetMachines, runExpansion, type ExpansionRun } from "./app-fleet.js";
import { defineTool, type AnyWriteTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { ToolInputError } from "./invoke.js";
import { machinesUpdate } from "./machine-create-update.js";
import { readReleases } from "./releases.js";
import { appExists, type Expansion, type PreconditionRead } from "./step-knowledge.js";

/**
 * Rollback: Fly has no rollback command; a rollback deploys a previous release's image again
 * (fly.io/docs/blueprints/rollback-guide: `fly releases --image`, then `fly deploy --image REF`).
 * For a Machines app, `fly deploy --image` without a fly.toml takes the app's config from Fly
 * (flyctl internal/command/deploy/deploy.go, appconfig.FromRemoteApp), records a new release
 * (deploy/machines.go createReleaseInBackend), may run the release command in a new machine with
 * the app's secrets, and updates the machines to the image under leases, a third at a time by
 * default (machines.go DefaultMaxUnavailable, machines_deploymachinesapp.go
 * updateUsingRollingStrategy). flyops makes the change that matters, the image, through the
 * Machines API: one machines_update per machine whose image differs, one at a time, each waited
 * on until it runs, every other config key kept, so the reviewer reads every machine it touches
 * and nothing else starts. What it does not do: record a new release in Fly's GraphQL, so
 * `fly releases` still names the release rolled back from as the newest.
 */

const MAX_RELEASES = 100;
/** The release status of a finished deploy (spec/fly/fly-schema.graphql ReleaseUnprocessed.status; fly-go). */
const COMPLETE = "complete";

interface RollbackInput {
  app: string;
  version?: number | undefined;
}

export const appsRollback = defineTool({
  name: "apps_rollback",
  description:
    "Roll an app back to a previous release's image, the change `fly deploy --image <that release's image>` makes: every machine of the app is updated to that image through the Machines API, one at a time, each waited on until it runs (no new release is recorded). Default: the newest completed release before the current one with a different image; or give version (7 for v7). In a plan it becomes one machines_update step per machine, with the current and the chosen release recorded as preconditions.",
  access: "write",
  input: z
    .object({
      app: f.app,
      version: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe("Release to roll back to, e.g. 7 for v7; default the previous release"),
    })
    .strict(),
  run: async (ctx, input): Promise<ExpansionRun> =>
    runExpansion(ctx, await expandRollback(ctx, input), STEP_TOOLS),
  view: expansionView,
  step: {
    describe: (i) =>
      `roll ${i.app} back to ${i.version === undefined ? "the previous release" : `release v${i.version}`}'s image, one machine at a time`,
    effect: (input) => ({
      app: input.app,
      ...(input.version === undefined ? {} : { version: input.version }),
    }),
    // Updating a machine to the image it has sends nothing: a rerun finishes what is left.
    reconcile: { kind: "idempotent" },
    preconditions: (input) => [appExists(input.app)],
    expand: expandRollback,
  },
});

const STEP_TOOLS: readonly AnyWriteTool[] = [machinesUpdate] as unknown as AnyWriteTool[];

function refuse(problem: string): never {
  throw new ToolInputError(
    "apps_rollback",
    [problem],
    '`flyops ask "releases of APP"` lists its releases and images',
  );
}

/** The release to go back to: the one asked for, else the newest completed one before the current with another image. */
export function rollbackTarget(app: string, releases: readonly ReleaseNode[], version?: number): ReleaseNode {
  const [current] = releases;
  if (current === undefined) refuse(`app: ${app} has no releases to roll back to`);
  if (version !== undefined) {
    const asked = releases.find((r) => r.version === version);
    if (asked === undefined) refuse(`version: ${app} has no release v${version}`);
    if (asked.version === current.version) refuse(`version: v${version} is ${app}'s current release`);
    if (!asked.imageRef) refuse(`version: release v${version} of ${app} records no image`);
    return asked;
  }
  const previous = releases.find(
    (r) =>
      r.version < current.version && r.status === COMPLETE && !!r.imageRef && r.imageRef !== current.imageRef,
  );
  if (previous === undefined)
    refuse(`app: ${app} has no completed release before v${current.version} with another image`);
  return previous;
}

export async function expandRollback(ctx: ToolContext, input: RollbackInput): Promise<Expansion> {
  const releases = await readReleases(ctx, input.app, MAX_RELEASES);
  const target = rollbackTarget(input.app, releases, input.version);
  const [current] = releases;
  const image = target.imageRef ?? "";
  const machines = await fleetMachines(ctx, input.app);
  const stale = machines.filter((m) => m.config?.image !== image);
  const preconditions: PreconditionRead[] = [
    appExists(input.app),
    // Nobody deployed since the plan was made: the rollback is from the release it names.
    {
      tool: "releases_list",
      input: { app: input.app, limit: 1 },
      expect: { releases: [{ version: current?.version }] },
    },
    // The release still exists with that image.
    {
      tool: "releases_get",
      input: { app: input.app, version: target.version },
      expect: { version: target.version, imageRef: image },
    },
  ];
  const from = current === undefined ? "" : ` from v${current.version}`;
  return {
    steps: stale.map((m, i) => ({
      tool: "machines_update",
      input: { app: input.app, machine_id: m.id, image },
      reason: `rollback${from} to v${target.version}, machine ${i + 1} of ${stale.length}: ${m.name ?? m.id} (${m.id}, ${m.region ?? "?"}, ${m.state ?? "?"}) runs ${m.config?.image ?? "?"}; the next waits until it runs again`,
    })),
    preconditions,
    summary:
      stale.length === 0
        ? `every machine of ${input.app} already runs v${target.version}'s image ${image}; nothing to do`
        : `roll ${input.app} back${from} to v${target.version} (${image}): update ${stale.length} of ${machines.length} machine(s) one at a time`,
  };
}
