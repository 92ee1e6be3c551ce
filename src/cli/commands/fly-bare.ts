import { Command } from "commander";
import { z } from "zod";
import type { AnyTool, StaticCommand } from "../../../tools/define-tool.js";
import { providerTools } from "../../../tools/index.js";
import { UsageError } from "../../errors.js";
import { parseOptions } from "../options.js";
import { defaultDeps, requireApp, runAndPrint, withRuntime, type CommandDeps } from "../tool-command.js";
import { commonOptions, inputFields, withOutputOptions } from "./fly-shared.js";

/**
 * `flyops fly VERB` with no noun (`fly status`, `fly releases`): every catalog tool whose command
 * is `bare` appears here; the `across` one of a verb is its `--all` form.
 */

type Bare = AnyTool & { command: StaticCommand & { bare: true } };

function bareTools(): Bare[] {
  return providerTools("fly").filter((tool): tool is Bare => tool.command?.bare === true);
}

export const flyBareOptionsSchema = z.object({
  ...commonOptions,
  all: z.boolean().default(false),
  verbose: z.boolean().default(false),
  since: z.string().optional(),
  limit: z.coerce
    .number({ invalid_type_error: "--limit must be a number" })
    .int("--limit must be a whole number")
    .optional(),
});
export type FlyBareOptions = z.input<typeof flyBareOptionsSchema>;

/** The input field `--since` fills: the tool's window start, whatever it is called. */
const SINCE_FIELDS = ["since", "exits_since"] as const;

export async function runFlyBare(verb: string, raw: FlyBareOptions, deps: CommandDeps): Promise<unknown> {
  const options = parseOptions(flyBareOptionsSchema, raw);
  const tools = bareTools().filter((t) => t.command.verb === verb);
  const tool = tools.find((t) => (t.command.across ?? false) === options.all);
  if (!tool) {
    if (options.all) throw new UsageError(`--all does not apply to \`flyops fly ${verb}\``);
    throw new UsageError(`\`flyops fly ${verb}\` needs --all`);
  }
  return withRuntime(
    options,
    deps,
    async (runtime, io) => {
      const fields = inputFields(tool);
      const input: Record<string, unknown> = {};
      if (fields.has("app")) {
        const shape =
          tool.input instanceof z.ZodObject ? (tool.input.shape as Record<string, z.ZodTypeAny>) : {};
        if (shape.app?.isOptional() === false) input.app = requireApp(runtime, `fly ${verb}`);
        else if (options.app) input.app = options.app;
      }
      if (options.since !== undefined) {
        const field = SINCE_FIELDS.find((f) => fields.has(f));
        if (!field) throw new UsageError(`--since does not apply to \`flyops fly ${verb}\``);
        input[field] = options.since;
      }
      if (options.limit !== undefined) {
        if (!fields.has("limit")) throw new UsageError(`--limit does not apply to \`flyops fly ${verb}\``);
        input.limit = options.limit;
      }
      return runAndPrint(runtime, tool, input, options.json || options.raw, io);
    },
    { verbose: options.verbose },
  );
}

function bareCommand(verb: string, tools: Bare[]): Command {
  const [first] = tools;
  const description = first ? first.description.slice(0, Math.max(first.description.indexOf(". "), 0)) : verb;
  const command = new Command(verb).description(description || verb);
  if (tools.some((t) => t.command.across))
    command.option("--all", "across every app of the org (or of every org): only what is not healthy");
  command
    .option("--since <time>", 'a window start: an ISO time or an age such as "1h", "7d"')
    .option("--limit <n>", "show at most n rows")
    .option("--verbose", "show every request sent, on stderr");
  withOutputOptions(command).addHelpText(
    "after",
    `\nExamples:\n  flyops fly ${verb} --app my-app${tools.some((t) => t.command.across) ? `\n  flyops fly ${verb} --all --json` : ""}`,
  );
  return command.action(async (options: FlyBareOptions) => {
    await runFlyBare(verb, options, defaultDeps());
  });
}

/** One command per bare verb, in catalog order. */
export function bareCommands(): Command[] {
  const verbs = new Map<string, Bare[]>();
  for (const tool of bareTools())
    verbs.set(tool.command.verb, [...(verbs.get(tool.command.verb) ?? []), tool]);
  return [...verbs].map(([verb, tools]) => bareCommand(verb, tools));
}
