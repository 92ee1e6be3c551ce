/**
 * Ready-made measures over Fly's built-in metrics (docs monitoring/metrics, "Built-in metrics"):
 * the PromQL each sends, so a model never writes any. Edge series (`fly_edge_`) have no `instance`
 * label, so a measure per machine reads the `fly_app_` twin. Every query has one shape the
 * sandbox's parser (src/sandbox/promql.ts) also reads: an aggregation by labels over a selector, one
 * range function of it or the difference of two selectors, or histogram_quantile over such a sum.
 */

export type Scope = { app?: string; region?: string; instance?: string };

/** Instant: one value per group over the whole window. Range: a series per group, summarized. */
export type QueryKind = "instant" | "range";

export interface MeasureQuery {
  /** What the summary calls this query's value, e.g. "p99" or "rate". */
  label: string;
  kind: QueryKind;
  promql: string;
}

export interface Measure {
  name: string;
  description: string;
  unit: string;
  /** Multiplies every value: centiseconds to CPUs, bytes to MB. */
  scale: number;
  /** Whether a machine can be named (edge-only measures are per app and region). */
  perMachine: boolean;
  /** Extra label the groups split by, e.g. `status` for responses by class. */
  splitBy?: string;
  queries(
    selector: (extra?: string) => string,
    by: string,
    window: string,
    step: string,
    scope: Scope,
  ): MeasureQuery[];
}

const MB = 1 / (1024 * 1024);

/** The responses metric for a scope: the edge's, or the app's own when a machine is named. */
const responses = (s: Scope): string =>
  s.instance ? "fly_app_http_responses_count" : "fly_edge_http_responses_count";
const timeBuckets = (s: Scope): string =>
  s.instance ? "fly_app_http_response_time_seconds_bucket" : "fly_edge_http_response_time_seconds_bucket";

export const MEASURES: readonly Measure[] = [
  {
    name: "http_responses",
    description: "HTTP responses by status class (2xx, 3xx, 4xx, 5xx) over the window",
    unit: "responses",
    scale: 1,
    perMachine: true,
    splitBy: "status",
    queries: (sel, by, window, _step, s) => [
      {
        label: "count",
        kind: "instant",
        promql: `sum by (${by}, status) (increase(${responses(s)}{${sel()}}[${window}]))`,
      },
    ],
  },
  {
    name: "http_5xx",
    description: "HTTP 5xx responses over the window, and their rate per second",
    unit: "responses",
    scale: 1,
    perMachine: true,
    queries: (sel, by, window, step, s) => [
      {
        label: "count",
        kind: "instant",
        promql: `sum by (${by}) (increase(${responses(s)}{${sel('status=~"5.."')}}[${window}]))`,
      },
      {
        label: "per_second",
        kind: "range",
        promql: `sum by (${by}) (rate(${responses(s)}{${sel('status=~"5.."')}}[${step}]))`,
      },
    ],
  },
  {
    name: "response_time",
    description: "HTTP response time percentiles (p50, p95, p99), in seconds",
    unit: "seconds",
    scale: 1,
    perMachine: true,
    queries: (sel, by, _window, step, s) =>
      [0.5, 0.95, 0.99].map((q) => ({
        label: `p${Math.round(q * 100)}`,
        kind: "range" as const,
        promql: `histogram_quantile(${q}, sum by (le, ${by}) (rate(${timeBuckets(s)}{${sel()}}[${step}])))`,
      })),
  },
  {
    name: "cpu",
    description: "CPU in use (CPUs busy: 1 = one CPU fully used), from fly_instance_cpu without idle time",
    unit: "CPUs",
    // fly_instance_cpu counts centiseconds.
    scale: 0.01,
    perMachine: true,
    queries: (sel, by, _window, step) => [
      {
        label: "busy",
        kind: "range",
        promql: `sum by (${by}) (rate(fly_instance_cpu{${sel('mode!="idle"')}}[${step}]))`,
      },
    ],
  },
  {
    name: "memory_available",
    description: "Memory available (MemAvailable), the lowest of the group's machines, in MB",
    unit: "MB",
    scale: MB,
    perMachine: true,
    queries: (sel, by) => [
      {
        label: "available",
        kind: "range",
        promql: `min by (${by}) (fly_instance_memory_mem_available{${sel()}})`,
      },
    ],
  },
  {
    name: "memory_used",
    description:
      "Memory in use (MemTotal minus MemAvailable), the highest of the group's machines, in MB: which machines use the most memory",
    unit: "MB",
    scale: MB,
    perMachine: true,
    queries: (sel, by) => [
      {
        label: "used",
        kind: "range",
        promql: `max by (${by}) (fly_instance_memory_mem_total{${sel()}} - fly_instance_memory_mem_available{${sel()}})`,
      },
    ],
  },
  {
    name: "oom_exits",
    description: "Machine exits killed for running out of memory (fly_instance_exit_oom) over the window",
    unit: "exits",
    scale: 1,
    perMachine: true,
    queries: (sel, by, window) => [
      {
        label: "count",
        kind: "instant",
        promql: `sum by (${by}) (sum_over_time(fly_instance_exit_oom{${sel()}}[${window}]))`,
      },
    ],
  },
  {
    name: "restarts",
    description:
      "Machine exits over the window (fly_instance_exit_code samples); a machine's restart policy starts it again",
    unit: "exits",
    scale: 1,
    perMachine: true,
    queries: (sel, by, window) => [
      {
        label: "count",
        kind: "instant",
        promql: `sum by (${by}) (count_over_time(fly_instance_exit_code{${sel()}}[${window}]))`,
      },
    ],
  },
  {
    name: "data_out",
    description: "Data sent to clients by Fly's edge (fly_edge_data_out) over the window, in MB",
    unit: "MB",
    scale: MB,
    perMachine: false,
    queries: (sel, by, window) => [
      {
        label: "count",
        kind: "instant",
        promql: `sum by (${by}) (increase(fly_edge_data_out{${sel()}}[${window}]))`,
      },
    ],
  },
];

export const MEASURE_NAMES = MEASURES.map((m) => m.name) as [string, ...string[]];

export function measureNamed(name: string): Measure | undefined {
  return MEASURES.find((m) => m.name === name);
}

/** Label matchers for a scope; values are checked by their Fly shapes before they get here. */
export function scopeMatchers(scope: Scope, extra?: string): string {
  const parts: string[] = [];
  if (scope.app) parts.push(`app="${scope.app}"`);
  if (scope.region) parts.push(`region="${scope.region}"`);
  if (scope.instance) parts.push(`instance="${scope.instance}"`);
  if (extra) parts.push(extra);
  return parts.join(",");
}
