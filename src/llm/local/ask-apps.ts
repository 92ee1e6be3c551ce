import { findNames } from "./entities.js";
import { imageOf, regionOf } from "./fields.js";
import { gapNote, machinesOf, mentionedApps, readApps, type AppRecord } from "./fleet.js";
import { IN_ORG } from "./ask-platform.js";
import { MACHINE_WORD } from "./machine-scope.js";
import type { Reading } from "./reading.js";
import { joinWords, lines, plural, type Shape } from "./shape.js";

/**
 * The machine states a question about apps filters by. "What apps are running?" asks what is
 * deployed, and each row says its machines' states; "which apps have running machines?" filters.
 */
function appStates(reading: Reading): string[] {
  const idiom = /\brunning\b/i.test(reading.text) && !MACHINE_WORD.test(reading.text);
  return reading.states.filter((s) => !(idiom && s === "started"));
}

/** Regions and machine states per app, from apps_list's placement columns (include ["regions"]). */
function placement(app: AppRecord): { regions: string[]; states: string | undefined; machines?: number } {
  const raw = app.record.regions;
  const regions = (typeof raw === "string" ? raw.split(/[\s,]+/) : []).filter((r) => r !== "" && r !== "-");
  const states = typeof app.record.machine_states === "string" ? app.record.machine_states : undefined;
  const machines = typeof app.record.machines === "number" ? app.record.machines : undefined;
  return {
    regions,
    states: states === "none" ? undefined : states,
    ...(machines !== undefined ? { machines } : {}),
  };
}

function placementRow(app: AppRecord): string {
  const { regions, states, machines } = placement(app);
  if (regions.length === 0) return `- ${app.name}: no machines${states ? ` (${states})` : ""}`;
  const detail = [machines === undefined ? undefined : plural(machines, "machine"), states].filter(Boolean);
  return `- ${app.name}: ${regions.join(", ")}${detail.length > 0 ? ` (${detail.join(": ")})` : ""}`;
}

export const appsAndRegions: Shape = {
  id: "apps-regions",
  mode: "ask",
  description:
    "what apps there are and in which regions they run, optionally in an org or region, with machines in a state, or without machines",
  examples: ["what apps are running and in which regions?", "list my apps", "where is my-app running?"],
  applies: ["region", "state", "org", "no-machines"],
  matches: (q) =>
    /\b(apps|applications)\b/i.test(q) ||
    (/\bapp\b/i.test(q) && /\b(regions?|where|running|deployed)\b/i.test(q)) ||
    /\bwhere\s+(is|are|does|do)\b/i.test(q) ||
    /\bregions?\b/i.test(q) ||
    IN_ORG.test(q),
  *run(session) {
    const { reading } = session;
    const list = yield* readApps(session, { include: ["regions"] });
    if (list.apps.length === 0) return `You have no apps${list.org ? ` in org ${list.org}` : ""}.`;
    // The whole fleet unless apps are named: a default app does not narrow "what apps are running".
    const named = findNames(
      session.question,
      list.apps.map((a) => a.name),
    );
    const noMachines = reading.qualifiers.some((q) => q.kind === "no-machines");
    // "apps with no machines running": none started, which an app with only stopped machines is too.
    const noneStarted = noMachines && reading.states.includes("started");
    const states = noneStarted ? [] : appStates(reading);
    const scope = list.apps.filter((app) => {
      const { regions, states: tally } = placement(app);
      return (
        (named.length === 0 || named.includes(app.name)) &&
        (reading.regions.length === 0 || reading.regions.some((r) => regions.includes(r))) &&
        (states.length === 0 || states.some((s) => new RegExp(`\\b${s}\\b`).test(tally ?? ""))) &&
        (!noMachines || (noneStarted ? !/\bstarted\b/.test(tally ?? "") : regions.length === 0))
      );
    });
    const filters = [
      list.org && `in org ${list.org}`,
      reading.regions.length > 0 && `with machines in ${joinWords(reading.regions)}`,
      states.length > 0 && `with ${states.join(" or ")} machines`,
      noMachines && (noneStarted ? "without a started machine" : "without machines"),
    ].filter((f): f is string => typeof f === "string");
    const which = filters.length > 0 ? ` ${filters.join(", ")}` : "";
    if (scope.length === 0) return `You have no apps${which}.`;
    const header =
      named.length > 0
        ? `${plural(scope.length, "app")}:`
        : filters.length > 0 && !(filters.length === 1 && list.org)
          ? `${plural(scope.length, "app")}${which}:`
          : `You have ${plural(list.total, "app")}${which}${list.partial ? `; the first ${list.apps.length}` : ""}:`;
    return lines(
      header,
      scope.map(placementRow),
      list.partial && [
        "",
        `Note: this covers only part of your apps (${list.partial}); name an app to narrow it.`,
      ],
    );
  },
};

export const images: Shape = {
  id: "images",
  mode: "ask",
  description: "which images the machines of each app run, optionally in an app, org, region or state",
  examples: ["what images are my apps running?", "which image does my-app use?"],
  applies: ["region", "state", "org"],
  matches: (q) => /\bimages?\b/i.test(q),
  *run(session) {
    const { reading } = session;
    const list = yield* readApps(session);
    const named = mentionedApps(session, list.apps);
    const states = appStates(reading);
    const gathered = yield* machinesOf(
      named.length > 0 ? named : list.apps.map((a) => a.name),
      {
        state: states.length > 0 ? states : undefined,
        region: reading.regions.length === 1 ? reading.regions[0] : undefined,
        org: list.org,
      },
      named.length === 0,
    );
    const machines = gathered.items.filter(
      ({ record }) => reading.regions.length <= 1 || reading.regions.includes(regionOf(record) ?? ""),
    );
    const byApp = new Map<string, Map<string, number>>();
    for (const { app, record } of machines) {
      const perImage = byApp.get(app) ?? new Map<string, number>();
      const image = imageOf(record) ?? "unknown image";
      perImage.set(image, (perImage.get(image) ?? 0) + 1);
      byApp.set(app, perImage);
    }
    const where = [
      states.length > 0 && `${states.join(" or ")} machines`,
      reading.regions.length > 0 && `in ${joinWords(reading.regions)}`,
      list.org && named.length === 0 && `in org ${list.org}`,
    ].filter((f): f is string => typeof f === "string");
    if (byApp.size === 0)
      return lines(
        `I found no machines${where.length > 0 ? ` (${where.join(", ")})` : ""}.`,
        gapNote(gathered, "machines"),
      );
    return lines(
      `Images the machines run${where.length > 0 ? ` (${where.join(", ")})` : ""}:`,
      [...byApp.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(
          ([app, perImage]) =>
            `- ${app}: ${[...perImage.entries()].map(([image, n]) => `${image} (${plural(n, "machine")})`).join("; ")}`,
        ),
      gapNote(gathered, "machines"),
    );
  },
};
