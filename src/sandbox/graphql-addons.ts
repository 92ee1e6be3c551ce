import { GraphQLError } from "graphql";
import { platformRoot } from "./graphql-app-fields.js";
import { connection, type PageArgs } from "./graphql-connection.js";
import { addOnMutations } from "./graphql-addon-mutations.js";
import type { Resolvers } from "./graphql.js";
import type { SandboxStore } from "./store.js";
import type { AddOnRecord, AddOnTypeName, TokenRecord, WireGuardPeerRecord } from "./types-addons.js";
import type { OrgRecord } from "./types.js";

/**
 * Resolvers for what graphql-schema-addons.ts adds: an organization's add-ons, tokens and
 * WireGuard peers, an app's certificates, IPs, machines and secrets, the platform's regions,
 * and the mutations flyops's write tools send.
 */

export function addOnNode(store: SandboxStore, addOn: AddOnRecord, resolvers: Resolvers) {
  const org = store.org(addOn.org);
  return {
    __typename: "AddOn",
    id: addOn.id,
    name: addOn.name,
    status: addOn.status,
    primaryRegion: addOn.primaryRegion,
    readRegions: addOn.readRegions,
    createdAt: addOn.createdAt,
    updatedAt: addOn.createdAt,
    errorMessage: null,
    privateIp: null,
    publicUrl: addOn.publicUrl,
    ssoLink: null,
    // Fly returns the add-on's connection variables here; the sandbox carries none.
    environment: null,
    options: {},
    metadata: {},
    addOnProvider: { id: `provider-${addOn.type}`, name: addOn.type },
    addOnPlan: { id: `plan-${addOn.plan}`, displayName: addOn.plan, description: `${addOn.plan} plan` },
    organization: () => (org ? resolvers.orgNode(org) : null),
  };
}

function tokenNode(store: SandboxStore, token: TokenRecord, resolvers: Resolvers) {
  const user = store.user(token.userId);
  const org = store.org(token.org);
  return {
    id: token.id,
    name: token.name,
    profile: token.profile,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt ?? null,
    user: user ? { id: user.id, email: user.email, name: user.name } : null,
    organization: () => (org ? resolvers.orgNode(org) : null),
  };
}

function peerNode(peer: WireGuardPeerRecord) {
  return { id: peer.id, name: peer.name, region: peer.region, peerip: peer.peerip, pubkey: peer.pubkey };
}

export function orgExtras(store: SandboxStore, org: OrgRecord, resolvers: Resolvers) {
  const { addons } = store;
  return {
    addOnSsoLink: null,
    addOns: (args: PageArgs & { type?: AddOnTypeName | null }) =>
      connection(
        addons.addOns.filter((a) => a.org === org.slug && (!args.type || a.type === args.type)),
        args,
        (a) => addOnNode(store, a, resolvers),
      ),
    billable: org.type === "SHARED",
    billingStatus: "CURRENT",
    limitedAccessTokens: (args: PageArgs) =>
      connection(
        addons.tokens.filter((t) => t.org === org.slug),
        args,
        (t) => tokenNode(store, t, resolvers),
      ),
    provisionsBetaExtensions: false,
    remoteBuilderApp: null,
    remoteBuilderImage: "flyio/rchab:sandbox",
    wireGuardPeers: (args: PageArgs) =>
      connection(
        addons.wireGuardPeers.filter((p) => p.org === org.slug),
        args,
        peerNode,
      ),
  };
}

/** An organization by its GraphQL node id, as mutations name it. */
export function orgById(store: SandboxStore, id: string): OrgRecord {
  const org = store.orgs().find((o) => o.id === id);
  if (!org) throw new GraphQLError(`Could not find Organization with id "${id}"`);
  return org;
}

export function addonRoot(store: SandboxStore, resolvers: Resolvers) {
  return { ...platformRoot(store, resolvers), ...addOnMutations(store, resolvers) };
}
