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
import { defaultApp, machinesOf, ownerOf, readApps, type AppRecord } from "./fleet.js";
import { machineLabel } from "./machine-scope.js";
import { AnswerNow, needAll, needOk, type Reads, type Session } from "./session.js";
import { CannotAnswer, joinWords, lines, plural, stateCounts, type Shape } from "./shape.js";
import { recordOf, recordsOf, type JsonRecord } from "./tool-result.js";

const DESCRIBE =
  /\b(tell me about|describe|details?|info(rmation)?|status|state of|what about|how is|how's|overview|summary|summari[sz]e|show me|look at)\b/i;

function text(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function listed(record: JsonRecord, key: string): string[] | undefined {
  const value = record[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

/** A machine named by id, or by its name among the machines of the fleet (or of the app named). */
export function* findMachine(
  session: Session,
  apps: readonly AppRecord[],
  org: string | undefined,
): Reads<{ app: string; id: string }> {
  const names = apps.map((a) => a.name);
  const named = findNames(session.question, names);
  const id = session.reading.machineIds[0];
  if (id && named[0]) return { app: named[0], id };
  const listing = yield* machinesOf(named.length > 0 ? named : names, { org }, named.length === 0);
  if (id) {
    const app = yield* ownerOf(listing, names, id, {
      tool: "machines_get",
      field: "machine_id",
      noun: "machine",
    });
    if (!app) throw new AnswerNow(`I found no machine ${id} in any of your ${plural(apps.length, "app")}.`);
    return { app, id };
  }
  const byName = listing.items.filter(
    ({ record }) => findNames(session.question, [nameOf(record) ?? ""]).length > 0,
  );
  const [first, ...others] = byName;
  if (!first || !idOf(first.record))
    throw new CannotAnswer(
      `no app, machine id or machine name of yours is named in the question (your apps: ${names.join(", ") || "none"})`,
    );
  if (others.length > 0)
    throw new AnswerNow(
      `Several machines have that name: ${byName.map(({ app, record }) => `${machineLabel(record)} of ${app}`).join("; ")}; name one by id.`,
    );
  return { app: first.app, id: idOf(first.record) ?? "" };
}

function* describeMachine(app: string, machineId: string): Reads<string> {
  const machine = recordOf(
    yield* needOk("machines_get", { app, machine_id: machineId }, `machine ${machineId} of app ${app}`),
  );
  if (!machine) return `Machine ${machineId} of app ${app} returned no details.`;
  const cpus = cpusOf(machine);
  const item = (label: string, items: string[] | undefined): string | undefined =>
    items && items.length > 0 ? `- ${label}: ${items.join("; ")}` : undefined;
  const line = (label: string, key: string): string | undefined =>
    text(machine, key) && `- ${label}: ${text(machine, key) ?? ""}`;
  return lines(
    `Machine ${machineLabel(machine)} of app ${app}:`,
    `- state: ${stateOf(machine) ?? "unknown"}`,
    `- region: ${regionOf(machine) ?? "unknown"}`,
    `- size: ${cpus === undefined ? "unknown CPUs" : `${cpus} ${cpuKindOf(machine) ?? ""} ${cpus === 1 ? "CPU" : "CPUs"}`.replace(/\s+/g, " ")}, ${formatMemory(memoryMbOf(machine))}`,
    imageOf(machine) ? `- image: ${imageOf(machine)}` : undefined,
    line("process group", "process_group"),
    line("private IP", "private_ip"),
    item("volumes", listed(machine, "mounts")),
    item("services", listed(machine, "services")),
    item("checks", listed(machine, "checks")),
    line("created", "created_at"),
    line("updated", "updated_at"),
  );
}

function* describeApp(app: AppRecord): Reads<string> {
  const tools = ["apps_get", "machines_list", "volumes_list", "ips_list", "certs_list"];
  const outcomes = yield* needAll(tools.map((name) => ({ name, input: { app: app.name } })));
  const listOf = (tool: string): JsonRecord[] | undefined => {
    const o = outcomes[tools.indexOf(tool)];
    return o?.ok ? recordsOf(o.value) : undefined;
  };
  const details = outcomes[0];
  const info = (details?.ok ? recordOf(details.value) : undefined) ?? app.record;
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
  const could = (what: string, items: JsonRecord[] | undefined, show: (r: JsonRecord) => string): string =>
    `- ${what}: ${items === undefined ? "could not be read" : items.length === 0 ? "none" : items.map(show).join("; ")}`;
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
    could(
      "volumes",
      volumes,
      (v) =>
        `${idOf(v) ?? "?"} (${sizeGbOf(v) ?? "?"} GB, ${attachedMachineOf(v) ? `attached to ${attachedMachineOf(v)}` : "not attached"})`,
    ),
    could("IPs", ips, (i) => ipOf(i) ?? "?"),
    could("certificates", certs, (c) => hostnameOf(c) ?? "?"),
  );
}

export const describe: Shape = {
  id: "describe",
  mode: "ask",
  description:
    "tell me about app X, or machine Y by id or name (its state, size, image, volumes, checks, times)",
  examples: ["tell me about my-app", "describe machine 3d8d9015b6e089", "tell me about web-iad-1"],
  applies: ["machine-id", "when"],
  matches: (q) =>
    findMachineIds(q).length > 0 || (DESCRIBE.test(q) && !/\b(machines|apps|volumes)\b/i.test(q)),
  *run(session) {
    const list = yield* readApps(session);
    const apps = list.apps;
    const named = findNames(
      session.question,
      apps.map((a) => a.name),
    );
    const asksWhen = session.reading.qualifiers.some((q) => q.kind === "when");
    const aboutMachine =
      session.reading.machineIds.length > 0 || /\b(machine|vm|instance)\b/i.test(session.question);
    if (named[0] && !aboutMachine) {
      if (asksWhen) throw new CannotAnswer("apps_get does not say when an app was created or deployed");
      const app = apps.find((a) => a.name === named[0]);
      if (app) return yield* describeApp(app);
    }
    const fallback = defaultApp(session.system);
    if (!aboutMachine && /\b(my|this|the|our)\s+app\b/i.test(session.question)) {
      const app = apps.find((a) => a.name === fallback);
      if (app && !asksWhen) return yield* describeApp(app);
    }
    const { app, id } = yield* findMachine(session, apps, list.org);
    return yield* describeMachine(app, id);
  },
};
