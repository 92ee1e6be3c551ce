import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";
import { LeaseBook } from "../../src/sandbox/leases.js";
import { seedState } from "../../src/sandbox/seeds.js";
import { SandboxStore } from "../../src/sandbox/store.js";
import { obj, sandboxClient, type Call } from "./sandbox-http.js";

/**
 * Machine leases in the sandbox, as Fly keeps them (superfly/docs machines-resource "Create a
 * Machine lease"; fly-go flaps_machines.go): one holder at a time, its nonce required on every
 * change, 409 "lease currently held by" for anyone else, 404 "lease not found" once it ended.
 */

const WEB_1 = "/v1/apps/demo-web/machines/148e272b0e4d89"; // started
const NONCE = "fly-machine-lease-nonce";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<Call> {
  sandbox = await startSandbox({ rateLimits: false, ...options });
  return sandboxClient(sandbox.url);
}

async function lease(call: Call, body: unknown = { ttl: 60, description: "deploy" }) {
  const reply = await call("POST", `${WEB_1}/lease`, body);
  return { reply, data: obj(obj(reply.json).data) };
}

describe("sandbox machine leases", () => {
  it("grants one lease, answers it in Fly's envelope, and refuses a second holder with 409", async () => {
    const call = await start();
    const { reply, data } = await lease(call);
    expect(reply.status).toBe(201);
    expect(obj(reply.json).status).toBe("success");
    expect(data).toMatchObject({ owner: "dana@example.com", description: "deploy" });
    expect(String(data.nonce)).toMatch(/^[0-9a-f]{12}$/);
    expect(data.version).toBe(obj((await call("GET", WEB_1)).json).instance_id);
    expect(Number(data.expires_at) - Date.now() / 1000).toBeGreaterThan(50);

    const shown = await call("GET", `${WEB_1}/lease`);
    expect(obj(obj(shown.json).data).nonce).toBe(data.nonce);

    const second = await call("POST", `${WEB_1}/lease`, { ttl: 10 });
    expect(second.status).toBe(409);
    const expires = new Date(Number(data.expires_at) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(obj(second.json).error).toBe(
      `machine ID 148e272b0e4d89 lease currently held by dana@example.com, expires at ${expires}`,
    );
  });

  it("lets a change through only with the holder's nonce", async () => {
    const call = await start({ transitionMs: 0 });
    const { data } = await lease(call);
    const nonce = { [NONCE]: String(data.nonce) };
    const bare = await call("POST", `${WEB_1}/stop`);
    expect(bare.status).toBe(409);
    expect(obj(bare.json).error).toMatch(/lease currently held by/);
    const wrong = await call("POST", `${WEB_1}/stop`, undefined, { [NONCE]: "000000000000" });
    expect(wrong.status).toBe(409);
    const update = await call("POST", WEB_1, { config: { image: "nginx:1.27" } });
    expect(update.status).toBe(409);
    expect((await call("DELETE", `${WEB_1}?force=true`)).status).toBe(409);
    expect(sandbox?.store.machine("148e272b0e4d89")?.state).toBe("started");
    // Reads need no lease.
    expect((await call("GET", WEB_1)).status).toBe(200);
    expect((await call("POST", `${WEB_1}/stop`, undefined, nonce)).status).toBe(200);
    expect(sandbox?.store.machine("148e272b0e4d89")?.state).toBe("stopped");
  });

  it("refreshes the holder's own lease, releases it with the nonce only, and forgets it", async () => {
    const call = await start();
    const { data } = await lease(call, { ttl: 5 });
    const nonce = { [NONCE]: String(data.nonce) };
    const refreshed = await call("POST", `${WEB_1}/lease?ttl=120`, {}, nonce);
    expect(refreshed.status).toBe(201);
    expect(obj(obj(refreshed.json).data).nonce).toBe(data.nonce);
    expect(Number(obj(obj(refreshed.json).data).expires_at)).toBeGreaterThan(Number(data.expires_at));

    expect((await call("DELETE", `${WEB_1}/lease`)).status).toBe(400);
    expect((await call("DELETE", `${WEB_1}/lease`, undefined, { [NONCE]: "000000000000" })).status).toBe(409);
    expect((await call("DELETE", `${WEB_1}/lease`, undefined, nonce)).status).toBe(200);
    const gone = await call("GET", `${WEB_1}/lease`);
    expect(gone.status).toBe(404);
    // The text flyctl treats as "already released" (internal/machine/lease.go).
    expect(obj(gone.json).error).toBe("lease not found");
    expect((await call("DELETE", `${WEB_1}/lease`, undefined, nonce)).status).toBe(404);
    // A nonce that holds nothing any more is no licence to change the machine.
    expect((await call("POST", `${WEB_1}/cordon`, undefined, nonce)).status).toBe(409);
    expect((await call("POST", `${WEB_1}/cordon`)).status).toBe(200);
    expect((await call("POST", `${WEB_1}/lease`, { ttl: 0 })).status).toBe(400);
  });

  it("lets a lease end at its expiry", () => {
    let now = 1_000_000;
    const book = new LeaseBook(() => now);
    const machine = new SandboxStore(seedState("demo")).machine("148e272b0e4d89");
    if (!machine) throw new Error("demo machine missing");
    const held = book.acquire(
      machine,
      { nonce: undefined, ttl: 30, description: undefined },
      "a@example.com",
    );
    expect(held.expiresAt).toBe(1_000_030);
    expect(() => book.guard(machine.id, undefined)).toThrow(/lease currently held by a@example.com/);
    now = 1_000_029;
    expect(book.current(machine.id)?.nonce).toBe(held.nonce);
    now = 1_000_030;
    expect(book.current(machine.id)).toBeUndefined();
    expect(() => book.guard(machine.id, undefined)).not.toThrow();
    const next = book.acquire(
      machine,
      { nonce: undefined, ttl: 30, description: undefined },
      "b@example.com",
    );
    expect(next.nonce).not.toBe(held.nonce);
  });
});
