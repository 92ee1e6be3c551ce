import { findNames } from "./entities.js";
import { AnswerNow, needOk, type Reads, type Session } from "./session.js";
import { recordsOf, type JsonRecord } from "./tool-result.js";

/** A FlyWP server as flywp_servers_list shows it. */
export interface WpServer {
  id: number;
  name: string;
}

// "server web-1", "server 3", "server #3", "on web-1's server".
const SERVER_WORD = /\bservers?\s+#?([a-z0-9][a-z0-9._-]{0,62})/i;

export function* wpServers(): Reads<WpServer[]> {
  const value = yield* needOk("flywp_servers_list", {}, "the FlyWP servers");
  return recordsOf(value).flatMap((r: JsonRecord) =>
    typeof r.id === "number" ? [{ id: r.id, name: typeof r.name === "string" ? r.name : `#${r.id}` }] : [],
  );
}

/**
 * The servers a question is about: the one it names (by id after "server", or by name anywhere),
 * else every server (`named` false). A server it names that is not there is the answer.
 */
export function* requestedServers(session: Session): Reads<{ servers: WpServer[]; named: boolean }> {
  const servers = yield* wpServers();
  const q = session.question;
  const said = SERVER_WORD.exec(q)?.[1];
  const byName = findNames(
    q,
    servers.map((s) => s.name),
  );
  const found =
    said !== undefined && /^\d{1,9}$/.test(said)
      ? servers.filter((s) => s.id === Number(said))
      : servers.filter((s) => byName.includes(s.name) || s.name === said);
  if (found.length > 0) return { servers: found, named: true };
  if (said !== undefined && !/^(and|or|with|in|on|of|do|does|have|has|is|are)$/i.test(said))
    throw new AnswerNow(
      `There is no FlyWP server ${said}; the account has ${servers.map((s) => `${s.name} (id ${s.id})`).join(", ") || "no servers"}.`,
    );
  return { servers, named: false };
}

export function serverLabel(server: WpServer): string {
  return `${server.name} (id ${server.id})`;
}
