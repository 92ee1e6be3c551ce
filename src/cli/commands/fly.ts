import { Argument, Command } from "commander";
import { z } from "zod";
import { UsageError } from "../../errors.js";
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
import { listCommand } from "./fly-list.js";
import { commonOptions, parse, withOutputOptions } from "./fly-shared.js";

export const GET_KINDS = ["app", "machine", "volume"] as const;
export const MACHINE_VERBS = ["start", "stop", "restart", "suspend", "destroy"] as const;

type GetKind = (typeof GET_KINDS)[number];
type MachineVerb = (typeof MACHINE_VERBS)[number];

export const flyGetOptionsSchema = z.object(commonOptions);
export type FlyGetOptions = z.input<typeof flyGetOptionsSchema>;

export const flyMachineOptionsSchema = z.object({
  ...commonOptions,
  force: z.boolean().default(false),
  yes: z.boolean().default(false),
});
export type FlyMachineOptions = z.input<typeof flyMachineOptionsSchema>;

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
  flyops fly get volume vol_9vw681egy1jj5xm4 --app my-app --json`,
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
