import { hexDigestOf } from "./ids.js";
import type { SandboxStore } from "./store.js";
import { INCIDENT, incidentTimes } from "./telemetry-incident.js";
import type { MachineRecord } from "./types.js";

/**
 * Deterministic synthetic series with Fly's built-in metric names and labels (docs
 * monitoring/metrics, "Built-in metrics"): every series carries `app`, `region` and `host`, and all
 * but `fly_edge_` ones `instance`. Values are functions of time, so any instant or range can be
 * evaluated without storing samples: counters grow at a per-series rate (plus the incident's extra
 * rate since it began), gauges follow a formula, and exit series (`fly_instance_exit_oom`,
 * `fly_instance_exit_code`) have a sample only at each exit, as a machine reports one per exit.
 */

export type Labels = Readonly<Record<string, string>>;

export interface Series {
  name: string;
  labels: Labels;
  /** The value at a Unix time in seconds; undefined where the series has no sample. */
  at(t: number): number | undefined;
  /** For exit series: the samples in (from, to]. */
  samplesIn?(from: number, to: number): number[];
}

/** How far back counters start: Fly keeps metrics longer, but a week covers every window asked. */
const HISTORY_SECONDS = 7 * 24 * 3600;
/** Histogram bucket bounds (seconds). */
export const LE_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STATUSES = ["200", "301", "404"] as const;

/** A stable number in [0, 1) from a label: each app and machine gets its own level of traffic. */
function unit(label: string): number {
  return parseInt(hexDigestOf(label, 8), 16) / 0x100000000;
}

/** Counter grown at `base` per second since `origin`, and at `extra` more since `from`. */
function counter(origin: number, base: number, extra = 0, from = Infinity): (t: number) => number {
  return (t) => base * Math.max(0, t - origin) + extra * Math.max(0, t - from);
}

/** The share of requests answered within `le` seconds: exponentially distributed around a median. */
function withinShare(le: number, median: number): number {
  return 1 - Math.exp((-le * Math.LN2) / median);
}

export class TelemetryModel {
  readonly startSeconds: number;
  private readonly store: SandboxStore;

  constructor(store: SandboxStore, startSeconds: number) {
    this.store = store;
    this.startSeconds = startSeconds;
  }

  /** Every series of an org, from the machines it has now. */
  series(org: string): Series[] {
    const apps = new Set(this.store.apps(org).map((a) => a.name));
    const machines = this.store.machines().filter((m) => apps.has(m.app) && m.state === "started");
    const out: Series[] = [];
    const regions = new Map<string, MachineRecord[]>();
    for (const machine of machines) {
      out.push(...this.instanceSeries(machine));
      const key = `${machine.app}\u0000${machine.region}`;
      regions.set(key, [...(regions.get(key) ?? []), machine]);
    }
    for (const [key, members] of regions) {
      const [app = "", region = ""] = key.split("\u0000");
      out.push(...this.edgeSeries(app, region, members));
    }
    return out;
  }

  private incident(app: string, region: string): boolean {
    return app === INCIDENT.app && region === INCIDENT.region;
  }

  private origin(): number {
    return this.startSeconds - HISTORY_SECONDS;
  }

  /** Requests per second an app answers with 200 in a region. */
  private baseRate(app: string, region: string): number {
    return 2 + Math.round(unit(`${app}:${region}:rps`) * 60) / 10;
  }

  private edgeSeries(app: string, region: string, members: MachineRecord[]): Series[] {
    const host = hexDigestOf(`edge:${region}`, 4);
    const base = { app, region, host };
    const rps = this.baseRate(app, region);
    const since = incidentTimes(this.startSeconds).release;
    const sick = this.incident(app, region);
    const shares: Record<string, number> = { "200": 0.93, "301": 0.05, "404": 0.02 };
    const statusRates: [string, number, number][] = STATUSES.map((s) => [s, rps * (shares[s] ?? 0), 0]);
    if (sick) statusRates.push(["502", 0, 0.5], ["503", 0, 1.5]);
    const out: Series[] = [];
    for (const [status, rate, extra] of statusRates) {
      const count = counter(this.origin(), rate, extra, since);
      const labels = { ...base, status };
      out.push({ name: "fly_edge_http_responses_count", labels, at: count });
      const median = status.startsWith("5") ? 2.5 : sick ? 0.4 : 0.04;
      for (const le of [...LE_BOUNDS.map(String), "+Inf"]) {
        const share = le === "+Inf" ? 1 : withinShare(Number(le), median);
        out.push({
          name: "fly_edge_http_response_time_seconds_bucket",
          labels: { ...labels, le },
          at: (t) => count(t) * share,
        });
      }
    }
    const perMachine = members.length;
    out.push({
      name: "fly_edge_data_out",
      labels: base,
      at: counter(this.origin(), rps * 12_000 * Math.max(1, perMachine)),
    });
    return out;
  }

