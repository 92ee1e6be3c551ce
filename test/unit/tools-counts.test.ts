import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redactor } from "../../src/security/redact.js";
import { MAX_TOOL_RESULT_BYTES, formatToolOutput } from "../../src/agent/tool-result.js";
import { createFlyClients } from "../../src/fly/create-clients.js";
import type { RecordedRequest } from "../../src/fly/http.js";
import { silentLogger } from "../../src/logger.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { findTool } from "../../tools/index.js";
import { invokeTool, ToolInputError } from "../../tools/invoke.js";
import type { MachineCounts } from "../../tools/machine-view.js";
import { VIEW_MAX_LIMIT, VIEW_MAX_ROWS, listView, type CountView, type ListView } from "../../tools/view.js";
import { virtualLimiter } from "../support/virtual-time.js";

/** count_by and honest row caps, against sandboxes over real HTTP; expected figures come from the sandbox's own store. */

interface Served {
  sandbox: Sandbox;
  requests: RecordedRequest[];
  ctx: ToolContext;
}

async function serve(seed: "demo" | number): Promise<Served> {
  const sandbox = await startSandbox({ port: 0, seed, rateLimits: false });
  const requests: RecordedRequest[] = [];
  const fly = createFlyClients({
    restBaseUrl: sandbox.restBaseUrl,
    mpgBaseUrl: sandbox.restBaseUrl,
    graphqlUrl: sandbox.graphqlUrl,
    token: sandbox.env.FLY_API_TOKEN ?? "",
    limiter: virtualLimiter(),
    onRequest: (r) => requests.push(r),
  });
  return {
    sandbox,
    requests,
    ctx: { fly, org: undefined, app: undefined, signal: undefined, log: silentLogger },
  };
}

async function call(
  served: Served,
  name: string,
  input: unknown,
): Promise<{ result: unknown; view: unknown }> {
  const tool = findTool(name);
  if (!tool) throw new Error(`no tool ${name}`);
  const result = await invokeTool(served.ctx, tool, input);
  return { result, view: tool.view(result, tool.input.parse(input)) };
}

/** group → count, from a count view's rows. */
function counted(view: unknown): Record<string, number> {
  const v = view as CountView;
  return Object.fromEntries(v.rows.map((r) => [String(r[v.count_by]), Number(r.count)]));
}

