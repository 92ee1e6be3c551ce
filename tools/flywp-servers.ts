import { z } from "zod";
import type { FlyWpServer } from "../src/flywp/schemas.js";
import { defineTool } from "./define-tool.js";
import {
  bodyOf,
  extraFields,
  flywp,
  serverExists,
  serverId,
  UNCONFIRMED,
  FLYWP_NOT_REHEARSABLE,
} from "./flywp-fields.js";
import { pick } from "./step-knowledge.js";
import { listView, sortBy } from "./view.js";

// FlyWP's servers: GET/POST /servers, GET /servers/{id} (https://docs-2kj.pages.dev/api/overview).

function serverRow(s: FlyWpServer) {
  return {
    id: s.id,
    name: s.name ?? null,
    status: s.status ?? null,
    ip_address: s.ip_address ?? null,
    region: s.region ?? null,
    provider: s.provider ?? null,
  };
}

export const flywpServersList = defineTool({
  name: "flywp_servers_list",
  provider: "flywp",
  command: { verb: "list", noun: "servers" },
  description:
    "List the FlyWP servers of the account: id, name, status, IP address, region and cloud provider. Filter by name.",
  access: "read",
  input: z
    .object({
      name: z.string().min(1).max(100).optional().describe('Only the server of this name, e.g. "web-1"'),
    })
    .strict(),
  async run(ctx, input): Promise<FlyWpServer[]> {
    const servers = await flywp(ctx).listServers(ctx.signal);
    const named = input.name === undefined ? servers : servers.filter((s) => s.name === input.name);
    return sortBy(named, (s) => s.id, "asc");
  },
  view: (servers) => listView(servers.map(serverRow), { noun: "servers" }),
});

export const flywpServersGet = defineTool({
  name: "flywp_servers_get",
  provider: "flywp",
  command: { verb: "get", noun: "server", id: "server_id" },
  description: "Show one FlyWP server by its id.",
  access: "read",
  input: z.object({ server_id: serverId }).strict(),
  run: (ctx, input): Promise<FlyWpServer> => flywp(ctx).getServer(input.server_id, ctx.signal),
  view: (server) => serverRow(server),
});

export const flywpServersCreate = defineTool({
  name: "flywp_servers_create",
  provider: "flywp",
  description: `Create a FlyWP server with the given name. ${UNCONFIRMED} (for example the cloud provider, region and size FlyWP's dashboard asks for).`,
  access: "write",
  input: z
    .object({
      name: z.string().min(1).max(100).describe('The new server\'s name, e.g. "web-3"'),
      extra: extraFields,
    })
    .strict(),
  run: (ctx, input): Promise<FlyWpServer> =>
    flywp(ctx).createServer(bodyOf(input.extra, { name: input.name }), ctx.signal),
  view: (server) => serverRow(server),
  step: {
    notRehearsable: FLYWP_NOT_REHEARSABLE,
    describe: (input) => `create FlyWP server ${input.name}`,
    effect: (input, result) => ({ name: input.name, ...pick(result, { id: "server_id" }) }),
    reconcile: {
      kind: "create",
      effectKey: "server_id",
      name: (input) => input.name,
      async existing(ctx, input) {
        const servers = await flywp(ctx).listServers(ctx.signal);
        return servers
          .filter((s) => s.name === input.name)
          .map((s) => ({ id: String(s.id), name: s.name, state: s.status }));
      },
    },
    // The name is free: FlyWP's docs do not say it must be, but a second server of one name could not be told apart.
    preconditions: (input) => [
      { tool: "flywp_servers_list", input: { name: input.name }, expect: { exists: false } },
    ],
  },
});

export { serverExists };
