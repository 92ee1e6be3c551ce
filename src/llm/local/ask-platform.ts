import { findNames } from "./entities.js";
import { lines, plural, type Shape } from "./shape.js";
import { AnswerNow, needAll, needOk } from "./session.js";
import { isRecord, recordOf, recordsOf, unwrapView, type JsonRecord } from "./tool-result.js";

function str(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** "What's in the personal org?" asks for the org's apps (apps-regions), not the org. */
export const IN_ORG =
  /\b(?:what(?:'s| is)? in|in)\s+(?:the\s+|my\s+)?[a-z0-9-]+\s+(?:org|organi[sz]ation)\b/i;

export const orgs: Shape = {
  id: "orgs",
  mode: "ask",
  description: "which organizations the token can see",
  examples: ["which organizations do I have?"],
  applies: ["org"],
  matches: (q) =>
    /\b(orgs?|organi[sz]ations?)\b/i.test(q) &&
    !/\b(apps?|machines?|volumes?|secrets?)\b/i.test(q) &&
    !IN_ORG.test(q),
  *run(session) {
    // "Which org is my-app in?": an app-like name is looked up among the apps, in the same turn.
    const appLike = /\b[a-z0-9]+-[a-z0-9-]*[a-z0-9]\b/i.test(session.question);
    const calls = [{ name: "orgs_list", input: {} }, ...(appLike ? [{ name: "apps_list", input: {} }] : [])];
    const [orgsRead, appsRead] = yield* needAll(calls);
    if (!orgsRead?.ok)
      throw new AnswerNow(`I could not read the organizations: ${orgsRead?.error ?? "no result"}`);
    const all = recordsOf(orgsRead.value);
    const apps = appsRead?.ok ? recordsOf(appsRead.value) : [];
    const app = findNames(
      session.question,
      apps.map((a) => str(a, "name") ?? ""),
    )[0];
    if (app) {
      const org = str(apps.find((a) => str(a, "name") === app) ?? {}, "org");
      return org
        ? `App ${app} is in organization ${org}.`
        : `apps_list did not say which organization ${app} is in.`;
    }
    const named = session.reading.org;
    const found = named ? all.filter((o) => str(o, "slug") === named) : all;
    if (named && found.length === 0)
      return `There is no organization named ${named}; the token sees ${all.map((o) => str(o, "slug") ?? "?").join(", ") || "none"}.`;
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
  examples: ["which regions are available?", "what's the nearest region?"],
  applies: ["region"],
  // Regions Fly offers; "what regions is my-app in?" is about where an app runs (apps-regions).
  matches: (q) =>
    /\b(nearest|closest)\b/i.test(q) ||
    (/\bregions\b/i.test(q) &&
      /\b(available|exist|offer(ed|s)?|support(ed|s)?|are there|does fly|fly'?s|can i|list|all|every)\b/i.test(
        q,
      ) &&
      !/\b(apps?|machines?|volumes?|vms?|instances?)\b/i.test(q)),
  *run(session) {
    const value = yield* needOk("regions_list", {}, "the regions");
    const asked = session.reading.regions;
    const found = recordsOf(value).filter((r) => asked.length === 0 || asked.includes(str(r, "code") ?? ""));
    const view = unwrapView(value);
    const note = isRecord(view) ? str(view, "note") : undefined;
    const nearest = note ? /nearest region: ([a-z0-9]+)/.exec(note)?.[1] : undefined;
    if (/\b(nearest|closest)\b/i.test(session.reading.text)) {
      const city = recordsOf(value).find((r) => str(r, "code") === nearest);
      return nearest
        ? `The region nearest to you is ${nearest}${city && str(city, "name") ? ` (${str(city, "name") ?? ""})` : ""}.`
        : "Fly did not say which region is nearest to you.";
    }
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
  applies: [],
  matches: (q) => /\b(who ?am ?i|whoami|logged in|my (account|user|token|email))\b/i.test(q),
  *run() {
    const me = recordOf(yield* needOk("whoami", {}, "who the token belongs to"));
    if (!me) throw new AnswerNow("whoami returned nothing.");
    const who = [str(me, "name"), str(me, "email") && `<${str(me, "email")}>`].filter(Boolean).join(" ");
    return lines(
      `The token is ${who ? `${str(me, "kind") === "user" ? "a user token of" : "for"} ${who}` : `an ${str(me, "kind") ?? "unknown"} token`}.`,
      str(me, "orgs") && `Organizations on the token: ${str(me, "orgs")}.`,
      str(me, "apps") && `Apps the token is limited to: ${str(me, "apps")}.`,
    );
  },
};
