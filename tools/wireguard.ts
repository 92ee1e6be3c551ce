import { z } from "zod";
import { FlyopsError } from "../src/errors.js";
import {
  OrganizationWireGuardPeersDocument,
  RemoveWireGuardPeerDocument,
  type WireGuardPeerNode,
} from "../src/fly/graphql-documents-addons.js";
import { defineTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { forEachOrg, orgsInScope } from "./org-scope.js";
import { organizationDetails, orgNotFound } from "./org-graphql.js";
import { verdict, outsideSnapshot } from "./step-knowledge.js";
import { listView, sortBy } from "./view.js";

const NOT_REHEARSABLE = outsideSnapshot("the organization's WireGuard peers");

/**
 * An organization's WireGuard peers (fly-go resource_wireguard.go GetWireGuardPeers and
 * RemoveWireGuardPeer). Fly's schema gives a peer no creation time, so none is shown.
 */

const peerName = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62})$/, 'expected a WireGuard peer name, e.g. "lee-laptop"')
  .describe('WireGuard peer name, e.g. "lee-laptop"');

export interface PeerRow extends WireGuardPeerNode {
  org: string;
}

async function orgPeers(ctx: ToolContext, slug: string): Promise<WireGuardPeerNode[]> {
  let found = false;
  const peers = await ctx.fly.graphql.paginate(
    OrganizationWireGuardPeersDocument,
    { slug },
    (data) => {
      found = data.organization !== null;
      return data.organization?.wireGuardPeers;
    },
    { signal: ctx.signal },
  );
  if (!found) throw orgNotFound(slug);
  return peers;
}

export const wireguardList = defineTool({
  name: "wireguard_list",
  command: { verb: "list", noun: "wireguard" },
  description:
    "List the WireGuard peers of an organization (or every org): name, region of its gateway and private address. Fly does not report when a peer was created.",
  access: "read",
  input: z.object({ org: f.org.optional(), name: peerName.optional() }).strict(),
  async run(ctx, input): Promise<PeerRow[]> {
    const orgs = await orgsInScope(ctx, input.org);
    const rows = await forEachOrg(orgs, async (org) =>
      (await orgPeers(ctx, org)).map((p) => ({ ...p, org })),
    );
    return sortBy(
      rows.filter((p) => input.name === undefined || p.name === input.name),
      (p) => p.name,
      "asc",
    );
  },
  view: (rows) =>
    listView(
      rows.map((p) => ({ org: p.org, name: p.name, region: p.region, peer_ip: p.peerip })),
      { noun: "WireGuard peers", notes: ["Fly does not report when a peer was created"] },
    ),
});

export const wireguardRemove = defineTool({
  name: "wireguard_remove",
  description:
    "Remove a WireGuard peer from an organization: the device using it loses access to the private network.",
  access: "destructive",
  input: z.object({ org: f.org, name: peerName }).strict(),
  async run(ctx, input) {
    const { org } = await organizationDetails(ctx, input.org);
    if (!(await orgPeers(ctx, input.org)).some((p) => p.name === input.name))
      throw new FlyopsError(`${input.org} has no WireGuard peer named ${input.name}`);
    await ctx.fly.graphql.request(
      RemoveWireGuardPeerDocument,
      { organizationId: org.id, name: input.name },
      { signal: ctx.signal },
    );
    return { org: input.org, name: input.name, removed: true };
  },
  view: (result) => result,
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) => `REMOVE WireGuard peer ${i.name} of ${i.org}`,
    effect: (input) => ({ org: input.org, name: input.name }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const still = (await orgPeers(ctx, input.org)).some((p) => p.name === input.name);
        return verdict(!still, "the peer is gone", "the peer is still there; removing now");
      },
    },
    preconditions: (input) => [
      { tool: "wireguard_list", input: { org: input.org, name: input.name }, expect: { exists: true } },
    ],
  },
});

export const wireguardTools = [wireguardList, wireguardRemove] as const;
