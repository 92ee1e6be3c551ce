import type { HttpTransport } from "./http.js";
import { appsRest, type AppsRest } from "./rest-apps.js";
import { machineMetaRest, type MachineMetaRest } from "./rest-machine-meta.js";
import { machinesRest, type MachinesRest } from "./rest-machines.js";
import { networkRest, type NetworkRest } from "./rest-network.js";
import { orgListingsRest, type OrgListingsRest } from "./rest-orgs.js";
import { secretsRest, type SecretsRest } from "./rest-secrets.js";
import { volumesRest, type VolumesRest } from "./rest-volumes.js";

export type {
  AssignIpBody,
  CreateMachineBody,
  CreateVolumeBody,
  ListFilterState,
  ListMachinesQuery,
  OrgListQuery,
  PageOptions,
  Paged,
  Signal,
  UpdateMachineBody,
  WaitState,
} from "./rest-support.js";

/**
 * The Fly Machines REST API, one method per operation, paths and bodies as in Fly's OpenAPI
 * document. Each call names its limiter bucket (action and the machine, volume, app or org it
 * acts on) and whether resending it is harmless. State changes that converge (start, stop,
 * suspend, cordon, set or unset secrets, extend to a size) are idempotent; anything that could
 * create a second thing or act twice (create, restart, allocate, snapshot) is not.
 * Secret values are never requested and never kept: `show_secrets` is never sent.
 *
 * One client, written one resource per file (rest-apps.ts, rest-machines.ts, rest-orgs.ts,
 * rest-volumes.ts, rest-secrets.ts, rest-network.ts); `new FlyRest(http)` puts their methods
 * together on one object, so callers write `rest.listMachines(...)` whatever file it lives in.
 */
export type FlyRest = AppsRest &
  MachinesRest &
  MachineMetaRest &
  OrgListingsRest &
  VolumesRest &
  SecretsRest &
  NetworkRest;

class FlyRestClient {
  constructor(http: HttpTransport) {
    Object.assign(
      this,
      appsRest(http),
      machinesRest(http),
      machineMetaRest(http),
      orgListingsRest(http),
      volumesRest(http),
      secretsRest(http),
      networkRest(http),
    );
  }
}

// The class only assembles; the methods, and so the instance type, come from the resource files.
export const FlyRest = FlyRestClient as new (http: HttpTransport) => FlyRest;
