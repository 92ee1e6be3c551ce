import { describe, expect, it } from "vitest";
import { comparableDiff, diffResources } from "../../src/rehearse/resource-diff.js";
import { rehearsalScope } from "../../src/rehearse/scope.js";
import { PlanFile } from "../../src/plan/schema/schema.js";
import { seedState } from "../../src/sandbox/seeds.js";
import type { SandboxState } from "../../src/sandbox/types.js";

/** The resource diff a rehearsal prints, and what of live state it copies for a plan. */

const base = (): SandboxState => seedState("demo", Date.parse("2026-12-07T10:00:00Z"));

describe("the resource diff", () => {
  it("names what was created, changed field by field, and destroyed", () => {
    const before = base();
    const after = structuredClone(before);
    const [web, other] = after.machines.filter((m) => m.app === "demo-web");
    if (!web || !other) throw new Error("demo-web has two machines in the demo seed");
    web.state = "stopped";
    web.config.guest = { ...web.config.guest, memory_mb: 1024 };
    web.config.image = "registry.fly.io/demo-web:v2";
    other.state = "destroyed";
    const volume = after.volumes.find((v) => v.app === "acme-db");
    if (!volume) throw new Error("acme-db has a volume in the demo seed");
    volume.sizeGb += 10;
    after.machines.push({ ...structuredClone(web), id: "0123456789abcd", name: "web-new", state: "started" });
    after.secrets = after.secrets.filter((s) => s.app !== "acme-api" || s.name !== "DATABASE_URL");

    const diff = diffResources(before, after);
    expect(diff.created.map((e) => [e.kind, e.name])).toEqual([["machine", "web-new"]]);
    const was = before.machines.find((m) => m.id === web.id);
    expect(diff.changed.find((e) => e.id === web.id)?.fields).toEqual([
      { field: "state", from: was?.state, to: "stopped" },
      { field: "guest", from: "shared-cpu-1x 256MB", to: "shared-cpu-1x 1024MB" },
      { field: "image", from: was?.config.image, to: "registry.fly.io/demo-web:v2" },
    ]);
    expect(diff.changed.find((e) => e.id === volume.id)?.fields).toEqual([
      { field: "size", from: `${volume.sizeGb - 10}GB`, to: `${volume.sizeGb}GB` },
    ]);
    expect(diff.destroyed.map((e) => [e.kind, e.id]).sort()).toEqual(
      [
        ["machine", other.id],
        ["secret", "DATABASE_URL"],
      ].sort(),
    );
  });

  it("compares two runs' end states without the ids their creates got", () => {
    const before = base();
    const one = structuredClone(before);
    const two = structuredClone(before);
    const web = before.machines.find((m) => m.app === "demo-web");
    if (!web) throw new Error("demo-web has a machine");
    one.machines.push({ ...structuredClone(web), id: "0000000000000a", name: "web-new" });
    two.machines.push({ ...structuredClone(web), id: "0000000000000b", name: "web-new" });
    expect(comparableDiff(diffResources(before, one))).toBe(comparableDiff(diffResources(before, two)));
    const three = structuredClone(two);
    const added = three.machines.at(-1);
    if (added) added.state = "stopped";
    expect(comparableDiff(diffResources(before, three))).not.toBe(comparableDiff(diffResources(before, one)));
  });
});

