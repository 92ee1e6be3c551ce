import { z } from "zod";
import {
  CPU_KINDS,
  DEFAULT_PRESET,
  GUEST_PRESETS,
  defaultMemoryMb,
  guestProblems,
  isCpuKind,
  isPresetName,
  type GuestProblem,
} from "../platform/guest-sizes.js";
import { isRegion } from "../platform/regions.js";
import { readBody } from "./body.js";
import { badRequest } from "./http-error.js";
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
  /** The app secrets version the machine must get at least (fly-go LaunchMachineInput.MinSecretsVersion). */
  minSecretsVersion?: number;
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
    minSecretsVersion: data.min_secrets_version,
  };
}

function resolveGuest(input: z.infer<typeof GuestInput> | undefined, size: string | undefined): MachineGuest {
  if (size !== undefined && !isPresetName(size)) throw badRequest(`invalid config.size "${size}"`);
  const given = stripUndefined(input ?? {});
  const guest: MachineGuest = { ...GUEST_PRESETS[size ?? DEFAULT_PRESET], ...given };
  // A kind or CPU count without memory gets that size's smallest memory, as flyctl's presets do.
  if (
    given.memory_mb === undefined &&
    (given.cpu_kind !== undefined || given.cpus !== undefined) &&
    isCpuKind(guest.cpu_kind)
  ) {
    guest.memory_mb = defaultMemoryMb(guest.cpu_kind, guest.cpus);
  }
  validateGuest(guest);
  return guest;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Fly's sizing rules (src/platform/guest-sizes.ts), refused as the API refuses a bad body: 400, the first problem. */
function validateGuest(guest: MachineGuest): void {
  const [problem] = guestProblems(guest);
  if (problem) throw badRequest(guestRefusal(problem));
}

function guestRefusal(problem: GuestProblem): string {
  switch (problem.rule) {
    case "kind":
      return `invalid config.guest.cpu_kind "${problem.kind}": use ${CPU_KINDS.join(" or ")}`;
    case "cpus":
      return `invalid config.guest.cpus ${problem.cpus} for ${problem.kind} cpus: use one of ${problem.allowed.join(", ")}`;
    case "step":
      return `invalid config.guest.memory_mb ${problem.memory}: must be a multiple of ${problem.step}`;
    case "min":
      return `invalid config.guest.memory_mb ${problem.memory}: ${problem.cpus} ${problem.kind} cpu(s) need at least ${problem.limit} MB`;
    case "max":
      return `invalid config.guest.memory_mb ${problem.memory}: ${problem.cpus} ${problem.kind} cpu(s) allow at most ${problem.limit} MB`;
  }
}
