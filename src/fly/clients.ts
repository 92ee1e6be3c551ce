import type { FlyRest } from "./rest.js";
import type { FlyGraphQL } from "./graphql.js";
import type { FlyLogs } from "./logs-api.js";
import type { FlyPrometheus } from "./prometheus.js";

/** The API clients a tool may use. Built once per process from the resolved configuration. */
export interface FlyClients {
  rest: FlyRest;
  graphql: FlyGraphQL;
  /** api.fly.io's logs API. */
  logs: FlyLogs;
  /** Fly's Prometheus API. */
  metrics: FlyPrometheus;
}
