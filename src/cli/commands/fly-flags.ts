import { setTimeout as sleep } from "node:timers/promises";
import { Command, Option } from "commander";
import { z } from "zod";
import type { AnyTool } from "../../../tools/define-tool.js";
import { providerTools } from "../../../tools/index.js";
import { invokeTool, parseToolInput } from "../../../tools/invoke.js";
import { UsageError } from "../../errors.js";
import { terminalSafe } from "../../security/terminal-safe.js";
import type { GuardedIo, Io } from "../output.js";
import { printResult } from "../view-table.js";
import type { Runtime } from "../runtime.js";
import { defaultDeps, requireApp, withRuntime, type CommandDeps } from "../tool-command.js";
import { parseOptions } from "../options.js";
import { commonOptions, withOutputOptions } from "./fly-shared.js";

/**
 * `flyops fly VERB --flag value …`: a catalog tool whose static command has no noun (`fly logs`,
 * `fly metrics`) takes its input fields as flags (`machine_id` is `--machine`). `--app` and
 * `--org` are the runtime's own flags. A tool that reads on from a `next_token` offers `--follow`:
 * it runs again from the last token every second, printing new rows, until Ctrl-C.
 */

type Flagged = AnyTool & { command: { verb: string; noun: "" } };

/** Fields the runtime's flags fill, and the cursor `--follow` drives. */
const NOT_FLAGS = new Set(["app", "org", "next_token"]);
const FOLLOW_EVERY_MS = 1000;

export function flaggedTools(): Flagged[] {
  return providerTools("fly").filter((tool): tool is Flagged => tool.command?.noun === "");
}

function fieldsOf(tool: AnyTool): [string, z.ZodTypeAny][] {
  return tool.input instanceof z.ZodObject
    ? Object.entries(tool.input.shape as Record<string, z.ZodTypeAny>)
    : [];
}

function flagOf(field: string): string {
  return `--${field.replace(/_id$/, "").replace(/_/g, "-")}`;
}

/** commander's key for a flag: `--machine` fills `machine`. */
function keyOf(field: string): string {
  return field.replace(/_id$/, "").replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function isNumber(schema: z.ZodTypeAny): boolean {
  let inner: z.ZodTypeAny = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault)
    inner = inner._def.innerType as z.ZodTypeAny;
  return inner instanceof z.ZodNumber;
}

function follows(tool: AnyTool): boolean {
  return fieldsOf(tool).some(([field]) => field === "next_token");
}

export const flyFlagsOptionsSchema = z
  .object({ ...commonOptions, follow: z.boolean().default(false) })
  .catchall(z.union([z.string(), z.boolean()]).optional());
export type FlyFlagsOptions = z.input<typeof flyFlagsOptionsSchema>;

/** The tool's input from the flags and the runtime's app and org. */
function toolInput(
  tool: AnyTool,
  options: Record<string, unknown>,
  runtime: Runtime,
  verb: string,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [field, schema] of fieldsOf(tool)) {
    if (field === "app") {
      if (!schema.isOptional()) input.app = requireApp(runtime, `fly ${verb}`);
      else if (runtime.ctx.app) input.app = runtime.ctx.app;
      continue;
    }
    if (field === "org") {
      if (runtime.ctx.org) input.org = runtime.ctx.org;
      continue;
    }
    const value = options[keyOf(field)];
    if (value === undefined || NOT_FLAGS.has(field)) continue;
    input[field] = isNumber(schema) ? Number(value) : value;
  }
  return input;
}

/** One row as one line: its values in order, as a log line reads. */
function rowLine(row: Record<string, unknown>): string {
  return `${Object.values(row)
    .map((v) =>
      terminalSafe(v === null || v === undefined ? "-" : typeof v === "string" ? v : JSON.stringify(v)),
    )
    .join("  ")}\n`;
}

interface FollowedResult {
  lines: Record<string, unknown>[];
  next_token: string;
}

function isFollowed(result: unknown): result is FollowedResult {
  const r = result as Partial<FollowedResult> | null;
  return typeof r === "object" && r !== null && Array.isArray(r.lines) && typeof r.next_token === "string";
}

function printRows(io: Io, json: boolean, rows: Record<string, unknown>[]): void {
  for (const row of rows) io.stdout(json ? `${terminalSafe(JSON.stringify(row), "json")}\n` : rowLine(row));
}

async function follow(
  runtime: Runtime,
  tool: AnyTool,
  input: Record<string, unknown>,
  json: boolean,
  io: GuardedIo,
  signal: AbortSignal | undefined,
): Promise<never> {
  let result = await invokeTool(runtime.ctx, tool, input);
  for (;;) {
    if (!isFollowed(result)) throw new UsageError(`\`${tool.name}\` cannot be followed`);
    printRows(io, json, result.lines);
    io.flush();
    await sleep(FOLLOW_EVERY_MS, undefined, signal ? { signal } : undefined);
    // Reading on from the token: the window and the cap were for the first read.
    const rest = Object.fromEntries(Object.entries(input).filter(([k]) => k !== "since" && k !== "limit"));
    result = await invokeTool(runtime.ctx, tool, { ...rest, next_token: result.next_token });
  }
}

export async function runFlyFlags(verb: string, raw: FlyFlagsOptions, deps: CommandDeps): Promise<unknown> {
  const options = parseOptions(flyFlagsOptionsSchema, raw);
  const tool = flaggedTools().find((t) => t.command.verb === verb);
  if (!tool) throw new UsageError(`no \`flyops fly ${verb}\` command`);
  if (options.follow && !follows(tool))
    throw new UsageError(`--follow does not apply to \`flyops fly ${verb}\``);
  return withRuntime(options, deps, async (runtime, io) => {
    const input = toolInput(tool, options, runtime, verb);
    const json = options.json || options.raw;
    if (options.follow) return follow(runtime, tool, input, json, io, deps.signal);
    const result = await invokeTool(runtime.ctx, tool, input);
    printResult(io, json, result, json ? undefined : tool.view(result, parseToolInput(tool, input)));
    return result;
  });
}

export function flagsCommand(tool: Flagged): Command {
  const { verb } = tool.command;
  const command = new Command(verb).description(tool.description.split(". ")[0] ?? tool.description);
  for (const [field, schema] of fieldsOf(tool)) {
    if (NOT_FLAGS.has(field)) continue;
    const option = new Option(`${flagOf(field)} <value>`, schema.description ?? field);
    if (schema instanceof z.ZodOptional && schema.unwrap() instanceof z.ZodEnum)
      option.choices((schema.unwrap() as z.ZodEnum<[string, ...string[]]>).options);
    else if (schema instanceof z.ZodEnum)
      option.choices((schema as z.ZodEnum<[string, ...string[]]>).options);
    command.addOption(option);
  }
  if (follows(tool)) command.option("--follow", "keep reading new lines until Ctrl-C");
  withOutputOptions(command);
  return command.action(async (options: FlyFlagsOptions) => {
    await runFlyFlags(verb, options, defaultDeps());
  });
}
