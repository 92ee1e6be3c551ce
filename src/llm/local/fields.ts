import type { JsonRecord } from "./tool-result.js";

/**
 * The columns the answers read from the catalog's views (tools/*.ts `view`): machine rows and
 * details (tools/machine-view.ts), volume rows, app rows, IP and certificate rows, and count rows.
 */
function text(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function number(record: JsonRecord, key: string): number | undefined {
  const value = record[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export const idOf = (r: JsonRecord): string | undefined => text(r, "id");
export const nameOf = (r: JsonRecord): string | undefined => text(r, "name");
/** A machine's or volume's state; an app's or a certificate's status. */
export const stateOf = (r: JsonRecord): string | undefined => text(r, "state") ?? text(r, "status");
export const regionOf = (r: JsonRecord): string | undefined => text(r, "region");
export const appOf = (r: JsonRecord): string | undefined => text(r, "app");
export const orgOf = (r: JsonRecord): string | undefined => text(r, "org");
export const hostnameOf = (r: JsonRecord): string | undefined => text(r, "hostname");
export const ipOf = (r: JsonRecord): string | undefined => text(r, "ip");
export const imageOf = (r: JsonRecord): string | undefined => text(r, "image");
export const memoryMbOf = (r: JsonRecord): number | undefined => number(r, "memory_mb");
export const cpusOf = (r: JsonRecord): number | undefined => number(r, "cpus");
export const cpuKindOf = (r: JsonRecord): string | undefined => text(r, "cpu_kind");
export const sizeGbOf = (r: JsonRecord): number | undefined => number(r, "size_gb");

/** The machine a volume is attached to; the view's column is null when it is unattached. */
export const attachedMachineOf = (r: JsonRecord): string | undefined => text(r, "attached_machine_id");

export function isAttached(r: JsonRecord): boolean {
  return attachedMachineOf(r) !== undefined;
}

export function formatMemory(mb: number | undefined): string {
  if (mb === undefined) return "unknown memory";
  if (mb >= 1024 && mb % 1024 === 0) return `${mb / 1024} GB`;
  return `${mb} MB`;
}
