import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { arr, obj, sandboxClient, type Call } from "./sandbox-http.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(): Promise<{ sb: Sandbox; call: Call }> {
  sandbox = await startSandbox({ rateLimits: false });
  return { sb: sandbox, call: sandboxClient(sandbox.url) };
}

describe("sandbox volumes", () => {
  it("creates, extends, snapshots and destroys a volume", async () => {
    const { call } = await start();
    const created = obj(
      (await call("POST", "/v1/apps/acme-db/volumes", { name: "pg_extra", region: "ams", size_gb: 10 })).json,
    );
    expect(created).toMatchObject({
      name: "pg_extra",
      region: "ams",
      size_gb: 10,
      state: "created",
      encrypted: true,
    });
    // Unattached: null, as Fly sends it (fly-go volume_types.go has no omitempty on it).
    expect(created.attached_machine_id).toBeNull();
    expect(created.attached_alloc_id).toBeNull();
    const path = `/v1/apps/acme-db/volumes/${String(created.id)}`;

    const extended = obj((await call("PUT", `${path}/extend`, { size_gb: 20 })).json);
    expect(obj(extended.volume).size_gb).toBe(20);
    expect(extended.needs_restart).toBe(false);
    expect((await call("PUT", `${path}/extend`, { size_gb: 20 })).status).toBe(400);

    expect((await call("POST", `${path}/snapshots`)).status).toBe(200);
    expect(arr((await call("GET", `${path}/snapshots`)).json)).toHaveLength(1);

    const destroyed = obj((await call("DELETE", path)).json);
    expect(destroyed.state).toBe("destroyed");
    expect((await call("GET", path)).status).toBe(404);
    const names = arr((await call("GET", "/v1/apps/acme-db/volumes")).json).map((v) => v.id);
    expect(names).not.toContain(created.id);
  });

  it("refuses to destroy a volume attached to a machine", async () => {
    const { sb, call } = await start();
    const reply = await call("DELETE", "/v1/apps/acme-db/volumes/vol_1pg7r2m9x4kq8dzw");
    expect(reply.status).toBe(412);
    expect(sb.store.volume("vol_1pg7r2m9x4kq8dzw")?.state).toBe("created");
  });

  it("says a grown volume needs a restart only while a machine runs with it mounted", async () => {
    const { call } = await start();
    const extend = async (volume: string) =>
      obj((await call("PUT", `/v1/apps/acme-db/volumes/${volume}/extend`, { size_gb: 41 })).json);
    // pg-primary (started), pg-replica (stopped), and an unattached volume.
    const running = await extend("vol_1pg7r2m9x4kq8dzw");
    expect(running.needs_restart).toBe(true);
    expect(obj(running.volume).size_gb).toBe(41);
    expect((await extend("vol_2rp4x8k1m6tq9hvz")).needs_restart).toBe(false);
    expect((await extend("vol_3orphq5n2w8c7yjd")).needs_restart).toBe(false);
  });

  it("validates volume input as Fly does", async () => {
    const { call } = await start();
    expect((await call("POST", "/v1/apps/acme-db/volumes", { name: "Bad-Name", region: "ams" })).status).toBe(
      400,
    );
    expect((await call("POST", "/v1/apps/acme-db/volumes", { name: "ok", region: "nowhere" })).status).toBe(
      400,
    );
    expect((await call("POST", "/v1/apps/acme-db/volumes", { region: "ams" })).status).toBe(400);
  });
});

