import type { MachineConfig } from "../sandbox/types.js";

/**
 * A machine's config as field paths and values (`metadata.fly_process_group`, `services[0].ports[1].port`,
 * `restart.policy`), so a rehearsal shows every change a step makes to it, not only size and image.
 * The guest and the image are reported as a whole by the diff's own fields. An env value is never
 * shown: it may hold a secret the copy withheld or one it did not recognise, so its change is told
 * without values (`sensitiveField`).
 */

const SUMMARISED = new Set(["image", "guest"]);

/** Env maps, at the top of the config, of a process or of a container. */
export function sensitiveField(path: string): boolean {
  return /(?:^|\.)env\./.test(path) || /(?:^|\.)files\[\d+\]\./.test(path);
}

function walk(value: unknown, path: string, out: Record<string, string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out[path] = "[]";
    value.forEach((item, index) => walk(item, `${path}[${index}]`, out));
    return;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) out[path] = "{}";
    for (const [key, item] of entries) walk(item, path === "" ? key : `${path}.${key}`, out);
    return;
  }
  if (value !== undefined) out[path] = typeof value === "string" ? value : JSON.stringify(value);
}

export function configFields(config: MachineConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (SUMMARISED.has(key)) continue;
    walk(value, key, out);
  }
  return out;
}
