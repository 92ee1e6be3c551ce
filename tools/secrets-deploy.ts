import { z } from "zod";
import type { Machine } from "../src/fly/schemas.js";
import {
  chooseGroup,
  expansionView,
  fleetMachines,
  inGroup,
  runExpansion,
  type ExpansionRun,
} from "./app-fleet.js";
import { defineTool, type AnyWriteTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import * as ids from "./id-fields.js";
import { ToolInputError } from "./invoke.js";
import { machineSecretsMark, machinesSecretsUpdate, secretsDigest } from "./machine-secrets.js";
import { appExists, type Expansion, type PreconditionRead } from "./step-knowledge.js";

/**
 * `fly secrets deploy`: staged secrets reach the machines (internal/command/secrets/deploy.go).
 * flyctl refuses an app with no machines ("no machines available to deploy"), then updates every
 * machine of the app's Fly Apps machines (ListFlyAppsMachines) with its own config, one at a
 * time (machine-secrets.ts has the per-machine details). In a plan it is one
 * machines_secrets_update step per machine that does not have the app's current secrets, with
 * the secrets (names and digests) and the machines as preconditions.
 */

const scopeInput = {
  app: f.app,
  process_group: ids.processGroup
    .optional()
    .describe('Only machines of this process group, e.g. "web"; default every machine of the app'),
};

interface Scope {
  app: string;
  process_group?: string | undefined;
}

/** Where an app's machines stand with its secrets: what `fly secrets list` reports as Deployed, Staged or Partial. */
export interface SecretsDeployState {
  app: string;
  process_group: string | null;
  /** deployed: every machine has the current secrets; staged: none does; partial: some do. */
  status: "deployed" | "staged" | "partial" | "no machines";
  secrets: { name: string; digest: string | null }[];
  secrets_digest: string;
  /** Sorted: a precondition compares the list as a whole. */
  machine_ids: string[];
  /** The machines without the current secrets, in the order a deploy updates them. */
  pending: Machine[];
}

async function scopeMachines(ctx: ToolContext, tool: string, input: Scope): Promise<Machine[]> {
  const machines = await fleetMachines(ctx, input.app);
  if (input.process_group === undefined) return machines;
  return inGroup(machines, chooseGroup(tool, input.app, machines, input.process_group));
}

export async function secretsDeployState(
  ctx: ToolContext,
  tool: string,
  input: Scope,
): Promise<SecretsDeployState> {
  const secrets = await ctx.fly.rest.listSecrets(input.app, ctx.signal);
  const digest = secretsDigest(secrets);
  const machines = await scopeMachines(ctx, tool, input);
  const pending = machines.filter((m) => machineSecretsMark(m) !== digest);
  const status =
    machines.length === 0
      ? "no machines"
      : pending.length === 0
        ? "deployed"
        : pending.length === machines.length
          ? "staged"
          : "partial";
  return {
    app: input.app,
    process_group: input.process_group ?? null,
    status,
    secrets: secrets
      .map((s) => ({ name: s.name, digest: s.digest ?? null }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    secrets_digest: digest,
    machine_ids: machines.map((m) => m.id).sort(),
    pending,
  };
}

export const secretsDeployStatus = defineTool({
  name: "secrets_deploy_status",
  description:
    "Whether an app's machines have its current secrets, or secrets are staged (set but not yet deployed): deployed, staged, partial, with the machines that still need `fly secrets deploy`. A machine counts as having them once flyops deployed them to it; one deployed otherwise is listed as pending. Names and digests only, never values.",
  access: "read",
  input: z.object(scopeInput).strict(),
  run: (ctx, input) => secretsDeployState(ctx, "secrets_deploy_status", input),
  view: (state) => ({
    app: state.app,
    process_group: state.process_group,
    status: state.status,
    secrets: state.secrets.map((s) => s.name),
    machines: state.machine_ids.length,
    pending: state.pending.map((m) => ({ id: m.id, name: m.name ?? null, state: m.state ?? null })),
    note: "values are never shown",
  }),
});

function who(m: Machine): string {
  return `${m.name ?? m.id} (${m.id}, ${m.region ?? "?"}, ${m.state ?? "?"})`;
}

/** The precondition a deploy stands on: these secrets and these machines, as they are now. */
function stateAsNow(state: SecretsDeployState): PreconditionRead {
  return {
    tool: "secrets_deploy_status",
    input: {
      app: state.app,
      ...(state.process_group === null ? {} : { process_group: state.process_group }),
    },
    expect: { secrets: state.secrets, secrets_digest: state.secrets_digest, machine_ids: state.machine_ids },
  };
}

export async function expandSecretsDeploy(ctx: ToolContext, input: Scope): Promise<Expansion> {
  const state = await secretsDeployState(ctx, "secrets_deploy", input);
  if (state.machine_ids.length === 0)
    throw new ToolInputError(
      "secrets_deploy",
      [
        `app: ${input.app} has no machines${input.process_group ? ` in process group ${input.process_group}` : ""} to deploy secrets to`,
      ],
      "flyctl says the same: `fly secrets deploy` works only once the app is deployed; deploy it first",
    );
  const steps = state.pending.map((m, i) => ({
    tool: "machines_secrets_update",
    input: { app: input.app, machine_id: m.id },
    reason: `deploy secrets, machine ${i + 1} of ${state.pending.length}: ${who(m)} ${
      m.state === "started"
        ? "restarts on the current secrets; the next waits until it runs and its checks pass"
        : "is not running: updated without starting it, it has them when it next starts"
    }`,
  }));
  const running = state.pending.filter((m) => m.state === "started");
  const names = state.secrets.map((s) => s.name).join(", ") || "none";
  return {
    steps,
    preconditions: [appExists(input.app), stateAsNow(state)],
    summary:
      steps.length === 0
        ? `every machine of ${input.app} already has its current secrets (${names}); nothing to do`
        : `deploy ${input.app}'s secrets (${names}) to ${steps.length} machine(s) one at a time; ${running.length} running one(s) restart: ${running.map(who).join(", ") || "none"}`,
  };
}

export const secretsDeploy = defineTool({
  name: "secrets_deploy",
  command: { verb: "secrets", noun: "deploy", id: "app" },
  description:
    "Deploy an app's staged secrets, as `fly secrets deploy` does: each machine is updated with its own config and the app's current secrets, one at a time; running machines restart and each is waited on until it runs and its health checks pass before the next; stopped ones stay stopped. In a plan it becomes one machines_secrets_update step per machine that does not have them yet. No secret value is read or written.",
  access: "write",
  input: z.object(scopeInput).strict(),
  run: async (ctx, input): Promise<ExpansionRun> =>
    runExpansion(ctx, await expandSecretsDeploy(ctx, input), STEP_TOOLS),
  view: expansionView,
  step: {
    describe: (i) =>
      `deploy the staged secrets of ${i.app}${i.process_group ? ` group ${i.process_group}` : ""}: update each machine in turn (running ones restart)`,
    effect: (input) => ({ app: input.app }),
    // Machines that have the current secrets are skipped: a rerun finishes what is left.
    reconcile: { kind: "idempotent" },
    preconditions: (input) => [appExists(input.app)],
    expand: expandSecretsDeploy,
  },
});

const STEP_TOOLS: readonly AnyWriteTool[] = [machinesSecretsUpdate] as unknown as AnyWriteTool[];
