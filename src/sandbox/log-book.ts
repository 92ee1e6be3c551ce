import { hexDigestOf } from "./ids.js";
import type { SandboxStore } from "./store.js";
import { INCIDENT, incidentTimes } from "./telemetry-incident.js";
import type { MachineRecord } from "./types.js";

/**
 * The sandbox's app logs, as Fly's logs API returns them (fly-go resource_logs.go, LogEntry in
 * types.go; docs monitoring/logs-api-options): newest 100 of the last 24 hours without a token,
 * else the lines after `next_token` (a nanosecond Unix time), oldest first, 100 to a page, with
 * `meta.next_token` the time of the last line given. Ordinary lines are generated from the fleet
 * (every started machine logs requests every few minutes over the last six hours), the seeded
 * incident adds its errors, and `append` adds lines while the sandbox runs (for `--follow`).
 */

export interface LogLine {
  /** Nanosecond Unix time; unique within an app, so a cursor never skips a line. */
  ns: bigint;
  app: string;
  instance: string;
  region: string;
  level: string;
  message: string;
  provider: "app" | "proxy" | "runner";
  status?: number;
}

export interface AppendLine {
  message: string;
  instance?: string;
  region?: string;
  level?: string;
}

export interface LogQuery {
  after?: bigint;
  region?: string;
  instance?: string;
}

export const LOG_PAGE_SIZE = 100;
const DEFAULT_WINDOW_NS = 24n * 3600n * 1_000_000_000n;
const GENERATED_HOURS = 6;
const EVERY_SECONDS = 300;
const NS = 1_000_000_000n;

const ORDINARY: readonly string[] = [
  "GET /healthz 200 in 2ms",
  "GET / 200 in 14ms",
  "GET /api/items 200 in 38ms",
  "POST /api/sessions 201 in 61ms",
  "GET /static/app.js 304 in 1ms",
  "worker heartbeat ok",
];

export class LogBook {
  private readonly generated = new Map<string, LogLine[]>();
  private readonly appended = new Map<string, LogLine[]>();

  constructor(
    private readonly store: SandboxStore,
    private readonly startSeconds: number,
    private readonly nowMs: () => number,
  ) {}

  /** Adds a line to an app's log now (sandbox only: Fly's API has no such call). */
  append(app: string, line: AppendLine): LogLine {
    const machine =
      this.store.machines(app).find((m) => m.id === line.instance) ?? this.store.machines(app)[0];
    const lines = this.lines(app);
    const last = lines.at(-1)?.ns ?? 0n;
    const now = BigInt(this.nowMs()) * 1_000_000n;
    const entry: LogLine = {
      ns: now > last ? now : last + 1n,
      app,
      instance: line.instance ?? machine?.id ?? "",
      region: line.region ?? machine?.region ?? "",
      level: line.level ?? "info",
      message: line.message,
      provider: "app",
    };
    this.appended.set(app, [...(this.appended.get(app) ?? []), entry]);
    return entry;
  }

  /** One page of an app's log and the token for the next. */
  page(app: string, query: LogQuery): { lines: LogLine[]; nextToken: string } {
    const matching = this.lines(app).filter(
      (l) =>
        (query.region === undefined || l.region === query.region) &&
        (query.instance === undefined || l.instance === query.instance),
    );
    if (query.after === undefined) {
      const since = BigInt(this.nowMs()) * 1_000_000n - DEFAULT_WINDOW_NS;
      const lines = matching.filter((l) => l.ns > since).slice(-LOG_PAGE_SIZE);
      return { lines, nextToken: String(lines.at(-1)?.ns ?? "") };
    }
    const after = query.after;
    const lines = matching.filter((l) => l.ns > after).slice(0, LOG_PAGE_SIZE);
    return { lines, nextToken: String(lines.at(-1)?.ns ?? after) };
  }

  /** Every line of an app, oldest first. */
  lines(app: string): LogLine[] {
    let generated = this.generated.get(app);
    if (!generated) {
      generated = this.generate(app);
      this.generated.set(app, generated);
    }
    return [...generated, ...(this.appended.get(app) ?? [])];
  }

