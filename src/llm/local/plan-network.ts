import { findHostnames, findIpAddresses, findRegions } from "./entities.js";
import { hostnameOf, ipOf } from "./fields.js";
import { perApp } from "./fleet.js";
import { appExists, appNames, propose, requestApp, steps } from "./plan-common.js";
import { AnswerNow, type Reads, type Session } from "./session.js";
import type { Shape } from "./shape.js";
import type { JsonRecord } from "./tool-result.js";

const IP = /\b(ips?|ipv4|ipv6|v4|v6|ip address(es)?|address(es)?|flycast)\b/i;
const CERT = /\b(certs?|certificates?|tls|ssl|custom domains?|domains?|hostnames?)\b/i;

/** The address type the request asks for, in the names ips_allocate takes. */
function ipType(text: string): { type: string; what: string } {
  if (/\b(private|flycast)\b/i.test(text))
    return { type: "private_v6", what: "a private (Flycast) IPv6 address" };
  if (/\bshared\b/i.test(text)) return { type: "shared_v4", what: "a shared IPv4 address" };
  if (/\b(ipv4|v4|dedicated)\b/i.test(text))
    return { type: "v4", what: "a dedicated IPv4 address (billed monthly)" };
  return { type: "v6", what: "an IPv6 address" };
}

export const allocateIp: Shape = {
  id: "plan-ip-allocate",
  mode: "plan",
  description: "allocate an IP address (IPv6, shared IPv4, dedicated IPv4, private/Flycast)",
  examples: ["allocate a dedicated ipv4 for my-app", "add an IPv6 address to my-app"],
  applies: [],
  matches: (q) => IP.test(q) && /\b(allocate|add|assign|create|get|new|give|reserve)\b/i.test(q),
  *run(session) {
    const app = yield* requestApp(session);
    const { type, what } = ipType(session.question);
    const region = type === "v4" ? findRegions(session.question)[0] : undefined;
    return yield* propose({
      summary: `Allocate ${what} to ${app}${region ? ` in ${region}` : ""}.`,
      steps: steps({
        tool: "ips_allocate",
        reason: `Give ${app} ${what}, as requested.`,
        input: { app, type, ...(region ? { region } : {}) },
      }),
      preconditions: [appExists(app)],
    });
  },
};

/** The app that holds an address: the one named, or the one whose ips_list shows it. */
function* appHolding(
  session: Session,
  lists: "ips_list" | "certs_list",
  matches: (record: JsonRecord) => boolean,
  what: string,
): Reads<string> {
  const apps = yield* appNames();
  const named = yield* requestAppOrNone(session, apps);
  const scope = named ? [named] : apps;
  const found = (yield* perApp(lists, scope)).items.find(({ record }) => matches(record));
  if (!found) throw new AnswerNow(`I found no ${what} in ${named ? `app ${named}` : "any of your apps"}.`);
  return found.app;
}

function* requestAppOrNone(session: Session, apps: readonly string[]): Reads<string | undefined> {
  try {
    return apps.length > 0 ? yield* requestApp(session) : undefined;
  } catch (signal) {
    if (signal instanceof AnswerNow) return undefined;
    throw signal;
  }
}

export const releaseIp: Shape = {
  id: "plan-ip-release",
  mode: "plan",
  description: "release an IP address",
  examples: ["release IP 137.66.10.20 from my-app"],
  applies: [],
  matches: (q) =>
    (IP.test(q) || findIpAddresses(q).length > 0) &&
    /\b(release|remove|delete|free|drop|deallocate|unassign)\b/i.test(q),
  *run(session) {
    const ip = findIpAddresses(session.question)[0];
    if (!ip)
      throw new AnswerNow(
        'Which address? Write the IP address to release, e.g. "release 2a09:8280:1::3a:f001 from my-app".',
      );
    const app = yield* appHolding(session, "ips_list", (r) => ipOf(r) === ip, `IP address ${ip}`);
    return yield* propose({
      summary: `Release IP address ${ip} from ${app}.`,
      steps: steps({
        tool: "ips_release",
        reason: `Release ${ip}, which ${app} holds now, as requested; traffic to it stops.`,
        input: { app, ip },
      }),
      preconditions: [appExists(app)],
    });
  },
};

export const addCert: Shape = {
  id: "plan-cert-add",
  mode: "plan",
  description: "add a certificate for a custom hostname",
  examples: ["add a certificate for www.example.com to my-app"],
  applies: [],
  matches: (q) => CERT.test(q) && /\b(add|create|issue|request|set up|setup|new|get)\b/i.test(q),
  *run(session) {
    const hostname = findHostnames(session.question)[0];
    if (!hostname)
      throw new AnswerNow(
        'Which hostname? Write the domain, e.g. "add a certificate for www.example.com to my-app".',
      );
    const app = yield* requestApp(session);
    const existing = yield* perApp("certs_list", [app]);
    if (existing.items.some(({ record }) => hostnameOf(record) === hostname)) {
      throw new AnswerNow(`${app} already has a certificate for ${hostname}; there is nothing to plan.`);
    }
    return yield* propose({
      summary: `Add a certificate for ${hostname} to ${app}.`,
      steps: steps({
        tool: "certs_add",
        reason: `Request a Let's Encrypt certificate for ${hostname}; DNS must point at ${app} for it to be issued.`,
        input: { app, hostname },
      }),
      preconditions: [appExists(app)],
    });
  },
};

export const removeCert: Shape = {
  id: "plan-cert-remove",
  mode: "plan",
  description: "remove a certificate for a hostname",
  examples: ["remove the certificate for staging.acme.example from acme-api"],
  applies: [],
  matches: (q) => CERT.test(q) && /\b(remove|delete|destroy|drop|revoke)\b/i.test(q),
  *run(session) {
    const hostname = findHostnames(session.question)[0];
    if (!hostname) throw new AnswerNow("Which hostname? Write the domain whose certificate should go.");
    const app = yield* appHolding(
      session,
      "certs_list",
      (r) => hostnameOf(r) === hostname,
      `certificate for ${hostname}`,
    );
    return yield* propose({
      summary: `Remove the certificate for ${hostname} from ${app}.`,
      steps: steps({
        tool: "certs_remove",
        reason: `Remove ${hostname} from ${app}, as requested; HTTPS for it stops.`,
        input: { app, hostname },
      }),
      preconditions: [appExists(app)],
    });
  },
};
