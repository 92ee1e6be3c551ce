import { buildSchema, graphql, GraphQLError, type GraphQLSchema } from "graphql";
import { addonRoot, orgExtras } from "./graphql-addons.js";
import { appGraphqlFields } from "./graphql-app-fields.js";
import { connection, type PageArgs } from "./graphql-connection.js";
import { SANDBOX_GRAPHQL_ADDONS_SDL } from "./graphql-schema-addons.js";
import { releaseFields } from "./graphql-releases.js";
import { SANDBOX_GRAPHQL_SDL } from "./graphql-schema.js";
import type { SandboxStore } from "./store.js";
import type { AppRecord, OrgRecord, UserRecord } from "./types.js";

/**
 * Fly's GraphQL endpoint for what REST lacks. Objects are built per request from the store;
 * fields that take arguments are functions, which graphql-js's default resolver calls.
 */

export function userNode(user: UserRecord) {
  return {
    __typename: "User",
    id: user.id,
    email: user.email,
    name: user.name,
    username: user.username,
    avatarUrl: `https://avatars.example.com/${user.username}.png`,
    createdAt: user.createdAt,
    internalNumericId: 400000 + user.username.length,
    enablePaidHobby: false,
  };
}

export class Resolvers {
  constructor(private readonly store: SandboxStore) {}

  private viewerRole(org: OrgRecord): string {
    const role = org.members.find((m) => m.userId === this.store.viewer().id)?.role;
    return role === "ADMIN" ? "admin" : "member";
  }

  orgNode(org: OrgRecord) {
    const store = this.store;
    return {
      __typename: "Organization",
      id: org.id,
      slug: org.slug,
      rawSlug: org.type === "PERSONAL" ? `${store.viewer().username}-personal` : org.slug,
      name: org.name,
      type: org.type,
      viewerRole: this.viewerRole(org),
      internalNumericId: String(org.internalNumericId),
      paidPlan: org.type === "SHARED",
      members: (args: PageArgs) =>
        connection(
          org.members.filter((m) => store.user(m.userId)),
          args,
          (m) => userNode(store.user(m.userId) as UserRecord),
          (m) => ({ role: m.role, joinedAt: m.joinedAt }),
        ),
      apps: (args: PageArgs) => connection(store.apps(org.slug), args, (a) => this.appNode(a)),
      ...orgExtras(store, org, this),
    };
  }

  appNode(app: AppRecord) {
    const machines = this.store.machines(app.name).filter((m) => m.state !== "destroyed");
    const org = this.store.org(app.org);
    return {
      __typename: "App",
      id: app.id,
      name: app.name,
      createdAt: app.createdAt,
      deployed: machines.some((m) => m.state === "started"),
      status:
        machines.length === 0
          ? "pending"
          : machines.some((m) => m.state === "started")
            ? "deployed"
            : "suspended",
      hostname: `${app.name}.fly.dev`,
      internalNumericId: app.internalNumericId,
      network: app.network,
      organization: () => (org ? this.orgNode(org) : null),
      ...appGraphqlFields(this.store, app, this),
      ...releaseFields(this.store, app, connection, userNode),
    };
  }

  root() {
    const store = this.store;
    return {
      viewer: () => userNode(store.viewer()),
      organizations: (args: PageArgs & { type?: string | null; admin?: boolean | null }) => {
        const orgs = store
          .orgs()
          .filter((o) => (args.type ? o.type === args.type : true))
          .filter((o) => (args.admin ? this.viewerRole(o) === "admin" : true));
        return connection(orgs, args, (o) => this.orgNode(o));
      },
      organization: (args: { id?: string | null; name?: string | null; slug?: string | null }) => {
        const org =
          (args.slug ? store.org(args.slug) : undefined) ??
          store.orgs().find((o) => (args.id && o.id === args.id) || (args.name && o.name === args.name));
        return org ? this.orgNode(org) : null;
      },
      personalOrganization: () => {
        const org = store.orgs().find((o) => o.type === "PERSONAL");
        if (!org) throw new GraphQLError("no personal organization");
        return this.orgNode(org);
      },
      app: (args: { name?: string | null; internalId?: string | null }) => {
        const app = store
          .apps()
          .find(
            (a) =>
              a.name === args.name || (args.internalId && String(a.internalNumericId) === args.internalId),
          );
        return app ? this.appNode(app) : null;
      },
      ...addonRoot(store, this),
    };
  }
}

let schema: GraphQLSchema | undefined;

export interface GraphQLRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** Runs one GraphQL request; answers 400 only when the body is not a GraphQL request at all. */
export async function executeGraphQL(
  store: SandboxStore,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const request = (body ?? {}) as GraphQLRequestBody;
  if (typeof request.query !== "string") {
    return { status: 400, body: { errors: [{ message: "a GraphQL request needs a query string" }] } };
  }
  schema ??= buildSchema(SANDBOX_GRAPHQL_SDL + SANDBOX_GRAPHQL_ADDONS_SDL);
  const result = await graphql({
    schema,
    source: request.query,
    rootValue: new Resolvers(store).root(),
    variableValues:
      typeof request.variables === "object" && request.variables !== null
        ? (request.variables as Record<string, unknown>)
        : undefined,
    operationName: typeof request.operationName === "string" ? request.operationName : undefined,
  });
  return { status: 200, body: result };
}
