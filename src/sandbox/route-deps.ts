import type { LeaseBook } from "./leases.js";
import type { MachineLifecycle } from "./machine-lifecycle.js";
import type { SandboxStore } from "./store.js";

/** What every route module is built from. */
export interface RouteDeps {
  store: SandboxStore;
  lifecycle: MachineLifecycle;
  leases: LeaseBook;
  /** Org-wide listings cut pages short (and, for machines, empty) at times, as Fly may. */
  shortPages?: boolean;
}
