import { Argument, Command } from "commander";
import { z } from "zod";
import type { AnyTool } from "../../../tools/define-tool.js";
import { MACHINE_STATES } from "../../../tools/fields.js";
import { providerTools } from "../../../tools/index.js";
import { invokeTool, parseToolInput } from "../../../tools/invoke.js";
import { UsageError } from "../../errors.js";
import { printResult } from "../view-table.js";
import type { Runtime } from "../runtime.js";
import { defaultDeps, requireApp, withRuntime, type CommandDeps } from "../tool-command.js";
import { parseOptions } from "../options.js";
import { commonOptions, inputFields, withOutputOptions } from "./fly-shared.js";

/** Fly's listings in the catalog by what they list; `across` ones are the `--all` form. */
function listings(across: boolean): Map<string, AnyTool> {
  return new Map(
    providerTools("fly")
      .filter((tool) => tool.command?.verb === "list" && (tool.command.across ?? false) === across)
      .map((tool) => [tool.command?.noun ?? tool.name, tool]),
  );
}

export const flyListOptionsSchema = z.object({
  ...commonOptions,
  state: z.string().optional(),
  region: z.string().optional(),
  sort: z.string().optional(),
  order: z.string().optional(),
  limit: z.coerce
    .number({ invalid_type_error: "--limit must be a number" })
    .int("--limit must be a whole number")
    .optional(),
  all: z.boolean().default(false),
  attached: z.boolean().optional(),
  unattached: z.boolean().optional(),
  regions: z.boolean().default(false),
  countBy: z.string().optional(),
});
export type FlyListOptions = z.input<typeof flyListOptionsSchema>;

/** `flyops fly list RESOURCE`: one read tool, its filters from flags, a table or --json. */
export async function runFlyList(resource: string, raw: FlyListOptions, deps: CommandDeps): Promise<unknown> {
  const options = parseOptions(flyListOptionsSchema, raw);
  if (options.attached && options.unattached)
    throw new UsageError("--attached and --unattached exclude each other");
  const tool = listings(options.all).get(resource);
  if (!tool) {
    if (options.all && listings(false).has(resource))
      throw new UsageError(`--all applies to ${[...listings(true).keys()].join(" and ")}, not ${resource}`);
    throw new UsageError(`cannot list ${resource}: choose one of ${[...listings(false).keys()].join(", ")}`);
  }
  return withRuntime(options, deps, async (runtime, io) => {
    const input = listInput(tool, resource, options, runtime);
    const filters: Record<string, [flag: string, value: unknown]> = {
      state: ["--state", options.state],
      region: ["--region", options.region],
      sort: ["--sort", options.sort],
      order: ["--order", options.order],
      limit: ["--limit", options.limit],
      attached: ["--attached/--unattached", options.attached ? true : options.unattached ? false : undefined],
      include: ["--regions", options.regions ? ["regions"] : undefined],
      count_by: ["--count-by", options.countBy],
    };
    const accepted = inputFields(tool);
    for (const [field, [flag, value]] of Object.entries(filters)) {
      if (value === undefined) continue;
      if (!accepted.has(field))
        throw new UsageError(`${flag} does not apply to \`flyops fly list ${resource}\``);
      input[field] = value;
    }
    const json = options.json || options.raw;
    const result = await invokeTool(runtime.ctx, tool, input);
    printResult(
      io,
      json,
      result,
      json ? undefined : inFlagWords(tool.view(result, parseToolInput(tool, input))),
    );
    return result;
  });
}

/**
 * A view's note names the tool's inputs, as a model calls them ("raise limit", "count_by"); a
 * person at the CLI sets those with flags, so the note names the flags.
 */
export function inFlagWords(view: unknown): unknown {
  if (view === null || typeof view !== "object" || !("note" in view) || typeof view.note !== "string")
    return view;
  const note = view.note
    .replace(/\bcount_by\b/g, "--count-by")
    .replace(/\b(by|raise|set) limit\b/g, "$1 --limit");
  return { ...view, note };
}

/** A listing of one app needs the app; one across apps takes it as a filter when given. */
function listInput(
  tool: AnyTool,
  resource: string,
  options: z.output<typeof flyListOptionsSchema>,
  runtime: Runtime,
): Record<string, unknown> {
  const shape = tool.input instanceof z.ZodObject ? (tool.input.shape as Record<string, z.ZodTypeAny>) : {};
  const app = shape.app;
  if (app === undefined) return {};
  if (!app.isOptional()) return { app: requireApp(runtime, `fly list ${resource}`) };
  return options.app ? { app: options.app } : {};
}

export function listCommand(): Command {
  const command = new Command("list")
    .description(
      "List apps, machines, volumes, secrets (names only), IPs, certificates, regions or organizations",
    )
    .addArgument(new Argument("<resource>", "what to list").choices([...listings(false).keys()]))
    .option(
      "--state <states>",
      `machines: only these states, comma-separated (any Fly machine state: ${MACHINE_STATES.join(",")}); volumes: one state`,
    )
    .option("--region <code>", "only this region, e.g. iad")
    .option("--sort <key>", "machines: memory|cpu|created|name|region; volumes: size|created|name|region")
    .option("--order <dir>", "asc or desc (default: desc for sizes and dates, asc for names)")
    .option("--limit <n>", "show at most n rows, after sorting")
    .option("--all", "machines and volumes: across every app of the org (or of every org), not one app")
    .option("--attached", "volumes: only those attached to a machine")
    .option("--unattached", "volumes: only those attached to no machine")
    .option("--regions", "apps: add each app's machine regions and machine counts by state")
    .option(
      "--count-by <key>",
      "machines: count per region|state|size (|app with --all); volumes: per region|attached (|app with --all)",
    );
  withOutputOptions(command).addHelpText(
    "after",
    `
Examples:
  flyops fly list apps --regions
  flyops fly list machines --app my-app --state started --sort memory --limit 5
  flyops fly list machines --all --sort memory --limit 10
  flyops fly list machines --all --count-by region
  flyops fly list volumes --all --unattached
  flyops fly list secrets --app my-app --json`,
  );
  return command.action(async (resource: string, options: FlyListOptions) => {
    await runFlyList(resource, options, defaultDeps());
  });
}
