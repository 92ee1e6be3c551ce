import { Argument, Command } from "commander";
import { z } from "zod";
import type { AnyTool } from "../../../tools/define-tool.js";
import { findTool, providerTools } from "../../../tools/index.js";
import { invokeTool } from "../../../tools/invoke.js";
import type { ListView } from "../../../tools/view.js";
import { UsageError } from "../../errors.js";
import type { Runtime } from "../runtime.js";
import { defaultDeps, withRuntime, type CommandDeps } from "../tool-command.js";
import { parseOptions } from "../options.js";
import { printResult } from "../view-table.js";
import { commonOptions, inputFields } from "./fly-shared.js";

/**
 * `flyops flywp list RESOURCE`: FlyWP's listings, taken from the catalog like `flyops fly list`
 * (every FlyWP read tool with a `list` command). A listing of one server's or one site's things
 * takes `--server` (an id or a name) or `--site` (an id); without it, it lists them for every
 * server (or every site) in turn, each row saying whose it is.
 */

function listings(): Map<string, AnyTool> {
  return new Map(
    providerTools("flywp", "read")
      .filter((tool) => tool.command?.verb === "list")
      .map((tool) => [tool.command?.noun ?? tool.name, tool]),
  );
}

export const flywpListOptionsSchema = z.object({
  ...commonOptions,
  server: z.string().optional(),
  site: z.string().optional(),
});
export type FlywpListOptions = z.input<typeof flywpListOptionsSchema>;

interface Rows {
  rows: Record<string, unknown>[];
  result: unknown[];
}

export async function runFlywpList(
  resource: string,
  raw: FlywpListOptions,
  deps: CommandDeps,
): Promise<unknown> {
  const options = parseOptions(flywpListOptionsSchema, raw);
  const tool = listings().get(resource);
  if (!tool)
    throw new UsageError(`cannot list ${resource}: choose one of ${[...listings().keys()].join(", ")}`);
  const fields = inputFields(tool);
  if (options.server !== undefined && !fields.has("server_id") && !fields.has("site_id"))
    throw new UsageError(`--server does not apply to \`flyops flywp list ${resource}\``);
  if (options.site !== undefined && !fields.has("site_id"))
    throw new UsageError(`--site does not apply to \`flyops flywp list ${resource}\``);
  return withRuntime(options, deps, async (runtime, io) => {
    const json = options.json || options.raw;
    const { rows, result } = await listFor(runtime, tool, options);
    const view: ListView = {
      rows: rows as ListView["rows"],
      total: rows.length,
      ...(rows.length === 0 ? { note: `no ${resource} found` } : {}),
    };
    printResult(io, json, result, json ? undefined : view);
    return result;
  });
}

async function listFor(
  runtime: Runtime,
  tool: AnyTool,
  options: z.output<typeof flywpListOptionsSchema>,
): Promise<Rows> {
  const fields = inputFields(tool);
  if (!fields.has("server_id") && !fields.has("site_id")) return run(runtime, tool, {});
  const servers = await serverIds(runtime, options.server);
  if (fields.has("server_id"))
    return merge(
      runtime,
      tool,
      servers.map((id) => ({ server_id: id })),
      "server_id",
    );
  const sites =
    options.site !== undefined
      ? [wholeNumber(options.site, "--site")]
      : (
          await merge(
            runtime,
            requireRead("flywp_sites_list"),
            servers.map((id) => ({ server_id: id })),
            "server_id",
          )
        ).result.map((site) => (site as { id: number }).id);
  return merge(
    runtime,
    tool,
    sites.map((id) => ({ site_id: id })),
    "site_id",
  );
}

/** The servers a listing covers: the one --server names (an id, or a name looked up), else every one. */
async function serverIds(runtime: Runtime, server: string | undefined): Promise<number[]> {
  if (server !== undefined && /^\d{1,9}$/.test(server)) return [Number(server)];
  const all = (await invokeTool(runtime.ctx, requireRead("flywp_servers_list"), {})) as {
    id: number;
    name?: string | null;
  }[];
  if (server === undefined) return all.map((s) => s.id);
  const named = all.filter((s) => s.name === server);
  if (named.length === 0)
    throw new UsageError(`no FlyWP server named ${server}`, {
      hint: `servers: ${all.map((s) => `${s.name ?? "?"} (${s.id})`).join(", ") || "none"}`,
    });
  return named.map((s) => s.id);
}

async function run(runtime: Runtime, tool: AnyTool, input: Record<string, unknown>): Promise<Rows> {
  const result = (await invokeTool(runtime.ctx, tool, input)) as unknown[];
  const view = tool.view(result, input) as ListView;
  return { rows: view.rows, result };
}

/** One listing per owner, rows and results together; the owner's id leads each row. */
async function merge(
  runtime: Runtime,
  tool: AnyTool,
  inputs: Record<string, number>[],
  key: string,
): Promise<Rows> {
  const out: Rows = { rows: [], result: [] };
  for (const input of inputs) {
    const { rows, result } = await run(runtime, tool, input);
    out.rows.push(...rows.map((row) => ({ [key]: input[key], ...row })));
    out.result.push(...result);
  }
  return out;
}

function requireRead(name: string): AnyTool {
  const tool = findTool(name);
  if (!tool) throw new Error(`${name} is not in the catalog`);
  return tool;
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`${flag} takes a FlyWP id, a whole number; got ${text}`);
  return Number(text);
}

export function flywpCommand(): Command {
  const list = new Command("list")
    .description("List FlyWP servers, sites, databases, SSH keys, cron jobs or backups")
    .addArgument(new Argument("<resource>", "what to list").choices([...listings().keys()]))
    .option("--server <id|name>", "only this server's sites, databases, SSH keys, cron jobs or backups")
    .option("--site <id>", "backups: only this site's");
  list
    .option(
      "--sandbox",
      "use the embedded sandbox's FlyWP demo account; no token needed, nothing real is touched",
    )
    .option("--json", "print the full result as JSON only, on stdout")
    .option("--raw", "alias of --json")
    .addHelpText(
      "after",
      `
The token comes from flywp.api_token in the config file, then FLYWP_API_TOKEN; the API from
FLYWP_API_URL (default https://app.flywp.com/api/v1). --sandbox uses a local demo account.

Examples:
  flyops flywp list servers
  flyops flywp list sites --server web-1
  flyops flywp list backups --site 11 --json`,
    );
  list.action(async (resource: string, options: FlywpListOptions) => {
    await runFlywpList(resource, options, defaultDeps());
  });
  return new Command("flywp")
    .description("FlyWP (WordPress hosting) without a model: list what the account has")
    .addCommand(list);
}
