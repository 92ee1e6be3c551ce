import { createHash } from "node:crypto";
import { z } from "zod";
import type { Machine, Secret } from "../src/fly/schemas.js";
import { isResting } from "../src/platform/machine-states.js";
import { defineTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { waitForMachine } from "./machine-actions.js";
import { failingChecks, waitForChecks } from "./machine-checks.js";
import { machineEffect, machinePreconditions } from "./machine-steps.js";
import { machineRow } from "./machine-view.js";
import { identity, orMissing, pick, verdict } from "./step-knowledge.js";

/**
 * One machine of a `fly secrets deploy`. flyctl deploys staged secrets as a restart-only deploy
 * (internal/command/secrets/secrets.go DeploySecrets, RestartOnly): every machine is updated in
 * place with the config it has, `min_secrets_version` set to the app's secrets version
 * (deploy/machines_launchinput.go launchInputForRestart), launched again only when it was
 * started, starting or failed (shouldSkipLaunch), and waited on until it runs and its checks
 * pass before the next (rolling strategy). Fly does not show which secrets a machine got, so
 * flyops writes a digest of the secrets' names, digests and update times into the machine's
 * metadata with the same update: a machine whose digest is the app's current one needs nothing.
 * flyctl marks its deploys in metadata the same way (fly_release_version, setMachineReleaseData).
 */

/** The metadata key flyops writes; never a Fly key (those start with `fly_`). */
export const SECRETS_MARK = "flyops_secrets_digest";

/** What identifies an app's secrets as they are now, values never included: Fly's digest is of the value already. */
export function secretsDigest(secrets: readonly Secret[]): string {
  const lines = [...secrets]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => `${s.name}\t${s.digest ?? ""}\t${s.updated_at ?? s.created_at ?? ""}\n`);
  return createHash("sha256").update(lines.join("")).digest("hex").slice(0, 32);
}

/** The secrets digest a machine was last deployed with by flyops, if any. */
export function machineSecretsMark(machine: Machine | undefined): string | undefined {
  const mark = machine?.config?.metadata?.[SECRETS_MARK];
  return typeof mark === "string" && mark !== "" ? mark : undefined;
}

/** flyctl's shouldSkipLaunch: only a machine that was started, starting or failed is launched again. */
function launches(state: string | null | undefined): boolean {
  return state === "started" || state === "starting" || state === "failed";
}

interface MachineRef {
  app: string;
  machine_id: string;
}

export interface SecretsUpdateResult {
  changed: boolean;
  secrets_digest: string;
  secrets_version: number | null;
  machine: Machine;
}

async function currentDigest(ctx: ToolContext, app: string): Promise<string> {
  return secretsDigest(await ctx.fly.rest.listSecrets(app, ctx.signal));
}

export const machinesSecretsUpdate = defineTool({
  name: "machines_secrets_update",
  description:
    "Give one machine its app's current secrets, as `fly secrets deploy` does for each machine: the machine is updated with the config it has and the app's newest secrets version (no secret value is read or sent). A running machine restarts on them and is waited on until it runs and its health checks pass; a stopped or suspended one stays down and has them when it next starts. Does nothing when the machine already has the app's current secrets (flyops marks them in its metadata).",
  access: "write",
  input: z.object({ app: f.app, machine_id: f.machineId }).strict(),
  async run(ctx, input): Promise<SecretsUpdateResult> {
    const rest = ctx.fly.rest;
    let machine = await rest.getMachine(input.app, input.machine_id, ctx.signal);
    if (!isResting(machine.state)) {
      // Starting, replacing, stopping...: where it is going decides whether it is launched again.
      await waitForMachine(ctx, input.app, input.machine_id, { state: "settled" });
      machine = await rest.getMachine(input.app, input.machine_id, ctx.signal);
    }
    // Read before the version: secrets changed in between leave a digest that is already old, never a newer one.
    const digest = await currentDigest(ctx, input.app);
    if (machineSecretsMark(machine) === digest) {
      // Already updated (a resumed apply): a running one still serves before the next machine is touched.
      if (machine.state === "started") machine = await waitForChecks(ctx, input.app, input.machine_id);
      return { changed: false, secrets_digest: digest, secrets_version: null, machine };
    }
    const version = await rest.latestSecretsVersion(input.app, ctx.signal);
    const config = machine.config ?? {};
    const launch = launches(machine.state);
    const updated = await rest.updateMachine(
      input.app,
      input.machine_id,
      {
        config: { ...config, metadata: { ...config.metadata, [SECRETS_MARK]: digest } },
        current_version: machine.instance_id ?? undefined,
        ...(version === undefined ? {} : { min_secrets_version: version }),
        ...(launch ? {} : { skip_launch: true }),
      },
      ctx.signal,
    );
    const at = updated.instance_id ?? undefined;
    if (launch) {
      await waitForMachine(ctx, input.app, input.machine_id, { state: "started", version: at });
      // Running is not yet serving: the next machine waits for the checks too, as flyctl's rolling deploy does.
      machine = await waitForChecks(ctx, input.app, input.machine_id);
    } else {
      if (!isResting(updated.state))
        await waitForMachine(ctx, input.app, input.machine_id, { state: "settled", version: at });
      machine = await rest.getMachine(input.app, input.machine_id, ctx.signal);
    }
    return { changed: true, secrets_digest: digest, secrets_version: version ?? null, machine };
  },
  view: (result) => ({
    ...machineRow(result.machine),
    changed: result.changed,
    secrets_digest: result.secrets_digest,
    secrets_version: result.secrets_version,
  }),
  step: {
    describe: (i) =>
      `update machine ${i.machine_id} of ${i.app} with the app's current secrets (a running machine restarts; a stopped one stays stopped)`,
    effect: (input, result) => ({
      ...identity(input),
      ...machineEffect(result.machine),
      ...pick(result, {
        changed: "changed",
        secrets_digest: "secrets_digest",
        secrets_version: "secrets_version",
      }),
    }),
    // Done once the machine has the secrets of now and has settled (a running one with its checks
    // passing); otherwise a rerun waits for it, and sends nothing to one that has them.
    reconcile: {
      kind: "check",
      async check(ctx, input: MachineRef) {
        const machine = await orMissing(ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal));
        const digest = await currentDigest(ctx, input.app);
        const marked = machineSecretsMark(machine) === digest;
        const settled =
          machine !== undefined &&
          isResting(machine.state) &&
          (machine.state !== "started" || failingChecks(machine).length === 0);
        return verdict(
          marked && settled,
          "the machine already has the app's current secrets",
          marked
            ? `the machine has the current secrets but is ${machine?.state ?? "missing"} or its checks do not pass yet; waiting for it`
            : "the machine does not have the app's current secrets yet; updating it now",
        );
      },
    },
    // A config change is made against one version of the machine's config.
    preconditions: (input) => machinePreconditions(input, { version: true }),
  },
});
