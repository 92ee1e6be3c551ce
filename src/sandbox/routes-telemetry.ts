import { badRequest } from "./http-error.js";
import { logsDocument, type LogBook } from "./log-book.js";
import { evaluate } from "./promql-eval.js";
import { parsePromQL, parseStep, PromQLError } from "./promql.js";
import { ok, type Route, type RouteResponse } from "./router.js";
import type { SandboxStore } from "./store.js";
import type { TelemetryModel } from "./telemetry-series.js";

/**
 * api.fly.io's logs endpoint and the Prometheus API's `query` and `query_range`, on the sandbox's
 * one port: `/api/v1/apps/{app}/logs` (fly-go resource_logs.go) and
 * `/prometheus/{org}/api/v1/query[_range]` (docs monitoring/metrics; Prometheus's HTTP API for the
 * parameters and answers).
 */

export interface TelemetryDeps {
  store: SandboxStore;
  logs: LogBook;
  model: TelemetryModel;
  nowMs: () => number;
}

/** Prometheus's own limit on points per series in a range query. */
const MAX_POINTS = 11_000;

function promError(status: number, errorType: string, error: string): RouteResponse {
  return { status, body: { status: "error", errorType, error } };
}

function unixTime(raw: string | null, name: string, fallback: number): number {
  if (raw === null || raw === "") return fallback;
  const seconds = /^\d+(?:\.\d+)?$/.test(raw) ? Number(raw) : Date.parse(raw) / 1000;
  if (!Number.isFinite(seconds))
    throw new PromQLError(`invalid parameter "${name}": cannot parse "${raw}" to a valid timestamp`);
  return seconds;
}

function sample(t: number, value: number): [number, string] {
  return [t, String(value)];
}

export function telemetryRoutes(deps: TelemetryDeps): Route[] {
  const { store, logs, model } = deps;
  const nowSeconds = (): number => deps.nowMs() / 1000;
  const requireOrg = (org: string): string | undefined => store.org(org)?.slug;
  const guarded = (work: () => RouteResponse): RouteResponse => {
    try {
      return work();
    } catch (error) {
      if (error instanceof PromQLError) return promError(400, "bad_data", error.message);
      throw error;
    }
  };

  return [
    {
      method: "GET",
      path: "/api/v1/apps/:app_name/logs",
      handle: ({ params, query }) => {
        const app = store.requireApp(params.app_name ?? "");
        const token = query.get("next_token") ?? "";
        if (token !== "" && !/^\d{1,20}$/.test(token))
          throw badRequest("next_token must be a nanosecond Unix time");
        const page = logs.page(app.name, {
          after: token === "" ? undefined : BigInt(token),
          region: query.get("region") || undefined,
          instance: query.get("instance") || undefined,
        });
        return ok(logsDocument(page));
      },
    },
    {
      method: "GET",
      path: "/prometheus/:org/api/v1/query",
      handle: ({ params, query }) =>
        guarded(() => {
          const org = requireOrg(params.org ?? "");
          if (!org) return promError(404, "not_found", `organization ${params.org ?? ""} not found`);
          const expr = parsePromQL(query.get("query") ?? "");
          const t = unixTime(query.get("time"), "time", nowSeconds());
          const result = evaluate(expr, t, model.series(org)).map((e) => ({
            metric: e.labels,
            value: sample(t, e.value),
          }));
          return ok({ status: "success", data: { resultType: "vector", result } });
        }),
    },
    {
      method: "GET",
      path: "/prometheus/:org/api/v1/query_range",
      handle: ({ params, query }) =>
        guarded(() => {
          const org = requireOrg(params.org ?? "");
          if (!org) return promError(404, "not_found", `organization ${params.org ?? ""} not found`);
          const expr = parsePromQL(query.get("query") ?? "");
          const start = unixTime(query.get("start"), "start", NaN);
          const end = unixTime(query.get("end"), "end", NaN);
          const step = parseStep(query.get("step") ?? "");
          if (Number.isNaN(start) || Number.isNaN(end))
            throw new PromQLError('invalid parameter "start" or "end": both are required');
          if (step === undefined || step <= 0)
            throw new PromQLError('invalid parameter "step": a positive duration is required');
          if (end < start)
            throw new PromQLError('invalid parameter "end": end timestamp must not be before start time');
          if ((end - start) / step > MAX_POINTS)
            throw new PromQLError(
              "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
            );
          const all = model.series(org);
          const bySeries = new Map<string, { metric: Record<string, string>; values: [number, string][] }>();
          for (let t = start; t <= end; t += step) {
            for (const e of evaluate(expr, t, all)) {
              const key = JSON.stringify(Object.entries(e.labels).sort());
              const entry = bySeries.get(key) ?? { metric: { ...e.labels }, values: [] };
              entry.values.push(sample(t, e.value));
              bySeries.set(key, entry);
            }
          }
          return ok({ status: "success", data: { resultType: "matrix", result: [...bySeries.values()] } });
        }),
    },
  ];
}