  private generate(app: string): LogLine[] {
    const lines: LogLine[] = [];
    const started = this.store.machines(app).filter((m) => m.state === "started");
    const first = this.startSeconds - GENERATED_HOURS * 3600;
    for (const machine of started) {
      const offset = parseInt(hexDigestOf(`${machine.id}:log`, 4), 16) % EVERY_SECONDS;
      for (let t = first + offset, n = 0; t < this.startSeconds; t += EVERY_SECONDS, n++) {
        lines.push(this.line(machine, t, "info", ORDINARY[n % ORDINARY.length] ?? "ok", "app"));
      }
    }
    if (app === INCIDENT.app) {
      const machine = started.find((m) => m.id === INCIDENT.machine);
      if (machine) lines.push(...this.incidentLines(machine));
    }
    lines.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
    // Two lines at one nanosecond would make a cursor skip one: nudge them apart.
    for (let i = 1; i < lines.length; i++) {
      const previous = lines[i - 1]!.ns;
      if (lines[i]!.ns <= previous) lines[i]!.ns = previous + 1n;
    }
    return lines;
  }

  private line(
    machine: MachineRecord,
    seconds: number,
    level: string,
    message: string,
    provider: LogLine["provider"],
    status?: number,
  ): LogLine {
    const ns = BigInt(Math.round(seconds * 1000)) * 1_000_000n;
    return {
      ns,
      app: machine.app,
      instance: machine.id,
      region: machine.region,
      level,
      message,
      provider,
      status,
    };
  }

  /** The incident as its logs tell it: a deploy, then memory running out, kills, restarts and the proxy's 502/503s. */
  private incidentLines(machine: MachineRecord): LogLine[] {
    const { release, kills } = incidentTimes(this.startSeconds);
    const out: LogLine[] = [
      this.line(machine, release, "info", `Pulling container image ${INCIDENT.image}`, "runner"),
      this.line(machine, release + 5, "info", "Machine started in 1.211s", "runner"),
      this.line(machine, release + 7, "info", `listening on 0.0.0.0:${INCIDENT.port}`, "app"),
    ];
    kills.forEach((kill, i) => {
      out.push(
        this.line(
          machine,
          kill - 40,
          "warn",
          "heap usage 3.7 GB of 3.8 GB limit; GC is not keeping up",
          "app",
        ),
        this.line(
          machine,
          kill - 3,
          "error",
          "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
          "app",
        ),
        this.line(
          machine,
          kill,
          "error",
          `Out of memory: Killed process ${612 + i} (node) total-vm:4718592kB, anon-rss:4063232kB`,
          "runner",
        ),
        this.line(
          machine,
          kill + 1,
          "info",
          "Main child exited with signal (with signal 'SIGKILL', core dumped? false)",
          "runner",
        ),
        this.line(machine, kill + INCIDENT.restartSeconds, "info", "Machine started in 1.187s", "runner"),
      );
    });
    // The proxy's view while the machine is down or drowning: refused connections and cut requests.
    for (let t = release + 60, n = 0; t < this.startSeconds; t += 45, n++) {
      const refused = n % 2 === 0;
      out.push(
        this.line(
          machine,
          t,
          "error",
          refused
            ? `[PC01] instance refused connection. is your app listening on 0.0.0.0:${INCIDENT.port}? (GET /api/items answered 502)`
            : "[PU02] could not complete HTTP request to instance: connection closed before message completed (GET /api/items answered 503)",
          "proxy",
          refused ? 502 : 503,
        ),
      );
    }
    return out;
  }
}

/** The JSON:API document Fly's logs endpoint answers with. */
export function logsDocument(page: { lines: LogLine[]; nextToken: string }): unknown {
  return {
    data: page.lines.map((l) => ({
      id: hexDigestOf(`${l.app}:${l.ns}`, 26),
      type: "logs",
      attributes: {
        timestamp: nanoIso(l.ns),
        message: l.message,
        level: l.level,
        instance: l.instance,
        region: l.region,
        meta: {
          instance: l.instance,
          region: l.region,
          event: { provider: l.provider },
          ...(l.status === undefined ? {} : { http: { response: { status_code: l.status } } }),
        },
      },
    })),
    meta: { next_token: page.nextToken },
  };
}

/** RFC 3339 with nanoseconds, as Fly's log timestamps are. */
function nanoIso(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const fraction = String(ns % NS).padStart(9, "0");
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}
