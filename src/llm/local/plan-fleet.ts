import { findCpus, findImage, findMachineIds, findMemoryMb, findPreset, findRegions } from "./entities.js";
import { formatMemory, idOf, nameOf, regionOf, stateOf } from "./fields.js";
import { perApp } from "./fleet.js";
import { appExists, appNames, propose, requestApp, requestVolume, steps } from "./plan-common.js";
import { AnswerNow, needOk } from "./session.js";
import type { Shape } from "./shape.js";
import { isRecord, recordOf, recordsOf } from "./tool-result.js";

/**
 * Changes to many machines of an app at once, and to apps: the local model proposes one
 * many-machine step (scale, rolling restart, resize) and the maker expands it into one step per
 * machine from live state (tools' step.expand), so the plan names every machine it touches.
 */

const MACHINES = /\b(machines?|instances?|vms?)\b/i;
const COUNT = /\bto\s+(\d{1,3})\s+(?:machines?|instances?|vms?)\b/i;
const GROUP = /\b(?:process\s+)?group\s+["'`]?([a-z0-9][a-z0-9_-]{0,62})/i;

export function groupOf(text: string): Record<string, string> {
  const group = GROUP.exec(text)?.[1]?.toLowerCase();
  return group ? { process_group: group } : {};
}

export const scaleCount: Shape = {
  id: "plan-scale-count",
  mode: "plan",
  description: "scale an app to a number of machines (one clone or destroy step per machine)",
  examples: ["scale demo-web to 3 machines", "scale demo-web to 2 machines in iad"],
  applies: [],
  matches: (q) => /\bscale\b/i.test(q) && COUNT.test(q),
  *run(session) {
    const q = session.question;
    const app = yield* requestApp(session);
    const count = Number(COUNT.exec(q)?.[1]);
    const [region] = findRegions(q);
    // As `fly scale show` counts (stopped and suspended machines too): a scale to the count there is
    // now is nothing to plan, and the person is told why rather than shown a refused proposal.
    const now = recordOf(
      yield* needOk(
        "apps_scale_get",
        { app, ...(region ? { region } : {}), ...groupOf(q) },
        `how ${app} is scaled`,
      ),
    );
    if (now && now.count === count) {
      const states = isRecord(now.by_state)
        ? Object.entries(now.by_state)
            .map(([state, n]) => `${typeof n === "number" ? n : "?"} ${state}`)
            .join(", ")
        : "";
      throw new AnswerNow(
        `${app} already has ${count} machine(s) in process group ${typeof now.process_group === "string" ? now.process_group : "?"}${region ? ` in ${region}` : ""}${states ? ` (${states})` : ""}; Fly counts stopped and suspended machines too, as \`fly scale count\` does. There is nothing to plan.`,
      );
    }
    return yield* propose({
      summary: `Scale ${app} to ${count} machine(s)${region ? ` in ${region}` : ""}.`,
      steps: steps({
        tool: "apps_scale_count",
        reason: `Asked for ${count} machine(s); the plan lists each machine added or destroyed.`,
        input: { app, count, ...(region ? { region } : {}), ...groupOf(q) },
      }),
      preconditions: [appExists(app)],
    });
  },
};

export const restartAll: Shape = {
  id: "plan-restart-all",
  mode: "plan",
  description: "rolling restart of all running machines of an app, one at a time",
  examples: ["restart all machines of demo-web", "rolling restart of demo-web"],
  applies: [],
  matches: (q) =>
    /\b(restart|reboot|bounce)\b/i.test(q) &&
    (/\b(all|every|each)\b[^.]{0,40}\b(machines?|instances?|vms?)\b/i.test(q) || /\brolling\b/i.test(q)),
  *run(session) {
    const app = yield* requestApp(session);
    return yield* propose({
      summary: `Restart the running machines of ${app} one at a time, each back and healthy before the next.`,
      steps: steps({
        tool: "apps_restart",
        reason: "Asked to restart all machines; one step per running machine, in turn.",
        input: { app, ...groupOf(session.question) },
      }),
      preconditions: [appExists(app)],
    });
  },
};

export const scaleMemory: Shape = {
  id: "plan-scale-memory",
  mode: "plan",
  description: "set the memory of all machines of an app (one update step per machine)",
  examples: ["set demo-web's machines to 1024 MB", "scale demo-web memory to 2GB"],
  applies: [],
  // Every machine of the app, so only when the request speaks of all of them: "give machine X 1GB"
  // or "set web-iad-1 to 1GB" is a change to one machine, never a fleet-wide resize.
  matches: (q) =>
    /\b(set|scale|resize|change|give)\b/i.test(q) &&
    (/\b(machines|all|every|each)\b/i.test(q) || /\bscale\b[^.]{0,40}\bmemory\b/i.test(q)) &&
    findMachineIds(q).length === 0 &&
    findMemoryMb(q) !== undefined &&
    !/\b(create|launch|add|new)\b/i.test(q),
  *run(session) {
    const q = session.question;
    const app = yield* requestApp(session);
    const memory = findMemoryMb(q) ?? 0;
    return yield* propose({
      summary: `Give every machine of ${app} ${formatMemory(memory)} of memory.`,
      steps: steps({
        tool: "apps_scale_memory",
        reason: `Asked for ${formatMemory(memory)}; one update per machine whose memory differs.`,
        input: { app, memory_mb: memory, ...groupOf(q) },
      }),
      preconditions: [appExists(app)],
    });
  },
};

export const addMachine: Shape = {
  id: "plan-add-machine",
  mode: "plan",
  description: "add a machine to an app as a copy of its newest running machine (like fly machine clone)",
  examples: ["add a machine to demo-web in ams", "add another machine to demo-web"],
  applies: [],
  matches: (q) =>
    /\b(add|clone)\b/i.test(q) &&
    MACHINES.test(q) &&
    /\b(a|one|another|1)\s+(?:more\s+|new\s+)?(machine|instance|vm)\b/i.test(q) &&
    !findPreset(q) &&
    findCpus(q).cpus === undefined &&
    findImage(q) === undefined,
  *run(session) {
    const q = session.question;
    const app = yield* requestApp(session);
    const rows = (yield* perApp("machines_list", [app])).items.map((i) => i.record);
    // machines_list is newest first: the newest running machine is the one to copy.
    const source = rows.find((r) => stateOf(r) === "started") ?? rows[0];
    const sourceId = source ? idOf(source) : undefined;
    if (!source || !sourceId)
      throw new AnswerNow(`${app} has no machine to copy; ask to create one with a size, region and image.`);
    const [region] = findRegions(q);
    const memory = findMemoryMb(q);
    const label = `${nameOf(source) ?? sourceId} (${sourceId}, ${regionOf(source) ?? "?"})`;
    return yield* propose({
      summary: `Add one machine to ${app} as a copy of ${label}${region ? ` in ${region}` : ""}.`,
      steps: steps({
        tool: "machines_clone",
        reason: `A copy of ${app}'s newest running machine, so it gets the same services, env and process group.`,
        input: {
          app,
          machine_id: sourceId,
          ...(region ? { region } : {}),
          ...(memory === undefined ? {} : { guest: { memory_mb: memory } }),
        },
      }),
      preconditions: [appExists(app)],
    });
  },
};

export const forkVolume: Shape = {
  id: "plan-fork-volume",
  mode: "plan",
  description: "fork a volume (copy its data into a new volume), optionally to another region",
  examples: ["fork volume vol_6upl3f9b5h7m2xzc to lhr"],
  applies: [],
  matches: (q) => /\b(fork|copy|clone)\b/i.test(q) && /\bvol(ume)?s?\b|\bvol_/i.test(q),
  *run(session) {
    const volume = yield* requestVolume(session);
    const [region] = findRegions(session.question);
    return yield* propose({
      summary: `Fork volume ${volume.id} of ${volume.app}${region ? ` into ${region}` : ""}.`,
      steps: steps({
        tool: "volumes_fork",
        reason: `A new volume with a copy of ${volume.id}'s data${region ? ` in ${region}` : ""}, as asked.`,
        input: { app: volume.app, volume_id: volume.id, ...(region ? { region } : {}) },
      }),
      preconditions: [appExists(volume.app)],
    });
  },
};

const APP_NAME = /\b(?:named|called)\s+["'`]?([a-z0-9][a-z0-9-]{0,61})/i;
const ORG_NAME = /\b(?:org|organization|organisation)\s+["'`]?([a-z0-9][a-z0-9-]{0,61})/i;

export const createApp: Shape = {
  id: "plan-create-app",
  mode: "plan",
  description: "create an app in an organization",
  examples: ["create an app named my-new-app in org personal"],
  applies: [],
  matches: (q) => /\b(create|make|new)\b/i.test(q) && /\ban?\s+(?:new\s+)?app\b/i.test(q) && APP_NAME.test(q),
  *run(session) {
    const q = session.question;
    const app = APP_NAME.exec(q)?.[1]?.toLowerCase() ?? "";
    const org = ORG_NAME.exec(q)?.[1]?.toLowerCase();
    const slugs = recordsOf(yield* needOk("orgs_list", {}, "your organizations"))
      .map((r) => (typeof r.slug === "string" ? r.slug : ""))
      .filter(Boolean);
    const chosen = org ?? (slugs.length === 1 ? slugs[0] : undefined);
    if (!chosen)
      throw new AnswerNow(`In which organization? Yours: ${slugs.join(", ") || "none"}; say "in org SLUG".`);
    if (!slugs.includes(chosen))
      throw new AnswerNow(`There is no organization ${chosen}. Yours: ${slugs.join(", ") || "none"}.`);
    if ((yield* appNames()).includes(app)) throw new AnswerNow(`An app named ${app} already exists.`);
    return yield* propose({
      summary: `Create app ${app} in org ${chosen}.`,
      steps: steps({ tool: "apps_create", reason: "Asked for a new app.", input: { app, org: chosen } }),
      preconditions: [{ tool: "apps_get", input: { app }, expect: { exists: false } }],
    });
  },
};
