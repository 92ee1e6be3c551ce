import { hostnameOf, ipOf, nameOf, regionOf, stateOf } from "./fields.js";
import { appsForQuestion, gapNote, perApp, readApps } from "./fleet.js";
import type { IpKind } from "./reading.js";
import { needOk } from "./session.js";
import { CannotAnswer, lines, plural, type Shape } from "./shape.js";
import { recordOf, type JsonRecord } from "./tool-result.js";

export const secrets: Shape = {
  id: "secrets",
  mode: "ask",
  description: "what secrets (names only) an app has",
  examples: ["what secrets does my-app have?"],
  applies: ["org"],
  matches: (q) => /\bsecrets?\b/i.test(q),
  *run(session) {
    const scope = appsForQuestion(session, yield* readApps(session), "secrets");
    const gathered = yield* perApp("secrets_list", scope);
    const rows = scope.map((app) => {
      if (gathered.failures.some((f) => f.app === app)) return `- ${app}: secrets could not be read`;
      const names = gathered.items
        .filter((s) => s.app === app)
        .map((s) => nameOf(s.record) ?? "(unnamed)")
        .sort();
      return names.length === 0
        ? `- ${app}: no secrets`
        : `- ${app}: ${plural(names.length, "secret")}: ${names.join(", ")}`;
    });
    return lines("Secret names (values are never read):", rows, gapNote(gathered, "secrets"));
  },
};

/** "are there staged secrets on demo-web?": secrets_deploy_status, whose view names the machines still to update. */
export const secretsDeployed: Shape = {
  id: "secrets-deployed",
  mode: "ask",
  description: "whether an app's secrets are deployed to its machines or staged (set, not yet deployed)",
  examples: ["are there staged secrets on demo-web?", "which machines of demo-web need a secrets deploy?"],
  applies: ["org"],
  matches: (q) =>
    /\bsecrets?\b/i.test(q) && /\b(staged?|deployed|undeployed|pending|deploy|need\w*)\b/i.test(q),
  *run(session) {
    const scope = appsForQuestion(session, yield* readApps(session), "secrets");
    const rows: string[] = [];
    for (const app of scope) {
      const state = recordOf(yield* needOk("secrets_deploy_status", { app }, `the secrets status of ${app}`));
      const pending = Array.isArray(state?.pending) ? state.pending.map(recordOf) : [];
      const status = typeof state?.status === "string" ? state.status : "unknown";
      const which = pending.map((m) => `${nameOf(m ?? {}) ?? "?"} (${stateOf(m ?? {}) ?? "?"})`);
      rows.push(
        status === "deployed"
          ? `- ${app}: deployed: every machine has its current secrets`
          : `- ${app}: ${status}${which.length > 0 ? `; ${plural(which.length, "machine")} still to update: ${which.join(", ")}` : ""}`,
      );
    }
    return lines(
      "Secrets deployment (names and digests only; values are never read):",
      rows,
      "A machine counts as having the secrets once flyops deployed them to it (`secrets deploy`).",
    );
  },
};

function ipLine(record: JsonRecord): string {
  const details = [
    typeof record.version === "string"
      ? record.version
      : typeof record.type === "string"
        ? record.type
        : undefined,
    record.shared === true ? "shared" : undefined,
    regionOf(record),
  ].filter(Boolean);
  return `${ipOf(record) ?? "(unknown address)"}${details.length > 0 ? ` (${details.join(", ")})` : ""}`;
}

function certLine(record: JsonRecord): string {
  const status =
    stateOf(record) ??
    (record.configured === true ? "configured" : record.configured === false ? "not configured" : undefined);
  return `${hostnameOf(record) ?? "(unknown hostname)"}${status ? ` (${status})` : ""}`;
}

/** Fly's certificate statuses: "active", or pending ownership or validation (CertificateEntry in spec/fly/machines-openapi.json). */
function isActive(record: JsonRecord): boolean {
  return stateOf(record) === "active";
}

const IP_KIND_NAMES: Readonly<Record<IpKind, string>> = {
  v4: "IPv4 addresses",
  v6: "IPv6 addresses",
  dedicated: "dedicated IPv4 addresses",
  shared: "shared IPv4 addresses",
  private: "private IPv6 addresses",
};

/**
 * Whether an address is of the kind asked for, read from ips_list's view (version, shared). A
 * dedicated address is an IPv4 one that is not shared. The view does not say which IPv6 address is
 * private (Flycast), so that kind is refused rather than guessed.
 */
function ofKind(record: JsonRecord, kind: IpKind | undefined): boolean {
  const version = typeof record.version === "string" ? record.version : undefined;
  switch (kind) {
    case undefined:
      return true;
    case "v4":
    case "v6":
      return version === kind;
    case "dedicated":
      return version === "v4" && record.shared !== true;
    case "shared":
      return record.shared === true;
    case "private":
      throw new CannotAnswer(
        "ips_list does not say which addresses are private (Flycast), so it cannot pick them out",
      );
  }
}

