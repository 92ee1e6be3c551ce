import { z } from "zod";
import { ConfigError } from "../errors.js";
import type { HttpTransport } from "./http.js";
import { call, seg } from "./rest-support.js";

/**
 * Fly's HTTP logs API, the one `fly logs` reads: `GET {FLY_API_BASE_URL}/api/v1/apps/{app}/logs`
 * with `next_token`, `region` and `instance` (fly-go resource_logs.go `GetAppLogs`; flyctl
 * logs/polling.go). Not in the Machines OpenAPI spec. Fly's "Logs API options" page
 * (docs monitoring/logs-api-options) says the answer is a JSON:API document, `data[].attributes`
 * holding each entry and `meta.next_token` the cursor; by default the newest 100 lines of the
 * last 24 hours; `next_token` is a nanosecond Unix time and returns lines after it; logs are kept
 * for about 7 days.
 */

// fly-go's LogEntry has no json tags, so Go matches these keys case-insensitively; Fly sends them in lower case.
export const LogEntrySchema = z.object({
  timestamp: z.string().default(""),
  message: z.string().default(""),
  level: z.string().default(""),
  instance: z.string().default(""),
  region: z.string().default(""),
  meta: z
    .object({
      http: z
        .object({ response: z.object({ status_code: z.number().optional() }).passthrough().optional() })
        .passthrough()
        .optional(),
    })
    .passthrough()
    .optional(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

const LogsResponseSchema = z.object({
  data: z.array(z.object({ id: z.string().optional(), attributes: LogEntrySchema })).default([]),
  meta: z.object({ next_token: z.string().default("") }).default({}),
});

export interface LogsQuery {
  /** A nanosecond Unix time: lines after it. Empty: Fly's default window. */
  nextToken?: string;
  region?: string;
  /** A machine id. */
  instance?: string;
}

export interface LogsPage {
  entries: LogEntry[];
  /** Pass back as `nextToken` to read on; empty when Fly sent none. */
  nextToken: string;
}

/** The nanosecond Unix time `next_token` takes for an instant. */
export function nextTokenAt(time: Date): string {
  return `${BigInt(time.getTime()) * 1_000_000n}`;
}

export interface FlyLogs {
  page(app: string, query: LogsQuery, signal?: AbortSignal): Promise<LogsPage>;
}

export function flyLogs(http: HttpTransport): FlyLogs {
  return {
    async page(app, query, signal) {
      const body = await call(http, LogsResponseSchema, {
        method: "GET",
        path: `/api/v1/apps/${seg(app)}/logs`,
        // flyctl always sends next_token, empty on the first call.
        query: { next_token: query.nextToken ?? "", region: query.region, instance: query.instance },
        signal,
      });
      return { entries: body.data.map((d) => d.attributes), nextToken: body.meta.next_token };
    },
  };
}

/** A logs client for a runtime that has no api.fly.io base: refuses rather than guess a host. */
export const unconfiguredLogs: FlyLogs = {
  page: () => Promise.reject(notConfigured("FLY_API_BASE_URL", "the logs API")),
};

export function notConfigured(variable: string, what: string): ConfigError {
  return new ConfigError(`no base URL for ${what} in this client`, {
    hint: `set ${variable}, or run with --sandbox`,
  });
}
