import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partialMatch } from "../../src/plan/check/match.js";
import { checkPrecondition, describeCheck, stepMayAffect } from "../../src/plan/check/preconditions.js";
import { STARTED, sandboxWorld, type SandboxWorld } from "./applier-fixture.js";

let world: SandboxWorld;
beforeAll(async () => {
  world = await sandboxWorld();
});
afterAll(async () => {
  await world.close();
});

describe("partialMatch", () => {
  it("compares only the keys the plan names, at any depth", () => {
    const machine = {
      id: "m1",
      state: "started",
      config: { guest: { cpus: 1, memory_mb: 256 }, image: "x" },
    };
    expect(partialMatch({ state: "started" }, machine)).toEqual({ ok: true, found: { state: "started" } });
    expect(partialMatch({ config: { guest: { memory_mb: 512 } } }, machine)).toEqual({
      ok: false,
      found: { config: { guest: { memory_mb: 256 } } },
    });
  });

  it("fails on a missing key and on arrays of another length", () => {
    expect(partialMatch({ region: "iad" }, { state: "started" }).ok).toBe(false);
    expect(partialMatch({ mounts: [1] }, { mounts: [1, 2] }).ok).toBe(false);
    expect(partialMatch({ mounts: [{ volume: "v" }] }, { mounts: [{ volume: "v", path: "/data" }] }).ok).toBe(
      true,
    );
  });
});

describe("checkPrecondition against the sandbox", () => {
  it("holds when the machine is in the expected state", async () => {
    const check = await checkPrecondition(
      world.runtime.ctx,
      { tool: "machines_get", input: { ...STARTED }, expect: { state: "started" } },
      0,
    );
    expect(check).toMatchObject({ status: "holds", found: { state: "started" } });
  });

  it("reports drift with what it expected and what it found", async () => {
    const check = await checkPrecondition(
      world.runtime.ctx,
      { tool: "machines_get", input: { ...STARTED }, expect: { state: "stopped" } },
      2,
    );
    expect(check).toMatchObject({
      status: "drift",
      expected: { state: "stopped" },
      found: { state: "started" },
    });
    expect(describeCheck(check)).toBe(
      'precondition 3 (machines_get app=demo-web machine_id=148e272b0e4d89): expected {"state":"stopped"}, found {"state":"started"}',
    );
  });

  it("reads a 404 as exists: false", async () => {
    const gone = { tool: "machines_get", input: { app: "demo-web", machine_id: "0000000000dead" } };
    expect(
      await checkPrecondition(world.runtime.ctx, { ...gone, expect: { exists: false } }, 0),
    ).toMatchObject({ status: "holds" });
    expect(
      await checkPrecondition(world.runtime.ctx, { ...gone, expect: { exists: true } }, 0),
    ).toMatchObject({
      status: "drift",
      found: { exists: false },
    });
    expect(
      await checkPrecondition(world.runtime.ctx, { ...gone, expect: { state: "started" } }, 0),
    ).toMatchObject({
      status: "drift",
      found: { exists: false },
    });
  });

  it("treats a list as existing when it is not empty", async () => {
    const check = await checkPrecondition(
      world.runtime.ctx,
      { tool: "machines_list", input: { app: "demo-web", state: "suspended" }, expect: { exists: false } },
      0,
    );
    expect(check.status).toBe("holds");
  });

  it("never runs a write tool, whatever the plan says", async () => {
    const check = await checkPrecondition(
      world.runtime.ctx,
      { tool: "machines_stop", input: { ...STARTED }, expect: { exists: true } },
      0,
    );
    expect(check).toMatchObject({ status: "error" });
    expect(world.sandbox.store.machine(STARTED.machine_id)?.state).toBe("started");
  });
});

describe("stepMayAffect", () => {
  const pre = { input: { app: "demo-web", machine_id: "148ed123a45678" } };
  it("links a step to the preconditions about what it touches", () => {
    expect(
      stepMayAffect({ tool: "machines_stop", input: { app: "demo-web", machine_id: "148ed123a45678" } }, pre),
    ).toBe(true);
    expect(
      stepMayAffect({ tool: "machines_stop", input: { app: "demo-web", machine_id: "d8d9e21a7c3e18" } }, pre),
    ).toBe(false);
    expect(
      stepMayAffect({ tool: "machines_stop", input: { app: "other", machine_id: "148ed123a45678" } }, pre),
    ).toBe(false);
    expect(stepMayAffect({ tool: "machines_create", input: { app: "demo-web", region: "iad" } }, pre)).toBe(
      true,
    );
    expect(stepMayAffect({ tool: "flyctl", input: { args: ["scale", "count", "2"] } }, pre)).toBe(true);
  });
});
