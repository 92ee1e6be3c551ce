import { FlyopsError } from "../src/errors.js";
import {
  OrganizationDetailsDocument,
  type OrganizationDetailsData,
} from "../src/fly/graphql-documents-addons.js";
import type { ToolContext } from "./define-tool.js";

export type OrganizationDetails = NonNullable<OrganizationDetailsData["organization"]>;
export type Member = NonNullable<NonNullable<OrganizationDetails["members"]["edges"]>[number]>;

/** The organization with every member (all pages), or a not-found error naming the slug. */
export async function organizationDetails(
  ctx: ToolContext,
  slug: string,
): Promise<{ org: OrganizationDetails; members: Member[] }> {
  let org: OrganizationDetails | undefined;
  const members = await ctx.fly.graphql.paginate(
    OrganizationDetailsDocument,
    { slug },
    (data) => {
      if (!data.organization) return null;
      org = data.organization;
      return { nodes: data.organization.members.edges, pageInfo: data.organization.members.pageInfo };
    },
    { signal: ctx.signal },
  );
  if (!org) throw orgNotFound(slug);
  return { org, members };
}

export function orgNotFound(slug: string): FlyopsError {
  return new FlyopsError(`organization ${slug} not found`, {
    hint: "`flyops fly list orgs` lists the organizations the token can see",
  });
}
