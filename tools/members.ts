import { z } from "zod";
import { FlyopsError } from "../src/errors.js";
import { InviteMemberDocument, RemoveMemberDocument } from "../src/fly/graphql-documents-addons.js";
import { defineTool } from "./define-tool.js";
import * as f from "./fields.js";
import { forEachOrg, orgsInScope } from "./org-scope.js";
import { organizationDetails } from "./org-graphql.js";
import { verdict, type PreconditionRead, outsideSnapshot } from "./step-knowledge.js";
import { listView } from "./view.js";

const NOT_REHEARSABLE = outsideSnapshot("the organization's members");

/**
 * Organization details and members over GraphQL (fly-go resource_organizations.go:
 * GetDetailedOrganizationBySlug, CreateOrganizationInvite, DeleteOrganizationMembership).
 */

const email = z
  .string()
  .max(254)
  .regex(
    /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}$/,
    'expected an email address, e.g. "kim@example.com"',
  )
  .describe('Email address, e.g. "kim@example.com"');

export interface MemberRow {
  org: string;
  org_name: string;
  org_type: string;
  billing_status: string;
  name: string | null;
  email: string;
  role: string;
  joined_at: string;
}

export const membersList = defineTool({
  name: "members_list",
  command: { verb: "list", noun: "members" },
  description:
    "List the members of an organization (or of every org the token sees): name, email, role (admin or member) and when they joined, with the org's name, type and billing status. Filter by email.",
  access: "read",
  input: z.object({ org: f.org.optional(), email: email.optional() }).strict(),
  async run(ctx, input): Promise<MemberRow[]> {
    const orgs = await orgsInScope(ctx, input.org);
    const rows = await forEachOrg(orgs, async (slug) => {
      const { org, members } = await organizationDetails(ctx, slug);
      return members.flatMap((m) =>
        m.node
          ? [
              {
                org: org.slug,
                org_name: org.name,
                org_type: org.type,
                billing_status: org.billingStatus,
                name: m.node.name,
                email: m.node.email,
                role: m.role.toLowerCase(),
                joined_at: m.joinedAt,
              },
            ]
          : [],
      );
    });
    const wanted = input.email?.toLowerCase();
    return rows.filter((r) => !wanted || r.email.toLowerCase() === wanted);
  },
  view: (rows) =>
    listView(
      rows.map((r) => ({ org: r.org, name: r.name, email: r.email, role: r.role, joined_at: r.joined_at })),
      {
        noun: "members",
        notes: [
          ...new Set(
            rows.map(
              (r) =>
                `${r.org}: "${r.org_name}", ${r.org_type.toLowerCase()}, billing ${r.billing_status.toLowerCase()}`,
            ),
          ),
        ],
      },
    ),
});

function isMember(org: string, address: string, exists = true): PreconditionRead {
  return { tool: "members_list", input: { org, email: address }, expect: { exists } };
}

/** The organization is one the token sees (it lists members). */
export function orgVisible(org: string): PreconditionRead {
  return { tool: "members_list", input: { org }, expect: { exists: true } };
}

export const memberInvite = defineTool({
  name: "member_invite",
  description: "Invite a person by email to an organization; they become a member when they accept.",
  access: "write",
  input: z.object({ org: f.org, email }).strict(),
  async run(ctx, input) {
    // Fly refuses to invite a member; the sandbox says so as it does (graphql-addon-mutations.ts).
    const { org } = await organizationDetails(ctx, input.org);
    const data = await ctx.fly.graphql.request(
      InviteMemberDocument,
      { organizationId: org.id, email: input.email },
      { signal: ctx.signal },
    );
    const invitation = data.createOrganizationInvitation?.invitation;
    return { org: input.org, email: invitation?.email ?? input.email, invitation_id: invitation?.id ?? null };
  },
  view: (result) => result,
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) => `invite ${i.email} to organization ${i.org}`,
    effect: (input, result) => ({
      org: input.org,
      email: input.email,
      ...(result.invitation_id ? { invitation_id: result.invitation_id } : {}),
    }),
    // Fly's schema lists no pending invitations to read back, so a person decides.
    reconcile: {
      kind: "ask",
      why: "pending invitations cannot be read back to tell whether this one was sent",
    },
    preconditions: (input) => [isMember(input.org, input.email, false)],
  },
});

export const memberRemove = defineTool({
  name: "member_remove",
  description: "Remove a member from an organization by email: they lose access to its apps at once.",
  access: "destructive",
  input: z.object({ org: f.org, email }).strict(),
  async run(ctx, input) {
    const { org, members } = await organizationDetails(ctx, input.org);
    const member = members.find((m) => m.node?.email.toLowerCase() === input.email.toLowerCase());
    if (!member?.node) throw new FlyopsError(`${input.email} is not a member of ${input.org}`);
    await ctx.fly.graphql.request(
      RemoveMemberDocument,
      { organizationId: org.id, userId: member.node.id },
      { signal: ctx.signal },
    );
    return { org: input.org, email: input.email, removed: true };
  },
  view: (result) => result,
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) => `REMOVE ${i.email} from organization ${i.org}`,
    effect: (input) => ({ org: input.org, email: input.email }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const { members } = await organizationDetails(ctx, input.org);
        const still = members.some((m) => m.node?.email.toLowerCase() === input.email.toLowerCase());
        return verdict(!still, "they are no longer a member", "they are still a member; removing now");
      },
    },
    preconditions: (input) => [isMember(input.org, input.email)],
  },
});

export const memberTools = [membersList, memberInvite, memberRemove] as const;
