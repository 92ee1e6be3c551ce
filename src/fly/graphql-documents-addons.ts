import {
  defineDocument,
  type OrganizationMemberRole,
  type OrganizationSummary,
  type PageInfo,
  type PageVariables,
} from "./graphql-documents.js";

/**
 * GraphQL operations for the organization's people, add-ons, tokens and WireGuard peers, and
 * for finding Postgres apps. Field choices follow what fly-go and flyctl ask (cited per
 * document); fields that carry a credential (`token`, `tokenHeader`, `password`, `publicUrl`,
 * `environment`) are never asked for. test/contract/graphql-documents.test.ts validates each.
 */

export interface OrganizationDetailsData {
  organization:
    | (OrganizationSummary & {
        paidPlan: boolean;
        billable: boolean;
        billingStatus: string;
        viewerRole: string;
        members: {
          edges:
            | ({
                role: OrganizationMemberRole;
                joinedAt: string;
                node: { id: string; name: string | null; email: string } | null;
              } | null)[]
            | null;
          pageInfo: PageInfo;
        };
      })
    | null;
}

export interface SlugPageVariables extends PageVariables {
  slug: string;
}

// fly-go resource_organizations.go GetDetailedOrganizationBySlug: members with role and joinedAt.
export const OrganizationDetailsDocument = defineDocument<OrganizationDetailsData, SlugPageVariables>(`
query OrganizationDetails($slug: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    id
    slug
    name
    type
    paidPlan
    billable
    billingStatus
    viewerRole
    members(first: $first, after: $after) {
      edges {
        role
        joinedAt
        node {
          id
          name
          email
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}`);

export interface AddOnNode {
  id: string;
  name: string | null;
  status: string | null;
  primaryRegion: string | null;
  readRegions: string[] | null;
  createdAt: string;
  errorMessage: string | null;
  addOnProvider: { name: string | null } | null;
  addOnPlan: { displayName: string | null } | null;
}

export interface OrganizationAddOnsData {
  organization: { addOns: { nodes: (AddOnNode | null)[] | null; pageInfo: PageInfo } } | null;
}

export interface OrganizationAddOnsVariables extends SlugPageVariables {
  type?: string | null;
}

// flyctl gql/genqclient.graphql ListOrganizationAddOns: organization(slug).addOns(type: AddOnType).
export const OrganizationAddOnsDocument = defineDocument<
  OrganizationAddOnsData,
  OrganizationAddOnsVariables
>(`
query OrganizationAddOns($slug: String!, $type: AddOnType, $first: Int, $after: String) {
  organization(slug: $slug) {
    addOns(type: $type, first: $first, after: $after) {
      nodes {
        id
        name
        status
        primaryRegion
        readRegions
        createdAt
        errorMessage
        addOnProvider {
          name
        }
        addOnPlan {
          displayName
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}`);

export interface TokenNode {
  id: string;
  name: string;
  profile: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  user: { email: string };
}

export interface OrganizationTokensData {
  organization: { limitedAccessTokens: { nodes: (TokenNode | null)[] | null; pageInfo: PageInfo } } | null;
}

// fly-go resource_tokens.go GetOrgLimitedAccessTokens, with the profile; never `token` or `tokenHeader`.
export const OrganizationTokensDocument = defineDocument<OrganizationTokensData, SlugPageVariables>(`
query OrganizationTokens($slug: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    limitedAccessTokens(first: $first, after: $after) {
      nodes {
        id
        name
        profile
        createdAt
        expiresAt
        revokedAt
        user {
          email
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}`);

export interface WireGuardPeerNode {
  id: string;
  name: string;
  region: string;
  peerip: string;
}

export interface OrganizationWireGuardPeersData {
  organization: { wireGuardPeers: { nodes: (WireGuardPeerNode | null)[] | null; pageInfo: PageInfo } } | null;
}

// fly-go resource_wireguard.go GetWireGuardPeers.
export const OrganizationWireGuardPeersDocument = defineDocument<
  OrganizationWireGuardPeersData,
  SlugPageVariables
>(`
query OrganizationWireGuardPeers($slug: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    wireGuardPeers(first: $first, after: $after) {
      nodes {
        id
        name
        region
        peerip
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}`);

