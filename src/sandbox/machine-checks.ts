import type { MachineRecord } from "./types.js";

/**
 * A machine's health checks as the Machines API reports them (machines-openapi.json CheckStatus:
 * name, status, output, updated_at). The checks are the ones its config defines: each service's
 * `checks` (fly.MachineServiceCheck), named as flyctl names them, "servicecheck-00-http-8080"
 * (index in two digits, type, port; flyctl internal/machine/leasable_machine_test.go), and the
 * top-level `checks` map (fly.MachineCheck), by its key. Only a started machine runs them. A
 * check passes unless the record holds another result for it (`checkResults`).
 */

interface CheckDefinition {
  name: string;
  type: string;
  port: number | undefined;
  path: string;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function definitions(machine: MachineRecord): CheckDefinition[] {
  const found: CheckDefinition[] = [];
  const services = Array.isArray(machine.config.services) ? machine.config.services : [];
  let index = 0;
  for (const service of services) {
    const internalPort = asRecord(service).internal_port;
    const checks = asRecord(service).checks;
    for (const check of Array.isArray(checks) ? checks : []) {
      const c = asRecord(check);
      const type = typeof c.type === "string" ? c.type : "tcp";
      const port =
        typeof c.port === "number" ? c.port : typeof internalPort === "number" ? internalPort : undefined;
      found.push({
        name: `servicecheck-${String(index).padStart(2, "0")}-${type}-${port ?? 0}`,
        type,
        port,
        path: typeof c.path === "string" ? c.path : "/",
      });
      index += 1;
    }
  }
  for (const [name, check] of Object.entries(asRecord(machine.config.checks))) {
    const c = asRecord(check);
    found.push({
      name,
      type: typeof c.type === "string" ? c.type : "tcp",
      port: typeof c.port === "number" ? c.port : undefined,
      path: typeof c.path === "string" ? c.path : "/",
    });
  }
  return found;
}

function passingOutput(machine: MachineRecord, check: CheckDefinition): string {
  const target = `[${machine.privateIp}]:${check.port ?? 0}`;
  return check.type === "http"
    ? `GET http://${target}${check.path}: 200 OK`
    : `TCP connect ${target}: Success`;
}

export function checksView(machine: MachineRecord): Record<string, unknown>[] {
  if (machine.state !== "started") return [];
  return definitions(machine).map((check) => {
    const result = machine.checkResults?.[check.name];
    return {
      name: check.name,
      status: result?.status ?? "passing",
      output: result?.output ?? passingOutput(machine, check),
      updated_at: result?.updatedAt ?? machine.updatedAt,
    };
  });
}

/** The check every HTTP service of the seeds defines: GET / on the service's port. */
export function httpCheck(path = "/healthz"): Record<string, unknown> {
  return { type: "http", interval: "15s", timeout: "2s", grace_period: "5s", method: "GET", path };
}
