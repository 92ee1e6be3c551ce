import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePromQL, PromQLError } from "../../src/sandbox/promql.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";

/** The sandbox's Prometheus subset: what it reads, what it refuses, and in which shape it answers. */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: "demo", rateLimits: false });
});
afterAll(() => sandbox.close());

async function query(
  org: string,
  promql: string,
  time?: number,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const at = time === undefined ? "" : `&time=${time}`;
  const url = `${sandbox.prometheusUrl}/${org}/api/v1/query?query=${encodeURIComponent(promql)}${at}`;
  const response = await fetch(url, { headers: { authorization: "Bearer x" } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("parsePromQL", () => {
  it.each([
    'sum by (app) (increase(fly_edge_http_responses_count{status=~"5.."}[1h]))',
    'min by (instance) (fly_instance_memory_mem_available{app="acme-api"})',
    'histogram_quantile(0.99, sum by (le, region) (rate(fly_edge_http_response_time_seconds_bucket{app="a"}[60s])))',
    'sum by (instance) (rate(fly_instance_cpu{app="a",mode!="idle"}[2m]))',
    "fly_instance_up{}",
    'max by (instance) (fly_instance_memory_mem_total{app="a"} - fly_instance_memory_mem_available{app="a"})',
  ])("reads %s", (text) => {
    expect(() => parsePromQL(text)).not.toThrow();
  });

  it.each([
    ["an unknown function", "topk(3, fly_instance_up)"],
    ["a binary operator", "fly_instance_up / 2"],
    ["a regex other than a status class", 'fly_instance_up{app=~"acme.*"}'],
    ["an unclosed selector", 'fly_instance_up{app="a"'],
    ["a range without a function", "fly_instance_up[5m]"],
    ["an empty query", " "],
  ])("refuses %s", (_what, text) => {
    expect(() => parsePromQL(text)).toThrow(PromQLError);
  });
});

describe("the sandbox's Prometheus API", () => {
  it("answers a query the way Prometheus does", async () => {
    const reply = await query(
      "acme-corp",
      'sum by (app) (increase(fly_edge_http_responses_count{status=~"5.."}[1h]))',
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: "success", data: { resultType: "vector" } });
    const result = (
      reply.body.data as { result: { metric: Record<string, string>; value: [number, string] }[] }
    ).result;
    expect(result.map((r) => r.metric)).toEqual([{ app: "acme-api" }]);
    expect(Number(result[0]?.value[1])).toBeGreaterThan(1000);
  });

  it("subtracts series with the same labels, one to one, and drops the metric name", async () => {
    type Vector = { metric: Record<string, string>; value: [number, string] }[];
    // One instant for every query: the synthetic series move with the sandbox's clock.
    const time = Math.floor(sandbox.startedAt.getTime() / 1000);
    const resultOf = async (promql: string): Promise<Vector> =>
      ((await query("acme-corp", promql, time)).body.data as { result: Vector }).result;
    const at = (v: Vector, instance: string): number =>
      Number(v.find((r) => r.metric.instance === instance)?.value[1]);
    const total = await resultOf('fly_instance_memory_mem_total{app="acme-api"}');
    const available = await resultOf('fly_instance_memory_mem_available{app="acme-api"}');
    const used = await resultOf(
      'fly_instance_memory_mem_total{app="acme-api"} - fly_instance_memory_mem_available{app="acme-api"}',
    );
    expect(used.length).toBe(total.length);
    expect(used.length).toBeGreaterThan(1);
    for (const r of used) {
      expect(r.metric.__name__).toBeUndefined();
      expect(Number(r.value[1])).toBe(
        at(total, r.metric.instance ?? "") - at(available, r.metric.instance ?? ""),
      );
    }
    // Label sets that differ (the CPU series carry cpu_id and mode) do not match: nothing is left.
    expect(await resultOf('fly_instance_up{app="acme-api"} - fly_instance_cpu{app="acme-api"}')).toEqual([]);
  });

  it("has ~0 5xx for the healthy apps", async () => {
    const reply = await query(
      "personal",
      'sum by (app) (increase(fly_edge_http_responses_count{status=~"5.."}[1h]))',
    );
    expect((reply.body.data as { result: unknown[] }).result).toEqual([]);
  });

  it("refuses what it cannot read with Prometheus's error shape", async () => {
    const reply = await query("acme-corp", "rate(fly_edge_http_responses_count[5m]) * 2");
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ status: "error", errorType: "bad_data" });
    expect(String(reply.body.error)).toMatch(/^1:\d+: parse error/);
  });

  it("gives --seed fleets metrics and logs too", async () => {
    const fleet = await startSandbox({ seed: 12, rateLimits: false });
    try {
      const org = fleet.store.orgs()[0]?.slug ?? "";
      const app = fleet.store
        .apps(org)
        .find((a) => fleet.store.machines(a.name).some((m) => m.state === "started"));
      expect(app).toBeDefined();
      const url = `${fleet.prometheusUrl}/${org}/api/v1/query?query=${encodeURIComponent("sum by (app) (fly_instance_up)")}`;
      const body = (await (await fetch(url, { headers: { authorization: "Bearer x" } })).json()) as {
        data: { result: unknown[] };
      };
      expect(body.data.result.length).toBeGreaterThan(0);
      expect(fleet.logs.lines(app?.name ?? "").length).toBeGreaterThan(0);
    } finally {
      await fleet.close();
    }
  });
});
