import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlyClients } from "../../src/fly/create-clients.js";
import type { FlyRest } from "../../src/fly/rest.js";
import { silentLogger } from "../../src/logger.js";
import { PLANTED_TOKEN, startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { findTool } from "../../tools/index.js";
import { invokeTool, ToolInputError } from "../../tools/invoke.js";
import { sizeOf } from "../../tools/machine-view.js";
import {
  listView,
  sortBy,
  stateSummary,
  VIEW_MAX_ROWS,
  type CountView,
  type ListView,
} from "../../tools/view.js";
import { virtualLimiter } from "../support/virtual-time.js";

/** Read tools against the demo sandbox over real HTTP: filters, sorting, limits and views. */

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: "demo", rateLimits: false });
});

afterAll(async () => {
  await sandbox.close();
});

function context(org?: string): ToolContext {
  const fly = createFlyClients({
    restBaseUrl: sandbox.restBaseUrl,
    mpgBaseUrl: sandbox.restBaseUrl,
    graphqlUrl: sandbox.graphqlUrl,
    token: sandbox.env.FLY_API_TOKEN ?? "",
    limiter: virtualLimiter(),
  });
  return { fly, org, app: undefined, signal: undefined, log: silentLogger };
}

async function call(
  name: string,
  input: unknown,
  org?: string,
  ctx: ToolContext = context(org),
): Promise<{ result: unknown; view: unknown }> {
  const tool = findTool(name);
  if (!tool) throw new Error(`no tool ${name}`);
  const result = await invokeTool(ctx, tool, input);
  return { result, view: tool.view(result, tool.input.parse(input)) };
}

/**
 * The demo sandbox as Fly answers on a bad day: its org machine listings miss region sin
 * (`error_regions`), and its volume and certificate walks stop before the last page.
 */
function gappyContext(): ToolContext {
  const ctx = context();
  const real = ctx.fly.rest;
  const rest = Object.create(real) as FlyRest;
  rest.listOrgMachines = async (...args) => ({
    ...(await real.listOrgMachines(...args)),
    errorRegions: ["sin"],
  });
  rest.listOrgVolumes = async (...args) => ({ ...(await real.listOrgVolumes(...args)), truncated: true });
  rest.listCertificates = async (...args) => ({ ...(await real.listCertificates(...args)), truncated: true });
  return { ...ctx, fly: { ...ctx.fly, rest } };
}

function rows(view: unknown): Record<string, unknown>[] {
  return (view as ListView).rows;
}

describe("apps_list", () => {
  it("lists the apps of every org the token sees when no org is set", async () => {
    const { result } = await call("apps_list", {});
    expect((result as { name: string }[]).map((a) => a.name)).toEqual([
      "acme-api",
      "acme-cron",
      "acme-db",
      "demo-web",
      "demo-worker",
    ]);
  });

  it("keeps to the configured org, and to the org asked for", async () => {
    const configured = await call("apps_list", {}, "personal");
    expect(rows(configured.view).map((r) => r.name)).toEqual(["demo-web", "demo-worker"]);
    const asked = await call("apps_list", { org: "acme-corp" }, "personal");
    expect(rows(asked.view).map((r) => r.org)).toEqual(["acme-corp", "acme-corp", "acme-corp"]);
  });

  it("gives each app's regions and machine states when asked", async () => {
    const { view } = await call("apps_list", { include: ["regions"] });
    const byName = Object.fromEntries(rows(view).map((r) => [String(r.name), r])) as Record<
      string,
      Record<string, unknown>
    >;
    expect(byName["demo-web"]).toMatchObject({ regions: "iad lhr", machine_states: "2 started, 1 stopped" });
    expect(byName["acme-api"]).toMatchObject({ regions: "ams sin" });
    expect(byName["demo-worker"]).toMatchObject({ machine_states: "1 started, 1 suspended" });
    expect((view as ListView).note).toBeUndefined();
  });

  it("says how many apps match when a limit cuts the list, like the other lists", async () => {
    const { view } = await call("apps_list", { limit: 2 });
    expect(rows(view).map((r) => r.name)).toEqual(["acme-api", "acme-cron"]);
    expect((view as ListView).total).toBe(5);
    expect((view as ListView).note).toMatch(/^limited to 2 apps by limit, of 5 that match: 3 left out; /);
  });
});