function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe("count_by on the demo fleet", () => {
  let demo: Served;
  const live = () => demo.sandbox.store.machines().filter((m) => m.state !== "destroyed");

  beforeAll(async () => {
    demo = await serve("demo");
  });
  afterAll(async () => {
    await demo.sandbox.close();
  });

  it("counts every machine per region, largest first, with the total and each region's states", async () => {
    const { view } = await call(demo, "org_machines_list", { count_by: "region" });
    const v = view as CountView;
    expect(counted(v)).toEqual(tally(live(), (m) => m.region));
    expect(v.total).toBe(live().length);
    expect(v.groups).toBe(v.rows.length);
    expect(v.rows.map((r) => r.count)).toEqual(
      [...v.rows.map((r) => r.count)].sort((a, b) => Number(b) - Number(a)),
    );
    expect(v.rows[0]).toEqual({ region: "iad", count: 4, states: "2 started, 1 stopped, 1 suspended" });
    // The table shows no total column: the note says it.
    expect(v.note).toBe(`${live().length} machines in ${v.groups} regions`);
  });

  it("applies the state, region and app filters before counting", async () => {
    const stopped = await call(demo, "org_machines_list", { count_by: "region", state: ["stopped"] });
    expect(counted(stopped.view)).toEqual(
      tally(
        live().filter((m) => m.state === "stopped"),
        (m) => m.region,
      ),
    );
    const inAms = await call(demo, "org_machines_list", { count_by: "state", region: "ams" });
    expect(counted(inAms.view)).toEqual({ started: 2, stopped: 1 });
    expect((inAms.view as CountView).rows[0]).toEqual({ state: "started", count: 2 });
    const oneApp = await call(demo, "org_machines_list", { count_by: "app", app: "acme-api" });
    expect(counted(oneApp.view)).toEqual({ "acme-api": 3 });
    const none = await call(demo, "org_machines_list", { count_by: "region", region: "syd" });
    expect(none.view).toMatchObject({ total: 0, groups: 0, rows: [], note: "no machines match" });
  });

  it("counts per app across the fleet, and per state or size within one app", async () => {
    const perApp = await call(demo, "org_machines_list", { count_by: "app" });
    expect(counted(perApp.view)).toEqual(tally(live(), (m) => m.app));
    const ofApp = await call(demo, "machines_list", { app: "demo-web", count_by: "state" });
    expect(counted(ofApp.view)).toEqual({ started: 2, stopped: 1 });
    const sizes = await call(demo, "org_machines_list", { count_by: "size" });
    expect(counted(sizes.view)).toMatchObject({
      "shared-cpu-1x:256MB": 4,
      "performance-2x:4096MB": 3,
      "performance-4x:8192MB": 1,
      "shared-cpu-2x:1024MB": 2,
      "shared-cpu-1x:512MB": 1,
    });
  });

  it("returns typed counts as the full result (what --json prints), and caps groups by limit", async () => {
    const { result, view } = await call(demo, "org_machines_list", { count_by: "region", limit: 2 });
    const counts = result as MachineCounts;
    expect(counts).toMatchObject({ count_by: "region", total: live().length, groups_total: 5 });
    expect(counts.groups).toContainEqual({ group: "ams", count: 3, states: { started: 2, stopped: 1 } });
    // --json and the table show the same groups.
    expect(counts.groups.map((g) => g.group)).toEqual((view as CountView).rows.map((r) => r.region));
    expect((view as CountView).rows).toHaveLength(2);
    expect((view as CountView).groups).toBe(5);
    expect((view as CountView).note).toBe(
      `limited to 2 regions by limit, of 5 that match: 3 left out; filter to fewer machines, or raise limit (at most ${VIEW_MAX_LIMIT}). ${live().length} machines in 5 regions`,
    );
    const all = await call(demo, "org_machines_list", { count_by: "region" });
    expect((all.result as MachineCounts).groups).toHaveLength(5);
    expect((all.result as MachineCounts).groups_total).toBeUndefined();
  });

  it("offers only the groupings that make sense for one app", async () => {
    const tool = findTool("machines_list");
    if (!tool) throw new Error("machines_list missing");
    const error = await invokeTool(demo.ctx, tool, { app: "demo-web", count_by: "app" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ToolInputError);
  });

  it("counts volumes per attachment and region, with their sizes", async () => {
    const volumes = demo.sandbox.store.volumes().filter((v) => v.state !== "destroyed");
    const attached = await call(demo, "org_volumes_list", { count_by: "attached" });
    expect(counted(attached.view)).toEqual(tally(volumes, (v) => String(Boolean(v.attachedMachineId))));
    expect(attached.view).toMatchObject({
      total: volumes.length,
      size_gb: volumes.reduce((sum, v) => sum + v.sizeGb, 0),
    });
    const unattachedInAms = await call(demo, "org_volumes_list", { count_by: "region", attached: false });
    expect(counted(unattachedInAms.view)).toEqual(
      tally(
        volumes.filter((v) => !v.attachedMachineId),
        (v) => v.region,
      ),
    );
  });
});

describe("a fleet larger than Fly's largest page", () => {
  let big: Served;
  const live = () => big.sandbox.store.machines().filter((m) => m.state !== "destroyed");

  beforeAll(async () => {
    big = await serve(800);
  });
  afterAll(async () => {
    await big.sandbox.close();
  });

  it("counts every machine from one paginated listing per org, never one call per group", async () => {
    const orgs = big.sandbox.store.orgs().length;
    const perOrg = tally(live(), (m) => big.sandbox.store.app(m.app)?.org ?? "?");
    // More than Fly's largest page (1000) in at least one org, so that org takes two pages.
    expect(Math.max(...Object.values(perOrg))).toBeGreaterThan(1000);
    big.requests.length = 0;
    const { view } = await call(big, "org_machines_list", { count_by: "region" });
    expect(counted(view)).toEqual(tally(live(), (m) => m.region));
    expect((view as CountView).total).toBe(live().length);
    const listings = big.requests.filter((r) => /^\/v1\/orgs\/[^/]+\/machines$/.test(r.path));
    expect(listings.length).toBeGreaterThan(orgs);
    expect(listings.length).toBeLessThanOrEqual(2 * orgs);
    expect(listings.every((r) => r.query.region === undefined)).toBe(true);
    // Counting by region needs no machine config, so every page is asked for without it.
    expect(listings.every((r) => r.query.summary === "true")).toBe(true);
  });
});

describe("a fleet larger than one view", () => {
  let big: Served;
  const live = () => big.sandbox.store.machines().filter((m) => m.state !== "destroyed");

  beforeAll(async () => {
    big = await serve(400);
  });
  afterAll(async () => {
    await big.sandbox.close();
  });

  it("counts filtered groups the same as the store, and sizes as Fly presets", async () => {
    const { view } = await call(big, "org_machines_list", {
      count_by: "size",
      state: ["started", "suspended"],
    });
    const kept = live().filter((m) => m.state === "started" || m.state === "suspended");
    expect(counted(view)).toEqual(
      tally(kept, ({ config: { guest: g } }) =>
        g.cpu_kind === "performance"
          ? `performance-${g.cpus}x:${g.memory_mb}MB`
          : `shared-cpu-${g.cpus}x:${g.memory_mb}MB`,
      ),
    );
  });

  it("shows `limit` rows when given, up to the maximum, and says how many were left out", async () => {
    const all = await call(big, "org_machines_list", {});
    expect((all.view as ListView).rows).toHaveLength(VIEW_MAX_ROWS);
    expect((all.view as ListView).total).toBe(live().length);
    expect((all.view as ListView).note).toMatch(
      new RegExp(
        `^showing ${VIEW_MAX_ROWS} of ${live().length} machines, ${live().length - VIEW_MAX_ROWS} left out; .*count_by`,
      ),
    );
    const more = await call(big, "org_machines_list", { limit: 120, sort: "memory" });
    expect((more.view as ListView).rows).toHaveLength(120);
    expect((more.view as ListView).total).toBe(live().length);
    expect((more.view as ListView).note).toContain(
      `limited to 120 machines by limit, of ${live().length} that match`,
    );
  });

  it("keeps the total and the note when the ask loop cuts a long view to its byte cap", async () => {
    const { view } = await call(big, "org_machines_list", { limit: VIEW_MAX_LIMIT });
    const text = formatToolOutput(findTool("org_machines_list")!, view, new Redactor());
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_TOOL_RESULT_BYTES);
    const data = JSON.parse(/<data>\n([\s\S]*)\n<\/data>/.exec(text)?.[1] ?? "null") as ListView;
    expect(data.total).toBe(live().length);
    expect(data.note).toContain("count_by");
    expect(data.rows.length).toBeGreaterThan(VIEW_MAX_ROWS);
    // The local model asks for at most 200 groups (count-result.ts MAX_GROUPS): they fit.
    const counts = await call(big, "org_machines_list", { count_by: "app", limit: 200 });
    const countText = formatToolOutput(findTool("org_machines_list")!, counts.view, new Redactor());
    expect(countText).not.toMatch(/Showing the first/);
  });
});

