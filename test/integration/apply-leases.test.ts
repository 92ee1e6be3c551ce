import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sandboxHome } from "../support/sandbox-home.js";
import { obj, sandboxClient } from "./sandbox-http.js";

/**
 * A machine leased by someone else, as during another person's `fly deploy`: the lease is taken
 * through the sandbox's REST API first, then `flyops apply` (the built CLI, Fly's timing) meets
 * it. The apply stops at that step with the holder and the expiry, changes nothing, and says
 * where in its journal; once the lease is released, `--resume` finishes the plan.
 */

const WEB_1 = { app: "demo-web", machine_id: "148e272b0e4d89" };
const WEB_2 = { app: "demo-web", machine_id: "d8d9e21a7c3e18" };
const NONCE = "fly-machine-lease-nonce";

const world = sandboxHome({ prefix: "flyops-leases-", sandbox: { seed: "demo" } });

function writePlan(name: string, steps: unknown[]): string {
  const plan = {
    version: 1,
    request: "stop two machines",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "Stops two machines of demo-web.",
    steps,
    preconditions: [],
  };
  writeFileSync(join(world.dir, name), `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  return name;
}

function journal(file: string): Record<string, unknown>[] {
  return readFileSync(join(world.dir, `${file}.journal.jsonl`), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function takeLease(machineId: string): Promise<{ nonce: string; owner: string; expiresAt: number }> {
  const call = sandboxClient(world.sandbox.url);
  const reply = await call("POST", `/v1/apps/demo-web/machines/${machineId}/lease`, {
    ttl: 600,
    description: "deploy by someone else",
  });
  expect(reply.status).toBe(201);
  const data = obj(obj(reply.json).data);
  return { nonce: String(data.nonce), owner: String(data.owner), expiresAt: Number(data.expires_at) };
}

const state = (id: string) => world.sandbox.store.machine(id)?.state;
const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

describe("flyops apply against a machine leased by someone else", () => {
  it("stops at that step with the holder and expiry, changes nothing, and resumes once the lease ends", async () => {
    const file = writePlan("stop-two.json", [
      { id: "s1", tool: "machines_stop", reason: "scale down", input: WEB_1 },
      { id: "s2", tool: "machines_stop", reason: "scale down", input: WEB_2 },
    ]);
    expect((await world.cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
    const lease = await takeLease(WEB_2.machine_id);
    const eventsBefore = world.sandbox.store.machine(WEB_2.machine_id)?.events.length;

    const stopped = await world.cli(["apply", file, "--yes", "--json"]);
    expect(stopped.code, stopped.stderr).toBe(1);
    const report = JSON.parse(stopped.stdout) as Record<string, unknown>;
    expect(report.status).toBe("failed");
    expect(String(report.message)).toContain(`stopped at step s2`);
    expect(String(report.message)).toContain(`leased by ${lease.owner} until ${iso(lease.expiresAt)}`);
    expect(String(report.message)).toContain("deploy by someone else");
    expect(String(report.hint)).toContain(`flyops apply ${file} --resume`);
    // s1 ran; the leased machine was not touched.
    expect(state(WEB_1.machine_id)).toBe("stopped");
    expect(state(WEB_2.machine_id)).toBe("started");
    expect(world.sandbox.store.machine(WEB_2.machine_id)?.events.length).toBe(eventsBefore);
    expect(journal(file).at(-1)).toMatchObject({ event: "step_failed", step: "s2", unchanged: true });

    // Still leased: resuming stops at the same place, again without a change.
    const early = await world.cli(["apply", file, "--yes", "--resume"]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("stopped at step s2");
    expect(state(WEB_2.machine_id)).toBe("started");

    const call = sandboxClient(world.sandbox.url);
    const released = await call("DELETE", `/v1/apps/demo-web/machines/${WEB_2.machine_id}/lease`, undefined, {
      [NONCE]: lease.nonce,
    });
    expect(released.status).toBe(200);

    const resumed = await world.cli(["apply", file, "--yes", "--resume", "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      status: "applied",
      steps: [
        { id: "s1", outcome: "done-before" },
        { id: "s2", outcome: "ran" },
      ],
    });
    // Run afresh, not reconciled: nothing was left for a person to decide.
    expect(resumed.stderr).not.toContain("was interrupted");
    expect(state(WEB_2.machine_id)).toBe("stopped");
    // flyops took its own lease for the change and gave it back.
    expect((await call("GET", `/v1/apps/demo-web/machines/${WEB_2.machine_id}/lease`)).status).toBe(404);
  });

  it("gives the static command the same answer, and sends nothing to the machine", async () => {
    const lease = await takeLease(WEB_1.machine_id);
    const result = await world.cli(["fly", "stop", "machine", WEB_1.machine_id, "--app", "demo-web"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`is leased by ${lease.owner} until ${iso(lease.expiresAt)}`);
    expect(result.stderr).toContain("nothing was changed");
    expect(state(WEB_1.machine_id)).toBe("started");
  });
});