describe("sandbox secrets", () => {
  it("stores values but returns names and digests only, and refuses show_secrets", async () => {
    const { sb, call } = await start();
    const value = `value-${"q".repeat(20)}`;
    const set = await call("POST", "/v1/apps/demo-web/secrets", {
      values: { NEW_SECRET: value, SESSION_SECRET: null },
    });
    expect(set.status).toBe(200);
    expect(obj(set.json).version).toBe(2);
    expect(sb.store.secretValue("demo-web", "NEW_SECRET")).toBe(value);

    const replies = [
      set,
      await call("GET", "/v1/apps/demo-web/secrets"),
      await call("GET", "/v1/apps/demo-web/secrets/NEW_SECRET"),
      await call("POST", "/v1/apps/demo-web/secrets/OTHER", { value }),
    ];
    for (const reply of replies) expect(reply.text).not.toContain(value);
    const names = arr(obj(replies[1]?.json).secrets).map((s) => s.name);
    expect(names).toEqual(["DATABASE_URL", "NEW_SECRET"]);
    expect(Object.keys(obj(replies[2]?.json)).sort()).toEqual(["created_at", "digest", "name", "updated_at"]);

    for (const path of [
      "/v1/apps/demo-web/secrets?show_secrets=true",
      "/v1/apps/demo-web/secrets/NEW_SECRET?show_secrets=1",
    ]) {
      const refused = await call("GET", path);
      expect(refused.status).toBe(403);
      expect(refused.text).not.toContain(value);
    }
    expect((await call("GET", "/v1/apps/demo-web/secretkeys")).status).toBe(404);
  });

  it("counts a set of unchanged values as no new version, and unsets by name", async () => {
    const { call } = await start();
    const first = obj(
      (await call("POST", "/v1/apps/acme-cron/secrets", { values: { TOKEN_A: "a-value" } })).json,
    );
    const again = obj(
      (await call("POST", "/v1/apps/acme-cron/secrets", { values: { TOKEN_A: "a-value" } })).json,
    );
    expect(again.version).toBe(first.version);
    const unset = obj((await call("DELETE", "/v1/apps/acme-cron/secrets/TOKEN_A")).json);
    expect(unset.version).toBe(Number(first.version) + 1);
    expect((await call("DELETE", "/v1/apps/acme-cron/secrets/TOKEN_A")).status).toBe(404);
    expect((await call("POST", "/v1/apps/acme-cron/secrets", { values: { "bad name": "x" } })).status).toBe(
      400,
    );
    expect((await call("POST", "/v1/apps/acme-cron/secrets", { values: { A: 1 } })).status).toBe(400);
  });

  it("unsets with a null value, where a name that does not exist is no error and no new version", async () => {
    const { sb, call } = await start();
    const path = "/v1/apps/acme-cron/secrets";
    const set = obj((await call("POST", path, { values: { TOKEN_B: "b-value", TOKEN_C: "c-value" } })).json);
    const unset = await call("POST", path, { values: { TOKEN_B: null, NEVER_SET: null } });
    expect(unset.status).toBe(200);
    expect(obj(unset.json).version).toBe(Number(set.version) + 1);
    expect(arr(obj(unset.json).secrets).map((s) => s.name)).not.toContain("TOKEN_B");
    expect(sb.store.secretValue("acme-cron", "TOKEN_B")).toBeUndefined();
    expect(sb.store.secretValue("acme-cron", "TOKEN_C")).toBe("c-value");

    const absent = await call("POST", path, { values: { NEVER_SET: null } });
    expect(absent.status).toBe(200);
    expect(obj(absent.json).version).toBe(obj(unset.json).version);
    // DELETE of a single name is stricter: an absent secret is 404, as on Fly.
    const deleted = await call("DELETE", `${path}/NEVER_SET`);
    expect(deleted.status).toBe(404);
    expect(obj(deleted.json).error).toMatch(/not found/);
  });
});

