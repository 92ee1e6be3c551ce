import type { ToolContext } from "../../../tools/define-tool.js";
import { findTool } from "../../../tools/index.js";
import { invokeTool } from "../../../tools/invoke.js";
import { isResting, STATE_ACTIONS, type StateAction } from "../../../tools/machine-actions.js";
import { FlyApiError } from "../../fly/errors.js";
import type { StepEffect } from "./journal.js";

/**
 * Reconciliation of a step that started but has no recorded outcome (the process died, or the step
 * failed after its request may have reached Fly). The rule: adopt what the step did only when its
 * identity is certain, run it again only when that cannot duplicate anything, otherwise stop and
 * ask the person.
 *
 * Creates are the dangerous case: running one twice makes two machines. Before a create runs, the
 * applier journals the ids of the resources that already carry the step's name (`before`). After a
 * crash, a resource with that name that is not in `before` was made by this step and is adopted;
 * none means the create never happened and it runs again. Machine names are unique within an app,
 * volume names are not, hence the snapshot. A create without a name (only machines_create allows
 * that) cannot be recognised: if any machine appeared in the app since the step started, flyops
 * refuses to guess and the person decides with `--interrupted retry|done`. The maker always names
 * what it creates, so its plans never hit that case.
 */

export type Reconciliation =
  /** adopted: what the step created was found; confirmed: its effect is already there (or the person said so). */
  | { action: "adopt"; how: "adopted" | "confirmed"; changed: StepEffect; note: string }
  | { action: "rerun"; note: string }
  | { action: "ask"; note: string };

export interface StepLike {
  id: string;
  tool: string;
  reason?: string;
  input: Record<string, unknown>;
}

interface CreateKind {
  list: string;
  idKey: "id" | "ip";
  effectKey: string;
  /** Whether the step's input names the resource (so a new resource with that name is this step's). */
  named: (input: Record<string, unknown>) => string | undefined;
}

const CREATES: Record<string, CreateKind> = {
  machines_create: { list: "machines_list", idKey: "id", effectKey: "machine_id", named: (i) => str(i.name) },
  volumes_create: { list: "volumes_list", idKey: "id", effectKey: "volume_id", named: (i) => str(i.name) },
  ips_allocate: { list: "ips_list", idKey: "ip", effectKey: "ip", named: () => undefined },
};

/** Steps that leave the same result however often they run. */
const IDEMPOTENT = new Set([
  "machines_update",
  "machines_cordon",
  "machines_uncordon",
  "secrets_set",
  "secrets_unset",
  "certs_check",
]);

/** Steps that move a machine to a resting state; what each leads to and from is in STATE_ACTIONS. */
const STATE_STEPS: Record<string, StateAction> = {
  machines_start: "start",
  machines_stop: "stop",
  machines_suspend: "suspend",
};

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function app(step: StepLike): string {
  return String(step.input.app);
}

async function read(ctx: ToolContext, toolName: string, input: Record<string, unknown>): Promise<unknown> {
  const tool = findTool(toolName);
  if (!tool) throw new Error(`the catalog has no ${toolName}`);
  return invokeTool(ctx, tool, input);
}

