import { setTimeout as sleep } from "node:timers/promises";
import { FlyopsError } from "../src/errors.js";
import type { Machine } from "../src/fly/schemas.js";
import type { ToolContext } from "./define-tool.js";

/**
 * Waiting for a machine's health checks to pass after it was restarted or replaced, as flyctl
 * does before it moves to the next machine (internal/watch/watch.go MachinesChecks: the checks
 * of `GET …/machines/{id}` are read once a second until every one is "passing", for at most
 * 300 s; a machine without checks has nothing to wait for).
 */

export const CHECKS_TIMEOUT_MS = 300_000;
const CHECKS_POLL_MS = 1_000;

export class ChecksFailedError extends FlyopsError {
  readonly machineId: string;

  constructor(app: string, id: string, failing: string[]) {
    super(`machine ${id} of ${app} runs, but its health checks did not pass: ${failing.join("; ")}`, {
      hint: `see its checks with \`flyops fly get machine ${id} --app ${app}\`; the remaining machines were not touched, so fix the cause and apply again (\`--resume\`)`,
    });
    this.machineId = id;
  }
}

/** The checks of a machine that are not passing, as "name: status (output)". */
export function failingChecks(machine: Machine): string[] {
  return (machine.checks ?? [])
    .filter((c) => c.status !== "passing")
    .map(
      (c) =>
        `${c.name ?? "check"}: ${c.status ?? "unknown"}${c.output ? ` (${c.output.slice(0, 120)})` : ""}`,
    );
}

export async function waitForChecks(
  ctx: ToolContext,
  app: string,
  id: string,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<Machine> {
  const deadline = Date.now() + (options.timeoutMs ?? CHECKS_TIMEOUT_MS);
  for (;;) {
    const machine = await ctx.fly.rest.getMachine(app, id, ctx.signal);
    const failing = failingChecks(machine);
    if (failing.length === 0) return machine;
    if (Date.now() >= deadline) throw new ChecksFailedError(app, id, failing);
    ctx.log.info(`waiting for the health checks of ${id}: ${failing.join("; ")}`);
    await sleep(options.pollMs ?? CHECKS_POLL_MS, undefined, { signal: ctx.signal });
  }
}