describe("sandbox IPs and certificates", () => {
  it("allocates and releases IP assignments", async () => {
    const { call } = await start();
    const v4 = obj((await call("POST", "/v1/apps/acme-cron/ip_assignments", { type: "v4" })).json);
    const v6 = obj(
      (await call("POST", "/v1/apps/acme-cron/ip_assignments", { type: "v6", region: "ord" })).json,
    );
    const shared = obj((await call("POST", "/v1/apps/acme-cron/ip_assignments", { type: "shared_v4" })).json);
    expect(v4.shared).toBe(false);
    expect(String(v6.ip)).toContain(":");
    expect(shared.shared).toBe(true);
    const again = obj((await call("POST", "/v1/apps/acme-cron/ip_assignments", { type: "shared_v4" })).json);
    expect(again.ip).toBe(shared.ip);
    expect(arr(obj((await call("GET", "/v1/apps/acme-cron/ip_assignments")).json).ips)).toHaveLength(3);
    expect((await call("DELETE", `/v1/apps/acme-cron/ip_assignments/${String(v6.ip)}`)).status).toBe(204);
    expect((await call("DELETE", `/v1/apps/acme-cron/ip_assignments/${String(v6.ip)}`)).status).toBe(404);
    expect((await call("POST", "/v1/apps/acme-cron/ip_assignments", { type: "v5" })).status).toBe(400);
  });

  it("adds a certificate that a check issues, and removes it", async () => {
    const { call } = await start();
    const added = await call("POST", "/v1/apps/demo-web/certificates/acme", {
      hostname: "shop.demo-web.example.com",
    });
    expect(added.status).toBe(201);
    expect(obj(added.json).status).toBe("pending_validation");
    expect(
      (await call("POST", "/v1/apps/acme-api/certificates/acme", { hostname: "shop.demo-web.example.com" }))
        .status,
    ).toBe(422);
    expect(
      (await call("POST", "/v1/apps/demo-web/certificates/acme", { hostname: "not a host" })).status,
    ).toBe(422);
    const checked = obj(
      (await call("POST", "/v1/apps/demo-web/certificates/shop.demo-web.example.com/check")).json,
    );
    expect(checked.status).toBe("active");
    const list = obj((await call("GET", "/v1/apps/demo-web/certificates?filter=shop")).json);
    expect(arr(list.certificates).map((c) => c.hostname)).toEqual(["shop.demo-web.example.com"]);
    expect((await call("DELETE", "/v1/apps/demo-web/certificates/shop.demo-web.example.com")).status).toBe(
      204,
    );
    expect((await call("GET", "/v1/apps/demo-web/certificates/shop.demo-web.example.com")).status).toBe(404);
  });

  it("keeps a certificate whose DNS is missing pending after a check", async () => {
    const { call } = await start();
    const checked = obj(
      (await call("POST", "/v1/apps/acme-api/certificates/staging.acme.example/check")).json,
    );
    expect(checked.status).toBe("pending_validation");
    expect(arr(checked.validation_errors)).toHaveLength(1);
  });

  it("pages certificate lists with a cursor", async () => {
    const { call } = await start();
    const first = obj((await call("GET", "/v1/apps/demo-web/certificates?limit=1")).json);
    expect(first.total_count).toBe(2);
    const second = obj(
      (await call("GET", `/v1/apps/demo-web/certificates?limit=1&cursor=${String(first.next_cursor)}`)).json,
    );
    const hosts = [...arr(first.certificates), ...arr(second.certificates)].map((c) => c.hostname);
    expect(hosts).toEqual(["demo-web.example.com", "www.demo-web.example.com"]);
    expect(second.next_cursor).toBeUndefined();
  });
});

describe("sandbox platform", () => {
  it("lists regions and the current token", async () => {
    const { call } = await start();
    const regions = obj((await call("GET", "/v1/platform/regions")).json);
    expect(regions.nearest).toBe("iad");
    expect(arr(regions.regions).map((r) => r.code)).toEqual(
      expect.arrayContaining(["iad", "lhr", "ams", "sin", "ord"]),
    );
    const token = obj((await call("GET", "/v1/tokens/current")).json);
    expect(arr(token.tokens)[0]).toMatchObject({ user: "dana@example.com", org_slug: "personal" });
  });
});
