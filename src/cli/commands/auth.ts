import { Command } from "commander";
import { z } from "zod";
import { whoami } from "../../../tools/platform.js";
import { defaultDeps, runAndPrint, withRuntime, type CommandDeps } from "../tool-command.js";
import { parseOptions } from "../options.js";

export const whoamiOptionsSchema = z.object({
  sandbox: z.boolean().default(false),
  json: z.boolean().default(false),
  raw: z.boolean().default(false),
});
export type WhoamiOptions = z.input<typeof whoamiOptionsSchema>;

/** `flyops auth whoami`: who the configured token belongs to (GET /v1/tokens/current and GraphQL Viewer). */
export async function runWhoami(raw: WhoamiOptions, deps: CommandDeps): Promise<unknown> {
  const options = parseOptions(whoamiOptionsSchema, raw);
  return withRuntime(options, deps, (runtime, io) =>
    runAndPrint(runtime, whoami, {}, options.json || options.raw, io),
  );
}

export function authCommand(): Command {
  const command = new Command("whoami")
    .description("Show who the Fly token belongs to: user, or the org and apps an org token is limited to")
    .option("--sandbox", "ask the embedded local sandbox instead of Fly")
    .option("--json", "print the full result as JSON only, on stdout")
    .option("--raw", "alias of --json")
    .addHelpText(
      "after",
      `
The token comes from fly.api_token in the config file, then FLY_API_TOKEN, then FLY_ACCESS_TOKEN.

Examples:
  flyops auth whoami
  FLY_API_TOKEN=... flyops auth whoami --json`,
    )
    .action(async (options: WhoamiOptions) => {
      await runWhoami(options, defaultDeps());
    });
  return new Command("auth")
    .description("Fly credentials: check which token flyops uses")
    .addCommand(command);
}
