/**
 * The sandbox's databases, add-ons and organization records: Managed Postgres clusters (served
 * over the api.fly.io REST API), add-ons, limited access tokens, WireGuard peers and invitations
 * (served over GraphQL). Kept apart from types.ts so a state file without them still loads.
 */

/** Values of Fly's `AddOnType` enum (spec/fly/fly-schema.graphql). */
export const ADD_ON_TYPES = [
  "arcjet",
  "enveloop",
  "fly_mysql",
  "kubernetes",
  "redis",
  "sentry",
  "supabase",
  "tigris",
  "upstash_kafka",
  "upstash_redis",
  "upstash_vector",
  "wafris",
] as const;
export type AddOnTypeName = (typeof ADD_ON_TYPES)[number];

export interface AddOnRecord {
  id: string;
  name: string;
  type: AddOnTypeName;
  org: string;
  plan: string;
  primaryRegion: string;
  readRegions: string[];
  status: string;
  createdAt: string;
  /** The URL a client connects with; it holds a password, so only GraphQL's publicUrl returns it. */
  publicUrl: string;
}

/** A limited access token (`fly tokens create …`). Its value is held, token-shaped, so a leak of it would be caught; no field answers it. */
export interface TokenRecord {
  id: string;
  name: string;
  org: string;
  /** Fly's token profile, e.g. "deploy", "org", "readonly". */
  profile: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  value: string;
}

export interface WireGuardPeerRecord {
  id: string;
  name: string;
  org: string;
  region: string;
  peerip: string;
  pubkey: string;
}

export interface InvitationRecord {
  id: string;
  org: string;
  email: string;
  createdAt: string;
  redeemed: boolean;
}

/** flyctl internal/uiex/mpg/v2/client.go: ClusterBackup. */
export interface MpgBackupRecord {
  id: string;
  status: string;
  type: string;
  start: string;
  stop: string;
}

/** A Managed Postgres cluster, shaped after flyctl internal/uiex/mpg/v2/client.go ManagedCluster. */
export interface MpgClusterRecord {
  id: string;
  name: string;
  org: string;
  region: string;
  plan: string;
  status: string;
  disk: number;
  replicas: number;
  pgMajorVersion: string;
  createdAt: string;
  databases: string[];
  users: { name: string; role: string }[];
  backups: MpgBackupRecord[];
  attachedApps: string[];
  /** The cluster's owner password; only the credentials block of GET /postgresv2/{id} carries it. */
  password: string;
}

export interface AddonState {
  addOns: AddOnRecord[];
  tokens: TokenRecord[];
  wireGuardPeers: WireGuardPeerRecord[];
  invitations: InvitationRecord[];
  mpgClusters: MpgClusterRecord[];
}

export function emptyAddonState(): AddonState {
  return { addOns: [], tokens: [], wireGuardPeers: [], invitations: [], mpgClusters: [] };
}
