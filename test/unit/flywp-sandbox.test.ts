import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";

/** The sandbox's FlyWP API as a client meets it: its token, its answers, its errors and its exports. */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

async function call(method: "GET" | "POST", path: string, body?: unknown, token = sandbox.flywp.token) {
  const res = await request(`${sandbox.flywpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (await res.body.json()) as Record<string, unknown>,
  };
}

describe("the sandbox's FlyWP API", () => {
  it("prints FLYWP_API_URL and a FLYWP_API_TOKEN made at start among its exports", async () => {
    expect(sandbox.exports).toContain(`export FLYWP_API_URL=${sandbox.url}/flywp/api/v1`);
    expect(sandbox.exports).toContain(`export FLYWP_API_TOKEN=${sandbox.flywp.token}`);
    const other = await startSandbox({ port: 0 });
    expect(other.flywp.token).not.toBe(sandbox.flywp.token);
    await other.close();
  });

  it("serves the demo account: two servers, web-1 among them, and five sites", async () => {
    const servers = (await call("GET", "/servers")).body.data as { id: number; name: string }[];
    expect(servers.map((s) => s.name)).toEqual(["web-1", "web-2"]);
    const sites = await Promise.all(
      servers.map(async (s) => (await call("GET", `/servers/${s.id}/sites`)).body.data as unknown[]),
    );
    expect(sites.flat()).toHaveLength(5);
  });

  it("takes only its own token, and no Fly token", async () => {
    expect((await call("GET", "/servers", undefined, `fwp_${"n".repeat(30)}`)).status).toBe(401);
    expect((await call("GET", "/servers", undefined, sandbox.env.FLY_API_TOKEN)).status).toBe(401);
  });

  it("answers 422 with an errors field, 404 for what is not there, 405 for a method it has not", async () => {
    const missing = await call("POST", "/servers/1/crons", { command: "wp cron event run --due-now" });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual({ frequency: ["The frequency field is required."] });
    const taken = await call("POST", "/servers/1/sites", { domain: "blog.example.com" });
    expect(taken.body.errors).toEqual({ domain: ["The domain has already been taken."] });
    const privateKey = await call("POST", "/servers/1/ssh-keys", {
      name: "k",
      public_key: "-----BEGIN OPENSSH PRIVATE KEY-----",
    });
    expect(privateKey.status).toBe(422);
    expect((await call("GET", "/servers/2")).status).toBe(404);
    expect((await call("GET", "/sites/99/backups")).status).toBe(404);
    expect((await call("POST", "/servers/1/databases", {})).status).toBe(405);
  });

  it("counts every answer against the limit in its headers", async () => {
    const first = await call("GET", "/servers");
    const second = await call("GET", "/servers");
    expect(first.headers["x-ratelimit-limit"]).toBe("60");
    expect(Number(second.headers["x-ratelimit-remaining"])).toBe(
      Number(first.headers["x-ratelimit-remaining"]) - 1,
    );
  });

  it("keeps the FlyWP account in --state across restarts, and hands out no id twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flyops-flywp-state-"));
    const stateFile = join(dir, "state.json");
    try {
      const first = await startSandbox({ port: 0, stateFile });
      const made = await request(`${first.flywpUrl}/servers/3/crons`, {
        method: "POST",
        headers: { authorization: `Bearer ${first.flywp.token}`, "content-type": "application/json" },
        body: JSON.stringify({ command: "wp cron event run --due-now", frequency: "0 0 * * *" }),
      });
      const cron = ((await made.body.json()) as { data: { id: number } }).data;
      await first.close();
      const second = await startSandbox({ port: 0, stateFile });
      try {
        expect(second.flywp.account.crons.map((c) => c.id)).toContain(cron.id);
        const next = await request(`${second.flywpUrl}/sites/11/backups`, {
          method: "POST",
          headers: { authorization: `Bearer ${second.flywp.token}` },
        });
        const backup = ((await next.body.json()) as { data: { id: number } }).data;
        expect(backup.id).toBeGreaterThan(cron.id);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
