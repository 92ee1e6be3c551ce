import { z } from "zod";
import {
  CPU_COUNTS,
  CPU_KINDS,
  GUEST_LIMITS,
  MAX_MEMORY_MB,
  MEMORY_STEP_MB,
  MIN_MEMORY_MB,
  describeGuestProblem,
  guestProblems,
  listOfCounts,
  type CpuKind,
} from "../src/platform/guest-sizes.js";
import { MACHINE_STATES } from "../src/platform/machine-states.js";
import * as ids from "./id-fields.js";
import { VIEW_MAX_LIMIT, VIEW_MAX_ROWS } from "./view.js";

/**
 * Input fields shared by the catalog. Their names are a contract (DESIGN.md): plans, prompts
 * and the validator rely on them. Descriptions are written for a model choosing arguments.
 * Every id and name has its Fly shape (id-fields.ts).
 */

export const app = ids.appName.describe('Fly app name, e.g. "my-app"');

export const org = ids.orgSlug.describe(
  'Organization slug, e.g. "personal". Omit to use the configured org, or every org the token can see.',
);

export const machineId = ids.machineId.describe('Machine id, 14 lowercase hex digits, e.g. "148ed123a45678"');

export const volumeId = ids.volumeId.describe('Volume id, e.g. "vol_9vw681egy1jj5xm4"');

export const region = ids.regionCode.describe('Fly region code, e.g. "iad", "ams", "syd"');

export const hostname = ids.hostname.describe('Custom domain of the certificate, e.g. "www.example.com"');

/** Every state Fly reports a machine in (src/platform/machine-states.ts, from Fly's machine-states doc). */
export { MACHINE_STATES };

// A model (or a person on the CLI) may write "stopped,suspended"; both forms mean the same filter.
export const machineStates = z
  .preprocess(
    (value) =>
      typeof value === "string"
        ? value
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : value,
    z.array(z.enum(MACHINE_STATES)).min(1),
  )
  .describe(
    'Only machines in these states, e.g. ["stopped", "suspended"]; destroyed machines are listed only when "destroyed" is asked for',
  );

export const order = z
  .enum(["asc", "desc"])
  .describe("Sort direction; default is descending for sizes and dates, ascending for names");

export const limit = z
  .number()
  .int()
  .min(1)
  .max(VIEW_MAX_LIMIT)
  .describe(
    `Return at most this many rows (or count groups), after filtering and sorting (e.g. 5 for "top 5"), at most ${VIEW_MAX_LIMIT}. Without it a list shows its first ${VIEW_MAX_ROWS} rows and says how many there are. Ask only for what the question needs: long results are cut short.`,
  );

/** What every `count_by` description ends with: how the groups come back. */
export const COUNT_BY_RESULT =
  'Returns one row per group with its count, largest first (order "asc": smallest first), and the total; limit caps the number of groups, sort is ignored.';

export const attached = z
  .boolean()
  .describe("true: only volumes attached to a machine; false: only unattached volumes");

/**
 * A machine's size, held to Fly's rules (src/platform/guest-sizes.ts): each field alone here, and
 * which CPU counts and memory each CPU kind allows in `guest`. `guestFields` is for a partial size.
 */
export const guestFields = z
  .object({
    cpu_kind: z.enum(CPU_KINDS).describe('"shared" or "performance" CPUs'),
    cpus: z
      .union(literals(CPU_COUNTS))
      .describe(`Number of CPUs: ${cpuCounts("shared")} shared, or ${cpuCounts("performance")} performance`),
    memory_mb: z
      .number()
      .int()
      .min(MIN_MEMORY_MB)
      .max(MAX_MEMORY_MB)
      .refine((n) => n % MEMORY_STEP_MB === 0, `memory_mb must be a multiple of ${MEMORY_STEP_MB}`)
      .describe(`Memory in MB, a multiple of ${MEMORY_STEP_MB}, e.g. 512 or 2048`),
  })
  .strict();

export const guest = guestFields
  .superRefine((size, ctx) => {
    for (const problem of guestProblems(size))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [problem.field],
        message: describeGuestProblem(problem),
      });
  })
  .describe(
    'Machine size, e.g. {"cpu_kind": "shared", "cpus": 1, "memory_mb": 512} for shared-cpu-1x with 512MB',
  );

function cpuCounts(kind: CpuKind): string {
  return listOfCounts(GUEST_LIMITS[kind].cpus);
}

/** A union of number literals, as zod wants it: two or more members. */
function literals(
  values: readonly number[],
): [z.ZodLiteral<number>, z.ZodLiteral<number>, ...z.ZodLiteral<number>[]] {
  const [first, second, ...rest] = values.map((v) => z.literal(v));
  if (!first || !second) throw new Error("a union needs two values at least");
  return [first, second, ...rest];
}

export const sizeGb = z.number().int().min(1).max(500).describe("Volume size in GB");
