import { z } from "zod";
import type { Series } from "../src/fly/prometheus.js";
import { defineTool, nowOf, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { ToolInputError } from "./invoke.js";
import { MEASURE_NAMES, measureNamed, scopeMatchers, type Measure, type Scope } from "./metric-measures.js";
import { orgsInScope, forEachOrg } from "./org-scope.js";
import { parsePointInTime, timePoint } from "./time-window.js";
import { listView, type Row } from "./view.js";

/**
 * Fly's metrics as short summaries: a named measure (metric-measures.ts) or a PromQL query, for
 * an org, an app, a region or a machine, over a window. A model reads current, min, max and the
 * trend of each group, never raw series.
 */

const BY = ["app", "region", "machine"] as const;
type By = (typeof BY)[number];
/** Points per range query: enough for a trend, few enough to stay small. */
const POINTS = 30;

export interface Summary {
  current: number | null;
  min: number | null;
  max: number | null;
  trend: "rising" | "falling" | "flat" | null;
}

export interface MetricGroup {
  org: string;
  /** The group's labels, e.g. {"app": "acme-api", "region": "sin"}. */
  labels: Record<string, string>;
  /** Totals over the window (instant queries), e.g. {count: 42}. */
  totals: Record<string, number>;
  /** Range queries, summarized. */
  series: Record<string, Summary>;
}

export interface MetricsResult {
  measure: string;
  unit: string;
  window: string;
  groups: MetricGroup[];
}

const round = (n: number): number => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000);

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { current: null, min: null, max: null, trend: null };
  const third = Math.max(1, Math.floor(finite.length / 3));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const early = mean(finite.slice(0, third));
  const late = mean(finite.slice(-third));
  const spread = Math.max(Math.abs(early), Math.abs(late), 1e-9);
  const change = (late - early) / spread;
  return {
    current: round(finite.at(-1) ?? 0),
    min: round(Math.min(...finite)),
    max: round(Math.max(...finite)),
    trend:
      Math.abs(late - early) < 1e-6 || Math.abs(change) < 0.1 ? "flat" : change > 0 ? "rising" : "falling",
  };
}

function windowSeconds(since: string, now: number): number {
  const seconds = Math.round((now - (parsePointInTime(since, now) ?? now)) / 1000);
  return Math.max(60, seconds);
}

/** One level below the scope; edge measures have no machine level, so they stop at the region. */
function defaultBy(scope: Scope, measure: Measure): By {
  if (scope.instance || scope.region) return measure.perMachine ? "machine" : "region";
  return scope.app ? "region" : "app";
}

const measureInput = z
  .object({
    measure: z.enum(MEASURE_NAMES).describe(`What to measure: ${MEASURE_NAMES.join(", ")}`),
    org: f.org.optional().describe("Organization; default the app's, the configured one, or every org"),
    app: f.app.optional(),
    region: f.region.optional(),
    machine_id: f.machineId.optional(),
    since: timePoint.optional().describe('Window back from now, e.g. "1h" (default), "30m", "7d"'),
    by: z.enum(BY).optional().describe("Group by app, region or machine; default one level below the scope"),
  })
  .strict();

type MeasureInput = z.infer<typeof measureInput>;

async function orgsFor(ctx: ToolContext, i: { org?: string; app?: string }): Promise<string[]> {
  if (i.org) return [i.org];
  if (i.app) {
    const app = await ctx.fly.rest.getApp(i.app, ctx.signal);
    const slug = app.organization?.slug;
    if (slug) return [slug];
  }
  return orgsInScope(ctx, undefined);
}

async function runQuery(
  ctx: ToolContext,
  org: string,
  kind: "instant" | "range",
  promql: string,
  seconds: number,
): Promise<Series[]> {
  const end = new Date(nowOf(ctx));
  if (kind === "instant") return ctx.fly.metrics.query(org, promql, end, ctx.signal);
  const start = new Date(end.getTime() - seconds * 1000);
  const stepSeconds = Math.max(15, Math.ceil(seconds / POINTS));
  return ctx.fly.metrics.queryRange(org, promql, { start, end, stepSeconds }, ctx.signal);
}

function statusClass(status: string | undefined): string {
  return status && /^[1-5]\d\d$/.test(status) ? `${status[0]}xx` : "other";
}

