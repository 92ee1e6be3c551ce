import { ADDON_SHAPES } from "./ask-addons.js";
import { appsAndRegions, images } from "./ask-apps.js";
import { machinesPerRegion } from "./ask-counts.js";
import { changes } from "./ask-changes.js";
import { describe } from "./ask-describe.js";
import { health } from "./ask-health.js";
import { machinesByState, topMachines } from "./ask-machines.js";
import { orgs, regions, whoami } from "./ask-platform.js";
import { ipsAndCerts, secrets, secretsDeployed } from "./ask-resources.js";
import { appLogs, most5xx } from "./ask-telemetry.js";
import { usage } from "./ask-usage.js";
import { volumes } from "./ask-volumes.js";
import { PLAN_SHAPES } from "./plan-shapes.js";
import { FLYWP_ASK_SHAPES } from "./ask-flywp.js";
import { wpBackupsShape } from "./ask-flywp-backups.js";
import { FLYWP_PLAN_SHAPES } from "./plan-flywp.js";
import { QUALIFIER_NAMES, type Reading } from "./reading.js";
import type { Shape } from "./shape.js";

/**
 * Every question and request shape the local model understands, in matching order: the first
 * shape whose words match wins, so narrower shapes come before broader ones. Help text, the
 * cannot-answer hint and the README table all come from this list.
 */
export const SHAPES: readonly Shape[] = [
  appLogs,
  most5xx,
  ...ADDON_SHAPES,
  health,
  secretsDeployed,
  changes,
  secrets,
  ipsAndCerts,
  volumes,
  images,
  topMachines,
  usage,
  machinesPerRegion,
  describe,
  machinesByState,
  regions,
  appsAndRegions,
  orgs,
  whoami,
  wpBackupsShape,
  ...FLYWP_ASK_SHAPES,
  ...FLYWP_PLAN_SHAPES,
  ...PLAN_SHAPES,
];

/** "what apps are running and in which regions (e.g. "list my apps")" per shape of a mode. */
export function supportedShapeLines(mode: Shape["mode"], keep: (s: Shape) => boolean = () => true): string[] {
  return SHAPES.filter((s) => s.mode === mode && keep(s)).map(
    (s) => `${s.description} (e.g. "${s.examples[0] ?? ""}")`,
  );
}

/**
 * Why an ask shape must not answer this question: a refusal whatever the shape (reading.ts), or
 * the first qualifier the shape does not apply, with the shapes that do apply that kind.
 */
export function unapplied(shape: Shape, reading: Reading): string | undefined {
  if (reading.refusal && !(reading.refusalFlyOnly && (shape.provider ?? "fly") !== "fly"))
    return reading.refusal;
  const missing = reading.qualifiers.find((q) => !shape.applies.includes(q.kind));
  if (!missing) return undefined;
  const name = QUALIFIER_NAMES[missing.kind];
  const where = SHAPES.filter((s) => s.mode === "ask" && s.applies.includes(missing.kind))
    .slice(0, 3)
    .map((s) => `"${s.examples[0] ?? s.id}"`);
  return (
    `it cannot apply "${missing.phrase}" (${name}) to ${shape.description.split(",")[0] ?? shape.id}, and will not answer a broader question instead; ` +
    (where.length > 0
      ? `it applies ${name} to questions such as ${where.join(", ")}`
      : `no question it answers takes ${name}`)
  );
}