describe("the resource diff of a machine's whole config", () => {
  it("shows metadata, services and restart changes with values, and env changes without", () => {
    const before = base();
    const after = structuredClone(before);
    const web = after.machines.find((m) => m.app === "demo-web");
    if (!web) throw new Error("demo-web has a machine in the demo seed");
    const group = web.config.metadata?.fly_process_group;
    const secretValue = "value-" + "q".repeat(12);
    web.config.metadata = { ...web.config.metadata, fly_process_group: "worker" };
    web.config.env = { ...web.config.env, FEATURE_FLAG: secretValue };
    web.config.restart = { policy: "no" };
    const fields = diffResources(before, after).changed.find((e) => e.id === web.id)?.fields ?? [];
    expect(fields).toContainEqual({
      field: "config.metadata.fly_process_group",
      from: group ?? "(none)",
      to: "worker",
    });
    expect(fields).toContainEqual({ field: "config.env.FEATURE_FLAG", from: "(none)", to: "set" });
    expect(fields.find((f) => f.field.startsWith("config.restart"))?.to).toBe("no");
    expect(JSON.stringify(fields)).not.toContain(secretValue);

    const again = structuredClone(after);
    const webAgain = again.machines.find((m) => m.id === web.id);
    if (webAgain?.config.env) webAgain.config.env.FEATURE_FLAG = "other-" + "q".repeat(12);
    const changedEnv = diffResources(after, again).changed[0]?.fields;
    expect(changedEnv).toEqual([
      { field: "config.env.FEATURE_FLAG", from: "(value not shown)", to: "changed" },
    ]);
  });

  it("names volume snapshots and releases created", () => {
    const before = base();
    const after = structuredClone(before);
    const volume = after.volumes[0];
    if (!volume) throw new Error("the demo seed has a volume");
    volume.snapshots.push({
      id: "vs_" + "A1".repeat(8),
      createdAt: "2026-12-07T10:00:00Z",
      digest: "d",
      retentionDays: 5,
      size: 1,
      status: "created",
      volumeSize: volume.sizeGb,
    });
    after.releases = [
      ...(after.releases ?? []),
      {
        app: volume.app,
        id: "rel-new",
        version: 99,
        status: "complete",
        description: "d",
        reason: "r",
        imageRef: "registry.fly.io/x:1",
        stable: true,
        userId: "u",
        createdAt: "2026-12-07T10:00:00Z",
      },
    ];
    const created = diffResources(before, after).created.map((e) => [e.kind, e.id]);
    expect(created).toEqual([
      ["volume-snapshot", "vs_" + "A1".repeat(8)],
      ["release", "rel-new"],
    ]);
  });

  it("keeps resources apart whose app and id would join to the same text", () => {
    const before = base();
    const secret = { ...before.secrets[0]!, app: "a", name: "b:c" };
    before.secrets = [secret];
    const after = structuredClone(before);
    after.secrets = [{ ...secret, app: "a:b", name: "c" }];
    const diff = diffResources(before, after);
    expect(diff.created.map((e) => [e.app, e.id])).toEqual([["a:b", "c"]]);
    expect(diff.destroyed.map((e) => [e.app, e.id])).toEqual([["a", "b:c"]]);
  });
});

describe("what a rehearsal copies", () => {
  const plan = (steps: unknown[], preconditions: unknown[] = []) =>
    PlanFile.parse({
      version: 1,
      request: "r",
      createdAt: "2026-12-07T10:00:00Z",
      org: "personal",
      summary: "s",
      steps,
      preconditions,
    });

  it("every app and org the steps and preconditions name", () => {
    const scope = rehearsalScope(
      plan(
        [
          {
            id: "s1",
            tool: "machines_stop",
            reason: "r",
            input: { app: "demo-web", machine_id: "148e272b0e4d89" },
          },
          { id: "s2", tool: "apps_create", reason: "r", input: { app: "new-app", org: "acme-corp" } },
        ],
        [{ tool: "apps_get", input: { app: "acme-api" }, expect: { exists: true } }],
      ),
    );
    expect(scope).toEqual({ apps: ["acme-api", "demo-web", "new-app"], orgs: ["acme-corp"], blocked: [] });
  });

  it("names the steps a copy cannot stand in for: flyctl, and tools that say so", () => {
    const scope = rehearsalScope(
      plan([
        { id: "s1", tool: "flyctl", reason: "r", input: { args: ["apps", "list"] } },
        { id: "s2", tool: "member_remove", reason: "r", input: { org: "acme-corp", email: "a@example.com" } },
        {
          id: "s3",
          tool: "machines_start",
          reason: "r",
          input: { app: "demo-web", machine_id: "148e272b0e4d89" },
        },
      ]),
    );
    expect(scope.blocked.map((b) => b.step)).toEqual(["s1", "s2"]);
    expect(scope.blocked[1]?.why).toContain("members");
  });
});
