import type { SandboxStore } from "./store.js";
import type { AppRecord, ReleaseRecord, UserRecord } from "./types.js";

/**
 * Releases in the sandbox's GraphQL: `App.releasesUnprocessed`, the field fly-go's
 * GetAppReleasesMachines reads (resource_releases.go). Types, fields and arguments as in Fly's
 * schema (spec/fly/fly-schema.graphql: ReleaseUnprocessed, ReleaseUnprocessedConnection); a
 * subset of the fields, added to App by extension so the core SDL stays as it is.
 */
export const RELEASES_SDL = /* GraphQL */ `
  extend type App {
    releasesUnprocessed(
      after: String
      before: String
      first: Int
      last: Int
      status: String
    ): ReleaseUnprocessedConnection!
  }

  type ReleaseUnprocessed implements Node {
    createdAt: ISO8601DateTime!
    description: String!
    id: ID!
    imageRef: String
    reason: String!
    stable: Boolean!
    status: String!
    updatedAt: ISO8601DateTime!
    user: User
    version: Int!
  }

  type ReleaseUnprocessedConnection {
    edges: [ReleaseUnprocessedEdge]
    nodes: [ReleaseUnprocessed]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type ReleaseUnprocessedEdge {
    cursor: String!
    node: ReleaseUnprocessed
  }
`;

interface ReleaseArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  status?: string | null;
}

type Paginate = <T, N>(all: T[], args: ReleaseArgs, nodeOf: (item: T) => N) => unknown;

/** The release fields of an App node: newest first, filtered by `status` when given. */
export function releaseFields(
  store: SandboxStore,
  app: AppRecord,
  paginate: Paginate,
  userNode: (user: UserRecord) => unknown,
) {
  const node = (release: ReleaseRecord) => {
    const user = store.user(release.userId);
    return {
      __typename: "ReleaseUnprocessed",
      id: release.id,
      version: release.version,
      status: release.status,
      description: release.description,
      reason: release.reason,
      imageRef: release.imageRef,
      stable: release.stable,
      createdAt: release.createdAt,
      updatedAt: release.createdAt,
      user: user ? userNode(user) : null,
    };
  };
  const releases = store.releases(app.name);
  const current = releases[0];
  return {
    // The app's version is its newest release's; an app never released has none (0).
    version: current?.version ?? 0,
    // App.currentRelease is a Release (spec/fly/fly-schema.graphql), the newest record here.
    // inProgress (deprecated for deployment.inProgress): the sandbox runs no deploys and holds only made releases.
    currentRelease: current
      ? {
          ...node(current),
          __typename: "Release",
          evaluationId: null,
          inProgress: false,
        }
      : null,
    releasesUnprocessed: (args: ReleaseArgs) =>
      paginate(
        releases.filter((r) => !args.status || r.status === args.status),
        args,
        node,
      ),
  };
}
