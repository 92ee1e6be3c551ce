import { RefusedError } from "../errors.js";

/**
 * A client that may only read: `apply --rehearse` and `sandbox --from-live` copy live state through
 * one, so nothing but reads can reach Fly, whatever a tool or a bug asks for. Judged by what the
 * request would do, not by who sends it: on a REST API only a GET reads; on GraphQL a POST reads
 * when its document holds query operations only (the GraphQL spec's "query – a read-only fetch",
 * https://spec.graphql.org/October2021/#sec-Language.Operations), parsed with the graphql package
 * as Fly's server parses it, so no spelling (comments, a second operation, an anonymous
 * shorthand with a mutation beside it) slips a mutation through.
 */

/** rest: GET only. graphql: POST of query documents only (flyops sends GraphQL by POST alone). */
export type ReadOnlyMode = "rest" | "graphql";

export class WriteRefusedError extends RefusedError {}

function refuse(what: string): WriteRefusedError {
  return new WriteRefusedError(`refused to send ${what}: this client only reads from Fly`, {
    hint: "a rehearsal and a snapshot of live state send nothing but reads to Fly; this is a bug in flyops if you see it",
  });
}

async function onlyQueries(body: unknown): Promise<boolean> {
  if (typeof body !== "object" || body === null) return false;
  const source = (body as { query?: unknown }).query;
  if (typeof source !== "string") return false;
  // Loaded only by a read-only client: ordinary runs do not pay for the parser.
  const { Kind, OperationTypeNode, parse } = await import("graphql");
  let document;
  try {
    document = parse(source, { noLocation: true });
  } catch {
    return false;
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operations.length > 0 && operations.every((d) => d.operation === OperationTypeNode.QUERY);
}

/** Throws before anything is sent when the request could change something. */
export async function refuseUnlessRead(
  mode: ReadOnlyMode,
  method: string,
  path: string,
  body: unknown,
): Promise<void> {
  if (mode === "rest" && method === "GET") return;
  if (mode === "graphql" && method === "POST" && (await onlyQueries(body))) return;
  throw refuse(mode === "graphql" ? `a GraphQL mutation (${method} ${path})` : `${method} ${path}`);
}
