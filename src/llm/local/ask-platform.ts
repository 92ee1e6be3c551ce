import { lines, plural, type Shape } from "./shape.js";
import { AnswerNow, type Session } from "./session.js";
import { isRecord, recordOf, recordsOf, unwrapView, type JsonRecord } from "./tool-result.js";

function str(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function read(session: Session, tool: string, what: string): JsonRecord[] {
  return recordsOf(session.needOk(tool, {}, what));
}

export const orgs: Shape = {
  id: "orgs",
  mode: "ask",
  description: "which organizations the token can see",
  examples: ["which organizations do I have?"],
  matches: (q) =>
    /\b(orgs?|organi[sz]ations?)\b/i.test(q) && !/\b(apps?|machines?|volumes?|secrets?)\b/i.test(q),
  run(session) {
    const found = read(session, "orgs_list", "the organizations");
    if (found.length === 0) return "The token sees no organizations.";
    return lines(
      `${plural(found.length, "organization")}:`,
      found.map((o) => {
        const details = [str(o, "name"), str(o, "type")?.toLowerCase()].filter(Boolean).join(", ");
        return `- ${str(o, "slug") ?? "?"}${details ? ` (${details})` : ""}`;
      }),
    );
  },
};

export const regions: Shape = {
  id: "regions",
  mode: "ask",
  description: "which Fly regions exist",
  examples: ["which regions are available?"],
  matches: (q) => /\bregions\b/i.test(q) && !/\b(apps?|machines?|volumes?|vms?|instances?)\b/i.test(q),
  run(session) {
    const value = session.needOk("regions_list", {}, "the regions");
    const found = recordsOf(value);
    const view = unwrapView(value);
    const note = isRecord(view) ? str(view, "note") : undefined;
    const nearest = note ? /nearest region: ([a-z0-9]+)/.exec(note)?.[1] : undefined;
    if (found.length === 0) return "Fly listed no regions.";
    return lines(
      `${plural(found.length, "region")}${nearest ? ` (nearest to you: ${nearest})` : ""}:`,
      found.map(
        (r) =>
          `- ${str(r, "code") ?? "?"}: ${str(r, "name") ?? "?"}${r.paid_only === true ? " (paid plans only)" : ""}`,
      ),
    );
  },
};

export const whoami: Shape = {
  id: "whoami",
  mode: "ask",
  description: "who the Fly token belongs to",
  examples: ["who am I logged in as?"],
  matches: (q) => /\b(who ?am ?i|whoami|logged in|my (account|user|token|email))\b/i.test(q),
  run(session) {
    const me = recordOf(session.needOk("whoami", {}, "who the token belongs to"));
    if (!me) throw new AnswerNow("whoami returned nothing.");
    const who = [str(me, "name"), str(me, "email") && `<${str(me, "email")}>`].filter(Boolean).join(" ");
    return lines(
      `The token is ${who ? `${str(me, "kind") === "user" ? "a user token of" : "for"} ${who}` : `an ${str(me, "kind") ?? "unknown"} token`}.`,
      str(me, "orgs") && `Organizations on the token: ${str(me, "orgs")}.`,
      str(me, "apps") && `Apps the token is limited to: ${str(me, "apps")}.`,
    );
  },
};
