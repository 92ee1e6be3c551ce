import type { FlyRest } from "./rest.js";
import type { FlyGraphQL } from "./graphql.js";
import type { FlyLogs } from "./logs-api.js";
import type { FlyPrometheus } from "./prometheus.js";
import type { MpgRest } from "./rest-mpg.js";

/** The API clients a tool may use. Built once per process from the resolved configuration. */
export interface FlyClients {
  rest: FlyRest;
  graphql: FlyGraphQL;
  /** api.fly.io's logs API. */
  logs: FlyLogs;
  /** Fly's Prometheus API. */
  metrics: FlyPrometheus;
  /** Managed Postgres on api.fly.io (FLY_UIEX_BASE_URL, else FLY_API_BASE_URL). */
  mpg: MpgRest;
}
