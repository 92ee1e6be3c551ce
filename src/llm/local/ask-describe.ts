import { machineLabel } from "./ask-machines.js";
import { findMachineIds, findNames } from "./entities.js";
import {
  attachedMachineOf,
  cpuKindOf,
  cpusOf,
  formatMemory,
  hostnameOf,
  idOf,
  imageOf,
  ipOf,
  memoryMbOf,
  nameOf,
  orgOf,
  regionOf,
  sizeGbOf,
  stateOf,
} from "./fields.js";
import { defaultApp, listApps, machinesOf, ownerOf, type AppRecord } from "./fleet.js";

const MACHINE_LOOKUP = { tool: "machines_get", field: "machine_id", noun: "machine" } as const;
import { CannotAnswer, joinWords, lines, plural, stateCounts, type Shape } from "./shape.js";
import type { Outcome, Session } from "./session.js";
import { recordOf, recordsOf, type JsonRecord } from "./tool-result.js";

const DESCRIBE =
  /\b(tell me about|describe|details?|info(rmation)?|status|state of|what about|how is|how's|overview|summary|summari[sz]e|show me|look at)\b/i;

function timeField(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function describeMachine(session: Session, apps: readonly AppRecord[], machineId: string): string {
  const named = findNames(
    session.question,
    apps.map((a) => a.name),
  );
  let app = named[0];
  if (!app) {
    const names = apps.map((a) => a.name);
    const listing = machinesOf(session, names, {}, true);
    app = ownerOf(session, listing, names, machineId, MACHINE_LOOKUP);
    if (!app) return `I found no machine ${machineId} in any of your ${plural(apps.length, "app")}.`;
  }
  const outcome = session.has("machines_get")
    ? session.need("machines_get", { app, machine_id: machineId })
    : findInList(session, app, machineId);
  if (!outcome.ok) return `I could not read machine ${machineId} of app ${app}: ${outcome.error}`;
  const machine = recordOf(outcome.value);
  if (!machine) return `Machine ${machineId} of app ${app} returned no details.`;
  const cpus = cpusOf(machine);
  const listed = (key: string): string[] | undefined => {
    const value = machine[key];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
  };
  // The catalog's detail view lists mounts itself; otherwise the app's volumes say which are attached.
  let mounts = listed("mounts");
  if (mounts === undefined && session.has("volumes_list")) {
    const volumes = session.need("volumes_list", { app });
    const id = idOf(machine) ?? machineId;
    if (volumes.ok)
      mounts = recordsOf(volumes.value)
        .filter((v) => attachedMachineOf(v) === id)
        .map((v) => `${idOf(v) ?? "?"} (${nameOf(v) ?? "unnamed"}, ${sizeGbOf(v) ?? "?"} GB)`);
  }
  const text = (key: string): string | undefined => timeField(machine, key);
  const list = (label: string, items: string[] | undefined): string | undefined =>
    items && items.length > 0 ? `- ${label}: ${items.join("; ")}` : undefined;
  return lines(
    `Machine ${machineLabel(machine)} of app ${app}:`,
    `- state: ${stateOf(machine) ?? "unknown"}`,
    `- region: ${regionOf(machine) ?? "unknown"}`,
    `- size: ${cpus === undefined ? "unknown CPUs" : `${cpus} ${cpuKindOf(machine) ?? ""} ${cpus === 1 ? "CPU" : "CPUs"}`.replace(/\s+/g, " ")}, ${formatMemory(memoryMbOf(machine))}`,
    imageOf(machine) ? `- image: ${imageOf(machine)}` : undefined,
    text("process_group") && `- process group: ${text("process_group")}`,
    text("private_ip") && `- private IP: ${text("private_ip")}`,
    list("volumes", mounts),
    list("services", listed("services")),
    list("checks", listed("checks")),
    text("created_at") && `- created: ${text("created_at")}`,
    text("updated_at") && `- updated: ${text("updated_at")}`,
  );
}

function findInList(session: Session, app: string, machineId: string): Outcome {
  const list = session.need("machines_list", { app });
  if (!list.ok) return list;
  const found = recordsOf(list.value).find((m) => idOf(m)?.toLowerCase() === machineId);
  return found ? { ok: true, value: found, text: list.text } : { ok: false, error: "not found" };
}

function describeApp(session: Session, app: AppRecord): string {
  const optional = ["volumes_list", "ips_list", "certs_list"].filter((t) => session.has(t));
  const calls = [
    ...(session.has("apps_get") ? [{ name: "apps_get", input: { app: app.name } }] : []),
    { name: "machines_list", input: { app: app.name } },
    ...optional.map((name) => ({ name, input: { app: app.name } })),
  ];
  const outcomes = new Map(session.needAll(calls).map((o, i) => [calls[i]?.name ?? "", o]));
  const details = outcomes.get("apps_get");
  const info = (details?.ok ? recordOf(details.value) : undefined) ?? app.record;
  const listOf = (tool: string): JsonRecord[] | undefined => {
    const o = outcomes.get(tool);
    return o?.ok ? recordsOf(o.value) : undefined;
  };
  const machines = listOf("machines_list");
  const volumes = listOf("volumes_list");
  const ips = listOf("ips_list");
  const certs = listOf("certs_list");
  const status = stateOf(info);
  const org = orgOf(info) ?? app.org;
  const header = [org ? `org ${org}` : undefined, status ? `status ${status}` : undefined]
    .filter(Boolean)
    .join(", ");
  const regions = [...new Set((machines ?? []).map((m) => regionOf(m) ?? "unknown"))].sort();
  return lines(
    `App ${app.name}${header ? ` (${header})` : ""}:`,
    machines === undefined
      ? "- machines: could not be read"
      : machines.length === 0
        ? "- machines: none"
        : [
            `- ${plural(machines.length, "machine")} in ${joinWords(regions)} (${stateCounts(machines.map(stateOf))}):`,
            ...machines.map(
              (m) =>
                `  - ${machineLabel(m)}: ${stateOf(m) ?? "unknown"}, ${regionOf(m) ?? "unknown region"}, ${formatMemory(memoryMbOf(m))}`,
            ),
          ],
    volumes &&
      `- volumes: ${volumes.length === 0 ? "none" : volumes.map((v) => `${idOf(v) ?? "?"} (${sizeGbOf(v) ?? "?"} GB, ${attachedMachineOf(v) ? `attached to ${attachedMachineOf(v)}` : "not attached"})`).join("; ")}`,
    ips && `- IPs: ${ips.length === 0 ? "none" : ips.map((i) => ipOf(i) ?? "?").join(", ")}`,
    certs &&
      `- certificates: ${certs.length === 0 ? "none" : certs.map((c) => hostnameOf(c) ?? "?").join(", ")}`,
  );
}

export const describe: Shape = {
  id: "describe",
  mode: "ask",
  description: "tell me about app X or machine Y",
  examples: ["tell me about my-app", "describe machine 3d8d9015b6e089"],
  matches: (q) =>
    findMachineIds(q).length > 0 || (DESCRIBE.test(q) && !/\b(machines|apps|volumes)\b/i.test(q)),
  run(session) {
    const apps = listApps(session);
    const machineIds = findMachineIds(session.question);
    if (machineIds[0]) return describeMachine(session, apps, machineIds[0]);
    const named = findNames(
      session.question,
      apps.map((a) => a.name),
    );
    const fallback = defaultApp(session.conversation.system);
    const chosen = named[0] ?? (/\b(my|this|the|our)\s+app\b/i.test(session.question) ? fallback : undefined);
    const app = apps.find((a) => a.name === chosen);
    if (!app) {
      throw new CannotAnswer(
        `no app or machine id of yours is named in the question (your apps: ${apps.map((a) => a.name).join(", ") || "none"})`,
      );
    }
    return describeApp(session, app);
  },
};
