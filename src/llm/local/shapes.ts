import { describe } from "./ask-describe.js";
import { machinesPerRegion } from "./ask-counts.js";
import { appsAndRegions, machinesByState, topMachines } from "./ask-machines.js";
import { orgs, regions, whoami } from "./ask-platform.js";
import { ipsAndCerts, secrets, volumes } from "./ask-resources.js";
import { PLAN_SHAPES } from "./plan-shapes.js";
import type { Shape } from "./shape.js";

/**
 * Every question and request shape the local model understands, in matching order: the first
 * shape whose words match wins, so narrower shapes come before broader ones. Help text, the
 * cannot-answer hint and the README table all come from this list.
 */
export const SHAPES: readonly Shape[] = [
  secrets,
  ipsAndCerts,
  volumes,
  topMachines,
  machinesPerRegion,
  describe,
  machinesByState,
  appsAndRegions,
  orgs,
  regions,
  whoami,
  ...PLAN_SHAPES,
];

/** "what apps are running and in which regions (e.g. "list my apps")" per shape of a mode. */
export function supportedShapeLines(mode: Shape["mode"]): string[] {
  return SHAPES.filter((s) => s.mode === mode).map((s) => `${s.description} (e.g. "${s.examples[0] ?? ""}")`);
}
