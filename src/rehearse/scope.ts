import { requireTool, isWriteTool } from "../../tools/index.js";
import type { PlanFile } from "../plan/schema/schema.js";

/**
 * What of live state a rehearsal copies: every app a step or a precondition names (by the catalog's
 * shared `app` field, DESIGN.md), whole — its machines (so a scale or rolling step finds the app's
 * other machines), volumes, IPs, certificates, secret names and releases — and every org named by
 * an `org` field or owning one of those apps. Steps a copy cannot stand in for are named with why:
 * a tool's own `notRehearsable` (step-knowledge.ts), and raw flyctl, which talks to Fly hosts the
 * sandbox does not serve (registries, builders) and so could reach Fly itself.
 */

export interface RehearsalScope {
  apps: string[];
  orgs: string[];
  /** Steps that cannot be rehearsed, each with why. */
  blocked: { step: string; why: string }[];
}

function stringField(input: unknown, key: string): string | undefined {
  if (input === null || typeof input !== "object") return undefined;
  const value = (input as Record<string, unknown>)[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

const FLYCTL_WHY =
  "it runs flyctl, which talks to Fly hosts a rehearsal's sandbox does not stand in for (image registries, builders, WireGuard), so it could reach Fly itself";

export function rehearsalScope(plan: PlanFile): RehearsalScope {
  const apps = new Set<string>();
  const orgs = new Set<string>();
  const blocked: RehearsalScope["blocked"] = [];
  const note = (input: unknown): void => {
    const app = stringField(input, "app");
    const org = stringField(input, "org");
    if (app) apps.add(app);
    if (org) orgs.add(org);
  };
  for (const step of plan.steps) {
    if (step.tool === "flyctl") {
      blocked.push({ step: step.id, why: FLYCTL_WHY });
      continue;
    }
    const tool = requireTool(step.tool);
    const why = isWriteTool(tool) ? tool.step.notRehearsable : undefined;
    if (why !== undefined) blocked.push({ step: step.id, why });
    note(step.input);
  }
  for (const pre of plan.preconditions ?? []) note(pre.input);
  return { apps: [...apps].sort(), orgs: [...orgs].sort(), blocked };
}