describe("listings Fly could not complete", () => {
  it("say so in the view the model reads, not only in a log line", async () => {
    const ctx = gappyContext();
    const machines = await call("org_machines_list", { sort: "memory" }, undefined, ctx);
    expect((machines.view as ListView).note).toBe(
      "org acme-corp: Fly could not list machines in sin; the list may be incomplete. " +
        "org personal: Fly could not list machines in sin; the list may be incomplete",
    );
    const volumes = await call("org_volumes_list", { org: "acme-corp" }, undefined, ctx);
    expect((volumes.view as ListView).note).toBe(
      "org acme-corp: not every page of volumes was read; the list may be incomplete",
    );
    const apps = await call("apps_list", { org: "acme-corp", include: ["regions"] }, undefined, ctx);
    expect((apps.view as ListView).note).toBe(
      "org acme-corp: Fly could not list machines in sin; regions and machine states may be incomplete",
    );
    const certs = await call("certs_list", { app: "acme-api" }, undefined, ctx);
    expect((certs.view as ListView).note).toBe(
      "app acme-api: not every page of certificates was read; the list may be incomplete",
    );
  });

  it("through the same mechanism as count_by results", async () => {
    const counts = await call(
      "org_machines_list",
      { org: "acme-corp", count_by: "region" },
      undefined,
      gappyContext(),
    );
    expect((counts.view as CountView).note).toBe(
      "6 machines in 3 regions. org acme-corp: Fly could not list machines in sin; the counts may be low",
    );
  });
});

describe("machines_list and org_machines_list", () => {
  it("filters by state, given as an array or as comma-separated text", async () => {
    const asArray = await call("machines_list", { app: "demo-worker", state: ["suspended"] });
    expect(rows(asArray.view).map((r) => r.name)).toEqual(["worker-2"]);
    const asText = await call("machines_list", { app: "demo-web", state: "stopped,started", sort: "name" });
    expect(rows(asText.view).map((r) => r.name)).toEqual(["web-iad-1", "web-iad-2", "web-lhr-1"]);
  });

  it("lists newest first by default and filters by region", async () => {
    const { view } = await call("machines_list", { app: "demo-web", region: "IAD" });
    expect(rows(view).map((r) => r.name)).toEqual(["web-iad-2", "web-iad-1"]);
  });

  it("finds the largest machines across the fleet and says when the list was cut", async () => {
    const { view } = await call("org_machines_list", { sort: "memory", limit: 3 });
    expect(rows(view).map((r) => [r.name, r.app, r.memory_mb])).toEqual([
      ["pg-primary", "acme-db", 8192],
      // Ties keep Fly's order, oldest update first: the demo incident updated acme-api's machines minutes ago.
      ["pg-replica", "acme-db", 4096],
      ["api-ams-1", "acme-api", 4096],
    ]);
    expect((view as ListView).note).toMatch(
      /^limited to 3 machines by limit, of 11 that match: 8 left out; /,
    );
    expect((view as ListView).total).toBe(11);
  });

  it("ranks performance CPUs above shared ones, and can sort ascending", async () => {
    const top = await call("org_machines_list", { sort: "cpu", limit: 1 });
    expect(rows(top.view)[0]).toMatchObject({ name: "pg-primary", cpu_kind: "performance", cpus: 4 });
    const smallest = await call("org_machines_list", { sort: "memory", order: "asc", limit: 1 });
    expect(rows(smallest.view)[0]?.memory_mb).toBe(256);
  });

  it("narrows the fleet by app, state and region", async () => {
    const { result } = await call("org_machines_list", { state: ["stopped"], region: "ams" });
    expect((result as { name: string }[]).map((m) => m.name)).toEqual(["pg-replica"]);
    const oneApp = await call("org_machines_list", { app: "acme-api" });
    expect(rows(oneApp.view)).toHaveLength(3);
  });
});