  private instanceSeries(machine: MachineRecord): Series[] {
    const labels = {
      app: machine.app,
      region: machine.region,
      host: hexDigestOf(`host:${machine.id}`, 4),
      instance: machine.id,
    };
    const total = machine.config.guest.memory_mb * 1024 * 1024;
    const sick = machine.id === INCIDENT.machine && machine.app === INCIDENT.app;
    const times = incidentTimes(this.startSeconds);
    const kills = sick ? times.kills : [];
    const busy = sick ? 0.6 : 0.05 + unit(`${machine.id}:cpu`) * 0.2;
    const out: Series[] = [
      {
        name: "fly_instance_up",
        labels,
        at: (t) => (kills.some((k) => t >= k && t < k + INCIDENT.restartSeconds) ? 0 : 1),
      },
      { name: "fly_instance_memory_mem_total", labels, at: () => total },
      {
        name: "fly_instance_memory_mem_available",
        labels,
        at: (t) => this.available(machine, total, t, sick),
      },
    ];
    for (let cpu = 0; cpu < machine.config.guest.cpus; cpu++) {
      const cpuLabels = { ...labels, cpu_id: String(cpu) };
      // fly_instance_cpu counts centiseconds per CPU and mode.
      out.push(
        {
          name: "fly_instance_cpu",
          labels: { ...cpuLabels, mode: "user" },
          at: counter(this.origin(), 100 * busy * 0.8),
        },
        {
          name: "fly_instance_cpu",
          labels: { ...cpuLabels, mode: "system" },
          at: counter(this.origin(), 100 * busy * 0.2),
        },
        {
          name: "fly_instance_cpu",
          labels: { ...cpuLabels, mode: "idle" },
          at: counter(this.origin(), 100 * (1 - busy)),
        },
      );
    }
    const rps = this.baseRate(machine.app, machine.region);
    out.push({
      name: "fly_app_http_responses_count",
      labels: { ...labels, status: "200" },
      at: counter(this.origin(), rps),
    });
    if (sick) {
      out.push({
        name: "fly_app_http_responses_count",
        labels: { ...labels, status: "503" },
        at: counter(this.origin(), 0, 0.5, times.release),
      });
    }
    for (const le of [...LE_BOUNDS.map(String), "+Inf"]) {
      const share = le === "+Inf" ? 1 : withinShare(Number(le), sick ? 0.4 : 0.03);
      const count = counter(this.origin(), rps);
      out.push({
        name: "fly_app_http_response_time_seconds_bucket",
        labels: { ...labels, status: "200", le },
        at: (t) => count(t) * share,
      });
    }
    const exits =
      (value: number): Series["samplesIn"] =>
      (from, to) =>
        kills.filter((k) => k > from && k <= to).map(() => value);
    out.push(
      { name: "fly_instance_exit_oom", labels, at: () => undefined, samplesIn: exits(1) },
      { name: "fly_instance_exit_code", labels, at: () => undefined, samplesIn: exits(137) },
    );
    return out;
  }

  /**
   * Bytes available: about half the guest's memory, a little wave over time; on the incident's
   * machine, since the release, it falls from 60% to 1% between each restart and the next kill.
   */
  private available(machine: MachineRecord, total: number, t: number, sick: boolean): number {
    const healthy = total * (0.5 + 0.05 * Math.sin(t / 900 + unit(machine.id) * 6));
    if (!sick) return Math.round(healthy);
    const { release, kills } = incidentTimes(this.startSeconds);
    if (t < release) return Math.round(healthy);
    let from = release;
    for (const kill of kills) {
      if (t < kill) return Math.round(total * (0.6 - 0.59 * ((t - from) / (kill - from))));
      from = kill + INCIDENT.restartSeconds;
    }
    // After the last kill the leak starts again, at the same pace as before it.
    const pace = 0.59 / (8 * 60);
    return Math.round(total * Math.max(0.01, 0.6 - pace * Math.max(0, t - from)));
  }
}
