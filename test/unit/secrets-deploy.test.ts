import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FlyApiError } from "../../src/fly/errors.js";
import { reconcileStep } from "../../src/plan/apply/reconcile.js";
import type { Secret } from "../../src/fly/schemas.js";
import { invokeTool, ToolInputError } from "../../tools/invoke.js";
import { SECRETS_MARK, machinesSecretsUpdate, secretsDigest } from "../../tools/machine-secrets.js";
import { expandSecretsDeploy, secretsDeployStatus } from "../../tools/secrets-deploy.js";
import { sandboxWorld, type SandboxWorld } from "./applier-fixture.js";

/**
 * `fly secrets deploy` as plan steps: the expansion (one machines_secrets_update per machine
 * without the current secrets, in fleet order), the precondition it records (names, digests and
 * machines, never a value), and one machine's update (same config, min_secrets_version, the
 * mark; a stopped machine stays stopped; a machine that has them is left alone).
 */

const WEB = ["148e272b0e4d89", "d8d9e21a7c3e18", "3287e15b6d9e48"];
const STOPPED = { app: "demo-web", machine_id: "3287e15b6d9e48" } as const;
const VALUE = `fake-${"v".repeat(20)}`;

let world: SandboxWorld;
beforeEach(async () => {
  world = await sandboxWorld();
});
afterEach(async () => {
  await world.close();
});

const ctx = () => world.runtime.ctx;
const stage = (value = VALUE) => ctx().fly.rest.setSecrets("demo-web", { API_KEY: value });
const machine = (id: string) => world.sandbox.store.machine(id);

function secret(name: string, digest: string, updated_at = "2026-12-01T10:00:00Z"): Secret {
  return { name, digest, created_at: "2026-11-01T10:00:00Z", updated_at };
}

describe("secretsDigest", () => {
  it("is the same whatever the order, and changes with a name, a digest or an update time", () => {
    const a = secret("A", "d1");
    const b = secret("B", "d2");
    const base = secretsDigest([a, b]);
    expect(secretsDigest([b, a])).toBe(base);
    expect(secretsDigest([a])).not.toBe(base);
    expect(secretsDigest([a, secret("B", "d3")])).not.toBe(base);
    expect(secretsDigest([a, secret("B", "d2", "2026-12-02T10:00:00Z")])).not.toBe(base);
    expect(secretsDigest([])).not.toBe(base);
  });
});

describe("expandSecretsDeploy", () => {
  it("makes one step per machine of the app, in fleet order, and records secrets and machines as they are", async () => {
    await stage();
    const expansion = await expandSecretsDeploy(ctx(), { app: "demo-web" });
    expect(expansion.steps.map((s) => [s.tool, s.input.machine_id])).toEqual(
      WEB.map((id) => ["machines_secrets_update", id]),
    );
    expect(expansion.steps[0]?.reason).toMatch(/web-iad-1 .*restarts/);
    expect(expansion.steps[2]?.reason).toMatch(/web-iad-2 .*not running/);
    expect(expansion.summary).toMatch(/3 machine\(s\) one at a time; 2 running one\(s\) restart: web-iad-1/);
    const recorded = expansion.preconditions.find((p) => p.tool === "secrets_deploy_status");
    const live = (await invokeTool(ctx(), secretsDeployStatus, { app: "demo-web" })) as Record<
      string,
      unknown
    >;
    expect(recorded?.expect).toEqual({
      secrets: live.secrets,
      secrets_digest: live.secrets_digest,
      machine_ids: [...WEB].sort(),
    });
    expect((live.secrets as { name: string }[]).map((s) => s.name)).toEqual([
      "API_KEY",
      "DATABASE_URL",
      "SESSION_SECRET",
    ]);
    expect(JSON.stringify(expansion)).not.toContain(VALUE);
  });

  it("leaves out a machine that has the current secrets, and has nothing to do once all have them", async () => {
    await stage();
    await invokeTool(ctx(), machinesSecretsUpdate, STOPPED);
    const expansion = await expandSecretsDeploy(ctx(), { app: "demo-web" });
    expect(expansion.steps.map((s) => s.input.machine_id)).toEqual(WEB.slice(0, 2));
    const status = (await invokeTool(ctx(), secretsDeployStatus, { app: "demo-web" })) as { status: string };
    expect(status.status).toBe("partial");
    for (const id of WEB.slice(0, 2))
      await invokeTool(ctx(), machinesSecretsUpdate, { app: "demo-web", machine_id: id });
    const done = await expandSecretsDeploy(ctx(), { app: "demo-web" });
    expect(done.steps).toEqual([]);
    expect(done.summary).toMatch(/nothing to do/);
    // A new secret later makes every machine pending again.
    await ctx().fly.rest.setSecrets("demo-web", { OTHER: VALUE });
    expect((await expandSecretsDeploy(ctx(), { app: "demo-web" })).steps).toHaveLength(3);
  });

  it("refuses an app without machines, as flyctl does, and a process group the app does not have", async () => {
    await ctx().fly.rest.createApp({ name: "demo-empty", org_slug: "personal" });
    await expect(expandSecretsDeploy(ctx(), { app: "demo-empty" })).rejects.toThrow(/no machines/);
    await expect(expandSecretsDeploy(ctx(), { app: "demo-web", process_group: "worker" })).rejects.toThrow(
      ToolInputError,
    );
  });
});