describe("machines_get", () => {
  it("shows env names but never env values", async () => {
    const { result, view } = await call("machines_get", { app: "acme-api", machine_id: "4d89696a2e6087" });
    expect((result as { id: string }).id).toBe("4d89696a2e6087");
    expect(view).toMatchObject({ name: "api-ams-1", state: "started", memory_mb: 4096 });
    expect((view as { env_names: string[] }).env_names).toContain("LEGACY_DEPLOY_TOKEN");
    expect(JSON.stringify(view)).not.toContain(PLANTED_TOKEN);
  });
});

describe("volumes", () => {
  it("finds exactly the unattached volumes of the fleet", async () => {
    const { view } = await call("org_volumes_list", { attached: false, sort: "size" });
    expect(rows(view).map((r) => r.id)).toEqual([
      "vol_3orphq5n2w8c7yjd",
      "vol_6upl3f9b5h7m2xzc",
      "vol_5scr8j2v6n4d1kqe",
    ]);
    expect(rows(view).every((r) => r.attached_machine_id === null)).toBe(true);
  });

  it("filters one app's volumes by attachment", async () => {
    const { view } = await call("volumes_list", { app: "acme-db", attached: true });
    expect(
      rows(view)
        .map((r) => r.attached_machine_id)
        .sort(),
    ).toEqual(["17811953c92e18", "6e82933c4e0e48"]);
  });

  it("lists snapshots newest first", async () => {
    const { view } = await call("volume_snapshots_list", {
      app: "acme-db",
      volume_id: "vol_1pg7r2m9x4kq8dzw",
    });
    expect(rows(view).map((r) => r.id)).toEqual(["vs_b2c3d4e5f6g7h8j9", "vs_a1b2c3d4e5f6g7h8"]);
  });
});

describe("secrets, IPs, certificates, platform", () => {
  it("lists secret names and digests, never values", async () => {
    const { result, view } = await call("secrets_list", { app: "acme-api" });
    expect(rows(view).map((r) => r.name)).toEqual(["DATABASE_URL", "JWT_SIGNING_KEY", "STRIPE_API_KEY"]);
    for (const secret of result as Record<string, unknown>[]) {
      expect(Object.keys(secret).sort()).toEqual(expect.arrayContaining(["name"]));
      expect(secret).not.toHaveProperty("value");
    }
  });

  it("tells v4 from v6 addresses", async () => {
    const { view } = await call("ips_list", { app: "demo-web" });
    expect(rows(view).map((r) => [r.ip, r.version, r.shared])).toEqual([
      ["2a09:8280:1::3a:f001", "v6", false],
      ["66.241.124.10", "v4", true],
    ]);
  });

  it("lists certificates and reads one without asking Fly to check it", async () => {
    const list = await call("certs_list", { app: "acme-api" });
    expect(rows(list.view).map((r) => r.hostname)).toEqual(["api.acme.example", "staging.acme.example"]);
    const requests: string[] = [];
    const fly = createFlyClients({
      restBaseUrl: sandbox.restBaseUrl,
      mpgBaseUrl: sandbox.restBaseUrl,
      graphqlUrl: sandbox.graphqlUrl,
      token: sandbox.env.FLY_API_TOKEN ?? "",
      limiter: virtualLimiter(),
      onRequest: (r) => requests.push(`${r.method} ${r.path}`),
    });
    const ctx: ToolContext = { fly, org: undefined, app: undefined, signal: undefined, log: silentLogger };
    const got = await call(
      "certs_get",
      { app: "acme-api", hostname: "Staging.Acme.Example" },
      undefined,
      ctx,
    );
    expect(got.view).toMatchObject({ hostname: "staging.acme.example", configured: false });
    expect(requests).toEqual(["GET /v1/apps/acme-api/certificates/staging.acme.example"]);
  });

  it("lists regions with the nearest one, organizations, and who the token is", async () => {
    const regions = await call("regions_list", {});
    expect(rows(regions.view).length).toBeGreaterThan(3);
    expect((regions.view as ListView).note).toMatch(/nearest region: [a-z]{3}/);
    const orgs = await call("orgs_list", {});
    expect(rows(orgs.view).map((r) => r.slug)).toEqual(["acme-corp", "personal"]);
    const me = await call("whoami", {});
    expect(me.view).toMatchObject({ kind: "user", email: "dana@example.com" });
  });
});

