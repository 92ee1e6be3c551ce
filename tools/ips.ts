import { z } from "zod";
import { FlyopsError } from "../src/errors.js";
import type { IPAssignment } from "../src/fly/schemas.js";
import { defineTool } from "./define-tool.js";
import * as f from "./fields.js";
import { appExists, identity, pick } from "./step-knowledge.js";
import * as ids from "./id-fields.js";
import { listView, sortBy } from "./view.js";

export const ipsList = defineTool({
  name: "ips_list",
  command: { verb: "list", noun: "ips" },
  description:
    "List the IP addresses assigned to an app: address, v4 or v6, shared or dedicated, region, service.",
  access: "read",
  input: z.object({ app: f.app }).strict(),
  async run(ctx, input): Promise<IPAssignment[]> {
    return sortBy(await ctx.fly.rest.listIpAssignments(input.app, ctx.signal), (ip) => ip.ip, "asc");
  },
  view: (ips) => listView(ips.map(ipRow), { noun: "IP addresses" }),
});

export const ipsAllocate = defineTool({
  name: "ips_allocate",
  description:
    'Allocate an IP address to an app. type: "v6" (free), "shared_v4" (free, shared), "v4" (dedicated, billed), "private_v6" (Flycast, private network only).',
  access: "write",
  input: z
    .object({
      app: f.app,
      type: z.enum(["v6", "shared_v4", "v4", "private_v6"]).describe("Kind of address"),
      region: f.region.optional().describe("Only announce the address in this region (dedicated v4 only)"),
      service_name: ids.serviceName.optional().describe("Service to route to, when the app has several"),
    })
    .strict(),
  run: (ctx, { app, ...body }) => ctx.fly.rest.assignIp(app, body, ctx.signal),
  view: (ip) => ipRow(ip),
  step: {
    describe: (i) => `allocate a ${i.type} address to ${i.app}${i.region ? ` in ${i.region}` : ""}`,
    effect: (input, ip) => ({ ...identity(input), ...pick(ip, { ip: "ip", region: "region" }) }),
    // An address has no name: any address that appeared since the step started could be someone else's.
    reconcile: {
      kind: "create",
      effectKey: "ip",
      existing: async (ctx, input) =>
        (await ctx.fly.rest.listIpAssignments(input.app, ctx.signal)).map((a) => ({ id: a.ip })),
      name: () => undefined,
    },
    preconditions: (input) => [appExists(input.app)],
  },
});

export const ipsRelease = defineTool({
  name: "ips_release",
  description:
    "Release an IP address from an app. Traffic to that address stops; a released dedicated address cannot be got back.",
  access: "destructive",
  input: z
    .object({ app: f.app, ip: ids.ipAddress.describe('The address to release, e.g. "2a09:8280:1::1"') })
    .strict(),
  async run(ctx, input) {
    // Read first: see machines_destroy. Fly has no read of one assignment, so the list is read.
    const assigned = await ctx.fly.rest.listIpAssignments(input.app, ctx.signal);
    if (!assigned.some((a) => sameIp(a.ip, input.ip))) {
      throw new FlyopsError(
        `not found: ${input.ip} is not assigned to app ${input.app}; nothing was released`,
        {
          hint: "list the app's addresses with `flyops fly list ips --app APP`",
        },
      );
    }
    await ctx.fly.rest.releaseIp(input.app, input.ip, { goneOnRetry: true }, ctx.signal);
    return { app: input.app, ip: input.ip, released: true };
  },
  view: (r) => r,
  step: {
    describe: (i) => `release address ${i.ip} of ${i.app}`,
    effect: (input) => identity(input),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const assigned = await ctx.fly.rest.listIpAssignments(input.app, ctx.signal);
        return assigned.some((a) => sameIp(a.ip, input.ip))
          ? { outcome: "rerun", note: "the address is still assigned; releasing it now" }
          : { outcome: "done", note: "the address is already released" };
      },
    },
    preconditions: (input) => [appExists(input.app)],
  },
});

export const ipTools = [ipsList, ipsAllocate, ipsRelease] as const;

/** The same address however it is written ("2a09:8280:0001::1" is "2a09:8280:1::1"). */
function sameIp(a: string, b: string): boolean {
  return canonicalIp(a) === canonicalIp(b);
}

function canonicalIp(ip: string): string {
  if (!ip.includes(":")) return ip.trim();
  try {
    return new URL(`http://[${ip.trim()}]/`).hostname;
  } catch {
    return ip.trim().toLowerCase();
  }
}

function ipRow(ip: IPAssignment): Record<string, string | boolean | null> {
  return {
    ip: ip.ip,
    version: ip.ip.includes(":") ? "v6" : "v4",
    shared: ip.shared ?? null,
    region: ip.region ?? null,
    service: ip.service_name ?? null,
    created_at: ip.created_at ?? null,
  };
}