describe("machines_secrets_update", () => {
  it("updates a stopped machine with the app's secrets version without starting it, then leaves it alone", async () => {
    const { version } = await stage();
    const before = machine(STOPPED.machine_id);
    const instance = before?.instanceId;
    const image = before?.config.image;
    const first = (await invokeTool(ctx(), machinesSecretsUpdate, STOPPED)) as { changed: boolean };
    expect(first.changed).toBe(true);
    const after = machine(STOPPED.machine_id);
    expect(after?.state).toBe("stopped");
    expect(after?.instanceId).not.toBe(instance);
    expect(after?.secretsVersion).toBe(version);
    expect(after?.config.image).toBe(image);
    expect(after?.config.metadata?.[SECRETS_MARK]).toMatch(/^[0-9a-f]{32}$/);
    const second = (await invokeTool(ctx(), machinesSecretsUpdate, STOPPED)) as { changed: boolean };
    expect(second.changed).toBe(false);
    expect(machine(STOPPED.machine_id)?.instanceId).toBe(after?.instanceId);
  });

  it("restarts a running machine on the new secrets and returns once it runs", async () => {
    const { version } = await stage();
    const id = WEB[0] ?? "";
    const result = (await invokeTool(ctx(), machinesSecretsUpdate, { app: "demo-web", machine_id: id })) as {
      changed: boolean;
      machine: { state: string };
    };
    expect(result.changed).toBe(true);
    expect(result.machine.state).toBe("started");
    expect(machine(id)?.secretsVersion).toBe(version);
  });
});

describe("machines_secrets_update on --resume", () => {
  it("is done only once the machine has the current secrets and is back; until then it is run again", async () => {
    await stage();
    const id = WEB[0] ?? "";
    const step = {
      id: "s1.1",
      tool: "machines_secrets_update",
      reason: "test",
      input: { app: "demo-web", machine_id: id },
    };
    expect((await reconcileStep(ctx(), step, undefined)).action).toBe("rerun");
    await invokeTool(ctx(), machinesSecretsUpdate, { app: "demo-web", machine_id: id });
    expect((await reconcileStep(ctx(), step, undefined)).action).toBe("adopt");
    // Killed while Fly was still replacing it: the next machine must not start yet.
    const record = machine(id);
    if (record) record.state = "replacing";
    const waiting = await reconcileStep(ctx(), step, undefined);
    expect(waiting.action).toBe("rerun");
    expect(waiting.note).toMatch(/replacing/);
  });
});

describe("the sandbox and min_secrets_version", () => {
  it("refuses an update asking for a secrets version the app does not have yet", async () => {
    const current = world.sandbox.store.app("demo-web")?.secretsVersion ?? 0;
    const m = machine(STOPPED.machine_id);
    const error = await ctx()
      .fly.rest.updateMachine("demo-web", STOPPED.machine_id, {
        config: m?.config ?? { image: "x" },
        skip_launch: true,
        min_secrets_version: current + 1,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyApiError);
    expect((error as FlyApiError).status).toBe(400);
    expect(machine(STOPPED.machine_id)?.instanceId).toBe(m?.instanceId);
  });
});
