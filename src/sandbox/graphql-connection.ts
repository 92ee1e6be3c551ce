import { GraphQLError } from "graphql";

/** Relay page arguments, as every Fly connection field takes them. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

const encodeCursor = (index: number): string => Buffer.from(`cursor:${index}`).toString("base64");

function decodeCursor(cursor: string): number {
  const match = /^cursor:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match?.[1]) throw new GraphQLError(`invalid cursor "${cursor}"`);
  return Number(match[1]);
}

/** Relay cursor pagination over a list, with index cursors. */
export function connection<T, N>(
  all: T[],
  args: PageArgs,
  nodeOf: (item: T) => N,
  edgeExtra: (item: T) => object = () => ({}),
) {
  let start = args.after ? decodeCursor(args.after) + 1 : 0;
  let end = args.before ? Math.min(decodeCursor(args.before), all.length) : all.length;
  if (args.first != null) {
    if (args.first < 0) throw new GraphQLError("first must not be negative");
    end = Math.min(end, start + args.first);
  }
  if (args.last != null) {
    if (args.last < 0) throw new GraphQLError("last must not be negative");
    start = Math.max(start, end - args.last);
  }
  const slice = all.slice(start, Math.max(start, end));
  const edges = slice.map((item, i) => ({
    cursor: encodeCursor(start + i),
    node: nodeOf(item),
    ...edgeExtra(item),
  }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    totalCount: all.length,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
      hasNextPage: start + slice.length < all.length,
      hasPreviousPage: start > 0,
    },
  };
}
