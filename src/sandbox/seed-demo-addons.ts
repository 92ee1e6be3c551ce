import { hexDigestOf, nodeIdFor } from "./ids.js";
import type { AddonState, TokenRecord } from "./types-addons.js";

/**
 * The demo seed's databases, add-ons and organization records (acme-corp unless said):
 *
 * Postgres
 *   acme-db (flex, unmanaged): the app of seed-demo.ts, image flyio/postgres-flex, pg-primary leader
 *   acme-pg (Managed Postgres v2, id 8k3m5q7x1z9w2v4r): plan starter, ams, ready, 10 GB, 1 replica,
 *           databases acme_app and acme_reports, users acme_app (writer) and grafana (reader),
 *           2 backups, attached to acme-api
 *
 * Add-ons
 *   acme-cache   upstash_redis  ams  plan "Pay-as-you-go"  ready
 *   acme-assets  tigris         ams  plan "Standard"       ready
 *   acme-sentry  sentry         iad  plan "Team"           ready  (an extension)
 *
 * Tokens (name, profile, created by, expires; never a value in the source)
 *   ci-deploy         deploy    lee   2027-03-01
 *   metrics-readonly  readonly  dana  2026-12-20
 *   old-ci            deploy    lee   2026-11-01 (expired)
 *   personal: dana-laptop  org  dana  2027-06-30
 *
 * WireGuard peers
 *   lee-laptop   ams   fdaa:0:1a2b:a7b:8c1:0:a:102
 *   ci-runner    iad   fdaa:0:1a2b:a7b:8c1:0:a:202
 */

const day = (d: string, time = "09:00:00"): string => `2026-${d}T${time}Z`;

/**
 * A token's value, plainly not a credential: the demo seed plants exactly one token-shaped value
 * (seed-demo.ts). Tests that prove a token value never leaves plant a token-shaped one at run time.
 */
function tokenValue(label: string): string {
  return `sandbox-token-value-${hexDigestOf(`demo-token:${label}`, 12)}`;
}

function token(
  name: string,
  org: string,
  profile: string,
  user: string,
  createdAt: string,
  expiresAt: string,
): TokenRecord {
  return {
    id: nodeIdFor(`demo:token:${name}`),
    name,
    org,
    profile,
    userId: nodeIdFor(`demo:user:${user}`),
    createdAt,
    expiresAt,
    value: tokenValue(name),
  };
}

export const DEMO_MPG_CLUSTER_ID = "8k3m5q7x1z9w2v4r";

export function demoAddonState(): AddonState {
  return {
    addOns: [
      {
        id: nodeIdFor("demo:addon:acme-cache"),
        name: "acme-cache",
        type: "upstash_redis",
        org: "acme-corp",
        plan: "Pay-as-you-go",
        primaryRegion: "ams",
        readRegions: [],
        status: "ready",
        createdAt: day("08-20"),
        publicUrl: `redis://default:${hexDigestOf("demo:redis:acme-cache", 32)}@fly-acme-cache.upstash.io:6379`,
      },
      {
        id: nodeIdFor("demo:addon:acme-assets"),
        name: "acme-assets",
        type: "tigris",
        org: "acme-corp",
        plan: "Standard",
        primaryRegion: "ams",
        readRegions: [],
        status: "ready",
        createdAt: day("08-21"),
        publicUrl: "https://fly.storage.tigris.dev",
      },
      {
        id: nodeIdFor("demo:addon:acme-sentry"),
        name: "acme-sentry",
        type: "sentry",
        org: "acme-corp",
        plan: "Team",
        primaryRegion: "iad",
        readRegions: [],
        status: "ready",
        createdAt: day("09-02"),
        publicUrl: "https://sentry.io/organizations/acme-sentry/",
      },
    ],
    tokens: [
      token("ci-deploy", "acme-corp", "deploy", "lee", day("09-01"), "2027-03-01T00:00:00Z"),
      token("metrics-readonly", "acme-corp", "readonly", "dana", day("06-20"), day("12-20", "00:00:00")),
      token("old-ci", "acme-corp", "deploy", "lee", day("05-01"), day("11-01", "00:00:00")),
      token("dana-laptop", "personal", "org", "dana", day("07-01"), "2027-06-30T00:00:00Z"),
    ],
    wireGuardPeers: [
      {
        id: nodeIdFor("demo:peer:lee-laptop"),
        name: "lee-laptop",
        org: "acme-corp",
        region: "ams",
        peerip: "fdaa:0:1a2b:a7b:8c1:0:a:102",
        pubkey: Buffer.from(hexDigestOf("demo:pubkey:lee", 32), "hex").toString("base64"),
      },
      {
        id: nodeIdFor("demo:peer:ci-runner"),
        name: "ci-runner",
        org: "acme-corp",
        region: "iad",
        peerip: "fdaa:0:1a2b:a7b:8c1:0:a:202",
        pubkey: Buffer.from(hexDigestOf("demo:pubkey:ci", 32), "hex").toString("base64"),
      },
    ],
    invitations: [],
    mpgClusters: [
      {
        id: DEMO_MPG_CLUSTER_ID,
        name: "acme-pg",
        org: "acme-corp",
        region: "ams",
        plan: "starter",
        status: "ready",
        disk: 10,
        replicas: 1,
        pgMajorVersion: "16",
        createdAt: day("09-10"),
        databases: ["acme_app", "acme_reports"],
        users: [
          { name: "acme_app", role: "writer" },
          { name: "grafana", role: "reader" },
        ],
        backups: [
          {
            id: "bk_1m4x7q",
            status: "completed",
            type: "full",
            start: day("12-05", "02:00:00"),
            stop: day("12-05", "02:09:00"),
          },
          {
            id: "bk_2n5y8r",
            status: "completed",
            type: "full",
            start: day("12-06", "02:00:00"),
            stop: day("12-06", "02:08:00"),
          },
        ],
        attachedApps: ["acme-api"],
        password: hexDigestOf("demo:mpg:acme-pg:password", 32),
      },
    ],
  };
}
