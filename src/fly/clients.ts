import type { FlyRest } from "./rest.js";
import type { FlyGraphQL } from "./graphql.js";

/** The API clients a tool may use. Built once per process from the resolved configuration. */
export interface FlyClients {
  rest: FlyRest;
  graphql: FlyGraphQL;
}
