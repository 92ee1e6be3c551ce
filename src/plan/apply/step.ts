import type { AnyWriteTool, ToolContext } from "../../../tools/define-tool.js";
import { isWriteTool, requireTool } from "../../../tools/index.js";
import { invokeTool, parseToolInput } from "../../../tools/invoke.js";
import { identity, type StepEffect } from "../../../tools/step-knowledge.js";
import type { Redactor } from "../../security/redact.js";
import { FlyopsError } from "../../errors.js";
import { FlyctlFailedError, displayCommand, type FlyctlRunner } from "../../fly/flyctl.js";
import type { PlanStep } from "../schema/schema.js";
import { resolveSecrets, type SecretSource } from "./resolve-secrets.js";

/** How secret steps reach Fly: the REST secrets endpoint (default), or `flyctl secrets import` on stdin. */
export type SecretsVia = "rest" | "flyctl";

export interface StepRunner {
  ctx: ToolContext;
  /** Built on first use: a plan without flyctl steps never needs flyctl installed. */
  flyctl: () => FlyctlRunner;
  env: NodeJS.ProcessEnv;
  cwd: string;
  redactor: Redactor;
  secretsVia: SecretsVia;
  /** Every credential the process holds: a secret value that is or contains one is refused. */
  credentials: readonly string[];
  /** Shows the person (only) what a failed flyctl step printed. */
  show: (line: string) => void;
  /** Other tools' credential variables a secret may be read from: the config file's secrets.allow_env. */
  allowEnv?: readonly string[];
}

/** The write tool a catalog step names; a plan that passed the validator names nothing else. */
export function stepTool(step: PlanStep): AnyWriteTool {
  const tool = requireTool(step.tool);
  if (!isWriteTool(tool))
    throw new FlyopsError(`step ${step.id}: ${step.tool} only reads; a plan step changes something`);
  return tool;
}

/** The step's input with its secret references (if its tool takes any) resolved into values. */
async function resolvedInput(
  tool: AnyWriteTool,
  input: Record<string, unknown>,
  runner: StepRunner,
): Promise<Record<string, unknown>> {
  const field = tool.step.secretRefs;
  if (field === undefined) return input;
  const values = await resolveSecrets((input[field] ?? {}) as Record<string, SecretSource>, {
    env: runner.env,
    cwd: runner.cwd,
    credentials: runner.credentials,
    allowEnv: runner.allowEnv,
    onValue: (value) => runner.redactor.add(value),
  });
  return { ...input, [field]: values };
}

async function runCatalogStep(step: PlanStep, runner: StepRunner, dryRun: boolean): Promise<StepEffect> {
  const tool = stepTool(step);
  const parsed = parseToolInput(tool, step.input);
  const input = await resolvedInput(tool, step.input, runner);
  if (dryRun) return identity(parsed);
  const via = runner.secretsVia === "flyctl" ? tool.step.viaFlyctl : undefined;
  const result =
    via === undefined
      ? await invokeTool(runner.ctx, tool, input)
      : await outputStaysHere(runner, () =>
          via(runner.flyctl(), parseToolInput(tool, input), runner.ctx.signal),
        );
  return tool.step.effect(parsed, result);
}

/**
 * What flyctl prints is the person's to read and nobody else's: for `ssh console -C` or
 * `machine exec` it is what ran inside the machine, and may hold anything the app can read. The
 * effect that is journaled and reported is the command line (redacted), never stdout; a failure
 * is shown to the person on stderr and journaled as the command and its exit status only.
 */
async function outputStaysHere<T>(runner: StepRunner, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof FlyctlFailedError)) throw error;
    if (error.output !== "") runner.show(`flyctl's output (not kept in the journal):\n${error.output}`);
    throw new FlyopsError(`\`${error.command}\` ${error.reason}`, { hint: error.hint });
  }
}

async function runFlyctlStep(args: string[], runner: StepRunner): Promise<StepEffect> {
  const result = await outputStaysHere(runner, () =>
    runner.flyctl().run(args, { signal: runner.ctx.signal }),
  );
  return { flyctl: result.command };
}

/**
 * Runs one step (or, for a dry run, everything but the change: input checked, secret references
 * resolved, flyctl located) and returns what it created or changed.
 */
export async function executeStep(step: PlanStep, runner: StepRunner, dryRun: boolean): Promise<StepEffect> {
  if (step.tool !== "flyctl") return runCatalogStep(step, runner, dryRun);
  const args = step.input.args as string[];
  if (dryRun) {
    runner.flyctl().program();
    return { flyctl: runner.redactor.redact(displayCommand(args)) };
  }
  return runFlyctlStep(args, runner);
}
