import type { Expr, Matcher, Selector } from "./promql.js";
import type { Labels, Series } from "./telemetry-series.js";

/**
 * Evaluates a parsed query (promql.ts) over the synthetic series (telemetry-series.ts) at one
 * instant, as Prometheus does: a selector takes the latest sample within the 5-minute lookback,
 * range functions read the window (t - range, t], aggregations group by the labels named, and
 * functions drop the metric name. Counters never reset in the synthetic data, so `rate` and
 * `increase` are exact differences.
 */

export interface Element {
  labels: Labels;
  value: number;
}

const LOOKBACK_SECONDS = 300;
/** Fly scrapes every 15 seconds (docs monitoring/metrics, custom metrics). */
const SCRAPE_SECONDS = 15;
const MAX_SAMPLES_PER_WINDOW = 50_000;

function matches(series: Series, selector: Selector): boolean {
  return series.name === selector.metric && selector.matchers.every((m) => matchOne(series.labels, m));
}

function matchOne(labels: Labels, matcher: Matcher): boolean {
  const value = labels[matcher.label] ?? "";
  if (matcher.op === "=") return value === matcher.value;
  if (matcher.op === "!=") return value !== matcher.value;
  // promql.ts admits only a status class ("5..") after =~.
  return value.length === 3 && value[0] === matcher.value[0];
}

function gridSamples(series: Series, from: number, to: number): number[] {
  const out: number[] = [];
  const first = Math.floor(from / SCRAPE_SECONDS) * SCRAPE_SECONDS + SCRAPE_SECONDS;
  for (let t = first; t <= to && out.length < MAX_SAMPLES_PER_WINDOW; t += SCRAPE_SECONDS) {
    const value = series.at(t);
    if (value !== undefined) out.push(value);
  }
  return out;
}

function without(labels: Labels, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !names.includes(name)));
}

function rangeValue(fn: string, series: Series, t: number, seconds: number): number | undefined {
  const from = t - seconds;
  if (fn === "rate" || fn === "increase") {
    if (series.samplesIn) return undefined;
    const now = series.at(t);
    const before = series.at(from);
    if (now === undefined || before === undefined) return undefined;
    return fn === "rate" ? (now - before) / seconds : now - before;
  }
  const samples = series.samplesIn ? series.samplesIn(from, t) : gridSamples(series, from, t);
  if (samples.length === 0) return undefined;
  if (fn === "count_over_time") return samples.length;
  if (fn === "sum_over_time") return samples.reduce((a, b) => a + b, 0);
  return fn === "max_over_time" ? Math.max(...samples) : Math.min(...samples);
}

function aggregate(op: string, values: number[]): number {
  if (op === "count") return values.length;
  if (op === "max") return Math.max(...values);
  if (op === "min") return Math.min(...values);
  const sum = values.reduce((a, b) => a + b, 0);
  return op === "avg" ? sum / values.length : sum;
}

function groupKey(labels: Labels, names: readonly string[]): [string, Labels] {
  const picked: Record<string, string> = {};
  for (const name of names) if (labels[name] !== undefined) picked[name] = labels[name];
  return [JSON.stringify(names.map((n) => picked[n] ?? "")), picked];
}

/** Prometheus's histogram_quantile: linear within the bucket the rank falls in. */
function quantile(q: number, buckets: { le: number; count: number }[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1);
  if (!total || total.le !== Infinity || total.count <= 0) return undefined;
  const rank = q * total.count;
  let lower = 0;
  let below = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lower;
      const inBucket = bucket.count - below;
      return inBucket <= 0 ? bucket.le : lower + (bucket.le - lower) * ((rank - below) / inBucket);
    }
    lower = bucket.le;
    below = bucket.count;
  }
  return lower;
}

/** Labels without the metric name, as a key: binary operators match series on these. */
function signature(labels: Labels): string {
  return JSON.stringify(Object.entries(without(labels, "__name__")).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Prometheus's vector arithmetic with default one-to-one matching: a left element pairs with the
 * right element of the same label set (the name aside), unmatched elements drop out, and the
 * result loses the metric name. Every expression this grammar reads yields one element per label
 * set, so the many-to-one case Prometheus refuses cannot arise.
 */
function difference(left: Element[], right: Element[]): Element[] {
  const byKey = new Map(right.map((element) => [signature(element.labels), element]));
  return left.flatMap((element) => {
    const match = byKey.get(signature(element.labels));
    return match ? [{ labels: without(element.labels, "__name__"), value: element.value - match.value }] : [];
  });
}

export function evaluate(expr: Expr, t: number, all: readonly Series[]): Element[] {
  switch (expr.kind) {
    case "selector": {
      const out: Element[] = [];
      for (const series of all) {
        if (!matches(series, expr)) continue;
        const value = series.samplesIn ? series.samplesIn(t - LOOKBACK_SECONDS, t).at(-1) : series.at(t);
        if (value !== undefined) out.push({ labels: { __name__: series.name, ...series.labels }, value });
      }
      return out;
    }
    case "range": {
      const out: Element[] = [];
      for (const series of all) {
        if (!matches(series, expr.selector)) continue;
        const value = rangeValue(expr.fn, series, t, expr.seconds);
        if (value !== undefined) out.push({ labels: series.labels, value });
      }
      return out;
    }
    case "agg": {
      const groups = new Map<string, { labels: Labels; values: number[] }>();
      for (const element of evaluate(expr.expr, t, all)) {
        const [key, labels] = groupKey(element.labels, expr.by);
        const group = groups.get(key) ?? { labels, values: [] };
        group.values.push(element.value);
        groups.set(key, group);
      }
      return [...groups.values()].map((g) => ({ labels: g.labels, value: aggregate(expr.op, g.values) }));
    }
    case "difference":
      return difference(evaluate(expr.left, t, all), evaluate(expr.right, t, all));
    case "quantile": {
      const groups = new Map<string, { labels: Labels; buckets: { le: number; count: number }[] }>();
      for (const element of evaluate(expr.expr, t, all)) {
        const le = element.labels.le;
        if (le === undefined) continue;
        const others = without(element.labels, "__name__", "le");
        const key = JSON.stringify(Object.entries(others).sort());
        const group = groups.get(key) ?? { labels: others, buckets: [] };
        group.buckets.push({ le: le === "+Inf" ? Infinity : Number(le), count: element.value });
        groups.set(key, group);
      }
      const out: Element[] = [];
      for (const group of groups.values()) {
        const value = quantile(expr.q, group.buckets);
        if (value !== undefined) out.push({ labels: group.labels, value });
      }
      return out;
    }
  }
}
