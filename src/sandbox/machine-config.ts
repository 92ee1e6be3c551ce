import { z } from "zod";
import { readBody } from "./body.js";
import { badRequest } from "./http-error.js";
import { GUEST_PRESETS, type GuestPreset } from "./seed-builders.js";
import { isRegion } from "./regions.js";
import type { MachineConfig, MachineGuest } from "./types.js";

/** The keys of fly.MachineConfig; Fly's decoder drops any other key, and so does the sandbox. */
const CONFIG_KEYS = [
  "auto_destroy",
  "cache_drive",
  "checks",
  "containers",
  "disable_machine_autostart",
  "dns",
  "env",
  "files",
  "guest",
  "image",
  "init",
  "metadata",
  "metrics",
  "mounts",
  "processes",
  "restart",
  "rootfs",
  "schedule",
  "services",
  "size",
  "standbys",
  "statics",
  "stop_config",
] as const;

const GuestInput = z
  .object({
    cpu_kind: z.string().optional(),
    cpus: z.number().int().optional(),
    memory_mb: z.number().int().optional(),
    gpu_kind: z.string().optional(),
    gpus: z.number().int().optional(),
    kernel_args: z.array(z.string()).optional(),
    max_memory_mb: z.number().int().optional(),
    host_dedication_id: z.string().optional(),
  })
  .strip();

const ConfigInput = z
  .object({
    image: z.string().optional(),
    guest: GuestInput.optional(),
    size: z.string().optional(),
    env: z.record(z.string()).optional(),
    metadata: z.record(z.string()).optional(),
    mounts: z
      .array(
        z
          .object({ volume: z.string().optional(), path: z.string(), name: z.string().optional() })
          .passthrough(),
      )
      .optional(),
    schedule: z.string().optional(),
    auto_destroy: z.boolean().optional(),
  })
  .passthrough();

const MachineRequest = z.object({
  config: ConfigInput.optional(),
  name: z.string().max(63).optional(),
  region: z.string().optional(),
  skip_launch: z.boolean().optional(),
  current_version: z.string().optional(),
  lease_ttl: z.number().int().optional(),
  lsvd: z.boolean().optional(),
  min_secrets_version: z.number().int().optional(),
  skip_secrets: z.boolean().optional(),
  skip_service_registration: z.boolean().optional(),
});

export interface MachineRequestInput {
  config: MachineConfig;
  name?: string;
  region?: string;
  skipLaunch: boolean;
  currentVersion?: string;
}

/** Validates a CreateMachineRequest or UpdateMachineRequest body the way Fly rejects bad ones: 400 and one line. */
export function parseMachineRequest(body: unknown): MachineRequestInput {
  const data = readBody(MachineRequest, body);
  const { config, region } = data;
  if (!config) throw badRequest("invalid request body: config is required");
  if (!config.image) throw badRequest("invalid config.image: an image is required");
  if (region !== undefined && !isRegion(region))
    throw badRequest(`invalid region "${region}": not a Fly region (GET /v1/platform/regions lists them)`);
  const kept: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) if (config[key] !== undefined) kept[key] = config[key];
  return {
    config: { ...kept, image: config.image, guest: resolveGuest(config.guest, config.size) },
    name: data.name,
    region,
    skipLaunch: data.skip_launch ?? false,
    currentVersion: data.current_version,
  };
}

function resolveGuest(input: z.infer<typeof GuestInput> | undefined, size: string | undefined): MachineGuest {
  if (size !== undefined && !(size in GUEST_PRESETS)) throw badRequest(`invalid config.size "${size}"`);
  const given = stripUndefined(input ?? {});
  const guest: MachineGuest = { ...GUEST_PRESETS[(size ?? "shared-cpu-1x") as GuestPreset], ...given };
  // A kind or CPU count without memory gets that size's smallest memory, as flyctl's presets do.
  if (given.memory_mb === undefined && (given.cpu_kind !== undefined || given.cpus !== undefined)) {
    guest.memory_mb = (guest.cpu_kind === "performance" ? 2048 : 256) * guest.cpus;
  }
  validateGuest(guest);
  return guest;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Fly's sizing rules: shared CPUs get 256 MB–2 GB each, performance CPUs 2–8 GB each, in steps of 256 MB. */
function validateGuest(guest: MachineGuest): void {
  const { cpu_kind: kind, cpus, memory_mb: memory } = guest;
  if (kind !== "shared" && kind !== "performance")
    throw badRequest(`invalid config.guest.cpu_kind "${kind}": use shared or performance`);
  const allowedCpus = kind === "shared" ? [1, 2, 4, 6, 8] : [1, 2, 4, 8, 16];
  if (!allowedCpus.includes(cpus))
    throw badRequest(
      `invalid config.guest.cpus ${cpus} for ${kind} cpus: use one of ${allowedCpus.join(", ")}`,
    );
  if (memory % 256 !== 0)
    throw badRequest(`invalid config.guest.memory_mb ${memory}: must be a multiple of 256`);
  const min = kind === "shared" ? 256 * cpus : 2048 * cpus;
  const max = kind === "shared" ? 2048 * cpus : 8192 * cpus;
  if (memory < min)
    throw badRequest(
      `invalid config.guest.memory_mb ${memory}: ${cpus} ${kind} cpu(s) need at least ${min} MB`,
    );
  if (memory > max)
    throw badRequest(
      `invalid config.guest.memory_mb ${memory}: ${cpus} ${kind} cpu(s) allow at most ${max} MB`,
    );
}
