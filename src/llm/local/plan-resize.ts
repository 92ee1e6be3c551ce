import { describeGuestProblem, guestProblems } from "../../platform/guest-sizes.js";
import { findCpus, findMemoryMb } from "./entities.js";
import { cpuKindOf, cpusOf, formatMemory, memoryMbOf, nameOf } from "./fields.js";
import { propose, requestMachine, stateText, steps, type Precondition } from "./plan-common.js";
import { scaleMemory } from "./plan-fleet.js";
import { AnswerNow } from "./session.js";
import type { Shape } from "./shape.js";

/**
 * One machine's size: "give machine 148e272b0e4d89 of demo-web 1024MB of memory", "increase
 * api-sin-1 memory to 8gb", "resize web-iad-1 to 2 cpus". One machines_update step with only the
 * fields asked for; the merged size is held to Fly's limits before anything is proposed, and a
 * change by an amount ("by 1GB") is refused rather than guessed.
 */

const VERB =
  /\b(set|resize|change|give|increase|raise|bump|grow|upgrade|decrease|lower|reduce|shrink|downsize)\b/i;
const SIZE_WORD = /\b(memory|ram|mem|cpus?|cores?|size)\b|\b\d+(?:\.\d+)?\s*(?:gb|gib|mb|mib)\b/i;
const BY_AMOUNT = /\bby\s+\d/i;

export const resizeMachine: Shape = {
  id: "plan-resize-machine",
  mode: "plan",
  description: "change one machine's memory or CPUs (one update step; the rest of its config is kept)",
  examples: ["give machine 148e272b0e4d89 of demo-web 1024MB of memory", "increase api-sin-1 memory to 8gb"],
  applies: [],
  matches: (q) =>
    VERB.test(q) &&
    SIZE_WORD.test(q) &&
    !scaleMemory.matches(q) &&
    !/\b(machines|all|every|each|volumes?|create|launch|add|new)\b/i.test(q),
  *run(session) {
    const q = session.question;
    if (BY_AMOUNT.test(q))
      throw new AnswerNow(
        'Say the size the machine should have, e.g. "set web-iad-1 memory to 1GB", not an amount to add.',
      );
    const memory = findMemoryMb(q);
    const { cpus, cpu_kind } = findCpus(q);
    if (memory === undefined && cpus === undefined && cpu_kind === undefined)
      throw new AnswerNow('Which size? Say the memory or CPUs it should have, e.g. "to 1GB" or "to 2 cpus".');
    const { app, id, record } = yield* requestMachine(session);
    const label = nameOf(record) && nameOf(record) !== id ? `${id} (${nameOf(record)})` : id;
    const now = {
      cpu_kind: cpuKindOf(record) ?? "",
      cpus: cpusOf(record) ?? 0,
      memory_mb: memoryMbOf(record) ?? 0,
    };
    const change = {
      ...(cpu_kind !== undefined && cpu_kind !== now.cpu_kind ? { cpu_kind } : {}),
      ...(cpus !== undefined && cpus !== now.cpus ? { cpus } : {}),
      ...(memory !== undefined && memory !== now.memory_mb ? { memory_mb: memory } : {}),
    };
    if (Object.keys(change).length === 0)
      throw new AnswerNow(`Machine ${label} of ${app} already has that size; there is nothing to plan.`);
    const problems = guestProblems({ ...now, ...change });
    if (problems.length > 0)
      throw new AnswerNow(
        `Machine ${label} of ${app} cannot have that size: ${problems.map(describeGuestProblem).join("; ")}.`,
      );
    const state = stateText(record);
    const expect: Record<string, unknown> = { state };
    if (typeof record.instance_id === "string" && record.instance_id !== "")
      expect.instance_id = record.instance_id;
    const preconditions: Precondition[] = [{ tool: "machines_get", input: { app, machine_id: id }, expect }];
    const target = [
      change.cpus !== undefined || change.cpu_kind !== undefined
        ? `${change.cpus ?? now.cpus} ${change.cpu_kind ?? now.cpu_kind} CPU(s)`
        : "",
      change.memory_mb !== undefined ? formatMemory(change.memory_mb) : "",
    ]
      .filter(Boolean)
      .join(", ");
    return yield* propose({
      summary: `Resize machine ${label} of ${app} to ${target}.`,
      steps: steps({
        tool: "machines_update",
        reason: `Asked for ${target}; now ${now.cpus} ${now.cpu_kind} CPU(s), ${formatMemory(now.memory_mb)}, ${state}. A running machine is replaced to apply it.`,
        input: { app, machine_id: id, guest: change },
      }),
      preconditions,
    });
  },
};
