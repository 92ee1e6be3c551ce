import type { Dispatcher } from "undici";
import { silentLogger, type Logger } from "../logger.js";
import type { FlyClients } from "./clients.js";
import { FlyGraphQL } from "./graphql.js";
import { HttpTransport, type RecordedRequest } from "./http.js";
import { RateLimiter } from "./limiter.js";
import { flyLogs, unconfiguredLogs } from "./logs-api.js";
import { flyPrometheus, unconfiguredPrometheus } from "./prometheus.js";
import { FlyRest } from "./rest.js";
import { mpgRest } from "./rest-mpg.js";

export interface CreateFlyClientsOptions {
  restBaseUrl: string;
  graphqlUrl: string;
  /** api.fly.io (FLY_API_BASE_URL), for the logs API; without it the logs client refuses. */
  apiBaseUrl?: string;
  /** Fly's Prometheus API without the org; without it the metrics client refuses. */
  prometheusUrl?: string;
  /** Managed Postgres's origin (FLY_UIEX_BASE_URL, else FLY_API_BASE_URL): required, so no caller reaches api.fly.io unawares. */
  mpgBaseUrl: string;
  token: string;
  log?: Logger;
  /** Sees every REST request (contract tests validate them against the OpenAPI spec). */
  onRequest?: (r: RecordedRequest) => void;
  /** Sees every request to the logs and Prometheus APIs, which the Machines OpenAPI spec does not cover. */
  onOtherRequest?: (r: RecordedRequest) => void;
  /** Sees every Managed Postgres request; kept apart so Machines API recordings hold only those. */
  onMpgRequest?: (r: RecordedRequest) => void;
  /** Sees every GraphQL request; kept apart so REST recordings hold REST only. */
  onGraphQLRequest?: (r: RecordedRequest) => void;
  timeoutMs?: number;
  maxRetries?: number;
  /** Shared by every client of a process so Fly's per-machine limits hold across tools. */
  limiter?: RateLimiter;
  dispatcher?: Dispatcher;
  /**
   * Every client reads only: REST and the other APIs send GETs alone, GraphQL queries alone;
   * anything else is refused before it is sent (read-only.ts). For copies of live state.
   */
  readOnly?: boolean;
}

export function createFlyClients(options: CreateFlyClientsOptions): FlyClients {
  const log = options.log ?? silentLogger;
  const rest = options.readOnly === true ? "rest" : undefined;
  const http = new HttpTransport({
    baseUrl: options.restBaseUrl,
    token: options.token,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    onRequest: options.onRequest,
    limiter: options.limiter ?? new RateLimiter(),
    log,
    apiName: "Machines API",
    dispatcher: options.dispatcher,
    readOnly: rest,
  });
  const graphql = new FlyGraphQL({
    url: options.graphqlUrl,
    token: options.token,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    onRequest: options.onGraphQLRequest,
    log,
    dispatcher: options.dispatcher,
    readOnly: options.readOnly,
  });
  // Neither API is in Fly's published Machines API limits: no client-side pacing, retries on 429 as ever.
  const other = (baseUrl: string, apiName: string): HttpTransport =>
    new HttpTransport({
      baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      onRequest: options.onOtherRequest,
      log,
      apiName,
      dispatcher: options.dispatcher,
      readOnly: rest,
    });
  const prometheusClient = (base: string) => {
    const url = new URL(base);
    return flyPrometheus(other(url.origin, "Prometheus API"), url.pathname.replace(/\/+$/, ""));
  };
  const mpgHttp = new HttpTransport({
    baseUrl: options.mpgBaseUrl,
    token: options.token,
    // flyctl sends its GraphQL token to this API (internal/uiex/mpg/v2/client.go).
    tokenAudience: "graphql",
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    onRequest: options.onMpgRequest,
    log,
    apiName: "Managed Postgres API",
    dispatcher: options.dispatcher,
    readOnly: rest,
  });
  return {
    rest: new FlyRest(http),
    graphql,
    logs: options.apiBaseUrl ? flyLogs(other(options.apiBaseUrl, "logs API")) : unconfiguredLogs,
    metrics: options.prometheusUrl ? prometheusClient(options.prometheusUrl) : unconfiguredPrometheus,
    mpg: mpgRest(mpgHttp),
  };
}
