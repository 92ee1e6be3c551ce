/**
 * Fly machine sizes (a machine's `guest`: cpu_kind, cpus, memory_mb) and their limits, defined
 * once for the catalog's field, the sandbox's validation, the local model's parsing and the
 * views' size names.
 *
 * Sources:
 * - superfly/fly-go machine_types.go: MachinePresets (shared-cpu-1x..8x, performance-1x..16x,
 *   each with its kind's smallest memory per CPU), MIN_/MAX_MEMORY_MB_PER_SHARED_CPU (256, 2048)
 *   and MIN_/MAX_MEMORY_MB_PER_CPU (2048, 8192), DefaultVMSize "shared-cpu-1x", and ToSize for
 *   the preset name of a guest. Its GPU presets are left out: flyctl's `platform vm-sizes` skips
 *   them, since GPU machines are no longer offered.
 * - superfly/flyctl internal/machine/update.go: memory in steps of 256 MB for shared CPUs and
 *   1024 MB for performance CPUs. (Fly's machine-sizing guide from 2022 says 2048 for
 *   performance; flyctl's check is newer, from 2023.) flyctl also lets 32, 64 and 128
 *   performance CPUs through "under certain conditions"; without a preset or a documented
 *   condition they are not offered here.
 * - https://fly.io/docs/machines/guides-examples/machine-sizing/: memory limits per CPU kind.
 */

export const CPU_KINDS = ["shared", "performance"] as const;
export type CpuKind = (typeof CPU_KINDS)[number];

const SHARED_CPUS = [1, 2, 4, 6, 8] as const;
const PERFORMANCE_CPUS = [1, 2, 4, 6, 8, 10, 12, 14, 16] as const;

export interface CpuKindLimits {
  /** CPU counts Fly has a preset for. */
  cpus: readonly number[];
  /** Memory per CPU, in MB: the preset's memory is the minimum. */
  minMemoryPerCpu: number;
  maxMemoryPerCpu: number;
  /** Memory must be a multiple of this many MB. */
  memoryStep: number;
}

export const GUEST_LIMITS: Readonly<Record<CpuKind, CpuKindLimits>> = {
  shared: { cpus: SHARED_CPUS, minMemoryPerCpu: 256, maxMemoryPerCpu: 2048, memoryStep: 256 },
  performance: { cpus: PERFORMANCE_CPUS, minMemoryPerCpu: 2048, maxMemoryPerCpu: 8192, memoryStep: 1024 },
};

const kinds = Object.values(GUEST_LIMITS);

/** Every CPU count of any kind, ascending. */
export const CPU_COUNTS: readonly number[] = [...new Set(kinds.flatMap((k) => k.cpus))].sort((a, b) => a - b);
/** The step every kind's memory is a multiple of. */
export const MEMORY_STEP_MB = Math.min(...kinds.map((k) => k.memoryStep));
/** The least and most memory any size may have. */
export const MIN_MEMORY_MB = Math.min(...kinds.map((k) => k.minMemoryPerCpu * Math.min(...k.cpus)));
export const MAX_MEMORY_MB = Math.max(...kinds.map((k) => k.maxMemoryPerCpu * Math.max(...k.cpus)));

export interface Guest {
  cpu_kind: CpuKind;
  cpus: number;
  memory_mb: number;
}

export function isCpuKind(kind: string): kind is CpuKind {
  return (CPU_KINDS as readonly string[]).includes(kind);
}

/** The memory a size may have, in MB. */
export function memoryRange(kind: CpuKind, cpus: number): { min: number; max: number } {
  const limits = GUEST_LIMITS[kind];
  return { min: limits.minMemoryPerCpu * cpus, max: limits.maxMemoryPerCpu * cpus };
}

/** The memory Fly gives a kind and CPU count when none is asked for: its preset's, the least. */
export function defaultMemoryMb(kind: CpuKind, cpus: number): number {
  return memoryRange(kind, cpus).min;
}

export type PresetName =
  `shared-cpu-${(typeof SHARED_CPUS)[number]}x` | `performance-${(typeof PERFORMANCE_CPUS)[number]}x`;

