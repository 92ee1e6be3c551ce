import { describe, expect, it } from "vitest";
import { catalog, findTool, toolsByAccess } from "../../tools/index.js";
import { toolJsonSchema, toolSpec } from "../../tools/json-schema.js";

/**
 * What every model is shown of the catalog. The snapshot makes a change to a tool's name,
 * description or input schema a reviewed change: update it with `npx vitest run -u` and read the diff.
 */

const CONTRACT_NAMES = [
  "apps_list",
  "apps_get",
  "machines_list",
  "machines_get",
  "machines_create",
  "machines_update",
  "machines_start",
  "machines_stop",
  "machines_restart",
  "machines_suspend",
  "machines_cordon",
  "machines_uncordon",
  "machines_destroy",
  "org_machines_list",
  "volumes_list",
  "volumes_get",
  "volumes_create",
  "volumes_extend",
  "volumes_destroy",
  "volume_snapshots_list",
  "volume_snapshots_create",
  "org_volumes_list",
  "secrets_list",
  "secrets_set",
  "secrets_unset",
  "ips_list",
  "ips_allocate",
  "ips_release",
  "certs_list",
  "certs_add",
  "certs_check",
  // Beyond the list: the read-only look at one certificate (certs_check asks Fly to act).
  "certs_get",
  "certs_remove",
  "regions_list",
  "orgs_list",
  "whoami",
  // Issue 9: logs and metrics.
  "logs_list",
  "metrics_get",
  "metrics_promql_get",
  // Issue 11: databases, add-ons and the organization.
  "postgres_list",
  "postgres_get",
  "mpg_list",
  "mpg_get",
  "mpg_create",
  "mpg_destroy",
  "mpg_database_create",
  "mpg_user_create",
  "mpg_attach",
  "mpg_detach",
  "redis_list",
  "tigris_list",
  "extensions_list",
  "addon_create",
  "addon_destroy",
  "members_list",
  "member_invite",
  "member_remove",
  "tokens_list",
  "token_revoke",
  "wireguard_list",
  "wireguard_remove",
  // Issue 9: health, events, releases and changes.
  "app_status",
  "org_status",
  "machine_events",
  "releases_list",
  "releases_get",
  "recent_changes",
  // Issue 10: apps, clone, scale, rolling restart, fork.
  "apps_create",
  "apps_destroy",
  "apps_scale_get",
  "apps_scale_count",
  "apps_scale_vm",
  "apps_scale_memory",
  "apps_restart",
  "apps_rollback",
  "machines_clone",
  "volumes_fork",
  "machines_metadata_set",
  "machines_metadata_unset",
  "machines_signal",
  "machines_kill",
  // Issue 10: secrets deploy.
  "secrets_deploy_status",
  "secrets_deploy",
  "machines_secrets_update",
  // Issue 14: FlyWP, a second provider.
  "flywp_servers_list",
  "flywp_servers_get",
  "flywp_servers_create",
  "flywp_sites_list",
  "flywp_sites_get",
  "flywp_sites_create",
  "flywp_databases_list",
  "flywp_ssh_keys_list",
  "flywp_ssh_keys_add",
  "flywp_crons_list",
  "flywp_crons_create",
  "flywp_backups_list",
  "flywp_backups_create",
];

function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value)) {
    visit(key, child);
    walk(child, visit);
  }
}

describe("the tool catalog", () => {
  it("has exactly the tools named by the contract, once each", () => {
    expect(catalog.map((t) => t.name).sort()).toEqual([...CONTRACT_NAMES].sort());
    expect(findTool("machines_stop")?.name).toBe("machines_stop");
    expect(findTool("no_such_tool")).toBeUndefined();
  });

  it("marks destroy, release, remove, revoke, detach and unset destructive, other changes write, the rest read", () => {
    const destructive = toolsByAccess("destructive")
      .map((t) => t.name)
      .sort();
    expect(destructive).toEqual([
      "addon_destroy",
      "apps_destroy",
      // A scale to fewer machines destroys some; a plan expands it into destroys the validator judges.
      "apps_scale_count",
      "certs_remove",
      "ips_release",
      "machines_destroy",
      // SIGKILL: the process gets no chance to finish (flyctl's `machine kill`).
      "machines_kill",
      "machines_metadata_unset",
      "member_remove",
      "mpg_destroy",
      "mpg_detach",
      "secrets_unset",
      "token_revoke",
      "volumes_destroy",
      "wireguard_remove",
    ]);
    const write = toolsByAccess("write").map((t) => t.name);
    for (const name of write)
      expect(name).toMatch(
        /_(create|update|start|stop|restart|suspend|cordon|uncordon|extend|set|allocate|add|check|attach|invite|clone|fork|signal|rollback|deploy)$|_scale_(vm|memory)$/,
      );
    for (const tool of toolsByAccess("read")) {
      expect(tool.name).toMatch(/_(list|get|status|events|changes)$|^whoami$/);
    }
    // certs_check asks Fly to re-validate and may start issuance: never a read tool.
    expect(findTool("certs_check")?.access).toBe("write");
    expect(findTool("certs_get")?.access).toBe("read");
  });

  it("uses the shared input field names", () => {
    const fields = (name: string) => Object.keys(toolJsonSchema(findTool(name)!).properties ?? {});
    expect(fields("machines_get")).toEqual(["app", "machine_id"]);
    expect(fields("volumes_extend")).toEqual(["app", "volume_id", "size_gb"]);
    expect(fields("ips_release")).toEqual(["app", "ip"]);
    expect(fields("certs_add")).toEqual(["app", "hostname"]);
    expect(fields("machines_create")).toEqual([
      "app",
      "region",
      "name",
      "image",
      "guest",
      "from_machine_id",
      "process_group",
    ]);
    expect(fields("secrets_set")).toEqual(["app", "secrets"]);
    expect(fields("secrets_unset")).toEqual(["app", "names"]);
  });

  it.each(catalog.map((t) => [t.name, t] as const))(
    "%s exposes a schema OpenAI and Anthropic both accept",
    (name, tool) => {
      const spec = toolSpec(tool);
      expect(spec.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(spec.description.length).toBeGreaterThan(30);
      expect(spec.parameters).toMatchObject({ type: "object", additionalProperties: false });
      expect(spec.parameters.properties).toBeTypeOf("object");
      expect(spec.parameters).not.toHaveProperty("$schema");
      walk(spec.parameters, (key) => {
        expect(key, `${name} must inline every definition`).not.toMatch(/^\$ref$|^definitions$|^\$defs$/);
      });
      for (const [field, schema] of Object.entries(spec.parameters.properties as Record<string, object>)) {
        expect(schema, `${name}.${field} needs a description for the model`).toHaveProperty("description");
      }
    },
  );

  it("matches the reviewed snapshot of every tool a model sees", async () => {
    const specs = catalog.map((tool) => ({ access: tool.access, ...toolSpec(tool) }));
    await expect(`${JSON.stringify(specs, null, 2)}\n`).toMatchFileSnapshot(
      "./__snapshots__/tool-schemas.json",
    );
  });
});
