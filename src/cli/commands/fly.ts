import { Argument, Command } from "commander";
import { z } from "zod";
import { providerTools } from "../../../tools/index.js";
import type { AnyTool, StaticCommand } from "../../../tools/define-tool.js";
import { UsageError } from "../../errors.js";
import {
  confirmDestructive,
  defaultDeps,
  refuseWithoutTerminal,
  requireApp,
  runAndPrint,
  withRuntime,
  type CommandDeps,
} from "../tool-command.js";
import { flaggedTools, flagsCommand } from "./fly-flags.js";
import { bareCommands } from "./fly-bare.js";
import { listCommand } from "./fly-list.js";
import { parseOptions } from "../options.js";
import { commonOptions, inputFields, withOutputOptions } from "./fly-shared.js";

/**
 * `flyops fly VERB NOUN ID`: every catalog tool that declares a static command with an ID
 * (`fly get machine ID`, `fly stop machine ID`, ...) appears here without a line of its own.
 * Listings have their own command (fly-list.ts) for their filters.
 */

type Addressed = AnyTool & { command: StaticCommand & { id: string } };

function addressed(): Addressed[] {
  return providerTools("fly").filter((tool): tool is Addressed => tool.command?.id !== undefined);
}

/** Verbs in catalog order, each with the tools (nouns) it acts on. */
function byVerb(): Map<string, Addressed[]> {
  const verbs = new Map<string, Addressed[]>();
  for (const tool of addressed())
    verbs.set(tool.command.verb, [...(verbs.get(tool.command.verb) ?? []), tool]);
  return verbs;
}

export const flyActionOptionsSchema = z.object({
  ...commonOptions,
  force: z.boolean().default(false),
  yes: z.boolean().default(false),
});
export type FlyActionOptions = z.input<typeof flyActionOptionsSchema>;

/** `flyops fly VERB NOUN ID`: one tool, its ID from the argument, the app from --app; destroys ask first. */
export async function runFlyAction(
  verb: string,
  noun: string,
  id: string,
  raw: FlyActionOptions,
  deps: CommandDeps,
): Promise<unknown> {
  const options = parseOptions(flyActionOptionsSchema, raw);
  const tool = addressed().find((t) => t.command.verb === verb && t.command.noun === noun);
  if (!tool) throw new UsageError(`\`flyops fly ${verb}\` does not act on a ${noun}`);
  const fields = inputFields(tool);
  if (options.force && !fields.has("force"))
    throw new UsageError(`--force does not apply to \`flyops fly ${verb} ${noun}\``);
  const what = `${verb} ${noun} ${id}`;
  // Refused before any token is read or request sent: without a terminal nobody can say yes.
  refuseWithoutTerminal(tool, options.yes, deps, what);
  return withRuntime(options, deps, async (runtime, io) => {
    const input: Record<string, unknown> = { [tool.command.id]: id };
    let target = what;
    if (fields.has("app") && tool.command.id !== "app") {
      input.app = requireApp(runtime, `fly ${verb} ${noun}`);
      target = `${what} of app ${String(input.app)}`;
    }
    // A tool that acts in an org (`fly apps create NAME`) takes it from --org, FLY_ORG or the config.
    if (fields.has("org") && tool.command.id !== "org") {
      if (!runtime.ctx.org)
        throw new UsageError(`fly ${verb} ${noun} needs an organization, and none was given`, {
          hint: "pass --org SLUG (`flyops fly list orgs` lists them), or set FLY_ORG",
        });
      input.org = runtime.ctx.org;
    }
    if (options.force) input.force = true;
    await confirmDestructive(tool, options.yes, deps, target);
    return runAndPrint(runtime, tool, input, options.json || options.raw, io);
  });
}

/** The example a field's description gives (`e.g. "148ed123a45678"`), for help text. */
function exampleOf(tool: AnyTool, field: string): string {
  const shape = tool.input instanceof z.ZodObject ? (tool.input.shape as Record<string, z.ZodTypeAny>) : {};
  const match = /e\.g\. "([^"]{1,80})"/.exec(shape[field]?.description ?? "");
  return match?.[1] ?? field.toUpperCase();
}

/** "app, machine or volume". */
function listed(words: readonly string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1) ?? ""}`;
}

function firstSentence(text: string): string {
  const end = text.indexOf(". ");
  return end === -1 ? text.replace(/\.$/, "") : text.slice(0, end);
}

function verbCommand(verb: string, tools: Addressed[]): Command {
  const nouns = tools.map((t) => t.command.noun);
  const [only] = tools;
  const command = new Command(verb)
    .description(
      tools.length === 1 && only
        ? firstSentence(only.description)
        : `${verb.charAt(0).toUpperCase()}${verb.slice(1)} one ${listed(nouns)}`,
    )
    .addArgument(new Argument("<kind>", "what to act on").choices(nouns))
    .argument("<id>", tools.map((t) => `${t.command.noun}: ${t.command.id}`).join("; "));
  if (tools.some((t) => inputFields(t).has("force")))
    command.option(
      "--force",
      "act on running machines too: kill a machine first, destroy an app with running machines",
    );
  if (tools.some((t) => t.access === "destructive"))
    command.option("--yes", "do not ask for confirmation (required when stdin is not a terminal)");
  const examples = tools.map((t) => {
    const app = inputFields(t).has("app") && t.command.id !== "app" ? " --app my-app" : "";
    return `  flyops fly ${verb} ${t.command.noun} ${exampleOf(t, t.command.id)}${app}`;
  });
  withOutputOptions(command).addHelpText("after", `\nExamples:\n${examples.join("\n")}`);
  return command.action(async (noun: string, id: string, options: FlyActionOptions) => {
    await runFlyAction(verb, noun, id, options, defaultDeps());
  });
}

export function flyCommand(): Command {
  const verbs = byVerb();
  const fly = new Command("fly").addCommand(listCommand());
  for (const [verb, tools] of verbs) fly.addCommand(verbCommand(verb, tools));
  for (const tool of flaggedTools()) fly.addCommand(flagsCommand(tool));
  for (const command of bareCommands()) fly.addCommand(command);
  return fly.addHelpText(
    "after",
    `
Every command runs one tool of the catalog (the same tools \`flyops ask\` and plans use).
Output is a table; --json (or --raw) prints the full result as JSON only. The app comes
from --app, then FLY_APP, then ./fly.toml; --sandbox uses a local demo fleet instead of Fly.

Examples:
  flyops fly list apps --regions
  flyops fly list machines --app my-app --state stopped
  flyops fly get machine 148ed123a45678 --app my-app
  flyops fly status --all
  flyops fly events machine 148ed123a45678 --app my-app
  flyops fly stop machine 148ed123a45678 --app my-app
  flyops fly destroy machine 148ed123a45678 --app my-app --yes
  flyops fly logs --app my-app --since 1h --level error --follow
  flyops fly metrics --app my-app --measure http_5xx --since 1h

  flyops fly scale count 3 --app my-app --yes
  flyops fly clone machine 148ed123a45678 --app my-app
  flyops fly restart app my-app
  flyops fly apps create my-new-app --org personal`,
  );
}
