import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlyClients } from "../../src/fly/create-clients.js";
import type { RecordedRequest } from "../../src/fly/http.js";
import { silentLogger } from "../../src/logger.js";
import { parsePromQL } from "../../src/sandbox/promql.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { findTool } from "../../tools/index.js";
import { invokeTool } from "../../tools/invoke.js";
import { MEASURES } from "../../tools/metric-measures.js";
import { virtualLimiter } from "../support/virtual-time.js";

/**
 * The logs API and the Prometheus API are not in Fly's Machines OpenAPI document, so their
 * requests are checked against their sources here:
 * - logs: fly-go resource_logs.go `GetAppLogs` sends GET {base}/api/v1/apps/{app}/logs with
 *   `next_token` always, `instance` and `region` when set; Fly's docs (monitoring/logs-api-options)
 *   name exactly these parameters, and `next_token` is a nanosecond Unix time.
 * - Prometheus: Fly's docs (monitoring/metrics) give {base}/prometheus/<org-slug>/ with
 *   /api/v1/query and /api/v1/query_range; Prometheus's HTTP API names `query`, `time`, and
 *   `start`, `end`, `step`.
 * Every query the catalog sends must also be one the sandbox's strict parser reads.
 */

let sandbox: Sandbox;
const recorded: RecordedRequest[] = [];
let ctx: ToolContext;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: "demo", rateLimits: false });
  const fly = createFlyClients({
    restBaseUrl: sandbox.restBaseUrl,
    graphqlUrl: sandbox.graphqlUrl,
    apiBaseUrl: sandbox.apiBaseUrl,
    prometheusUrl: sandbox.prometheusUrl,
    mpgBaseUrl: sandbox.apiBaseUrl,
    token: sandbox.env.FLY_API_TOKEN ?? "",
    limiter: virtualLimiter(),
    onOtherRequest: (r) => recorded.push(r),
  });
  ctx = { fly, org: undefined, app: undefined, signal: undefined, log: silentLogger };
});
afterAll(() => sandbox.close());

const LOG_PARAMS = new Set(["next_token", "region", "instance"]);
const QUERY_PARAMS = new Set(["query", "time"]);
const RANGE_PARAMS = new Set(["query", "start", "end", "step"]);

describe("logs API requests", () => {
  it("use fly-go's path and parameters, next_token a nanosecond Unix time", async () => {
    recorded.length = 0;
    await invokeTool(ctx, findTool("logs_list")!, {
      app: "acme-api",
      machine_id: "5683d920b1e48e",
      region: "sin",
    });
    await invokeTool(ctx, findTool("logs_list")!, { app: "demo-web" });
    expect(recorded.length).toBeGreaterThanOrEqual(2);
    for (const r of recorded) {
      expect(r.method).toBe("GET");
      expect(r.path).toMatch(/^\/api\/v1\/apps\/[a-z0-9-]+\/logs$/);
      for (const key of Object.keys(r.query)) expect(LOG_PARAMS.has(key), key).toBe(true);
      expect(r.query.next_token).toMatch(/^\d{19}$/);
    }
    expect(recorded[0]?.query).toMatchObject({ instance: "5683d920b1e48e", region: "sin" });
  });
});

describe("Prometheus API requests", () => {
  const scopes = [
    {},
    { app: "acme-api" },
    { app: "acme-api", region: "sin" },
    { app: "acme-api", machine_id: "5683d920b1e48e" },
  ];

  it.each(MEASURES.map((m) => m.name))(
    "%s: every scope sends documented parameters and queries the sandbox parses",
    async (measure) => {
      const perMachine = MEASURES.find((m) => m.name === measure)?.perMachine ?? false;
      for (const scope of scopes) {
        if (!perMachine && "machine_id" in scope) continue;
        recorded.length = 0;
        const result = (await invokeTool(ctx, findTool("metrics_get")!, { measure, ...scope })) as {
          groups: unknown[];
        };
        expect(recorded.length).toBeGreaterThan(0);
        for (const r of recorded) {
          expect(r.method).toBe("GET");
          const match = /^\/prometheus\/([a-z0-9-]+)\/api\/v1\/(query|query_range)$/.exec(r.path);
          expect(match, r.path).not.toBeNull();
          const allowed = match?.[2] === "query" ? QUERY_PARAMS : RANGE_PARAMS;
          for (const key of Object.keys(r.query)) expect(allowed.has(key), key).toBe(true);
          expect(() => parsePromQL(r.query.query ?? "")).not.toThrow();
        }
        expect(Array.isArray(result.groups)).toBe(true);
      }
    },
  );
});
