import type { ToolContext } from "../../tools/define-tool.js";
import { orMissing } from "../../tools/step-knowledge.js";
import type { PlanFile } from "../plan/schema/schema.js";

/**
 * Leases are Fly's, not the fleet's: a copy of live state starts with none, so the rehearsal's
 * applier takes its leases freely. What a real apply would meet is read here (GET …/lease, a read)
 * for every machine a step names: a lease held on live now means the real apply, run now, stops
 * at that step as flyctl does ("lease currently held by"), until the lease ends.
 */

export interface LiveLease {
  step: string;
  app: string;
  machine_id: string;
  owner?: string;
  /** RFC 3339. */
  expiresAt?: string;
  description?: string;
}

function field(input: unknown, key: string): string | undefined {
  const value =
    input !== null && typeof input === "object" ? (input as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" ? value : undefined;
}

export async function leasesOnLive(ctx: ToolContext, plan: PlanFile, nowMs: number): Promise<LiveLease[]> {
  const found: LiveLease[] = [];
  const seen = new Set<string>();
  for (const step of plan.steps) {
    const app = field(step.input, "app");
    const machine = field(step.input, "machine_id");
    if (step.tool === "flyctl" || app === undefined || machine === undefined || seen.has(machine)) continue;
    seen.add(machine);
    const lease = await orMissing(ctx.fly.rest.getMachineLease(app, machine, ctx.signal));
    const data = lease?.data;
    const expires = data?.expires_at ?? undefined;
    if (!data || (expires !== undefined && expires * 1000 <= nowMs)) continue;
    found.push({
      step: step.id,
      app,
      machine_id: machine,
      ...(data.owner ? { owner: data.owner } : {}),
      ...(expires === undefined ? {} : { expiresAt: new Date(expires * 1000).toISOString() }),
      ...(data.description ? { description: data.description } : {}),
    });
  }
  return found;
}
