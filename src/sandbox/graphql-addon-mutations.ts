import { GraphQLError } from "graphql";
import { addOnNode, orgById } from "./graphql-addons.js";
import { userNode, type Resolvers } from "./graphql.js";
import { hexDigestOf, nodeIdFor } from "./ids.js";
import { REGIONS } from "./regions.js";
import type { SandboxStore } from "./store.js";
import { ADD_ON_TYPES, type AddOnTypeName } from "./types-addons.js";

/**
 * The mutations flyops's write tools send, and fly-go/flyctl send for the same changes. Inputs
 * follow Fly's input types (spec/fly/fly-schema.graphql); where Fly's answer to a refusal is not
 * published, the sandbox refuses with a plain GraphQL error rather than guess.
 */

interface Input<T> {
  input: T;
}

// DNS-label names, as Fly requires of add-on names (the same shape as app names).
const ADD_ON_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function addOnMutations(store: SandboxStore, resolvers: Resolvers) {
  const { addons } = store;
  return {
    createAddOn: ({
      input,
    }: Input<{
      organizationId?: string | null;
      name?: string | null;
      type: string;
      primaryRegion?: string | null;
    }>) => {
      const org = orgById(store, input.organizationId ?? "");
      const type = ADD_ON_TYPES.find((t) => t === input.type) as AddOnTypeName;
      const name = input.name ?? "";
      if (!ADD_ON_NAME.test(name)) throw new GraphQLError(`name "${name}" is not a valid add-on name`);
      if (addons.addOns.some((a) => a.name === name))
        throw new GraphQLError(`Name "${name}" has already been taken`);
      const region = input.primaryRegion ?? "";
      if (!REGIONS.some((r) => r.code === region))
        throw new GraphQLError(`region "${region}" is not a Fly region`);
      const label = store.nextLabel(`addon:${name}`);
      const record = {
        id: nodeIdFor(label),
        name,
        type,
        org: org.slug,
        plan: type === "tigris" ? "Standard" : "Pay-as-you-go",
        primaryRegion: region,
        readRegions: [],
        status: "ready",
        createdAt: store.now(),
        publicUrl:
          type === "tigris"
            ? "https://fly.storage.tigris.dev"
            : `redis://default:${hexDigestOf(label, 32)}@fly-${name}.upstash.io:6379`,
      };
      addons.addOns.push(record);
      store.changed();
      return { addOn: addOnNode(store, record, resolvers) };
    },
    deleteAddOn: ({
      input,
    }: Input<{ name?: string | null; provider?: string | null; addOnId?: string | null }>) => {
      const found = addons.addOns.find(
        (a) =>
          (input.addOnId ? a.id === input.addOnId : a.name === input.name) &&
          (!input.provider || a.type === input.provider),
      );
      if (!found) throw new GraphQLError(`Could not find AddOn "${input.name ?? input.addOnId ?? ""}"`);
      addons.addOns = addons.addOns.filter((a) => a !== found);
      store.changed();
      return { deletedAddOnName: found.name };
    },
    deleteLimitedAccessToken: ({
      input,
    }: Input<{ id?: string | null; token?: string | null; revokedBy?: string | null }>) => {
      const found = addons.tokens.find((t) => (input.id ? t.id === input.id : t.value === input.token));
      if (!found) throw new GraphQLError("Could not find LimitedAccessToken");
      found.revokedAt ??= store.now();
      store.changed();
      // The payload's token field is never filled: the sandbox hands a value to no one.
      return { token: null, revokedBy: input.revokedBy ?? store.viewer().email };
    },
    removeWireGuardPeer: ({ input }: Input<{ organizationId: string; name: string }>) => {
      const org = orgById(store, input.organizationId);
      const found = addons.wireGuardPeers.find((p) => p.org === org.slug && p.name === input.name);
      if (!found) throw new GraphQLError(`Could not find WireGuard peer "${input.name}"`);
      addons.wireGuardPeers = addons.wireGuardPeers.filter((p) => p !== found);
      store.changed();
      return { organization: resolvers.orgNode(org) };
    },
    createOrganizationInvitation: ({ input }: Input<{ organizationId: string; email: string }>) => {
      const org = orgById(store, input.organizationId);
      const email = input.email.trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@]+$/.test(email))
        throw new GraphQLError(`"${input.email}" is not an email address`);
      if (org.members.some((m) => store.user(m.userId)?.email === email))
        throw new GraphQLError(`${email} is already a member of ${org.slug}`);
      const invitation = {
        id: nodeIdFor(store.nextLabel(`invitation:${email}`)),
        org: org.slug,
        email,
        createdAt: store.now(),
        redeemed: false,
      };
      addons.invitations.push(invitation);
      store.changed();
      return { invitation: { ...invitation, organization: resolvers.orgNode(org) } };
    },
    deleteOrganizationMembership: ({ input }: Input<{ organizationId: string; userId: string }>) => {
      const org = orgById(store, input.organizationId);
      const user = store.user(input.userId);
      const membership = org.members.find((m) => m.userId === input.userId);
      if (!user || !membership) throw new GraphQLError(`user is not a member of ${org.slug}`);
      const admins = org.members.filter((m) => m.role === "ADMIN");
      if (membership.role === "ADMIN" && admins.length === 1)
        throw new GraphQLError(`the last admin of ${org.slug} cannot be removed`);
      org.members = org.members.filter((m) => m !== membership);
      store.changed();
      return { organization: resolvers.orgNode(org), user: userNode(user) };
    },
  };
}
