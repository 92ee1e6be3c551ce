import { findTool } from "../../../tools/index.js";
import { SECRETS_STAGED } from "../../../tools/secrets.js";
import type { Access } from "../../../tools/define-tool.js";
import { displayCommand } from "../../fly/flyctl.js";
import { flyctlRisk } from "../flyctl/rules.js";
import type { StepLike } from "../apply/reconcile.js";

/**
 * How a step reads to a person: its risk (from the catalog, never from the plan's words) and one
 * line saying what it will change. Secret steps name the secrets and where their values come
 * from, never a value.
 */

/** A catalog tool's access, or for raw flyctl the risk the validator's flyctl judge assigns to the command. */
export function stepRisk(step: { tool: string; input: Record<string, unknown> }): Access | "unknown" {
  if (step.tool === "flyctl") return flyctlRisk((step.input?.args ?? []) as string[]) ?? "unknown";
  return findTool(step.tool)?.access ?? "unknown";
}

function str(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function secretSources(secrets: unknown): string {
  return Object.entries((secrets ?? {}) as Record<string, unknown>)
    .map(([name, source]) => {
      if (source !== null && typeof source === "object") {
        const ref = source as { fromEnv?: string; fromFile?: string };
        if (ref.fromEnv !== undefined) return `${name} (from env ${ref.fromEnv})`;
        if (ref.fromFile !== undefined) return `${name} (from file ${ref.fromFile})`;
      }
      return `${name} (literal value: blocked)`;
    })
    .join(", ");
}

function guest(value: unknown): string {
  const g = (value ?? {}) as { cpu_kind?: string; cpus?: number; memory_mb?: number };
  return `${g.cpu_kind ?? "?"}-cpu-${g.cpus ?? "?"}x ${g.memory_mb ?? "?"}MB`;
}

const STAGED = `(${SECRETS_STAGED})`;

const MACHINE_VERBS: Record<string, string> = {
  machines_start: "start",
  machines_stop: "stop",
  machines_restart: "restart",
  machines_suspend: "suspend",
  machines_cordon: "cordon",
  machines_uncordon: "uncordon",
  machines_destroy: "destroy",
};

/** One line: what the step will change, in the words of an operator. */
export function describeChange(step: StepLike): string {
  const i: Record<string, unknown> = step.input ?? {};
  const app = str(i.app);
  const verb = MACHINE_VERBS[step.tool];
  if (verb) return `${verb} machine ${str(i.machine_id)} of ${app}${i.force === true ? " (forced)" : ""}`;
  switch (step.tool) {
    case "flyctl":
      return `run \`${displayCommand((i.args ?? []) as string[])}\``;
    case "machines_create":
      return `create machine ${i.name === undefined ? "(unnamed)" : str(i.name)} in ${app}, ${str(i.region)}, ${guest(i.guest)}${i.image ? `, image ${str(i.image)}` : ""}`;
    case "machines_update":
      return `update machine ${str(i.machine_id)} of ${app}:${i.image ? ` image ${str(i.image)}` : ""}${i.guest ? ` size ${JSON.stringify(i.guest)}` : ""}`;
    case "volumes_create":
      return `create volume ${str(i.name)} in ${app}, ${str(i.region)}, ${str(i.size_gb)} GB`;
    case "volumes_extend":
      return `extend volume ${str(i.volume_id)} of ${app} to ${str(i.size_gb)} GB`;
    case "volumes_destroy":
      return `destroy volume ${str(i.volume_id)} of ${app} and its data`;
    case "volume_snapshots_create":
      return `snapshot volume ${str(i.volume_id)} of ${app}`;
    // Both ways (REST and `flyctl secrets import --stage`) only stage: nothing restarts now.
    case "secrets_set":
      return `stage secrets of ${app}: ${secretSources(i.secrets)} ${STAGED}`;
    case "secrets_unset":
      return `remove secrets of ${app}: ${((i.names ?? []) as string[]).join(", ")} ${STAGED}`;
    case "ips_allocate":
      return `allocate a ${str(i.type)} address to ${app}${i.region ? ` in ${str(i.region)}` : ""}`;
    case "ips_release":
      return `release address ${str(i.ip)} of ${app}`;
    case "certs_add":
      return `add certificate for ${str(i.hostname)} to ${app}`;
    case "certs_remove":
      return `remove certificate for ${str(i.hostname)} from ${app}`;
    default:
      return `${step.tool} ${JSON.stringify(i)}`;
  }
}
