/**
 * What the sandbox's GraphQL answers beyond graphql-schema.ts: the fields, types and mutations
 * that fly-go's and flyctl's common documents (test/fixtures/fly-client-documents.ts) and
 * flyops's own add-on documents use. Each definition is cut from Fly's schema
 * (spec/fly/fly-schema.graphql) keeping only the fields used, spelled and typed as there; the
 * subset contract test checks it. Resolvers: graphql-addons.ts.
 */
export const SANDBOX_GRAPHQL_ADDONS_SDL = /* GraphQL */ `
  extend schema {
    mutation: Mutations
  }

  type AddOn implements Node {
    addOnPlan: AddOnPlan
    addOnProvider: AddOnProvider
    createdAt: ISO8601DateTime!
    environment: JSON
    errorMessage: String
    id: ID!
    metadata: JSON
    name: String
    options: JSON
    primaryRegion: String
    privateIp: String
    publicUrl: String
    readRegions: [String!]
    ssoLink: String
    status: String
  }

  type AddOnConnection {
    nodes: [AddOn]
    pageInfo: PageInfo!
  }

  type AddOnPlan implements Node {
    description: String
    displayName: String
    id: ID!
  }

  type AddOnProvider {
    name: String
  }

  enum AddOnType {
    arcjet
    enveloop
    fly_mysql
    kubernetes
    redis
    sentry
    supabase
    tigris
    upstash_kafka
    upstash_redis
    upstash_vector
    wafris
  }

  extend type App {
    appUrl: String
    certificates(
      after: String
      before: String
      filter: String
      first: Int
      id: String
      last: Int
    ): AppCertificateConnection!
    cnameTarget: String
    config: AppConfig!
    currentRelease: Release
    imageDetails: ImageVersion
    ipAddresses(after: String, before: String, first: Int, last: Int): IPAddressConnection!
    machines(
      active: Boolean
      after: String
      before: String
      first: Int
      last: Int
      version: Int
    ): MachineConnection!
    platformVersion: PlatformVersionEnum
    role: AppRole
    secrets: [Secret!]!
    services: [Service!]!
    sharedIpAddress: String
    version: Int!
  }

  type AppCertificate implements Node {
    clientStatus: String!
    createdAt: ISO8601DateTime
    hostname: String!
    id: ID!
  }

  type AppCertificateConnection {
    nodes: [AppCertificate]
  }

  type AppConfig {
    definition: JSON!
  }

  interface AppRole {
    name: String!
  }

  enum BillingStatus {
    CURRENT
    DELINQUENT
    PAST_DUE
    SOURCE_REQUIRED
    SUSPENDED
    TRIAL_ACTIVE
    TRIAL_ENDED
  }

  input CreateAddOnInput {
    appId: ID
    clientMutationId: String
    name: String
    options: JSON
    organizationId: ID
    organizationPlanId: String
    planId: ID
    primaryRegion: String
    readRegions: [String!]
    type: AddOnType!
  }

  type CreateAddOnPayload {
    addOn: AddOn!
  }

  input CreateOrganizationInvitationInput {
    clientMutationId: String
    email: String!
    organizationId: ID!
  }

  type CreateOrganizationInvitationPayload {
    invitation: OrganizationInvitation!
  }

  input DeleteAddOnInput {
    addOnId: ID
    clientMutationId: String
    name: String
    provider: String
  }

  type DeleteAddOnPayload {
    deletedAddOnName: String
  }

  input DeleteLimitedAccessTokenInput {
    clientMutationId: String
    id: ID
    revokedBy: String
    token: String
  }

  type DeleteLimitedAccessTokenPayload {
    revokedBy: String
    token: String
  }

  input DeleteOrganizationMembershipInput {
    clientMutationId: String
    organizationId: ID!
    userId: ID!
  }

  type DeleteOrganizationMembershipPayload {
    organization: Organization!
    user: User!
  }

  type FlyPlatform {
    regions: [Region!]!
    requestRegion: String
  }

  type Host implements Node {
    id: ID!
  }

  type IPAddress implements Node {
    address: String!
    createdAt: ISO8601DateTime!
    id: ID!
    network: Network
    region: String
    serviceName: String
    type: IPAddressType!
  }

  type IPAddressConnection {
    nodes: [IPAddress]
  }

  enum IPAddressType {
    private_v6
    shared_v4
    v4
    v6
  }

  type ImageVersion {
    digest: String!
    registry: String!
    repository: String!
    tag: String!
    version: String
  }

  scalar JSON

  type LimitedAccessToken implements Node {
    createdAt: ISO8601DateTime!
    expiresAt: ISO8601DateTime!
    id: ID!
    name: String!
    profile: String!
    revokedAt: ISO8601DateTime
    user: User!
  }

  type LimitedAccessTokenConnection {
    nodes: [LimitedAccessToken]
    pageInfo: PageInfo!
  }

  type Macaroon implements Principal {
    avatarUrl: String!
    email: String!
    id: ID
    name: String
    username: String
  }

  type Machine implements Node {
    app: App!
    config: JSON!
    createdAt: ISO8601DateTime!
    host: Host!
    id: ID!
    ips(after: String, before: String, first: Int, last: Int): MachineIPConnection!
    name: String!
    region: String!
    state: String!
  }

  type MachineConnection {
    nodes: [Machine]
  }

  type MachineIP implements Node {
    family: String!
    id: ID!
    ip: String!
    kind: String!
    maskSize: Int!
  }

  type MachineIPConnection {
    nodes: [MachineIP]
  }

  type Mutations {
    createAddOn(input: CreateAddOnInput!): CreateAddOnPayload
    createOrganizationInvitation(
      input: CreateOrganizationInvitationInput!
    ): CreateOrganizationInvitationPayload
    deleteAddOn(input: DeleteAddOnInput!): DeleteAddOnPayload
    deleteLimitedAccessToken(input: DeleteLimitedAccessTokenInput!): DeleteLimitedAccessTokenPayload
    deleteOrganizationMembership(
      input: DeleteOrganizationMembershipInput!
    ): DeleteOrganizationMembershipPayload
    removeWireGuardPeer(input: RemoveWireGuardPeerInput!): RemoveWireGuardPeerPayload
  }

  type Network implements Node {
    id: ID!
    name: String!
    organization: Organization!
  }

  extend type Organization {
    addOnSsoLink: String
    addOns(after: String, before: String, first: Int, last: Int, type: AddOnType): AddOnConnection!
    billable: Boolean!
    billingStatus: BillingStatus!
    limitedAccessTokens(after: String, before: String, first: Int, last: Int): LimitedAccessTokenConnection!
    provisionsBetaExtensions: Boolean!
    remoteBuilderApp: App
    remoteBuilderImage: String!
    wireGuardPeers(after: String, before: String, first: Int, last: Int): WireGuardPeerConnection!
  }

  type OrganizationInvitation implements Node {
    createdAt: ISO8601DateTime!
    email: String!
    id: ID!
    organization: Organization!
    redeemed: Boolean!
  }

  enum PlatformVersionEnum {
    detached
    machines
    nomad
  }

  extend type Queries {
    appNameAvailable(name: String!): Boolean!
    apps(
      active: Boolean
      after: String
      before: String
      first: Int
      ids: [String!]
      last: Int
      organizationId: ID
      platform: String
      role: String
      type: String
    ): AppConnection!
    nearestRegion(wireguardGateway: Boolean): Region!
    platform: FlyPlatform!
  }

  type Region {
    code: String!
    deprecated: Boolean!
    gatewayAvailable: Boolean!
    latitude: Float
    longitude: Float
    name: String!
    requiresPaidPlan: Boolean!
  }

  type Release implements Node {
    createdAt: ISO8601DateTime!
    description: String!
    evaluationId: String
    id: ID!
    imageRef: String
    inProgress: Boolean!
    reason: String!
    stable: Boolean!
    status: String!
    updatedAt: ISO8601DateTime!
    user: User
    version: Int!
  }

  input RemoveWireGuardPeerInput {
    clientMutationId: String
    name: String!
    nats: Boolean
    organizationId: ID!
  }

  type RemoveWireGuardPeerPayload {
    organization: Organization!
  }

  type Secret implements Node {
    createdAt: ISO8601DateTime!
    digest: String!
    id: ID!
    name: String!
  }

  type Service {
    description: String!
    internalPort: Int!
    ports: [ServicePort!]!
    protocol: ServiceProtocolType!
  }

  enum ServiceHandlerType {
    EDGE_HTTP
    HTTP
    PG_TLS
    PROXY_PROTO
    TLS
  }

  type ServicePort {
    handlers: [ServiceHandlerType!]!
    port: Int
  }

  enum ServiceProtocolType {
    TCP
    UDP
  }

  extend type User {
    enablePaidHobby: Boolean!
  }

  type WireGuardPeer implements Node {
    id: ID!
    name: String!
    peerip: String!
    pubkey: String!
    region: String!
  }

  type WireGuardPeerConnection {
    nodes: [WireGuardPeer]
    pageInfo: PageInfo!
  }

  type PostgresClusterAppRole implements AppRole {
    name: String!
  }
`;
