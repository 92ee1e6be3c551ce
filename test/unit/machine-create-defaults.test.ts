import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { machinesCreate } from "../../tools/machine-create-update.js";
import { ToolInputError } from "../../tools/invoke.js";
import { completeSteps } from "../../src/plan/maker/facts.js";
import { describeChange } from "../../src/plan/check/describe-step.js";
import type { PlanStep } from "../../src/plan/schema/schema.js";
import { sandboxWorld, type SandboxWorld } from "./applier-fixture.js";

/**
 * A plan that adds a machine to an app that has machines copies the newest machine of its process
 * group, as `fly machine clone` does, and its review says so; without that the machine would get
 * no services, env or process group, so no traffic.
 */

const GUEST = { cpu_kind: "shared", cpus: 2, memory_mb: 512 } as const;
const step = (input: Record<string, unknown>): PlanStep => ({
  id: "s1",
  tool: "machines_create",
  reason: "capacity",
  input: { app: "demo-web", region: "lhr", guest: GUEST, ...input },
});

let world: SandboxWorld;
beforeEach(async () => {
  world = await sandboxWorld();
});
afterEach(async () => {
  await world.close();
});

async function completed(input: Record<string, unknown>): Promise<PlanStep> {
  const [done] = await completeSteps(world.runtime.ctx, [step(input)]);
  if (!done) throw new Error("no step");
  return done;
}

describe("machines_create in a plan", () => {
  it("copies the newest machine of the app's default group, keeping the request's size, region and image", async () => {
    const done = await completed({ image: "registry.fly.io/demo-web:v2" });
    // web-iad-2 (3287e15b6d9e48) is demo-web's newest machine, all of them in group "app".
    expect(done.input).toMatchObject({
      from_machine_id: "3287e15b6d9e48",
      region: "lhr",
      guest: GUEST,
      image: "registry.fly.io/demo-web:v2",
    });
    expect(describeChange(done)).toContain(
      "with the configuration of machine 3287e15b6d9e48 (services, env, process group, checks), as `fly machine clone` does",
    );
  });

  it("keeps a source the request named", async () => {
    const done = await completed({ from_machine_id: "148e272b0e4d89" });
    expect((done.input as Record<string, unknown>).from_machine_id).toBe("148e272b0e4d89");
  });

  it("refuses a process group the app does not have, naming the groups it has", async () => {
    const error = await completed({ process_group: "worker" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolInputError);
    expect((error as ToolInputError).message).toContain(
      "app demo-web has no machine in process group worker; its groups: app",
    );
  });

  it("leaves an app without machines as it is, and the review says what that means", async () => {
    for (const machine of world.sandbox.store.machines("demo-web")) machine.state = "destroyed";
    const done = await completed({ image: "registry.fly.io/demo-web:v2" });
    expect((done.input as Record<string, unknown>).from_machine_id).toBeUndefined();
    expect(describeChange(done)).toContain("with an image and a size only: no services (so no traffic)");
  });

  it("puts a machine made from scratch into the process group asked for", async () => {
    const created = await machinesCreate.run(world.runtime.ctx, {
      app: "demo-web",
      region: "lhr",
      guest: GUEST,
      image: "registry.fly.io/demo-web:v2",
      process_group: "worker",
    });
    expect(created.config?.metadata?.fly_process_group).toBe("worker");
  });
});