describe("row caps", () => {
  const many = Array.from({ length: VIEW_MAX_LIMIT + 100 }, (_, i) => ({ id: `m${i}` }));

  it("shows as many rows as limit asks, up to Fly's page maximum of 1000", () => {
    expect(VIEW_MAX_LIMIT).toBe(1000);
    expect(listView(many, { noun: "machines", limit: 500 }).rows).toHaveLength(500);
    const view = listView(many, { noun: "machines", limit: 5000 });
    expect(view.rows).toHaveLength(VIEW_MAX_LIMIT);
    expect(view.note).toMatch(/^showing 1000 of 1100 machines, 100 left out; /);
  });

  it("says nothing is left out when the limit covers every match", () => {
    const view = listView(many.slice(0, 5), { noun: "machines", limit: 5, matched: 5 });
    expect(view).toEqual({ rows: many.slice(0, 5), total: 5 });
  });

  it("refuses a limit over the maximum at the input", () => {
    const tool = findTool("org_machines_list");
    if (!tool) throw new Error("org_machines_list missing");
    expect(tool.input.safeParse({ limit: VIEW_MAX_LIMIT }).success).toBe(true);
    expect(tool.input.safeParse({ limit: VIEW_MAX_LIMIT + 1 }).success).toBe(false);
  });
});