const IP_WORDS = /\b(ips?|ip addresse?s?|addresses|ipv4|ipv6)\b/i;
const CERT_WORDS = /\b(certs?|certificates?|tls|ssl|hostnames?|domains?)\b/i;

export const ipsAndCerts: Shape = {
  id: "ips-certs",
  mode: "ask",
  description:
    "what IP addresses and certificates an app has, which app holds an address or hostname, and which certificates are (not) verified",
  examples: [
    "what IPs and certificates does my-app have?",
    "which certificates are not verified?",
    "which app owns 137.66.10.20?",
  ],
  applies: ["org", "cert-status", "hostname", "ip", "ip-kind"],
  matches: (q) =>
    IP_WORDS.test(q) ||
    CERT_WORDS.test(q) ||
    /\b(?:\d{1,3}\.){3}\d{1,3}\b/.test(q) ||
    /\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b/i.test(q),
  *run(session) {
    const { reading } = session;
    if (reading.ipKind === "private") ofKind({}, "private");
    const q = reading.text;
    const wantsCerts = CERT_WORDS.test(q) || reading.hostnames.length > 0 || reading.certStatus !== undefined;
    const wantsIps = IP_WORDS.test(q) || reading.ips.length > 0 || !wantsCerts;
    const list = yield* readApps(session);
    const scope = appsForQuestion(session, list, wantsIps ? "IPs" : "certificates");
    const ips = wantsIps ? yield* perApp("ips_list", scope) : undefined;
    const certs = wantsCerts ? yield* perApp("certs_list", scope) : undefined;
    const ipPasses = (r: JsonRecord): boolean =>
      (reading.ips.length === 0 || reading.ips.includes(ipOf(r) ?? "")) && ofKind(r, reading.ipKind);
    const certPasses = (r: JsonRecord): boolean =>
      (reading.hostnames.length === 0 || reading.hostnames.includes(hostnameOf(r) ?? "")) &&
      (reading.certStatus === undefined || isActive(r) === (reading.certStatus === "active"));
    // Narrowed to an address, a hostname or a status, only the apps that hold one are shown.
    const narrowed =
      reading.ips.length > 0 ||
      reading.hostnames.length > 0 ||
      reading.certStatus !== undefined ||
      reading.ipKind !== undefined;
    const blocks = scope.flatMap((app) => {
      const parts: string[] = [`${app}:`];
      const ipRows = ips?.items.filter((i) => i.app === app && ipPasses(i.record)) ?? [];
      const certRows = certs?.items.filter((c) => c.app === app && certPasses(c.record)) ?? [];
      if (
        narrowed &&
        ipRows.length === 0 &&
        certRows.length === 0 &&
        !ips?.failures.some((f) => f.app === app) &&
        !certs?.failures.some((f) => f.app === app)
      )
        return [];
      if (ips) {
        const rows = ipRows.map((i) => ipLine(i.record));
        parts.push(
          ips.failures.some((f) => f.app === app)
            ? "  IPs: could not be read"
            : `  IPs: ${rows.length === 0 ? "none" : rows.join("; ")}`,
        );
      }
      if (certs) {
        const rows = certRows.map((c) => certLine(c.record));
        parts.push(
          certs.failures.some((f) => f.app === app)
            ? "  certificates: could not be read"
            : `  certificates: ${rows.length === 0 ? "none" : rows.join("; ")}`,
        );
      }
      return [parts.join("\n")];
    });
    const asked = [
      ...reading.ips,
      reading.ipKind ? IP_KIND_NAMES[reading.ipKind] : "",
      ...reading.hostnames,
      reading.certStatus === "pending"
        ? "certificates not yet verified"
        : reading.certStatus === "active"
          ? "verified certificates"
          : "",
    ].filter(Boolean);
    if (blocks.length === 0)
      return `None of ${scope.length === 1 ? scope[0] : `your ${plural(scope.length, "app")}`} has ${asked.join(" or ")}.`;
    const counted = /\b(how many|count|number of)\b/i.test(q)
      ? [
          ips && plural(ips.items.filter((i) => ipPasses(i.record)).length, "IP address", "IP addresses"),
          certs && plural(certs.items.filter((c) => certPasses(c.record)).length, "certificate"),
        ]
          .filter(Boolean)
          .join(" and ")
      : undefined;
    return lines(
      counted
        ? `${counted} in ${plural(scope.length, "app")}:`
        : narrowed
          ? `${asked.join(", ")}:`
          : undefined,
      blocks,
      ips && gapNote(ips, "IPs"),
      certs && gapNote(certs, "certificates"),
    );
  },
};
