import { isRecord, type Json, type JsonRecord } from "./tool-result.js";

/**
 * Views are compact projections chosen by the catalog; these accessors read the facts the answers
 * need under the names a view or the raw API might use, so a renamed column degrades gracefully.
 */
function at(record: JsonRecord, path: string): Json | undefined {
  let current: Json | undefined = record;
  for (const part of path.split(".")) {
    if (!isRecord(current)) return undefined;
    current = current[part];
  }
  return current;
}

function firstString(record: JsonRecord, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    const value = at(record, path);
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number") return String(value);
  }
  return undefined;
}

function firstNumber(
  record: JsonRecord,
  paths: readonly string[],
  parse: (text: string) => number | undefined,
): number | undefined {
  for (const path of paths) {
    const value = at(record, path);
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string") {
      const parsed = parse(value);
      if (parsed !== undefined) return parsed;
    }
  }
  return undefined;
}

export const idOf = (r: JsonRecord): string | undefined => firstString(r, ["id", "machine_id", "volume_id"]);
export const nameOf = (r: JsonRecord): string | undefined => firstString(r, ["name", "label"]);
export const stateOf = (r: JsonRecord): string | undefined => firstString(r, ["state", "status"]);
export const regionOf = (r: JsonRecord): string | undefined => firstString(r, ["region", "region_code"]);
export const appOf = (r: JsonRecord): string | undefined =>
  firstString(r, ["app", "app_name", "appName", "app.name"]);
export const orgOf = (r: JsonRecord): string | undefined =>
  firstString(r, ["org", "org_slug", "organization.slug", "organization", "organization.name"]);
export const hostnameOf = (r: JsonRecord): string | undefined => firstString(r, ["hostname", "name"]);
export const ipOf = (r: JsonRecord): string | undefined => firstString(r, ["ip", "address"]);

export function memoryMbOf(r: JsonRecord): number | undefined {
  return firstNumber(
    r,
    [
      "memory_mb",
      "memoryMb",
      "memory",
      "mem_mb",
      "guest.memory_mb",
      "config.guest.memory_mb",
      "config.guest.memoryMb",
    ],
    parseMemoryMb,
  );
}

export function cpusOf(r: JsonRecord): number | undefined {
  return firstNumber(r, ["cpus", "cpu_count", "guest.cpus", "config.guest.cpus", "cpu"], (t) => {
    const n = Number.parseInt(t, 10);
    return Number.isFinite(n) ? n : undefined;
  });
}

export function cpuKindOf(r: JsonRecord): string | undefined {
  const kind = firstString(r, ["cpu_kind", "cpuKind", "guest.cpu_kind", "config.guest.cpu_kind"]);
  if (kind) return kind;
  const size = firstString(r, ["size", "guest", "preset"]);
  if (size?.startsWith("performance")) return "performance";
  if (size?.startsWith("shared")) return "shared";
  return undefined;
}

export function sizeGbOf(r: JsonRecord): number | undefined {
  return firstNumber(r, ["size_gb", "sizeGb", "size"], (t) => {
    const n = Number.parseFloat(t);
    return Number.isFinite(n) ? n : undefined;
  });
}

export function imageOf(r: JsonRecord): string | undefined {
  const direct = firstString(r, ["image", "config.image"]);
  if (direct) return direct;
  const ref = at(r, "image_ref");
  if (isRecord(ref)) {
    const repo = [ref.registry, ref.repository]
      .filter((p): p is string => typeof p === "string" && p !== "")
      .join("/");
    const tag = typeof ref.tag === "string" && ref.tag !== "" ? `:${ref.tag}` : "";
    return repo ? `${repo}${tag}` : undefined;
  }
  return undefined;
}

/** The machine a volume is attached to; an empty string or null means unattached. */
export function attachedMachineOf(r: JsonRecord): string | undefined {
  const id = firstString(r, [
    "attached_machine_id",
    "attached_machine",
    "attached_to",
    "attachedMachineId",
    "machine_id",
  ]);
  if (id) return id;
  const flag = at(r, "attached");
  if (typeof flag === "string" && flag !== "" && flag !== "no" && flag !== "false") return flag;
  return undefined;
}

/** Whether a record states explicitly that a volume is attached, for views with a boolean column. */
export function isAttached(r: JsonRecord): boolean {
  if (attachedMachineOf(r)) return true;
  return at(r, "attached") === true;
}

function parseMemoryMb(text: string): number | undefined {
  // The blanks after the number and after the unit are one run when there is no unit: one quantifier.
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:(gb|gib|g|mb|mib|m)\s*)?$/i.exec(text);
  if (!m?.[1]) return undefined;
  const n = Number.parseFloat(m[1]);
  const unit = (m[2] ?? "mb").toLowerCase();
  return unit.startsWith("g") ? Math.round(n * 1024) : Math.round(n);
}

export function formatMemory(mb: number | undefined): string {
  if (mb === undefined) return "unknown memory";
  if (mb >= 1024 && mb % 1024 === 0) return `${mb / 1024} GB`;
  return `${mb} MB`;
}
