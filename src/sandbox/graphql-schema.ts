/**
 * The part of Fly's GraphQL schema the sandbox answers: the viewer, organizations with their
 * members and apps. Every type, field and argument here is spelled and typed as in Fly's
 * schema (test/contract/sandbox-graphql-schema.test.ts checks it), so a document valid here
 * is valid against Fly.
 */
import { RELEASES_SDL } from "./graphql-releases.js";

export const SANDBOX_GRAPHQL_SDL =
  /* GraphQL */ `
  schema {
    query: Queries
  }

  scalar ISO8601DateTime
  scalar BigInt

  interface Node {
    id: ID!
  }

  interface Principal {
    avatarUrl: String!
    email: String!
    id: ID @deprecated(reason: "Use User fragment on Viewer instead")
    name: String
    username: String @deprecated(reason: "Use User fragment on Viewer instead")
  }

  type User implements Node & Principal {
    avatarUrl: String!
    createdAt: ISO8601DateTime!
    email: String!
    id: ID!
    internalNumericId: Int!
    name: String
    username: String
  }

  enum OrganizationType {
    PERSONAL
    SHARED
  }

  enum OrganizationMemberRole {
    ADMIN
    MEMBER
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
  }

  type Organization implements Node {
    apps(after: String, before: String, first: Int, last: Int): AppConnection!
    id: ID!
    internalNumericId: BigInt!
    members(after: String, before: String, first: Int, last: Int): OrganizationMembershipsConnection!
    name: String!
    paidPlan: Boolean!
    rawSlug: String!
    slug: String!
    type: OrganizationType!
    viewerRole: String!
  }

  type OrganizationConnection {
    edges: [OrganizationEdge]
    nodes: [Organization]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type OrganizationEdge {
    cursor: String!
    node: Organization
  }

  type OrganizationMembershipsConnection {
    edges: [OrganizationMembershipsEdge]
    nodes: [User]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type OrganizationMembershipsEdge {
    cursor: String!
    joinedAt: ISO8601DateTime!
    node: User
    role: OrganizationMemberRole!
  }

  type App implements Node {
    createdAt: ISO8601DateTime!
    deployed: Boolean!
    hostname: String
    id: ID!
    internalNumericId: Int!
    name: String!
    network: String
    organization: Organization!
    status: String!
  }

  type AppConnection {
    edges: [AppEdge]
    nodes: [App]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type AppEdge {
    cursor: String!
    node: App
  }

  type Queries {
    app(internalId: String, name: String): App
    organization(id: ID, name: String, slug: String): Organization
    organizations(
      admin: Boolean
      after: String
      before: String
      first: Int
      last: Int
      type: OrganizationType
      withBillingIssuesOnly: Boolean
    ): OrganizationConnection!
    personalOrganization: Organization!
    viewer: Principal!
  }
` + RELEASES_SDL;
