import {
  DEFAULT_PRESET,
  GUEST_PRESETS,
  defaultMemoryMb,
  guestProblems,
  listOfCounts,
  presetName,
  type GuestProblem,
} from "../../platform/guest-sizes.js";
import { STATE_ACTIONS } from "../../platform/machine-states.js";
import { findCpus, findImage, findMachineIds, findMemoryMb, findPreset, type GuestSize } from "./entities.js";
import { formatMemory, idOf, imageOf, nameOf } from "./fields.js";
import { perApp } from "./fleet.js";
import {
  appExists,
  propose,
  requestApp,
  requestMachine,
  requestRegion,
  stateText,
  steps,
  type Precondition,
} from "./plan-common.js";
import { addMachine, restartAll, scaleCount } from "./plan-fleet.js";
import { AnswerNow } from "./session.js";
import type { Shape } from "./shape.js";

const MACHINE = /\b(machines?|vms?|instances?)\b/i;
const CREATE = /\b(create|launch|add|new|spin up|provision|deploy|run)\b/i;
/** Scaling several machines at once is more than one create; the local model leaves it to a real model. */
const SCALING =
  /\b(scale|every|each|all)\b|\b(\d+|two|three|four|five|six|seven|eight|nine|ten|several|multiple|some)\s+(?:new\s+|more\s+)?machines\b/i;

/** Size from the request: a preset, then explicit CPU kind/count and memory on top; Fly's smallest size otherwise. */
function guestFrom(text: string): { guest: GuestSize; said: string } {
  const preset = findPreset(text);
  const cpus = findCpus(text);
  const memory = findMemoryMb(text);
  const guest: GuestSize = { ...(preset?.guest ?? GUEST_PRESETS[DEFAULT_PRESET]) };
  if (cpus.cpu_kind) guest.cpu_kind = cpus.cpu_kind;
  if (cpus.cpus !== undefined) guest.cpus = cpus.cpus;
  if (memory !== undefined) guest.memory_mb = memory;
  else if (!preset && (cpus.cpus !== undefined || cpus.cpu_kind))
    guest.memory_mb = defaultMemoryMb(guest.cpu_kind, guest.cpus);
  const said =
    preset || cpus.cpus !== undefined || cpus.cpu_kind || memory !== undefined
      ? "as requested"
      : "Fly's smallest size, since no size was given";
  return { guest, said };
}

function checkGuest(guest: GuestSize): void {
  const problems = guestProblems(guest).map(problemText);
  if (problems.length > 0) throw new AnswerNow(`I cannot plan that machine: ${problems.join("; ")}.`);
}

function problemText(problem: GuestProblem): string {
  switch (problem.rule) {
    case "kind":
      return `${problem.kind} is not a Fly CPU kind`;
    case "cpus":
      return `${problem.cpus} ${problem.kind} CPUs is not a Fly size (${listOfCounts(problem.allowed)})`;
    case "step":
      return `${problem.memory} MB of memory is not a multiple of ${problem.step} MB`;
    case "min":
      return `${problem.cpus} ${problem.kind} CPU(s) need at least ${formatMemory(problem.limit)}`;
    case "max":
      return `${problem.cpus} ${problem.kind} CPU(s) take at most ${formatMemory(problem.limit)}`;
  }
}

function sizeName(guest: GuestSize): string {
  return `${presetName(guest.cpu_kind, guest.cpus)} with ${formatMemory(guest.memory_mb)}`;
}

