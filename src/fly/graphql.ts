import type { Dispatcher } from "undici";
import type { Logger } from "../logger.js";
import type { Clock } from "./clock.js";
import { FlyGraphQLError, type GraphQLErrorEntry } from "./errors.js";
import type { GraphQLDocument, GraphQLVariables, PageInfo, PageVariables } from "./graphql-documents.js";
import { HttpTransport, type RecordedRequest } from "./http.js";

export type { GraphQLDocument } from "./graphql-documents.js";

export interface FlyGraphQLOptions {
  url: string;
  token: string;
  timeoutMs?: number;
  onRequest?: (r: RecordedRequest) => void;
  log?: Logger;
  maxRetries?: number;
  clock?: Clock;
  random?: () => number;
  dispatcher?: Dispatcher;
  /** Send queries only: a mutation is refused before it leaves (read-only.ts). */
  readOnly?: boolean;
}

/** One page of a Relay-style connection, as a `select` callback hands it to the paginator. */
export interface ConnectionPage<TNode> {
  nodes: readonly (TNode | null)[] | null | undefined;
  pageInfo: PageInfo;
}

export interface PaginateOptions {
  pageSize?: number;
  /** Stop after this many nodes (the result may hold up to one page more; callers slice). */
  maxNodes?: number;
  signal?: AbortSignal;
}

interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: GraphQLErrorEntry[];
}

/**
 * Fly's GraphQL API, for what REST lacks (viewer, organizations, members). Transport, timeouts
 * and HTTP error mapping are the REST client's; queries retry like GETs, mutations like POSTs.
 */
export class FlyGraphQL {
  private readonly http: HttpTransport;
  private readonly path: string;

  constructor(options: FlyGraphQLOptions) {
    const url = new URL(options.url);
    this.path = `${url.pathname}${url.search}`;
    this.http = new HttpTransport({
      baseUrl: url.origin,
      token: options.token,
      tokenAudience: "graphql",
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      onRequest: options.onRequest,
      log: options.log,
      clock: options.clock,
      random: options.random,
      dispatcher: options.dispatcher,
      apiName: "Fly GraphQL API",
      readOnly: options.readOnly ? "graphql" : undefined,
    });
  }

  async request<TData, TVars extends GraphQLVariables>(
    document: GraphQLDocument<TData, TVars>,
    variables?: TVars,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<TData> {
    const response = await this.http.request<GraphQLResponse<TData> | undefined>({
      method: "POST",
      path: this.path,
      body: { query: document.source, operationName: document.operationName, variables: variables ?? {} },
      idempotent: document.kind === "query",
      // A query is a POST that reads: it changes nothing (change-tracker.ts).
      countsAsChange: document.kind !== "query",
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    const errors = response?.errors ?? [];
    if (errors.length > 0) throw new FlyGraphQLError(document.operationName, errors);
    if (response?.data === undefined || response.data === null) {
      throw new FlyGraphQLError(document.operationName, [{ message: "the response carried no data" }]);
    }
    return response.data;
  }

  /**
   * Walks a connection page by page (`first`/`after`) and returns every node. `select` picks the
   * connection out of a page's data; for edge lists it may hand the edges over as nodes.
   */
  async paginate<TData, TVars extends PageVariables, TNode>(
    document: GraphQLDocument<TData, TVars>,
    variables: Omit<TVars, "first" | "after">,
    select: (data: TData) => ConnectionPage<TNode> | null | undefined,
    options: PaginateOptions = {},
  ): Promise<TNode[]> {
    const nodes: TNode[] = [];
    const seen = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const pageVariables = { ...variables, first: options.pageSize ?? 100, after } as TVars;
      const data = await this.request(document, pageVariables, { signal: options.signal });
      const page = select(data);
      if (page === null || page === undefined) return nodes;
      for (const node of page.nodes ?? []) if (node !== null) nodes.push(node);
      const next = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage || (options.maxNodes !== undefined && nodes.length >= options.maxNodes))
        return nodes;
      // A server that repeats a cursor would loop forever; fail loudly instead.
      if (next === null || seen.has(next)) {
        throw new FlyGraphQLError(document.operationName, [
          { message: "pagination stalled: hasNextPage with no new endCursor" },
        ]);
      }
      seen.add(next);
      after = next;
    }
  }
}
