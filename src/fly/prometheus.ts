import { z } from "zod";
import type { HttpTransport } from "./http.js";
import { notConfigured } from "./logs-api.js";
import { call, seg } from "./rest-support.js";

/**
 * Fly's Prometheus-compatible API (docs monitoring/metrics: "Queries can be sent to
 * https://api.fly.io/prometheus/<org-slug>/", `/api/v1/query` and `/api/v1/query_range`, with a
 * Fly token; MetricsQL, a superset of PromQL). Answers follow Prometheus's HTTP API: `status`,
 * `data.resultType` and `data.result`; a refusal is `{"status":"error","errorType","error"}`.
 */

const Sample = z.tuple([z.number(), z.string()]);
const Labels = z.record(z.string());

const VectorResult = z.object({
  resultType: z.literal("vector"),
  result: z.array(z.object({ metric: Labels, value: Sample })),
});
const MatrixResult = z.object({
  resultType: z.literal("matrix"),
  result: z.array(z.object({ metric: Labels, values: z.array(Sample) })),
});
const ScalarResult = z.object({ resultType: z.literal("scalar"), result: Sample });

const QueryResponseSchema = z.object({
  status: z.literal("success"),
  data: z.discriminatedUnion("resultType", [VectorResult, MatrixResult, ScalarResult]),
  warnings: z.array(z.string()).optional(),
});
export type QueryResponse = z.infer<typeof QueryResponseSchema>;

export interface Series {
  metric: Record<string, string>;
  /** [unix seconds, value] pairs, oldest first. */
  values: [number, number][];
}

export interface RangeQuery {
  start: Date;
  end: Date;
  /** Seconds between points. */
  stepSeconds: number;
}

export interface FlyPrometheus {
  /** An instant query at `time` (now when absent): one point per series. */
  query(org: string, promql: string, time?: Date, signal?: AbortSignal): Promise<Series[]>;
  queryRange(org: string, promql: string, range: RangeQuery, signal?: AbortSignal): Promise<Series[]>;
}

const unixSeconds = (time: Date): number => time.getTime() / 1000;

function toSeries(body: QueryResponse): Series[] {
  const { data } = body;
  const num = ([t, v]: [number, string]): [number, number] => [t, Number(v)];
  if (data.resultType === "scalar") return [{ metric: {}, values: [num(data.result)] }];
  if (data.resultType === "vector")
    return data.result.map((r) => ({ metric: r.metric, values: [num(r.value)] }));
  return data.result.map((r) => ({ metric: r.metric, values: r.values.map(num) }));
}

/** `prefix` is the base URL's path (`/prometheus`): requests name the whole path, as they go on the wire. */
export function flyPrometheus(http: HttpTransport, prefix = ""): FlyPrometheus {
  return {
    async query(org, promql, time, signal) {
      const body = await call(http, QueryResponseSchema, {
        method: "GET",
        path: `${prefix}/${seg(org)}/api/v1/query`,
        query: { query: promql, time: time === undefined ? undefined : unixSeconds(time) },
        signal,
      });
      return toSeries(body);
    },
    async queryRange(org, promql, range, signal) {
      const body = await call(http, QueryResponseSchema, {
        method: "GET",
        path: `${prefix}/${seg(org)}/api/v1/query_range`,
        query: {
          query: promql,
          start: unixSeconds(range.start),
          end: unixSeconds(range.end),
          step: range.stepSeconds,
        },
        signal,
      });
      return toSeries(body);
    },
  };
}

export const unconfiguredPrometheus: FlyPrometheus = {
  query: () => Promise.reject(notConfigured("FLY_PROMETHEUS_URL", "Fly's Prometheus API")),
  queryRange: () => Promise.reject(notConfigured("FLY_PROMETHEUS_URL", "Fly's Prometheus API")),
};
