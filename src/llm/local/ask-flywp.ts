import { lines, plural, type Shape } from "./shape.js";
import { requestedServers, serverLabel, wpServers } from "./flywp-servers.js";
import { needAll, AnswerNow } from "./session.js";
import { recordsOf, type JsonRecord } from "./tool-result.js";

/** Questions about a FlyWP account (servers, WordPress sites, databases, SSH keys, cron jobs). */

const text = (r: JsonRecord, key: string): string | undefined =>
  typeof r[key] === "string" && r[key] !== "" ? r[key] : undefined;

export const wpServersShape: Shape = {
  id: "flywp-servers",
  provider: "flywp",
  mode: "ask",
  description: "which FlyWP servers the account has",
  examples: ["which servers do I have?", "how many servers do I have?"],
  applies: [],
  matches: (q) =>
    /\bservers?\b/i.test(q) && !/\b(sites?|websites?|databases?|dbs?|keys?|crons?|backups?)\b/i.test(q),
  *run() {
    const servers = yield* wpServers();
    if (servers.length === 0) return "The FlyWP account has no servers.";
    return lines(
      `The FlyWP account has ${plural(servers.length, "server")}:`,
      servers.map((s) => `- ${serverLabel(s)}`),
    );
  },
};

export const wpSitesShape: Shape = {
  id: "flywp-sites",
  provider: "flywp",
  mode: "ask",
  description: "which WordPress sites are on FlyWP, per server, and how many",
  examples: ["which sites are on server web-1?", "how many sites do I have?"],
  applies: [],
  matches: (q) => /\b(web)?sites?\b/i.test(q) && !/\b(backups?|crons?|databases?|keys?)\b/i.test(q),
  *run(session) {
    const { servers, named } = yield* requestedServers(session);
    const reads = yield* needAll(
      servers.map((s) => ({ name: "flywp_sites_list", input: { server_id: s.id } })),
    );
    const per = servers.map((server, i) => {
      const read = reads[i];
      if (!read?.ok)
        throw new AnswerNow(
          `I could not read the sites of server ${serverLabel(server)}: ${read?.error ?? "no result"}`,
        );
      return {
        server,
        sites: recordsOf(read.value).map((r) => text(r, "domain") ?? `#${JSON.stringify(r.id)}`),
      };
    });
    const total = per.reduce((n, p) => n + p.sites.length, 0);
    const where =
      named && per.length === 1 && per[0]
        ? `on server ${serverLabel(per[0].server)}`
        : `on ${plural(per.length, "server")}`;
    if (/\bhow many\b|\bcount\b|\bnumber of\b/i.test(session.question) && !named)
      return lines(
        `You have ${plural(total, "site")} ${where}:`,
        per.map((p) => `- ${serverLabel(p.server)}: ${plural(p.sites.length, "site")}`),
      );
    return lines(
      `${plural(total, "site")} ${where}:`,
      per.flatMap((p) =>
        per.length > 1
          ? [`${serverLabel(p.server)}:`, ...p.sites.map((d) => `- ${d}`)]
          : p.sites.map((d) => `- ${d}`),
      ),
    );
  },
};

interface ItemKind {
  id: string;
  tool: string;
  words: RegExp;
  noun: string;
  label: (r: JsonRecord) => string;
}

const ITEM_KINDS: readonly ItemKind[] = [
  {
    id: "databases",
    tool: "flywp_databases_list",
    // Not inside a name: "acme-db" is a Fly app, not a question about databases.
    words: /(?<![\w-])(databases?|dbs?)(?![\w-])/i,
    noun: "database",
    label: (r) => text(r, "name") ?? `#${JSON.stringify(r.id)}`,
  },
  {
    id: "ssh-keys",
    tool: "flywp_ssh_keys_list",
    words: /(?<![\w-])(ssh|keys?)(?![\w-])/i,
    noun: "SSH key",
    label: (r) =>
      `${text(r, "name") ?? `#${JSON.stringify(r.id)}`}${text(r, "fingerprint") ? ` (${text(r, "fingerprint") ?? ""})` : ""}`,
  },
  {
    id: "crons",
    tool: "flywp_crons_list",
    words: /(?<![\w-])cron(?:s| jobs?)?(?![\w-])/i,
    noun: "cron job",
    label: (r) => `${text(r, "frequency") ?? "?"}: ${text(r, "command") ?? "?"}`,
  },
];

/** Databases, SSH keys or cron jobs of a server, or of every server. */
export const wpServerItemsShape: Shape = {
  id: "flywp-server-items",
  provider: "flywp",
  mode: "ask",
  description: "the databases, SSH keys or cron jobs of a FlyWP server",
  examples: ["which cron jobs run on server web-1?", "what databases are on web-2?"],
  applies: [],
  matches: (q) => ITEM_KINDS.some((k) => k.words.test(q)) && !/\bbackups?\b/i.test(q),
  *run(session) {
    const kind = ITEM_KINDS.find((k) => k.words.test(session.question));
    if (!kind)
      throw new AnswerNow("I could not tell whether the question is about databases, SSH keys or cron jobs.");
    const { servers } = yield* requestedServers(session);
    const reads = yield* needAll(servers.map((s) => ({ name: kind.tool, input: { server_id: s.id } })));
    return lines(
      ...servers.map((server, i) => {
        const read = reads[i];
        if (!read?.ok)
          return `Server ${serverLabel(server)}: could not read its ${kind.noun}s (${read?.error ?? "no result"}).`;
        const items = recordsOf(read.value);
        return lines(
          `Server ${serverLabel(server)}: ${plural(items.length, kind.noun)}${items.length > 0 ? ":" : "."}`,
          items.map((r) => `- ${kind.label(r)}`),
        );
      }),
    );
  },
};

export const FLYWP_ASK_SHAPES: readonly Shape[] = [wpServerItemsShape, wpSitesShape, wpServersShape];
