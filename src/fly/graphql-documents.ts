/**
 * Every GraphQL operation flyops sends, each named and typed. The contract test
 * (test/contract/graphql-documents.test.ts) validates each one against Fly's schema, and the
 * sandbox answers these same documents.
 */
export type GraphQLVariables = Record<string, unknown>;

export interface GraphQLDocument<TData, TVars extends GraphQLVariables = Record<string, never>> {
  readonly operationName: string;
  readonly kind: "query" | "mutation";
  readonly source: string;
  /** Type-only markers tying the result and variables to the document; never set. */
  readonly __data?: TData;
  readonly __variables?: TVars;
}

export type DocumentData<D> = D extends GraphQLDocument<infer TData, GraphQLVariables> ? TData : never;
export type DocumentVariables<D> = D extends GraphQLDocument<unknown, infer TVars> ? TVars : never;

export function defineDocument<TData, TVars extends GraphQLVariables = Record<string, never>>(
  source: string,
): GraphQLDocument<TData, TVars> {
  const match = /^\s*(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(source);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new Error(`GraphQL document must start with a named query or mutation: ${source.slice(0, 40)}`);
  }
  return {
    operationName: match[2],
    kind: match[1] === "mutation" ? "mutation" : "query",
    source: source.trim(),
  };
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export type OrganizationType = "PERSONAL" | "SHARED";
export type OrganizationMemberRole = "ADMIN" | "MEMBER";

// `Principal.id` is deprecated ("Use User fragment on Viewer instead"): ask for it on User.
// A viewer that is an org token (Macaroon) has no user id.
export interface ViewerData {
  viewer: {
    __typename: "User" | "Macaroon";
    email: string;
    name: string | null;
    id?: string;
    username?: string | null;
  };
}

export const ViewerDocument = defineDocument<ViewerData>(`
query Viewer {
  viewer {
    __typename
    email
    name
    ... on User {
      id
      username
    }
  }
}`);

export interface OrganizationSummary {
  id: string;
  slug: string;
  name: string;
  type: OrganizationType;
}

export interface OrganizationsData {
  organizations: {
    nodes: (OrganizationSummary | null)[] | null;
    pageInfo: PageInfo;
  };
}

export interface PageVariables extends GraphQLVariables {
  first?: number | null;
  after?: string | null;
}

export const OrganizationsDocument = defineDocument<OrganizationsData, PageVariables>(`
query Organizations($first: Int, $after: String) {
  organizations(first: $first, after: $after) {
    nodes {
      id
      slug
      name
      type
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}`);

export interface OrganizationMember {
  role: OrganizationMemberRole;
  node: { id: string; name: string | null; email: string } | null;
}

export interface OrganizationMembersData {
  organization:
    | (OrganizationSummary & {
        members: { edges: (OrganizationMember | null)[] | null; pageInfo: PageInfo };
      })
    | null;
}

export interface OrganizationMembersVariables extends PageVariables {
  slug: string;
}

export const OrganizationMembersDocument = defineDocument<
  OrganizationMembersData,
  OrganizationMembersVariables
>(`
query OrganizationMembers($slug: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    id
    slug
    name
    type
    members(first: $first, after: $after) {
      edges {
        role
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

/** Every document, for the schema contract test and the sandbox. */
export const graphqlDocuments: readonly GraphQLDocument<unknown, GraphQLVariables>[] = [
  ViewerDocument,
  OrganizationsDocument,
  OrganizationMembersDocument,
];
