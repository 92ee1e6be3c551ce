import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Counts the requests that may have changed something while a piece of work runs: every request
 * but a GET, and but the lease bookkeeping around a machine change. The applier runs each step
 * under a counter, so that a step refused before it sent any change (a machine leased by someone
 * else) is known to have changed nothing, and is not left for `--resume` to reconcile.
 */

export interface ChangeCounter {
  sent: number;
}

const current = new AsyncLocalStorage<ChangeCounter>();

/** Runs `work` with `counter` counting the changes it sends. */
export function countingChanges<T>(counter: ChangeCounter, work: () => Promise<T>): Promise<T> {
  return current.run(counter, work);
}

/** Called by the transport just before it sends a request that may change something. */
export function noteChangeSent(): void {
  const counter = current.getStore();
  if (counter) counter.sent += 1;
}