export const createMachine: Shape = {
  id: "plan-machine-create",
  mode: "plan",
  description:
    "create a machine with a size (shared-cpu-1x, performance-2x, CPU kind/count, memory), region and image",
  examples: [
    "create a 512MB shared-cpu-1x machine in iad for my-app",
    "add a performance-2x machine with 8GB in ams for my-app using image nginx:1.27",
  ],
  applies: [],
  matches: (q) =>
    MACHINE.test(q) &&
    CREATE.test(q) &&
    findMachineIds(q).length === 0 &&
    !SCALING.test(q) &&
    !addMachine.matches(q),
  *run(session) {
    const q = session.question;
    const app = yield* requestApp(session);
    const { guest, said } = guestFrom(q);
    checkGuest(guest);
    const region = yield* requestRegion(session, app, "machine");
    let image = findImage(q);
    let imageReason = "the image named in the request";
    if (!image) {
      const existing = yield* perApp("machines_list", [app]);
      const newest = existing.items.map((m) => m.record).find((m) => imageOf(m));
      image = newest ? imageOf(newest) : undefined;
      if (!image)
        throw new AnswerNow(
          `Which image? App ${app} has no machine to copy one from; add "image REPOSITORY:TAG" to the request.`,
        );
      imageReason = `the image of ${app}'s newest machine ${idOf(newest ?? {}) ?? ""}`.trim();
    }
    const name = /\b(?:named|called)\s+["'`]?([a-z0-9][a-z0-9-]*[a-z0-9])/i.exec(q)?.[1]?.toLowerCase();
    return yield* propose({
      summary: `Create one machine${name ? ` named ${name}` : ""} for ${app} in ${region}: ${sizeName(guest)}.`,
      steps: steps({
        tool: "machines_create",
        reason: `New machine in ${region}, ${sizeName(guest)} (${said}), from ${imageReason}.`,
        input: { app, region, ...(name ? { name } : {}), image, guest },
      }),
      preconditions: [appExists(app)],
    });
  },
};

type Action = "start" | "stop" | "restart" | "suspend" | "destroy";

const ACTION_WORDS: ReadonlyArray<[RegExp, Action]> = [
  [/\b(start|boot|resume|wake)\b/i, "start"],
  [/\b(stop|halt|shut ?down)\b/i, "stop"],
  [/\b(restart|reboot|bounce)\b/i, "restart"],
  [/\bsuspend\b/i, "suspend"],
  [/\b(destroy|delete|remove|kill|terminate)\b/i, "destroy"],
];

/** The first action verb in the request, by position. */
function actionOf(text: string): Action | undefined {
  let best: { at: number; action: Action } | undefined;
  for (const [pattern, action] of ACTION_WORDS) {
    const at = pattern.exec(text)?.index;
    if (at !== undefined && (!best || at < best.at)) best = { at, action };
  }
  return best?.action;
}

/** Where start, stop and suspend lead: a machine already there needs nothing. */
const ALREADY: Partial<Record<Action, string>> = {
  start: STATE_ACTIONS.start.target,
  stop: STATE_ACTIONS.stop.target,
  suspend: STATE_ACTIONS.suspend.target,
};

export const machineAction: Shape = {
  id: "plan-machine-action",
  mode: "plan",
  description: "start, stop, restart, suspend or destroy a machine (by id or name)",
  examples: [
    "stop machine 148e272b0e4d89 of my-app",
    "restart web-iad-1 on my-app",
    "destroy machine 3287e15b6d9e48",
  ],
  applies: [],
  matches: (q) =>
    actionOf(q) !== undefined &&
    (MACHINE.test(q) || findMachineIds(q).length > 0) &&
    !restartAll.matches(q) &&
    !scaleCount.matches(q),
  *run(session) {
    const action = actionOf(session.question) as Action;
    const { app, id, record } = yield* requestMachine(session);
    const state = stateText(record);
    const label = nameOf(record) && nameOf(record) !== id ? `${id} (${nameOf(record)})` : id;
    if (ALREADY[action] === state)
      throw new AnswerNow(`Machine ${label} of ${app} is already ${state}; there is nothing to plan.`);
    if (action === "restart" && state !== "started") {
      throw new AnswerNow(
        `Machine ${label} of ${app} is ${state}, not running, so it cannot be restarted; ask to start it instead.`,
      );
    }
    const ref = { app, machine_id: id };
    const expect: Record<string, unknown> = { state };
    if (typeof record.instance_id === "string" && record.instance_id !== "")
      expect.instance_id = record.instance_id;
    const preconditions: Precondition[] = [{ tool: "machines_get", input: ref, expect }];
    if (action !== "destroy") {
      return yield* propose({
        summary: `${capitalise(action)} machine ${label} of ${app}, now ${state}.`,
        steps: steps({
          tool: `machines_${action}`,
          reason: `${capitalise(action)} ${label}, which is ${state}, as requested.`,
          input: ref,
        }),
        preconditions,
      });
    }
    const force = /\bforce(d|fully)?\b/i.test(session.question);
    const running = state === "started";
    const plan =
      running && !force
        ? steps(
            {
              tool: "machines_stop",
              reason: `${label} is running; stop it first so it can be destroyed without force.`,
              input: ref,
            },
            {
              tool: "machines_destroy",
              reason: `Destroy ${label} permanently, as requested; its volumes are kept.`,
              input: ref,
            },
          )
        : steps({
            tool: "machines_destroy",
            reason: `Destroy ${label} (now ${state}) permanently, as requested; its volumes are kept.`,
            input: running ? { ...ref, force: true } : ref,
          });
    return yield* propose({
      summary: `Destroy machine ${label} of ${app}, now ${state}.`,
      steps: plan,
      preconditions,
    });
  },
};

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
