import { resolve } from "node:path";
import { z } from "zod";
import { FlyopsError, RefusedError, UsageError } from "../../errors.js";
import { DEFAULT_TRANSITION_MS } from "../../sandbox/index.js";
import type { FaultPlan } from "../../rehearse/faulted.js";
import { rehearsePlan, type RehearsalReport } from "../../rehearse/rehearse.js";
import { renderRehearsal } from "../../rehearse/report-text.js";
import { terminalSafe } from "../../security/terminal-safe.js";
import { parseOptions } from "../options.js";
import { jsonText } from "../output.js";
import { withRuntime, type CommandDeps } from "../tool-command.js";
import { applyDeps, type ApplyCommandOptions } from "./apply.js";

export const rehearseOptionsSchema = z.object({
  allowDestructive: z.boolean().default(false),
  destroyer: z.boolean().default(false),
  ignoreDrift: z.boolean().default(false),
  interrupted: z.enum(["retry", "done"], { message: "--interrupted must be retry or done" }).optional(),
  faultRate: z.coerce.number().min(0).max(1).optional(),
  faultSeed: z.coerce.number().int().default(1),
  killAt: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}(:(started|ran))?$/, "--kill-at takes a step id, optionally :started or :ran")
    .optional(),
  transitionMs: z.coerce.number().int().min(0).max(60_000).default(DEFAULT_TRANSITION_MS),
  json: z.boolean().default(false),
  raw: z.boolean().default(false),
  app: z.string().optional(),
  org: z.string().optional(),
  sandbox: z.boolean().default(false),
});
/** As commander hands them over: numbers still as text. */
export type RehearseCommandOptions = Omit<
  z.input<typeof rehearseOptionsSchema>,
  "faultRate" | "faultSeed" | "transitionMs"
> & { faultRate?: string | number; faultSeed?: string | number; transitionMs?: string | number };

function faultPlan(options: z.output<typeof rehearseOptionsSchema>): FaultPlan | undefined {
  if (options.faultRate !== undefined && options.killAt !== undefined)
    throw new UsageError("--fault-rate and --kill-at rehearse one kind of trouble each; give one of them");
  if (options.faultRate !== undefined)
    return { kind: "fault-rate", rate: options.faultRate, seed: options.faultSeed };
  if (options.killAt === undefined) return undefined;
  const [step = "", moment] = options.killAt.split(":");
  return { kind: "kill-at", step, moment: moment === "started" ? "started" : "ran" };
}

/**
 * `flyops apply FILE --rehearse` and `flyops plan rehearse FILE`: the plan runs, with the real
 * applier, against an in-process sandbox copy of the live apps it touches; the report says what
 * it would create, change and destroy. Live Fly gets reads only: the runtime's clients are
 * read-only (src/fly/read-only.ts). Exit 0 when every step would succeed, 1 otherwise.
 */
export async function runRehearse(
  file: string,
  rawOptions: RehearseCommandOptions,
  deps: CommandDeps = applyDeps(),
): Promise<RehearsalReport> {
  const options = parseOptions(rehearseOptionsSchema, rawOptions);
  const fault = faultPlan(options);
  const cwd = deps.cwd ?? process.cwd();
  return withRuntime({ ...options, readOnly: true }, deps, async (runtime, io) => {
    const report = await rehearsePlan(
      {
        planPath: resolve(cwd, file),
        planName: file,
        allowDestructive: options.allowDestructive || options.destroyer,
        ignoreDrift: options.ignoreDrift,
        // flyctl never runs in a rehearsal: secrets go through the REST endpoint of the copy.
        secretsVia: "rest",
        interrupted: options.interrupted,
        allowEnv: runtime.config.secretsAllowEnv,
        transitionMs: options.transitionMs,
        ...(fault ? { fault } : {}),
      },
      {
        live: runtime.ctx,
        env: deps.env,
        cwd,
        redactor: deps.redactor,
        credentials: runtime.credentials,
        progress: (line) => io.stderr(`${terminalSafe(line)}\n`),
        confirm: deps.stdinIsTTY
          ? async (message) => {
              io.flush();
              return deps.confirm(message);
            }
          : undefined,
      },
    );
    io.stdout(options.json || options.raw ? jsonText(report) : renderRehearsal(report));
    if (report.status === "would-apply") return report;
    const message = deps.redactor.redact(report.message ?? `rehearsal: ${report.status}`);
    const hint = report.hint === undefined ? undefined : deps.redactor.redact(report.hint);
    if (report.status === "refused" || report.status === "not-rehearsable")
      throw new RefusedError(message, { hint });
    throw new FlyopsError(message, { hint });
  });
}

/** `apply FILE --rehearse`: apply's flags that mean something in a rehearsal, the rest refused. */
export async function runRehearseFromApply(
  file: string,
  options: ApplyCommandOptions,
  deps: CommandDeps = applyDeps(),
): Promise<RehearsalReport> {
  if (options.dryRun || options.resume)
    throw new UsageError(
      "--rehearse starts from a fresh copy of live state: it takes neither --dry-run nor --resume",
      {
        hint: "to rehearse a crash and a resume, use --rehearse --kill-at STEP",
      },
    );
  if (options.secretsVia === "flyctl")
    throw new UsageError("--rehearse never runs flyctl: secrets go through the REST endpoint of the copy");
  return runRehearse(
    file,
    {
      allowDestructive: options.allowDestructive,
      destroyer: options.destroyer,
      ignoreDrift: options.ignoreDrift,
      interrupted: options.interrupted,
      faultRate: options.faultRate,
      faultSeed: options.faultSeed,
      killAt: options.killAt,
      transitionMs: options.transitionMs,
      json: options.json,
      raw: options.raw,
      app: options.app,
      org: options.org,
      sandbox: options.sandbox,
    },
    deps,
  );
}