export interface RoleAppNode {
  id: string;
  name: string;
  status: string;
  deployed: boolean;
  organization: { slug: string };
}

export interface AppsByRoleData {
  apps: { nodes: (RoleAppNode | null)[] | null; pageInfo: PageInfo };
}

export interface AppsByRoleVariables extends PageVariables {
  role: string;
}

// fly-go resource_apps.go getAppsPage, as flyctl `postgres list` calls it with role "postgres_cluster".
export const AppsByRoleDocument = defineDocument<AppsByRoleData, AppsByRoleVariables>(`
query AppsByRole($role: String!, $first: Int, $after: String) {
  apps(role: $role, first: $first, after: $after) {
    nodes {
      id
      name
      status
      deployed
      organization {
        slug
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}`);

// fly-go resource_tokens.go RevokeLimitedAccessToken; the payload's `token` is not asked for.
export const RevokeTokenDocument = defineDocument<
  { deleteLimitedAccessToken: { revokedBy: string | null } | null },
  { id: string }
>(`
mutation RevokeToken($id: ID!) {
  deleteLimitedAccessToken(input: { id: $id }) {
    revokedBy
  }
}`);

// fly-go resource_wireguard.go RemoveWireGuardPeer.
export const RemoveWireGuardPeerDocument = defineDocument<
  { removeWireGuardPeer: { organization: { slug: string } } | null },
  { organizationId: string; name: string }
>(`
mutation RemoveWireGuardPeer($organizationId: ID!, $name: String!) {
  removeWireGuardPeer(input: { organizationId: $organizationId, name: $name }) {
    organization {
      slug
    }
  }
}`);

// fly-go resource_organizations.go CreateOrganizationInvite.
export const InviteMemberDocument = defineDocument<
  {
    createOrganizationInvitation: {
      invitation: { id: string; email: string; createdAt: string; redeemed: boolean };
    } | null;
  },
  { organizationId: string; email: string }
>(`
mutation InviteMember($organizationId: ID!, $email: String!) {
  createOrganizationInvitation(input: { organizationId: $organizationId, email: $email }) {
    invitation {
      id
      email
      createdAt
      redeemed
    }
  }
}`);

// fly-go resource_organizations.go DeleteOrganizationMembership.
export const RemoveMemberDocument = defineDocument<
  { deleteOrganizationMembership: { user: { id: string; email: string } } | null },
  { organizationId: string; userId: string }
>(`
mutation RemoveMember($organizationId: ID!, $userId: ID!) {
  deleteOrganizationMembership(input: { organizationId: $organizationId, userId: $userId }) {
    user {
      id
      email
    }
  }
}`);

// flyctl gql/genqclient.graphql CreateAddOn, without the fields that carry credentials.
export const CreateAddOnDocument = defineDocument<
  {
    createAddOn: {
      addOn: { id: string; name: string | null; status: string | null; primaryRegion: string | null };
    } | null;
  },
  { organizationId: string; name: string; type: string; primaryRegion: string }
>(`
mutation CreateAddOn($organizationId: ID!, $name: String!, $type: AddOnType!, $primaryRegion: String!) {
  createAddOn(input: { organizationId: $organizationId, name: $name, type: $type, primaryRegion: $primaryRegion }) {
    addOn {
      id
      name
      status
      primaryRegion
    }
  }
}`);

// flyctl gql/genqclient.graphql DeleteAddOn.
export const DeleteAddOnDocument = defineDocument<
  { deleteAddOn: { deletedAddOnName: string | null } | null },
  { name: string }
>(`
mutation DeleteAddOn($name: String!) {
  deleteAddOn(input: { name: $name }) {
    deletedAddOnName
  }
}`);

export const addonDocuments = [
  OrganizationDetailsDocument,
  OrganizationAddOnsDocument,
  OrganizationTokensDocument,
  OrganizationWireGuardPeersDocument,
  AppsByRoleDocument,
  RevokeTokenDocument,
  RemoveWireGuardPeerDocument,
  InviteMemberDocument,
  RemoveMemberDocument,
  CreateAddOnDocument,
  DeleteAddOnDocument,
] as const;