async function readOrMissing(
  ctx: ToolContext,
  toolName: string,
  input: Record<string, unknown>,
): Promise<unknown> {
  try {
    return await read(ctx, toolName, input);
  } catch (error) {
    if (error instanceof FlyApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function listRecords(
  ctx: ToolContext,
  toolName: string,
  appName: string,
): Promise<Record<string, unknown>[]> {
  const items = await read(ctx, toolName, { app: appName });
  return Array.isArray(items) ? (items as Record<string, unknown>[]) : [];
}

export function isCreate(tool: string): boolean {
  return tool in CREATES;
}

/**
 * Ids of the resources a create step could be confused with, taken just before it runs:
 * those with its name, or for an unnamed create every resource of that kind in the app.
 */
export async function snapshotBeforeCreate(ctx: ToolContext, step: StepLike): Promise<string[] | undefined> {
  const kind = CREATES[step.tool];
  if (!kind) return undefined;
  const name = kind.named(step.input);
  const items = await listRecords(ctx, kind.list, app(step));
  return items
    .filter((item) => name === undefined || item.name === name)
    .map((item) => String(item[kind.idKey]));
}

async function reconcileCreate(
  ctx: ToolContext,
  step: StepLike,
  kind: CreateKind,
  before: readonly string[] | undefined,
): Promise<Reconciliation> {
  if (before === undefined) {
    return {
      action: "ask",
      note: "the journal holds no snapshot taken before this create, so a new resource cannot be told apart",
    };
  }
  const name = kind.named(step.input);
  const items = await listRecords(ctx, kind.list, app(step));
  const fresh = items.filter(
    (item) => (name === undefined || item.name === name) && !before.includes(String(item[kind.idKey])),
  );
  const ids = fresh.map((item) => String(item[kind.idKey]));
  if (fresh.length === 0)
    return { action: "rerun", note: "nothing was created before the interruption; creating it now" };
  if (name !== undefined && fresh.length === 1) {
    const [item] = fresh;
    return {
      action: "adopt",
      how: "adopted",
      changed: {
        app: app(step),
        [kind.effectKey]: ids[0] ?? "",
        name,
        ...(typeof item?.state === "string" ? { state: item.state } : {}),
      },
      note: `adopted ${ids[0] ?? ""} (named ${name}), created before the interruption`,
    };
  }
  const what =
    name === undefined
      ? `this create has no name, and ${ids.length} new`
      : `${ids.length} resources named ${name}`;
  return {
    action: "ask",
    note: `${what} appeared since it started (${ids.join(", ")}); flyops will not guess which is the plan's`,
  };
}

/** Decides what to do with an interrupted step, reading live state only. */
export async function reconcileStep(
  ctx: ToolContext,
  step: StepLike,
  before: readonly string[] | undefined,
): Promise<Reconciliation> {
  const kind = CREATES[step.tool];
  if (kind) return reconcileCreate(ctx, step, kind, before);
  if (IDEMPOTENT.has(step.tool)) return { action: "rerun", note: "running it again leaves the same result" };
  const input = step.input;
  const confirmed = (note: string): Reconciliation => ({
    action: "adopt",
    how: "confirmed",
    changed: { ...identity(input) },
    note,
  });
  const stateAction = STATE_STEPS[step.tool];
  if (stateAction) {
    const { target, from } = STATE_ACTIONS[stateAction];
    const machine = (await readOrMissing(ctx, "machines_get", {
      app: input.app,
      machine_id: input.machine_id,
    })) as { state?: string } | undefined;
    const state = machine?.state;
    if (state === target) return confirmed(`the machine is already ${state}`);
    // Resting where this action does not lead from: Fly put it there (a suspend that ended stopped),
    // and sending the action again may fail the same way forever.
    if (state !== undefined && isResting(state) && !from.includes(state)) {
      return {
        action: "ask",
        note: `the machine settled in ${state}, not ${target}, and ${stateAction} is not sent again without your word`,
      };
    }
    return { action: "rerun", note: `the machine is ${state ?? "missing"}; running the step again` };
  }
  switch (step.tool) {
    case "machines_destroy": {
      const machine = (await readOrMissing(ctx, "machines_get", {
        app: input.app,
        machine_id: input.machine_id,
      })) as { state?: string } | undefined;
      if (!machine || machine.state === "destroyed" || machine.state === "destroying")
        return confirmed("the machine is already destroyed");
      return { action: "rerun", note: `the machine is still ${machine.state ?? "there"}; destroying it now` };
    }
    case "volumes_destroy": {
      const volume = (await readOrMissing(ctx, "volumes_get", {
        app: input.app,
        volume_id: input.volume_id,
      })) as { state?: string } | undefined;
      if (!volume || ["destroyed", "destroying", "pending_destroy"].includes(volume.state ?? ""))
        return confirmed("the volume is already destroyed");
      return { action: "rerun", note: "the volume still exists; destroying it now" };
    }
    case "volumes_extend": {
      const volume = (await read(ctx, "volumes_get", { app: input.app, volume_id: input.volume_id })) as {
        size_gb?: number;
      };
      if ((volume.size_gb ?? 0) >= Number(input.size_gb))
        return confirmed(`the volume already has ${volume.size_gb ?? 0} GB`);
      return { action: "rerun", note: `the volume has ${volume.size_gb ?? 0} GB; extending it now` };
    }
    case "ips_release": {
      const ips = await listRecords(ctx, "ips_list", app(step));
      if (!ips.some((ip) => ip.ip === input.ip)) return confirmed("the address is already released");
      return { action: "rerun", note: "the address is still assigned; releasing it now" };
    }
    case "certs_add":
    case "certs_remove": {
      const certs = await listRecords(ctx, "certs_list", app(step));
      const present = certs.some((cert) => cert.hostname === input.hostname);
      if (present === (step.tool === "certs_add"))
        return confirmed(`the certificate is already ${present ? "there" : "gone"}`);
      return { action: "rerun", note: "the certificate is not there yet; running the step again" };
    }
    default:
      return {
        action: "ask",
        note: `flyops cannot tell whether ${step.tool === "flyctl" ? "this flyctl command" : step.tool} took effect, and running it twice may not be harmless`,
      };
  }
}

/** The fields of a step's input that say what it acts on: never values, never secrets. */
export function identity(input: Record<string, unknown>): StepEffect {
  const effect: StepEffect = {};
  for (const key of ["app", "machine_id", "volume_id", "hostname", "ip", "name", "region"]) {
    const value = input[key];
    if (typeof value === "string") effect[key] = value;
  }
  return effect;
}
