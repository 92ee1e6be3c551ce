import { Argument, Command } from "commander";
import { z } from "zod";
import type { AnyTool } from "../../../tools/define-tool.js";
import { MACHINE_STATES } from "../../../tools/fields.js";
import { invokeTool, parseToolInput } from "../../../tools/invoke.js";
import { UsageError } from "../../errors.js";
import { printResult } from "../output.js";
import type { Runtime } from "../runtime.js";
import { addRuntimeOptions } from "../runtime.js";
import {
  confirmDestructive,
  defaultDeps,
  refuseWithoutTerminal,
  requireApp,
  requireTool,
  runAndPrint,
  withRuntime,
  type CommandDeps,
} from "../tool-command.js";

export const LIST_RESOURCES = [
  "apps",
  "machines",
  "volumes",
  "secrets",
  "ips",
  "certs",
  "regions",
  "orgs",
] as const;
export const GET_KINDS = ["app", "machine", "volume"] as const;
export const MACHINE_VERBS = ["start", "stop", "restart", "suspend", "destroy"] as const;

type ListResource = (typeof LIST_RESOURCES)[number];
type GetKind = (typeof GET_KINDS)[number];
type MachineVerb = (typeof MACHINE_VERBS)[number];

const commonOptions = {
  app: z.string().optional(),
  org: z.string().optional(),
  sandbox: z.boolean().default(false),
  json: z.boolean().default(false),
  raw: z.boolean().default(false),
};

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

export const flyGetOptionsSchema = z.object(commonOptions);
export type FlyGetOptions = z.input<typeof flyGetOptionsSchema>;

export const flyMachineOptionsSchema = z.object({
  ...commonOptions,
  force: z.boolean().default(false),
  yes: z.boolean().default(false),
});
export type FlyMachineOptions = z.input<typeof flyMachineOptionsSchema>;

