import { z } from "zod";
import { nextTokenAt, type LogEntry } from "../src/fly/logs-api.js";
import { redactLogLine } from "../src/security/log-lines.js";
import { defineTool, nowOf, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { parsePointInTime, timePoint } from "./time-window.js";
import { listView, short, VIEW_MAX_LIMIT, VIEW_MAX_ROWS } from "./view.js";

/**
 * An app's logs from Fly's HTTP logs API (src/fly/logs-api.ts): read forward from `since` in
 * pages of up to 100 lines, at most MAX_PAGES pages, then filtered here by time, level and text.
 * Every message is redacted (src/security/log-lines.ts) before it leaves the tool: a result goes
 * to models, history files, MCP clients and the terminal alike.
 */

/** Pages read per call: 1,000 lines at most; a busier window says to narrow it. */
export const MAX_LOG_PAGES = 10;
const LEVELS = ["debug", "info", "warn", "error"] as const;
const SEVERITY: Record<string, number> = {
  debug: 0,
  info: 1,
  warning: 2,
  warn: 2,
  error: 3,
  fatal: 4,
  critical: 4,
};

export interface LogLineView {
  timestamp: string;
  machine: string;
  region: string;
  level: string;
  message: string;
}

export interface LogsResult {
  app: string;
  since: string;
  until: string | null;
  lines: LogLineView[];
  /** Pass back as `next_token` to read on from the last line read (what `--follow` does). */
  next_token: string;
  /** Lines read from Fly before the level and text filters. */
  read: number;
  /** True when the page cap stopped the read while Fly had more. */
  more: boolean;
}

const input = z
  .object({
    app: f.app,
    machine_id: f.machineId.optional().describe("Only this machine's lines"),
    region: f.region.optional().describe("Only lines from this region"),
    since: timePoint
      .optional()
      .describe(
        'Start of the window: "30m", "1h", "7d" back from now, or an ISO time; default 1h. Fly keeps about 7 days',
      ),
    until: timePoint.optional().describe("End of the window; default now"),
    level: z.enum(LEVELS).optional().describe("Only lines of this level or more severe"),
    grep: z
      .string()
      .regex(/^[^\n]{1,200}$/, "expected text of 1-200 characters on one line")
      .optional()
      .describe("Only lines whose message contains this text (case-insensitive)"),
    limit: f.limit.optional(),
    next_token: z
      .string()
      .regex(/^\d{1,20}$/, "expected the next_token of an earlier call: digits")
      .optional()
      .describe("Read on after a previous call's next_token instead of from `since`"),
  })
  .strict();

type Input = z.infer<typeof input>;

function severity(level: string): number {
  return SEVERITY[level.toLowerCase()] ?? SEVERITY.info!;
}

function matches(entry: LogLineView, i: Input, until: number | undefined): boolean {
  if (until !== undefined && Date.parse(entry.timestamp) > until) return false;
  if (i.level && severity(entry.level) < severity(i.level)) return false;
  return i.grep === undefined || entry.message.toLowerCase().includes(i.grep.toLowerCase());
}

function toView(entry: LogEntry): LogLineView {
  return {
    timestamp: entry.timestamp,
    machine: entry.instance,
    region: entry.region,
    level: entry.level,
    message: redactLogLine(entry.message),
  };
}

async function readLogs(ctx: ToolContext, i: Input): Promise<LogsResult> {
  const since = i.since ?? "1h";
  const now = nowOf(ctx);
  const until = i.until === undefined ? undefined : parsePointInTime(i.until, now);
  let token = i.next_token ?? nextTokenAt(new Date(parsePointInTime(since, now) ?? now));
  const lines: LogLineView[] = [];
  let read = 0;
  let more = false;
  for (let page = 0; ; page++) {
    if (page === MAX_LOG_PAGES) {
      more = true;
      break;
    }
    const answer = await ctx.fly.logs.page(
      i.app,
      { nextToken: token, region: i.region, instance: i.machine_id },
      ctx.signal,
    );
    const views = answer.entries.map(toView);
    read += views.length;
    lines.push(...views.filter((v) => matches(v, i, until)));
    const next = answer.nextToken === "" ? token : answer.nextToken;
    const pastUntil = until !== undefined && views.some((v) => Date.parse(v.timestamp) > until);
    if (views.length === 0 || next === token || pastUntil) break;
    token = next;
  }
  return { app: i.app, since, until: i.until ?? null, lines, next_token: token, read, more };
}

export const appLogs = defineTool({
  name: "logs_list",
  command: { verb: "logs", noun: "" },
  description:
    "Read an app's logs (Fly keeps about 7 days): timestamp, machine, region, level and message, oldest first. Filter by time window, machine, region, level (this level or worse) and text. Secret-looking values in lines are redacted.",
  access: "read",
  input,
  run: (ctx, i) => readLogs(ctx, i),
  view: (result, i) => {
    // The newest lines matter most: a cut keeps the end of the window.
    const newest = result.lines.slice(-Math.min(i.limit ?? VIEW_MAX_ROWS, VIEW_MAX_LIMIT));
    const cut = newest.length < result.lines.length;
    return listView(
      newest.map((l) => ({ ...l, message: short(l.message, 300) })),
      {
        noun: "log lines",
        limit: i.limit,
        matched: result.lines.length,
        narrow: "narrow the window (since/until), or filter by machine_id, region, level or grep",
        notes: [
          `${result.read} lines read from ${result.since}${result.until ? ` to ${result.until}` : ""}`,
          cut ? "the newest lines are shown" : undefined,
          result.more
            ? `stopped after ${MAX_LOG_PAGES} pages; more lines exist: narrow the window or pass next_token ${result.next_token}`
            : undefined,
        ],
        empty: "no log lines match",
      },
    );
  },
});

export const logTools = [appLogs] as const;
