import type { ToolContext } from "../../../tools/define-tool.js";
import { findTool } from "../../../tools/index.js";
import { invokeTool } from "../../../tools/invoke.js";
import { FlyApiError } from "../../fly/errors.js";
import { canonicalJson, sha256Hex } from "../schema/canonical.js";
import type { PlanFile, Precondition } from "../schema/schema.js";

/**
 * What the maker adds to a model's proposal so that every plan it writes can be applied safely,
 * whatever the model remembered to do: a name for each created machine (an interrupted apply finds
 * what it already created by name), and the preconditions the steps rely on, read live.
 */

type Steps = PlanFile["steps"];
type Input = Record<string, unknown>;

const MACHINE_NAME_MAX = 63;

/** A name that is the same every time this plan is read: derived from the request, its time and the step id. */
function machineName(input: Input, request: string, createdAt: string, stepId: string): string {
  const suffix = sha256Hex(`${createdAt}\n${request}\n${stepId}`).slice(0, 6);
  const prefix = `${String(input.app)}-${String(input.region)}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, MACHINE_NAME_MAX - suffix.length - 1);
  return `${prefix}-${suffix}`;
}

export function nameCreates(steps: Steps, request: string, createdAt: string): Steps {
  return steps.map((step) => {
    if (step.tool !== "machines_create") return step;
    const input = step.input as Input;
    if (typeof input.name === "string" && input.name !== "") return step;
    return { ...step, input: { ...input, name: machineName(input, request, createdAt, step.id) } };
  });
}

async function readOne(
  ctx: ToolContext,
  tool: string,
  input: Input,
): Promise<Record<string, unknown> | undefined> {
  const definition = findTool(tool);
  if (!definition) return undefined;
  try {
    return (await invokeTool(ctx, definition, input)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof FlyApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** The facts each step stands on, as they are now: the app exists, the machine's state, the volume's size. */
export async function derivePreconditions(ctx: ToolContext, steps: Steps): Promise<Precondition[]> {
  const out: Precondition[] = [];
  const apps = new Set<string>();
  for (const step of steps) {
    if (step.tool === "flyctl") continue;
    const input = step.input as Input;
    const app = typeof input.app === "string" ? input.app : undefined;
    if (app === undefined) continue;
    if (!apps.has(app)) {
      apps.add(app);
      out.push({ tool: "apps_get", input: { app }, expect: { exists: true } });
    }
    if (typeof input.machine_id === "string") {
      const ref = { app, machine_id: input.machine_id };
      const machine = await readOne(ctx, "machines_get", ref);
      const expect: Record<string, unknown> =
        typeof machine?.state === "string" ? { state: machine.state } : { exists: true };
      // A config change is made against one version of the machine's config.
      if (typeof machine?.instance_id === "string" && step.tool === "machines_update")
        expect.instance_id = machine.instance_id;
      out.push({ tool: "machines_get", input: ref, expect });
    }
    if (typeof input.volume_id === "string") {
      const ref = { app, volume_id: input.volume_id };
      const volume = await readOne(ctx, "volumes_get", ref);
      out.push({
        tool: "volumes_get",
        input: ref,
        expect: typeof volume?.size_gb === "number" ? { size_gb: volume.size_gb } : { exists: true },
      });
    }
  }
  return out;
}

function key(pre: Precondition): string {
  return `${pre.tool}\n${canonicalJson(pre.input)}`;
}

/** The model's preconditions first; a derived one only where the model recorded nothing for that read. */
export function mergePreconditions(
  proposed: readonly Precondition[],
  derived: readonly Precondition[],
): Precondition[] {
  const seen = new Set(proposed.map(key));
  const merged = [...proposed];
  for (const pre of derived) {
    if (seen.has(key(pre))) continue;
    seen.add(key(pre));
    merged.push(pre);
  }
  return merged;
}
