import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlyClients } from "../../src/fly/create-clients.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { arr, obj, sandboxClient, type Call } from "./sandbox-http.js";

/**
 * Fly calls an org listing's limit advisory: "Responses may be shorter, or even empty, even when
 * more machines remain". With shortPages the sandbox does that on a fixed rhythm; a pager must
 * follow next_cursor through every short or empty page and see each item exactly once.
 */

let demo: Sandbox;
let scale: Sandbox;
let call: Call;

beforeAll(async () => {
  demo = await startSandbox({ seed: "demo", shortPages: true, rateLimits: false });
  scale = await startSandbox({ seed: 200, shortPages: true, rateLimits: false });
  call = sandboxClient(demo.url);
});
afterAll(async () => {
  await demo.close();
  await scale.close();
});

interface Walk {
  ids: string[];
  /** Items on each page, in order. */
  sizes: number[];
  /** Whether each page carried next_cursor. */
  continued: boolean[];
}

async function walk(through: Call, path: string, listKey: "machines" | "volumes"): Promise<Walk> {
  const result: Walk = { ids: [], sizes: [], continued: [] };
  const join = path.includes("?") ? "&" : "?";
  let cursor: string | undefined;
  do {
    const reply = await through(
      "GET",
      `${path}${cursor ? `${join}cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(reply.status).toBe(200);
    const page = obj(reply.json);
    const items = arr(page[listKey]);
    result.ids.push(...items.map((m) => String(m.id)));
    result.sizes.push(items.length);
    cursor = typeof page.next_cursor === "string" ? page.next_cursor : undefined;
    result.continued.push(cursor !== undefined);
    expect(result.sizes.length).toBeLessThan(200);
  } while (cursor);
  return result;
}

function orgIds(sb: Sandbox, kind: "machines" | "volumes", org: string): string[] {
  const records = kind === "machines" ? sb.store.machines() : sb.store.volumes();
  return records
    .filter((r) => r.state !== "destroyed" && sb.store.app(r.app)?.org === org)
    .map((r) => r.id)
    .sort();
}

describe("org listings with short pages", () => {
  it("splits even a small org's machines over several pages, one of them empty with a cursor", async () => {
    const { ids, sizes, continued } = await walk(call, "/v1/orgs/acme-corp/machines", "machines");
    expect(sizes.length).toBeGreaterThan(2);
    expect(sizes.some((n, i) => n === 0 && continued[i])).toBe(true);
    expect(sizes.every((n) => n <= 1000)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(orgIds(demo, "machines", "acme-corp"));
  });

  it("cuts volume pages short but never empty, as the spec words it for volumes", async () => {
    const { ids, sizes } = await walk(call, "/v1/orgs/acme-corp/volumes", "volumes");
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.every((n) => n > 0)).toBe(true);
    expect([...ids].sort()).toEqual(orgIds(demo, "volumes", "acme-corp"));
  });

  it("cuts the same pages on every walk, with filters applied before paging", async () => {
    const first = await walk(
      call,
      "/v1/orgs/personal/machines?state=started,stopped&summary=true",
      "machines",
    );
    const second = await walk(
      call,
      "/v1/orgs/personal/machines?state=started,stopped&summary=true",
      "machines",
    );
    expect(second).toEqual(first);
    const expected = demo.store
      .machines()
      .filter((m) => demo.store.app(m.app)?.org === "personal" && ["started", "stopped"].includes(m.state))
      .map((m) => m.id)
      .sort();
    expect([...first.ids].sort()).toEqual(expected);
  });

  it("still fills pages to the limit between the short ones on a large org", async () => {
    const client = sandboxClient(scale.url);
    for (const kind of ["machines", "volumes"] as const) {
      const { ids, sizes } = await walk(client, `/v1/orgs/scale-org-a/${kind}?limit=20`, kind);
      expect(sizes[0]).toBe(20);
      expect(sizes.some((n) => n > 0 && n < 20)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(orgIds(scale, kind, "scale-org-a"));
    }
  });

  it("answers a plain walk in one page when short pages are off", async () => {
    const plain = await startSandbox({ seed: "demo", rateLimits: false });
    try {
      const { sizes } = await walk(sandboxClient(plain.url), "/v1/orgs/acme-corp/machines", "machines");
      expect(sizes).toEqual([orgIds(plain, "machines", "acme-corp").length]);
    } finally {
      await plain.close();
    }
  });

  // paginate() once ended the walk on an empty page that still carried next_cursor, returning 3
  // of acme-corp's 6 machines with truncated: false. Only the cursor may end a walk.
  it("lets flyops's own pager collect every machine and volume of the org", async () => {
    const { rest } = createFlyClients({
      restBaseUrl: demo.restBaseUrl,
      mpgBaseUrl: demo.restBaseUrl,
      graphqlUrl: demo.graphqlUrl,
      token: demo.env.FLY_API_TOKEN ?? "",
    });
    const machines = await rest.listOrgMachines("acme-corp", { summary: true });
    const volumes = await rest.listOrgVolumes("acme-corp");
    expect(machines.truncated).toBe(false);
    expect(machines.items.map((m) => m.id).sort()).toEqual(orgIds(demo, "machines", "acme-corp"));
    expect(volumes.items.map((v) => v.id).sort()).toEqual(orgIds(demo, "volumes", "acme-corp"));
  });
});
