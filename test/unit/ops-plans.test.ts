import { describe, expect, it } from "vitest";
import { acceptProposal } from "../../src/plan/maker/accept-proposal.js";
import { Redactor } from "../../src/security/redact.js";
import { invokeTool } from "../../tools/invoke.js";
import { machinesDestroy, machinesUpdate } from "../../tools/machines.js";

import { inputOf, localPlans } from "../support/local-plans.js";
/**
 * The operations a new user asks for first, planned by the local model through the real maker
 * against the demo sandbox, then applied: what the plan says is what happens, and applying or
 * planning again changes nothing.
 */

const local = localPlans();
const { plan, refused, apply } = local;

/** demo-web's live machines (not destroyed), as the sandbox holds them. */
function webMachines() {
  return local.world.sandbox.store.machines("demo-web").filter((m) => m.state !== "destroyed");
}

describe("scale count", () => {
  it("scales demo-web from 2 to 3 machines with one clone step and a count precondition; again, nothing changes", async () => {
    // The seed's demo-web has 3 machines, one stopped; flyctl counts stopped ones too, so make it 2.
    await invokeTool(local.world.runtime.ctx, machinesDestroy, {
      app: "demo-web",
      machine_id: "3287e15b6d9e48",
    });
    const before = webMachines();
    expect(before).toHaveLength(2);
    const made = await plan("scale demo-web to 3 machines");
    expect(made.steps.map((s) => s.tool)).toEqual(["machines_clone"]);
    expect(inputOf(made.steps[0]).app).toBe("demo-web");
    expect(before.map((m) => m.id)).toContain(inputOf(made.steps[0]).machine_id);
    expect(made.preconditions).toContainEqual({
      tool: "apps_scale_get",
      input: { app: "demo-web", process_group: "app" },
      expect: { count: 2, machine_ids: before.map((m) => m.id).sort() },
    });
    const report = await apply(made, "scale.json");
    expect(report.status, report.message).toBe("applied");
    const after = webMachines();
    expect(after).toHaveLength(3);
    // The copy has the configuration of the others: services, env, process group, image and size.
    const [a, b, c] = after.map((m) => m.config);
    for (const m of [b, c]) {
      expect(m?.services).toEqual(a?.services);
      expect(m?.env).toEqual(a?.env);
      expect(m?.image).toEqual(a?.image);
      expect(m?.guest).toEqual(a?.guest);
      expect(m?.metadata?.fly_process_group ?? "app").toEqual(a?.metadata?.fly_process_group ?? "app");
    }
    const again = await apply(made, "scale.json");
    expect(again.status).toBe("already-applied");
    expect(webMachines()).toHaveLength(3);
    // The local model reads the count first and says so; a model that proposes it anyway is told by the maker.
    expect(await refused("scale demo-web to 3 machines")).toMatch(
      /already has 3 machine\(s\) in process group app \(3 started\).*nothing to plan/,
    );
    const proposal = {
      summary: "Scale demo-web to 3.",
      steps: [{ id: "s1", tool: "apps_scale_count", reason: "asked", input: { app: "demo-web", count: 3 } }],
      preconditions: [],
    };
    await expect(
      acceptProposal(local.world.runtime.ctx, proposal, {
        request: "scale demo-web to 3 machines",
        createdAt: "2026-12-01T10:00:00Z",
        allowDestructive: false,
        redactor: new Redactor(),
      }),
    ).rejects.toThrow(/already has 3 machine\(s\); nothing to do/);
  });

  it("scaling down lists every machine it destroys and is blocked without --allow-destructive", async () => {
    expect(await refused("scale demo-web to 1 machines")).toMatch(/destroy/);
    const made = await plan("scale demo-web to 1 machines", true);
    expect(made.steps.map((s): unknown[] => [s.tool, inputOf(s).machine_id])).toEqual([
      // Not running first (nothing serves on it), then the newest running one.
      ["machines_destroy", "3287e15b6d9e48"],
      ["machines_destroy", "d8d9e21a7c3e18"],
    ]);
    const blocked = await apply(made, "down.json");
    expect(blocked.status).toBe("refused");
    expect(webMachines()).toHaveLength(3);
    const report = await apply(made, "down.json", { allowDestructive: true });
    expect(report.status, report.message).toBe("applied");
    expect(webMachines().map((m) => m.id)).toEqual(["148e272b0e4d89"]);
  });
});

