import { resolve } from "node:path";
import confirmPrompt from "@inquirer/confirm";
import { Command, Option } from "commander";
import { z } from "zod";
import { terminalSafe } from "../../security/terminal-safe.js";
import { FlyopsError, InterruptedError, RefusedError, UsageError } from "../../errors.js";
import { FlyctlRunner } from "../../fly/flyctl.js";
import { runApplyPlan, type ApplyReport } from "../../plan/apply/applier.js";
import { jsonText, processIo } from "../output.js";
import { DESTRUCTIVE_FLAGS, addFlags, parseOptions, type FlagSpec } from "../options.js";
import { addRuntimeOptions, type Runtime } from "../runtime.js";
import { defaultDeps, withRuntime, type CommandDeps } from "../tool-command.js";
import { REHEARSE_EXAMPLES, REHEARSE_FLAGS } from "./rehearse-flags.js";

export const applyOptionsSchema = z.object({
  yes: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  resume: z.boolean().default(false),
  allowDestructive: z.boolean().default(false),
  destroyer: z.boolean().default(false),
  ignoreDrift: z.boolean().default(false),
  secretsVia: z.enum(["rest", "flyctl"], { message: "--secrets-via must be rest or flyctl" }).default("rest"),
  interrupted: z.enum(["retry", "done"], { message: "--interrupted must be retry or done" }).optional(),
  json: z.boolean().default(false),
  raw: z.boolean().default(false),
  app: z.string().optional(),
  org: z.string().optional(),
  sandbox: z.boolean().default(false),
  // `--rehearse` and its flags are handled by rehearse.ts; here only their presence is checked.
  rehearse: z.boolean().default(false),
  faultRate: z.union([z.string(), z.number()]).optional(),
  faultSeed: z.union([z.string(), z.number()]).optional(),
  killAt: z.string().optional(),
  transitionMs: z.union([z.string(), z.number()]).optional(),
});
export type ApplyCommandOptions = z.input<typeof applyOptionsSchema>;

/** The default outside world, with questions asked on stderr: stdout stays JSON-only under --json. */
export function applyDeps(): CommandDeps {
  const defaults = defaultDeps();
  return {
    ...defaults,
    confirm: async (message) => {
      // What was written so far comes first; the question is printed by the prompt, so redacted here.
      processIo.flush();
      try {
        // The question can quote the plan (who approved it); the prompt library writes it past the Io gate.
        const question = terminalSafe(defaults.redactor.redact(message));
        return await confirmPrompt({ message: question, default: false }, { output: process.stderr });
      } catch {
        // Ctrl-C or a closed terminal is a "no".
        return false;
      }
    },
  };
}

function humanReport(report: ApplyReport): string {
  const counts = new Map<string, number>();
  for (const step of report.steps) counts.set(step.outcome, (counts.get(step.outcome) ?? 0) + 1);
  const parts = [...counts].map(([outcome, count]) => `${count} ${outcome}`);
  return `${report.status}: ${report.plan} (${parts.join(", ") || "no steps"})\n`;
}

/**
 * `flyops apply FILE`: runs an approved plan. Also the engine of `flyops ask --apply --plan-file FILE`.
 * Prints the report (JSON with --json), then throws for a refusal or a failure so the exit code is 1.
 */
export async function runApply(
  file: string,
  rawOptions: ApplyCommandOptions,
  deps: CommandDeps = applyDeps(),
): Promise<ApplyReport> {
  const options = parseOptions(applyOptionsSchema, rawOptions);
  if (options.interrupted && !options.resume)
    throw new UsageError("--interrupted only applies with --resume");
  const rehearsalOnly = [options.faultRate, options.faultSeed, options.killAt, options.transitionMs];
  if (options.rehearse || rehearsalOnly.some((value) => value !== undefined))
    throw new UsageError(
      "--fault-rate, --fault-seed, --kill-at and --transition-ms apply only with --rehearse",
      {
        hint: "run `flyops apply FILE --rehearse ...` (or `flyops plan rehearse FILE ...`)",
      },
    );
  const cwd = deps.cwd ?? process.cwd();
  return withRuntime(options, deps, async (runtime, io) => {
    // The plan's review is on the screen before the question about it.
    const confirm = async (message: string): Promise<boolean> => {
      io.flush();
      return deps.confirm(message);
    };
    const report = await applyPlan(file, resolve(cwd, file), options, runtime, { ...deps, io, confirm, cwd });
    io.stdout(options.json || options.raw ? jsonText(report) : humanReport(report));
    if (deps.signal?.aborted) throw interrupted(file, report);
    const hint = report.hint === undefined ? undefined : deps.redactor.redact(report.hint);
    if (report.status === "refused")
      throw new RefusedError(deps.redactor.redact(report.message ?? "refused"), { hint });
    if (report.status === "failed")
      throw new FlyopsError(deps.redactor.redact(report.message ?? "failed"), { hint });
    return report;
  });
}

