import type { MachineLifecycle } from "./machine-lifecycle.js";
import type { SandboxStore } from "./store.js";

/** What every route module is built from. */
export interface RouteDeps {
  store: SandboxStore;
  lifecycle: MachineLifecycle;
}
