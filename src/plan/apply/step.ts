import type { ToolContext } from "../../../tools/define-tool.js";
import { findTool } from "../../../tools/index.js";
import { invokeTool, parseToolInput } from "../../../tools/invoke.js";
import type { Redactor } from "../../security/redact.js";
import { FlyopsError } from "../../errors.js";
import { displayCommand, type FlyctlRunner } from "../../fly/flyctl.js";
import type { StepEffect } from "./journal.js";
import { identity, type StepLike } from "./reconcile.js";
import { resolveSecrets, type SecretSource } from "./resolve-secrets.js";

/** How secrets_set steps reach Fly: the REST secrets endpoint (default), or `flyctl secrets import` on stdin. */
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
  /** Other tools' credential variables a secret may be read from: the config file's secrets.allow_env. */
  allowEnv?: readonly string[];
}

const RESULT_FIELDS = [
  "id",
  "name",
  "state",
  "region",
  "size_gb",
  "ip",
  "hostname",
  "instance_id",
  "changed",
  "version",
];

/** Ids, names and states from a tool's result (or its `machine` / `volume`); never configs, env or values. */
export function summarizeResult(step: StepLike, result: unknown): StepEffect {
  const effect = identity(step.input);
  const records = [
    result,
    (result as { machine?: unknown })?.machine,
    (result as { volume?: unknown })?.volume,
  ];
  for (const record of records) {
    if (record === null || typeof record !== "object" || Array.isArray(record)) continue;
    for (const key of RESULT_FIELDS) {
      const value = (record as Record<string, unknown>)[key];
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
        effect[key === "id" ? idKey(step.tool) : key] = value;
    }
  }
  return effect;
}

function idKey(tool: string): string {
  if (tool.startsWith("machines_")) return "machine_id";
  if (tool.startsWith("volume")) return "volume_id";
  return "id";
}

function secretSources(step: StepLike): Record<string, SecretSource> {
  return (step.input.secrets ?? {}) as Record<string, SecretSource>;
}

async function runSecretsSet(step: StepLike, runner: StepRunner, dryRun: boolean): Promise<StepEffect> {
  const values = await resolveSecrets(secretSources(step), {
    env: runner.env,
    cwd: runner.cwd,
    credentials: runner.credentials,
    allowEnv: runner.allowEnv,
    onValue: (value) => runner.redactor.add(value),
  });
  const effect: StepEffect = { app: String(step.input.app), secrets: Object.keys(values).sort() };
  if (dryRun) return effect;
  if (runner.secretsVia === "flyctl") {
    await runner.flyctl().importSecrets(String(step.input.app), values, { signal: runner.ctx.signal });
    return effect;
  }
  const tool = findTool("secrets_set");
  if (!tool) throw new Error("the catalog has no secrets_set");
  const result = (await invokeTool(runner.ctx, tool, { ...step.input, secrets: values })) as {
    version?: unknown;
  };
  return typeof result.version === "number" ? { ...effect, version: result.version } : effect;
}

/**
 * Runs one step (or, for a dry run, everything but the change: input checked, secret references
 * resolved, flyctl located) and returns what it created or changed.
 */
export async function executeStep(step: StepLike, runner: StepRunner, dryRun: boolean): Promise<StepEffect> {
  if (step.tool === "flyctl") {
    const args = step.input.args as string[];
    const flyctl = runner.flyctl();
    if (dryRun) {
      flyctl.program();
      return { flyctl: runner.redactor.redact(displayCommand(args)) };
    }
    const result = await flyctl.run(args, { signal: runner.ctx.signal });
    return { flyctl: result.command };
  }
  if (step.tool === "secrets_set") return runSecretsSet(step, runner, dryRun);
  const tool = findTool(step.tool);
  if (!tool) throw new FlyopsError(`step ${step.id}: the catalog has no tool ${step.tool}`);
  if (dryRun) {
    parseToolInput(tool, step.input);
    return identity(step.input);
  }
  return summarizeResult(step, await invokeTool(runner.ctx, tool, step.input));
}
