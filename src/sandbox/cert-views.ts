import { hexDigestOf } from "./ids.js";
import type { SandboxStore } from "./store.js";
import type { CertRecord } from "./types.js";

/** Certificates as the Machines API shows them: summary for lists, detail for one, plus DNS records for a check. */

function status(cert: CertRecord): "active" | "pending_validation" {
  return cert.issuedAt ? "active" : "pending_validation";
}

function validation(cert: CertRecord): Record<string, boolean> {
  return {
    alpn_configured: cert.dnsConfigured,
    dns_configured: cert.dnsConfigured,
    http_configured: cert.dnsConfigured,
    ownership_txt_configured: cert.dnsConfigured,
  };
}

export function certSummaryView(cert: CertRecord): Record<string, unknown> {
  return {
    hostname: cert.hostname,
    status: status(cert),
    configured: cert.dnsConfigured,
    acme_requested: true,
    acme_alpn_configured: cert.dnsConfigured,
    acme_dns_configured: cert.dnsConfigured,
    acme_http_configured: cert.dnsConfigured,
    ownership_txt_configured: cert.dnsConfigured,
    has_custom_certificate: false,
    has_fly_certificate: cert.issuedAt !== undefined,
    dns_provider: "unknown",
    created_at: cert.createdAt,
    updated_at: cert.updatedAt,
  };
}

export function certDetailView(store: SandboxStore, cert: CertRecord): Record<string, unknown> {
  const ips = store.ips(cert.app).filter((i) => i.kind !== "private_v6");
  const challenge = `${cert.hostname}.${hexDigestOf(`acme:${cert.app}`, 6)}.flydns.net`;
  return {
    hostname: cert.hostname,
    status: status(cert),
    configured: cert.dnsConfigured,
    acme_requested: true,
    dns_provider: "unknown",
    dns_requirements: {
      a: ips.filter((i) => !i.ip.includes(":")).map((i) => i.ip),
      aaaa: ips.filter((i) => i.ip.includes(":")).map((i) => i.ip),
      cname: `${cert.app}.fly.dev`,
      acme_challenge: { name: `_acme-challenge.${cert.hostname}`, target: challenge },
      ownership: { name: `_fly-ownership.${cert.hostname}`, app_value: `app-${hexDigestOf(cert.app, 12)}` },
    },
    certificates: cert.issuedAt
      ? [
          {
            source: "fly",
            status: "active",
            issuer: "Let's Encrypt",
            created_at: cert.issuedAt,
            expires_at: cert.expiresAt ?? cert.issuedAt,
            issued: [
              {
                type: "ecdsa",
                certificate_authority: "lets_encrypt",
                expires_at: cert.expiresAt ?? cert.issuedAt,
              },
              {
                type: "rsa",
                certificate_authority: "lets_encrypt",
                expires_at: cert.expiresAt ?? cert.issuedAt,
              },
            ],
          },
        ]
      : [],
    validation: validation(cert),
    validation_errors: cert.dnsConfigured
      ? []
      : [
          {
            code: "dns_not_configured",
            message: `${cert.hostname} does not resolve to this app`,
            remediation: `add a CNAME record for ${cert.hostname} pointing at ${cert.app}.fly.dev`,
            timestamp: cert.updatedAt,
          },
        ],
  };
}

export function certCheckView(store: SandboxStore, cert: CertRecord): Record<string, unknown> {
  const detail = certDetailView(store, cert);
  const requirements = detail.dns_requirements as { a: string[]; aaaa: string[] };
  return {
    ...detail,
    dns_records: cert.dnsConfigured
      ? {
          a: requirements.a,
          aaaa: requirements.aaaa,
          cname: [`${cert.app}.fly.dev`],
          resolved_addresses: [...requirements.a, ...requirements.aaaa],
          acme_challenge_cname: `${cert.hostname}.${hexDigestOf(`acme:${cert.app}`, 6)}.flydns.net`,
          soa: "ns1.example-dns.net",
        }
      : { a: [], aaaa: [], cname: [], resolved_addresses: [], soa: "ns1.example-dns.net" },
  };
}