/** `flyops fly list RESOURCE`: one read tool, its filters from flags, a table or --json. */
export async function runFlyList(
  resource: ListResource,
  raw: FlyListOptions,
  deps: CommandDeps,
): Promise<unknown> {
  const options = parse(flyListOptionsSchema, raw);
  if (options.attached && options.unattached)
    throw new UsageError("--attached and --unattached exclude each other");
  if (options.all && resource !== "machines" && resource !== "volumes") {
    throw new UsageError(`--all applies to machines and volumes, not ${resource}`);
  }
  return withRuntime(options, deps, async (runtime, io) => {
    const { tool, input } = listTarget(resource, options, runtime);
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
    const accepted = inputKeys(tool);
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

/** `flyops fly get app NAME | machine ID | volume ID`. */
export async function runFlyGet(
  kind: GetKind,
  id: string,
  raw: FlyGetOptions,
  deps: CommandDeps,
): Promise<unknown> {
  const options = parse(flyGetOptionsSchema, raw);
  return withRuntime(options, deps, async (runtime, io) => {
    const json = options.json || options.raw;
    if (kind === "app") return runAndPrint(runtime, requireTool("apps_get"), { app: id }, json, io);
    const app = requireApp(runtime, `fly get ${kind}`);
    if (kind === "machine")
      return runAndPrint(runtime, requireTool("machines_get"), { app, machine_id: id }, json, io);
    return runAndPrint(runtime, requireTool("volumes_get"), { app, volume_id: id }, json, io);
  });
}

/** `flyops fly start|stop|restart|suspend|destroy machine ID`; destroy asks first, or needs --yes. */
export async function runFlyMachine(
  verb: MachineVerb,
  id: string,
  raw: FlyMachineOptions,
  deps: CommandDeps,
): Promise<unknown> {
  const options = parse(flyMachineOptionsSchema, raw);
  if (options.force && verb !== "destroy") throw new UsageError("--force applies to destroy only");
  const tool = requireTool(`machines_${verb}`);
  // Refused before any token is read or request sent: without a terminal nobody can say yes.
  refuseWithoutTerminal(tool, options.yes, deps, `${verb} machine ${id}`);
  return withRuntime(options, deps, async (runtime, io) => {
    const app = requireApp(runtime, `fly ${verb} machine`);
    await confirmDestructive(tool, options.yes, deps, `${verb} machine ${id} of app ${app}`);
    const input =
      verb === "destroy"
        ? { app, machine_id: id, force: options.force || undefined }
        : { app, machine_id: id };
    return runAndPrint(runtime, tool, input, options.json || options.raw, io);
  });
}

function listTarget(
  resource: ListResource,
  options: z.output<typeof flyListOptionsSchema>,
  runtime: Runtime,
): { tool: AnyTool; input: Record<string, unknown> } {
  switch (resource) {
    case "apps":
      return { tool: requireTool("apps_list"), input: {} };
    case "machines":
    case "volumes": {
      const prefix = resource === "machines" ? "machines" : "volumes";
      if (options.all)
        return { tool: requireTool(`org_${prefix}_list`), input: options.app ? { app: options.app } : {} };
      return {
        tool: requireTool(`${prefix}_list`),
        input: { app: requireApp(runtime, `fly list ${resource}`) },
      };
    }
    case "secrets":
    case "ips":
    case "certs":
      return {
        tool: requireTool(`${resource}_list`),
        input: { app: requireApp(runtime, `fly list ${resource}`) },
      };
    case "regions":
      return { tool: requireTool("regions_list"), input: {} };
    case "orgs":
      return { tool: requireTool("orgs_list"), input: {} };
  }
}

function inputKeys(tool: AnyTool): Set<string> {
  return tool.input instanceof z.ZodObject ? new Set(Object.keys(tool.input.shape as object)) : new Set();
}

function parse<S extends z.ZodTypeAny>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data as z.output<S>;
}

function withOutputOptions(command: Command): Command {
  addRuntimeOptions(command);
  return command
    .option("--json", "print the full result as JSON only, on stdout")
    .option("--raw", "alias of --json");
}

function listCommand(): Command {
  const command = new Command("list")
    .description(
      "List apps, machines, volumes, secrets (names only), IPs, certificates, regions or organizations",
    )
    .addArgument(new Argument("<resource>", "what to list").choices(LIST_RESOURCES))
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
  return command.action(async (resource: ListResource, options: FlyListOptions) => {
    await runFlyList(resource, options, defaultDeps());
  });
}

function getCommand(): Command {
  const command = new Command("get")
    .description(
      "Show one app, machine or volume in detail (tables never show env values or secrets; --json prints the full object with tokens redacted)",
    )
    .addArgument(new Argument("<kind>", "what to show").choices(GET_KINDS))
    .argument("<id>", "app name, machine id or volume id");
  withOutputOptions(command).addHelpText(
    "after",
    `
Examples:
  flyops fly get app my-app
  flyops fly get machine 148ed123a45678 --app my-app
  flyops fly get volume vol_1234abcd --app my-app --json`,
  );
  return command.action(async (kind: GetKind, id: string, options: FlyGetOptions) => {
    await runFlyGet(kind, id, options, defaultDeps());
  });
}

function machineCommand(verb: MachineVerb, description: string): Command {
  const command = new Command(verb)
    .description(description)
    .addArgument(new Argument("<kind>", "what to act on").choices(["machine"]))
    .argument("<id>", "machine id");
  if (verb === "destroy") {
    command
      .option("--force", "kill the machine first if it is running")
      .option("--yes", "do not ask for confirmation (required when stdin is not a terminal)");
  }
  withOutputOptions(command).addHelpText(
    "after",
    verb === "destroy"
      ? `
Examples:
  flyops fly destroy machine 148ed123a45678 --app my-app
  flyops fly destroy machine 148ed123a45678 --app my-app --force --yes`
      : `
Example:
  flyops fly ${verb} machine 148ed123a45678 --app my-app`,
  );
  return command.action(async (_kind: string, id: string, options: FlyMachineOptions) => {
    await runFlyMachine(verb, id, options, defaultDeps());
  });
}

export function flyCommand(): Command {
  return new Command("fly")
    .description(
      "Direct Fly.io operations without a model: list, show, start, stop, restart, suspend, destroy",
    )
    .addCommand(listCommand())
    .addCommand(getCommand())
    .addCommand(machineCommand("start", "Start a stopped or suspended machine and wait until it runs"))
    .addCommand(machineCommand("stop", "Stop a running machine and wait until it is stopped"))
    .addCommand(machineCommand("restart", "Restart a running machine in place"))
    .addCommand(machineCommand("suspend", "Suspend a running machine (memory snapshot, fast resume)"))
    .addCommand(machineCommand("destroy", "Destroy a machine permanently; asks first unless --yes"))
    .addHelpText(
      "after",
      `
Every command runs one tool of the catalog (the same tools \`flyops ask\` and plans use).
Output is a table; --json (or --raw) prints the full result as JSON only. The app comes
from --app, then FLY_APP, then ./fly.toml; --sandbox uses a local demo fleet instead of Fly.

Examples:
  flyops fly list apps --regions
  flyops fly list machines --app my-app --state stopped
  flyops fly get machine 148ed123a45678 --app my-app
  flyops fly stop machine 148ed123a45678 --app my-app
  flyops fly destroy machine 148ed123a45678 --app my-app --yes`,
    );
}