describe("other fleet operations", () => {
  it("restarts all machines of demo-web one step per running machine", async () => {
    const made = await plan("restart all machines of demo-web");
    expect(made.steps.map((s): unknown[] => [s.tool, inputOf(s).machine_id])).toEqual([
      ["machines_restart", "148e272b0e4d89"],
      ["machines_restart", "d8d9e21a7c3e18"],
    ]);
    const report = await apply(made, "restart.json");
    expect(report.status, report.message).toBe("applied");
  });

  it("sets demo-web's machines to 1024 MB, one update per machine, and nothing the second time", async () => {
    const made = await plan("set demo-web's machines to 1024 MB");
    expect(made.steps.map((s) => s.tool)).toEqual(["machines_update", "machines_update", "machines_update"]);
    expect(made.steps.every((s) => JSON.stringify(inputOf(s).guest) === '{"memory_mb":1024}')).toBe(true);
    const report = await apply(made, "memory.json");
    expect(report.status, report.message).toBe("applied");
    expect(webMachines().map((m) => m.config.guest.memory_mb)).toEqual([1024, 1024, 1024]);
    expect(await refused("set demo-web's machines to 1024 MB")).toMatch(
      /already has that size; nothing to do/,
    );
  });

  it("never turns a change to one named machine's memory into a resize of the whole app", async () => {
    for (const request of [
      "give machine 148e272b0e4d89 of demo-web 1024MB of memory",
      "set web-iad-1 of demo-web to 1024 MB",
    ]) {
      const outcome = await plan(request).then(
        (made) => made.steps.map((s) => [s.tool, inputOf(s).machine_id]),
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      // Either one machine's update, or a refusal; never every machine of demo-web.
      if (typeof outcome !== "string") expect(outcome, request).toHaveLength(1);
    }
  });

  it("resizes one named machine with one update step, and leaves the others as they were", async () => {
    const made = await plan("increase web-iad-1 memory to 1gb");
    expect(made.steps.map((s) => [s.tool, inputOf(s).machine_id, inputOf(s).guest])).toEqual([
      ["machines_update", "148e272b0e4d89", { memory_mb: 1024 }],
    ]);
    const report = await apply(made, "resize-one.json");
    expect(report.status, report.message).toBe("applied");
    const sizes = Object.fromEntries(webMachines().map((m) => [m.id, m.config.guest.memory_mb]));
    expect(sizes).toEqual({ "148e272b0e4d89": 1024, d8d9e21a7c3e18: 256, "3287e15b6d9e48": 256 });
    expect(await refused("increase web-iad-1 memory to 1gb")).toMatch(/already has that size/);
  });

  it("refuses a size Fly does not offer for the machine's CPUs, in the plan and in the tool", async () => {
    expect(await refused("set web-iad-1 memory to 32gb")).toMatch(/1 shared CPU\(s\) allow at most 2048 MB/);
    expect(await refused("increase web-iad-1 memory by 1gb")).toMatch(/not an amount to add/);
    const error = await invokeTool(local.world.runtime.ctx, machinesUpdate, {
      app: "demo-web",
      machine_id: "148e272b0e4d89",
      guest: { memory_mb: 16384 },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((error as Error | undefined)?.message)).toMatch(/allow at most 2048 MB/);
    expect(webMachines().find((m) => m.id === "148e272b0e4d89")?.config.guest.memory_mb).toBe(256);
  });

  it("adds a machine to demo-web in ams as a copy of its newest running machine", async () => {
    const made = await plan("add a machine to demo-web in ams");
    expect(made.steps).toHaveLength(1);
    expect(made.steps[0]).toMatchObject({
      tool: "machines_clone",
      input: { app: "demo-web", region: "ams" },
    });
    expect((made.steps[0]?.input as { name?: string }).name).toMatch(/^demo-web-ams-[0-9a-f]{6}$/);
    const report = await apply(made, "add.json");
    expect(report.status, report.message).toBe("applied");
    const added = webMachines().find((m) => m.region === "ams");
    expect(added?.config.services).toBeDefined();
  });

  it("forks a volume to another region", async () => {
    const made = await plan("fork volume vol_6upl3f9b5h7m2xzc to ams");
    expect(made.steps[0]).toMatchObject({
      tool: "volumes_fork",
      input: { app: "demo-web", volume_id: "vol_6upl3f9b5h7m2xzc", region: "ams", name: "uploads" },
    });
    const report = await apply(made, "fork.json");
    expect(report.status, report.message).toBe("applied");
    const copies = local.world.sandbox.store.volumes("demo-web").filter((v) => v.region === "ams");
    expect(copies.map((v) => [v.name, v.sizeGb])).toEqual([["uploads", 5]]);
  });

  it("creates an app named X in org Y", async () => {
    const made = await plan("create an app named demo-new in org personal");
    expect(made.steps[0]).toMatchObject({ tool: "apps_create", input: { app: "demo-new", org: "personal" } });
    const report = await apply(made, "app.json");
    expect(report.status, report.message).toBe("applied");
    expect(local.world.sandbox.store.app("demo-new")?.org).toBe("personal");
  });
});

describe("rolling restart, watched", () => {
  it("never has two of demo-web's running machines down at once, and each is back before the next", async () => {
    await local.reopen({ transitionMs: 40 });
    const made = await plan("restart all machines of demo-web");
    const ids = made.steps.map((s) => String(inputOf(s).machine_id));
    expect(ids).toHaveLength(2);
    let mostDown = 0;
    const seenDown = new Set<string>();
    const watcher = setInterval(() => {
      const down = ids.filter((id) => local.world.sandbox.store.machine(id)?.state !== "started");
      down.forEach((id) => seenDown.add(id));
      mostDown = Math.max(mostDown, down.length);
    }, 2);
    try {
      const report = await apply(made, "rolling.json");
      expect(report.status, report.message).toBe("applied");
    } finally {
      clearInterval(watcher);
    }
    // The watcher saw each machine go through its restart, and never two at once.
    expect([...seenDown].sort()).toEqual([...ids].sort());
    expect(mostDown).toBe(1);
  });
});