async function measureOrg(
  ctx: ToolContext,
  measure: Measure,
  i: MeasureInput,
  org: string,
): Promise<MetricGroup[]> {
  const scope: Scope = { app: i.app, region: i.region, instance: i.machine_id };
  const by = i.by ?? defaultBy(scope, measure);
  if (!measure.perMachine && (by === "machine" || scope.instance))
    throw new ToolInputError("metrics_get", [
      `${measure.name} is measured per app and region at Fly's edge, not per machine`,
    ]);
  const label = by === "machine" ? "instance" : by;
  const seconds = windowSeconds(i.since ?? "1h", nowOf(ctx));
  const step = `${Math.max(15, Math.ceil(seconds / POINTS))}s`;
  const queries = measure.queries((extra) => scopeMatchers(scope, extra), label, `${seconds}s`, step, scope);
  const groups = new Map<string, MetricGroup>();
  const groupOf = (labels: Record<string, string>): MetricGroup => {
    const key = labels[label] ?? "";
    const existing = groups.get(key);
    if (existing) return existing;
    const created: MetricGroup = {
      org,
      labels: { [label === "instance" ? "machine" : label]: key },
      totals: {},
      series: {},
    };
    groups.set(key, created);
    return created;
  };
  for (const query of queries) {
    const result = await runQuery(ctx, org, query.kind, query.promql, seconds);
    for (const series of result) {
      const group = groupOf(series.metric);
      const values = series.values.map(([, v]) => v * measure.scale);
      if (query.kind === "instant") {
        const name = measure.splitBy ? statusClass(series.metric[measure.splitBy]) : query.label;
        group.totals[name] = round((group.totals[name] ?? 0) + (values[0] ?? 0));
      } else group.series[query.label] = summarize(values);
    }
  }
  return [...groups.values()];
}

function sortKey(g: MetricGroup): number {
  const total = Object.values(g.totals).reduce((a, b) => a + b, 0);
  const firstSeries = Object.values(g.series)[0];
  return total || (firstSeries?.max ?? 0);
}

function groupRow(g: MetricGroup, multiOrg: boolean): Row {
  const row: Row = { ...(multiOrg ? { org: g.org } : {}), ...g.labels };
  for (const [name, value] of Object.entries(g.totals)) row[name] = value;
  for (const [name, s] of Object.entries(g.series)) {
    row[`${name}_current`] = s.current;
    row[`${name}_min`] = s.min;
    row[`${name}_max`] = s.max;
    row[`${name}_trend`] = s.trend;
  }
  return row;
}

export const metricsMeasure = defineTool({
  name: "metrics_get",
  command: { verb: "metrics", noun: "" },
  description: `A ready-made measure from Fly's metrics for an org, app, region or machine over a window, summarized per group (totals over the window, or current/min/max/trend): ${MEASURE_NAMES.join(", ")}. Largest first: "which app has the most 5xx" is http_5xx grouped by app.`,
  access: "read",
  input: measureInput,
  async run(ctx, i): Promise<MetricsResult> {
    const measure = measureNamed(i.measure);
    if (!measure) throw new ToolInputError("metrics_get", [`unknown measure ${i.measure}`]);
    const orgs = await orgsFor(ctx, i);
    const groups = await forEachOrg(orgs, (org) => measureOrg(ctx, measure, i, org));
    groups.sort((a, b) => sortKey(b) - sortKey(a));
    return { measure: measure.name, unit: measure.unit, window: i.since ?? "1h", groups };
  },
  view: (result) => {
    const multiOrg = new Set(result.groups.map((g) => g.org)).size > 1;
    return listView(
      result.groups.map((g) => groupRow(g, multiOrg)),
      {
        noun: "groups",
        notes: [`${result.measure} in ${result.unit} over the last ${result.window}, largest first`],
        empty: `no ${result.measure} data in the window`,
      },
    );
  },
});

export const metricsQuery = defineTool({
  name: "metrics_promql_get",
  description:
    "Run a PromQL (MetricsQL) query against an org's Fly metrics over a window and summarize each series (current, min, max, trend). For people who know PromQL; prefer metrics_get.",
  access: "read",
  input: z
    .object({
      org: f.org.optional().describe("Organization; default the configured one"),
      query: z
        .string()
        .regex(/^[^\n]{1,2000}$/, "expected a PromQL query of 1-2000 characters on one line")
        .describe('PromQL, e.g. sum by (region) (rate(fly_edge_http_responses_count{app="my-app"}[5m]))'),
      since: timePoint.optional().describe('Window back from now, default "1h"'),
    })
    .strict(),
  async run(ctx, i): Promise<MetricsResult> {
    const org = i.org ?? ctx.org;
    if (!org)
      throw new ToolInputError("metrics_promql_get", [
        "name the org: Fly's metrics are queried per organization",
      ]);
    const seconds = windowSeconds(i.since ?? "1h", nowOf(ctx));
    const series = await runQuery(ctx, org, "range", i.query, seconds);
    const groups = series.map((s): MetricGroup => ({
      org,
      labels: s.metric,
      totals: {},
      series: { value: summarize(s.values.map(([, v]) => v)) },
    }));
    groups.sort((a, b) => sortKey(b) - sortKey(a));
    return { measure: "query", unit: "as queried", window: i.since ?? "1h", groups };
  },
  view: (result) =>
    listView(
      result.groups.map((g) => groupRow(g, false)),
      { noun: "series", narrow: "aggregate with sum by (...)", empty: "the query returned no series" },
    ),
});

export const metricTools = [metricsMeasure, metricsQuery] as const;
