import { requestedServers, serverLabel } from "./flywp-servers.js";
import { AnswerNow, needAll } from "./session.js";
import { lines, plural, type Shape } from "./shape.js";
import { recordsOf, type JsonRecord } from "./tool-result.js";

/**
 * "When was the last backup of each site?": the sites of the servers asked about (or all), and
 * each site's newest backup with its status, from flywp_backups_list (newest first). One read
 * per site: past SITE_LIMIT sites the question must name a server, FlyWP allowing 60 requests a
 * minute.
 */

const SITE_LIMIT = 25;

const text = (r: JsonRecord, key: string): string | undefined =>
  typeof r[key] === "string" && r[key] !== "" ? r[key] : undefined;

interface Site {
  id: number;
  label: string;
  server: string;
}

export const wpBackupsShape: Shape = {
  id: "flywp-backups",
  provider: "flywp",
  mode: "ask",
  description: "the newest backup of each FlyWP site: when it was made and whether it completed",
  examples: ["when was the last backup of each site?", "show the backups of the sites on web-1"],
  applies: ["when"],
  matches: (q) => /\bbackups?\b|\bbacked up\b/i.test(q),
  *run(session) {
    const { servers } = yield* requestedServers(session);
    const siteReads = yield* needAll(
      servers.map((s) => ({ name: "flywp_sites_list", input: { server_id: s.id } })),
    );
    const sites: Site[] = servers.flatMap((server, i) => {
      const read = siteReads[i];
      if (!read?.ok)
        throw new AnswerNow(
          `I could not read the sites of server ${serverLabel(server)}: ${read?.error ?? "no result"}`,
        );
      return recordsOf(read.value).flatMap((r) =>
        typeof r.id === "number"
          ? [{ id: r.id, label: text(r, "domain") ?? `site #${r.id}`, server: serverLabel(server) }]
          : [],
      );
    });
    if (sites.length === 0) return "There are no sites, so there are no backups.";
    if (sites.length > SITE_LIMIT)
      throw new AnswerNow(
        `There are ${sites.length} sites; name a server (e.g. "backups of the sites on server ${servers[0]?.name ?? "web-1"}") to read their backups.`,
      );
    const backupReads = yield* needAll(
      sites.map((site) => ({ name: "flywp_backups_list", input: { site_id: site.id } })),
    );
    const rows = sites.map((site, i) => {
      const read = backupReads[i];
      if (!read?.ok)
        return `- ${site.label} (server ${site.server}): could not read its backups (${read?.error ?? "no result"})`;
      const backups = recordsOf(read.value);
      const [newest] = backups;
      if (!newest) return `- ${site.label} (server ${site.server}): no backups`;
      return `- ${site.label} (server ${site.server}): newest ${text(newest, "created_at") ?? "at an unknown time"}, ${text(newest, "status") ?? "status unknown"} (${plural(backups.length, "backup")})`;
    });
    return lines(`The newest backup of each of ${plural(sites.length, "site")}:`, rows);
  },
};
