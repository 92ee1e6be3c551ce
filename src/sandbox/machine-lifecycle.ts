import { RESTING_STATES } from "../platform/machine-states.js";
import { failedPrecondition } from "./http-error.js";
import { ulidFor } from "./ids.js";
import type { SandboxStore } from "./store.js";
import type { MachineRecord, MachineState } from "./types.js";

const MAX_EVENTS = 50;

/**
 * How long a machine sits in starting, stopping, suspending, replacing or destroying unless told
 * otherwise: Fly's spec says its Machines "can be started and stopped at subsecond speeds"
 * (spec/fly/machines-openapi.json, info), and a transition that outlasts a client's next request
 * is what makes a client wait (GET …/wait) instead of assuming the machine arrived. 300 ms is
 * subsecond, as on Fly, and still far longer than a loopback round trip.
 */
export const DEFAULT_TRANSITION_MS = 300;

/**
 * Moves machines between Fly's states. With `transitionMs` 0 a change lands at once; otherwise
 * the machine sits in the intermediate state (starting, stopping, suspending, replacing,
 * destroying) that long, as on Fly, and `wait` is how a client learns it arrived. With
 * `transitionMs` Infinity no timer runs at all: a change stays in flight until `settle` lands
 * it, so a test decides when it arrives instead of racing a clock.
 */
export class MachineLifecycle {
  private readonly pending = new Map<string, { timer?: NodeJS.Timeout; finish: () => void }>();

  constructor(
    private readonly store: SandboxStore,
    private readonly transitionMs: number,
  ) {}

  /** Records an event on the machine, newest first, as GET .../events shows them. */
  event(machine: MachineRecord, type: string, status: string, source: "user" | "flyd"): void {
    const timestamp = Date.now();
    const id = ulidFor(`${this.store.nextLabel("event")}:${machine.id}`);
    machine.events.unshift({ id, type, status, source, timestamp });
    machine.events.length = Math.min(machine.events.length, MAX_EVENTS);
  }

  /** Refuses to act on a machine that is between states, as flyd does. */
  requireSettled(machine: MachineRecord, action: string): void {
    if (!RESTING_STATES.has(machine.state)) {
      throw failedPrecondition(
        `unable to ${action} machine, it is ${machine.state}; wait for it to settle and try again`,
      );
    }
  }

  /**
   * Starts a change: the user event now, the intermediate state for transitionMs, then the
   * final state with flyd's event. `then` runs when the final state lands.
   */
  transition(
    machine: MachineRecord,
    type: string,
    via: MachineState,
    to: MachineState,
    then?: () => void,
  ): void {
    this.event(machine, type, via, "user");
    const finish = (): void => {
      this.pending.delete(machine.id);
      this.land(machine, type, to);
      then?.();
      this.store.changed(machine);
    };
    if (this.transitionMs <= 0) {
      finish();
      return;
    }
    machine.state = via;
    machine.updatedAt = this.store.now();
    this.store.changed(machine);
    const timer = Number.isFinite(this.transitionMs) ? setTimeout(finish, this.transitionMs) : undefined;
    this.pending.set(machine.id, { timer, finish });
  }

  /**
   * The boot of a new machine: Fly answers the create with the machine `created` and boots it
   * afterwards (fly-go's Launch returns it before any wait; flyctl then waits for `started`), so
   * the machine moves to starting only once the answer is on its way. With transitionMs 0 it
   * arrives at once, as every other change does.
   */
  launch(machine: MachineRecord): void {
    if (this.transitionMs <= 0) {
      this.transition(machine, "start", "starting", "started");
      return;
    }
    const begin = (): void => {
      this.pending.delete(machine.id);
      if (machine.state === "created") this.transition(machine, "start", "starting", "started");
    };
    this.pending.set(machine.id, { timer: setTimeout(begin, 0), finish: begin });
  }

  /** A change with nothing to wait for (no process to start or signal): it lands at once. */
  arrive(machine: MachineRecord, type: string, to: MachineState): void {
    this.event(machine, type, to, "user");
    this.land(machine, type, to);
    this.store.changed(machine);
  }

  private land(machine: MachineRecord, type: string, to: MachineState): void {
    machine.state = to;
    machine.updatedAt = this.store.now();
    this.event(machine, type, to, "flyd");
  }

  /** Lands a change still in flight at once (a forced destroy overtakes it). */
  completePending(machineId: string): void {
    // A boot that lands begins the start it was waiting for: land that too.
    for (let entry = this.pending.get(machineId); entry; entry = this.pending.get(machineId)) {
      clearTimeout(entry.timer);
      entry.finish();
    }
  }

  /**
   * Resolves true once the machine is in one of `states` (at `version`, when given), false when `timeoutMs` passes or
   * `signal` aborts first.
   */
  wait(
    machine: MachineRecord,
    states: ReadonlySet<string>,
    timeoutMs: number,
    signal: AbortSignal,
    version?: string,
  ): Promise<boolean> {
    // A wait for a version is met only by that version (an older one that was replaced never is).
    const arrived = (): boolean =>
      states.has(machine.state) && (version === undefined || machine.instanceId === version);
    if (arrived()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (reached: boolean): void => {
        off();
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve(reached);
      };
      const onAbort = (): void => done(false);
      const off = this.store.onMachineChange(machine.id, () => {
        if (arrived()) done(true);
      });
      const timer = setTimeout(() => done(false), timeoutMs);
      signal.addEventListener("abort", onAbort);
      if (signal.aborted) done(false);
    });
  }

  /** Lands every change in flight now: tests drive `transitionMs: Infinity` with it. */
  settle(): void {
    for (const id of [...this.pending.keys()]) this.completePending(id);
  }

  /** Lands every change in flight, so what is persisted at shutdown is a settled fleet. */
  close(): void {
    this.settle();
  }
}