/** A size's preset name as Fly writes it: "shared-cpu-2x", "performance-4x" (fly-go ToSize). */
export function presetName(kind: CpuKind, cpus: number): string {
  return kind === "shared" ? `shared-cpu-${cpus}x` : `performance-${cpus}x`;
}

/** Fly's named sizes with their memory. */
export const GUEST_PRESETS = Object.fromEntries(
  CPU_KINDS.flatMap((kind) =>
    GUEST_LIMITS[kind].cpus.map((cpus) => [
      presetName(kind, cpus),
      { cpu_kind: kind, cpus, memory_mb: defaultMemoryMb(kind, cpus) },
    ]),
  ),
) as Readonly<Record<PresetName, Guest>>;

/** The size a machine gets when nothing is asked for (fly-go DefaultVMSize). */
export const DEFAULT_PRESET: PresetName = "shared-cpu-1x";

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(GUEST_PRESETS, name);
}

/**
 * Kind and CPU count of a name shaped like a preset ("shared-cpu-3x" too: whether Fly offers it
 * is `guestProblems`' question).
 */
export function parsePresetName(name: string): { cpu_kind: CpuKind; cpus: number } | undefined {
  const m = /^(shared-cpu|performance)-(\d+)x$/i.exec(name);
  if (!m?.[1] || !m[2]) return undefined;
  return { cpu_kind: m[1].toLowerCase() === "performance" ? "performance" : "shared", cpus: Number(m[2]) };
}

/** One way a size breaks Fly's rules, with what each front needs to say it in its own words. */
export type GuestProblem =
  | { field: "cpu_kind"; rule: "kind"; kind: string }
  | { field: "cpus"; rule: "cpus"; kind: CpuKind; cpus: number; allowed: readonly number[] }
  | { field: "memory_mb"; rule: "step"; kind: CpuKind; memory: number; step: number }
  | { field: "memory_mb"; rule: "min" | "max"; kind: CpuKind; cpus: number; memory: number; limit: number };

/** Everything wrong with a size, in the order Fly's checks meet them; empty when Fly offers it. */
export function guestProblems(guest: { cpu_kind: string; cpus: number; memory_mb: number }): GuestProblem[] {
  const { cpu_kind: kind, cpus, memory_mb: memory } = guest;
  if (!isCpuKind(kind)) return [{ field: "cpu_kind", rule: "kind", kind }];
  const limits = GUEST_LIMITS[kind];
  const problems: GuestProblem[] = [];
  if (memory % limits.memoryStep !== 0)
    problems.push({ field: "memory_mb", rule: "step", kind, memory, step: limits.memoryStep });
  // Without a size Fly offers there is no memory range to hold it to.
  if (!limits.cpus.includes(cpus))
    return [{ field: "cpus", rule: "cpus", kind, cpus, allowed: limits.cpus }, ...problems];
  const { min, max } = memoryRange(kind, cpus);
  if (memory < min) problems.push({ field: "memory_mb", rule: "min", kind, cpus, memory, limit: min });
  if (memory > max) problems.push({ field: "memory_mb", rule: "max", kind, cpus, memory, limit: max });
  return problems;
}

/** "1, 2, 4, 6 or 8" */
export function listOfCounts(counts: readonly number[]): string {
  return counts.length < 2 ? counts.join("") : `${counts.slice(0, -1).join(", ")} or ${counts.at(-1) ?? ""}`;
}

/** A problem in one plain sentence, for fronts that have no wording of their own. */
export function describeGuestProblem(problem: GuestProblem): string {
  switch (problem.rule) {
    case "kind":
      return `cpu_kind "${problem.kind}" is not a Fly CPU kind: use ${CPU_KINDS.join(" or ")}`;
    case "cpus":
      return `${problem.kind} CPUs come in counts of ${listOfCounts(problem.allowed)}, not ${problem.cpus}`;
    case "step":
      return `memory_mb must be a multiple of ${problem.step} for ${problem.kind} CPUs`;
    case "min":
      return `${problem.cpus} ${problem.kind} CPU(s) need at least ${problem.limit} MB of memory`;
    case "max":
      return `${problem.cpus} ${problem.kind} CPU(s) allow at most ${problem.limit} MB of memory`;
  }
}