describe("input errors", () => {
  it("names every bad field and is a usage error", async () => {
    const tool = findTool("machines_list");
    if (!tool) throw new Error("machines_list missing");
    const error = await invokeTool(context(), tool, { limit: 0, colour: "red" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolInputError);
    const { message, exitCode } = error as ToolInputError;
    expect(exitCode).toBe(2);
    expect(message).toMatch(/^invalid input for machines_list: /);
    expect(message).toMatch(/app: Required/);
    expect(message).toMatch(/limit: Number must be greater than or equal to 1/);
    expect(message).toMatch(/unknown field\(s\) colour/);
  });

  it("checks sizes a machine can have", async () => {
    const tool = findTool("machines_create");
    if (!tool) throw new Error("machines_create missing");
    const bad = { app: "demo-web", region: "iad", guest: { cpu_kind: "shared", cpus: 3, memory_mb: 300 } };
    const error = (await invokeTool(context(), tool, bad).catch((e: unknown) => e)) as ToolInputError;
    expect(error.problems.join("\n")).toMatch(/guest\.cpus/);
    expect(error.problems.join("\n")).toMatch(/guest\.memory_mb: memory_mb must be a multiple of 256/);
  });
});

describe("views", () => {
  it("caps long lists and says how many were left out", () => {
    const many = Array.from({ length: VIEW_MAX_ROWS + 7 }, (_, i) => ({ id: `m${i}` }));
    const view = listView(many, { noun: "machines", narrow: "filter by state or region" });
    expect(view.rows).toHaveLength(VIEW_MAX_ROWS);
    expect(view.total).toBe(VIEW_MAX_ROWS + 7);
    expect(view.note).toBe(
      `showing ${VIEW_MAX_ROWS} of ${VIEW_MAX_ROWS + 7} machines, 7 left out; filter by state or region, or set limit (at most 1000)`,
    );
  });

  it("words state tallies one way everywhere: largest first, ties by name", () => {
    expect(stateSummary({ stopped: 1, started: 2, suspended: 1 })).toBe("2 started, 1 stopped, 1 suspended");
    expect(stateSummary({ stopped: 3, started: 3 })).toBe("3 started, 3 stopped");
    expect(stateSummary({})).toBe("");
  });

  it("names sizes as Fly's presets, with unknown parts said", () => {
    expect(sizeOf({ cpu_kind: "shared", cpus: 1, memory_mb: 512 })).toBe("shared-cpu-1x:512MB");
    expect(sizeOf({ cpu_kind: "performance", cpus: 2, memory_mb: 4096 })).toBe("performance-2x:4096MB");
    expect(sizeOf({ cpus: null })).toBe("unknown:unknown");
    expect(sizeOf({ cpus: 2 })).toBe("shared-cpu-2x:unknown");
  });

  it("says when nothing matched", () => {
    expect(listView([], { noun: "volumes" }).note).toBe("no volumes found");
  });

  it("sorts unknown values last in both directions", () => {
    const items = [{ v: 2 }, { v: null }, { v: 5 }, { v: 1 }];
    expect(sortBy(items, (i) => i.v, "desc").map((i) => i.v)).toEqual([5, 2, 1, null]);
    expect(sortBy(items, (i) => i.v, "asc").map((i) => i.v)).toEqual([1, 2, 5, null]);
  });
});