/** The applier with this process's flyctl, credentials, progress lines and questions. */
async function applyPlan(
  file: string,
  planPath: string,
  options: z.output<typeof applyOptionsSchema>,
  runtime: Runtime,
  deps: CommandDeps & { cwd: string },
): Promise<ApplyReport> {
  const { redactor } = deps;
  let flyctl: FlyctlRunner | undefined;
  try {
    return await runApplyPlan(
      {
        planPath,
        planName: file,
        yes: options.yes,
        dryRun: options.dryRun,
        resume: options.resume,
        allowDestructive: options.allowDestructive || options.destroyer,
        ignoreDrift: options.ignoreDrift,
        secretsVia: options.secretsVia,
        interrupted: options.interrupted,
        allowEnv: runtime.config.secretsAllowEnv,
      },
      {
        ctx: runtime.ctx,
        flyctl: () =>
          (flyctl ??= new FlyctlRunner({
            token: runtime.config.token ?? "",
            restBaseUrl: runtime.config.restBaseUrl,
            graphqlUrl: runtime.config.graphqlUrl,
            env: deps.env,
            redactor,
          })),
        env: deps.env,
        cwd: deps.cwd,
        redactor,
        credentials: runtime.credentials,
        // Every progress line is one line: what it quotes from the plan or from Fly is shown escaped.
        progress: (line) => deps.io.stderr(`${terminalSafe(line)}\n`),
        confirm: deps.stdinIsTTY ? deps.confirm : undefined,
        onStep: deps.onStep,
      },
    );
  } catch (error) {
    if (deps.signal?.aborted) throw interrupted(file);
    // Whatever escapes must not carry a secret value resolved during this run.
    if (error instanceof FlyopsError) {
      throw new FlyopsError(redactor.redact(error.message), {
        hint: error.hint === undefined ? undefined : redactor.redact(error.hint),
        exitCode: error.exitCode,
        cause: error,
      });
    }
    if (error instanceof Error) error.message = redactor.redact(error.message);
    throw error;
  }
}

/** Ctrl-C during an apply: which step it stopped at, and how to go on from there. */
function interrupted(file: string, report?: ApplyReport): InterruptedError {
  const step = report?.steps.find((s) => s.outcome === "failed");
  const at = step === undefined ? "" : ` during step ${step.id}`;
  const started = report === undefined || report.steps.some((s) => s.outcome !== "not-run");
  return new InterruptedError(`interrupted: apply of ${file} stopped${at}`, {
    hint: started
      ? `run \`flyops apply ${file} --resume\` to go on: finished steps are skipped and the interrupted one is reconciled`
      : `no step had started; run \`flyops apply ${file}\` again when ready`,
  });
}

/** The flags only apply has; `ask --apply --plan-file FILE` takes the same list. */
export const APPLY_FLAGS: readonly FlagSpec[] = [
  {
    flags: "-y, --yes",
    key: "yes",
    help: "do not ask before running the steps (an unapproved or changed plan is still refused without a terminal)",
  },
  {
    flags: "--dry-run",
    key: "dryRun",
    help: "do everything but the changes: validate, check approval and preconditions, resolve secrets",
  },
  {
    flags: "--resume",
    key: "resume",
    help: "continue an apply that stopped: skip finished steps, reconcile the interrupted one",
  },
  ...DESTRUCTIVE_FLAGS,
  {
    flags: "--ignore-drift",
    key: "ignoreDrift",
    help: "apply even when live state no longer matches the plan's preconditions",
  },
  {
    flags: "--secrets-via <how>",
    key: "secretsVia",
    help: "send secrets through the REST secrets endpoint or `flyctl secrets import`",
    choices: ["rest", "flyctl"],
  },
  {
    flags: "--interrupted <what>",
    key: "interrupted",
    help: "with --resume: whether an interrupted step flyops cannot check took effect",
    choices: ["retry", "done"],
  },
];

export function applyCommand(): Command {
  const command = new Command("apply").argument(
    "<file>",
    "plan file, e.g. plans/2026-11-22-stop-machine.json",
  );
  addFlags(command, APPLY_FLAGS)
    .option("--json", "print the apply report as JSON on stdout")
    .addOption(new Option("--raw", "alias of --json").hideHelp())
    .option(
      "--rehearse",
      "change nothing: run the plan against a sandbox copy of the live apps it touches and show what it would create, change and destroy",
    );
  addFlags(command, REHEARSE_FLAGS, "with --rehearse: ").addHelpText("after", REHEARSE_EXAMPLES);
  addRuntimeOptions(command);
  return command.action(async (file: string, options: ApplyCommandOptions) => {
    if (options.rehearse) {
      // Loaded only when asked for: a rehearsal brings the sandbox's code with it.
      const { runRehearseFromApply } = await import("./rehearse.js");
      await runRehearseFromApply(file, options);
      return;
    }
    await runApply(file, options);
  });
}
