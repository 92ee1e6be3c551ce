import { afterEach, describe, expect, it } from "vitest";
import { FlyApiError, FlyGraphQLError } from "../../src/fly/errors.js";
import { FlyGraphQL } from "../../src/fly/graphql.js";
import {
  OrganizationMembersDocument,
  OrganizationsDocument,
  ViewerDocument,
} from "../../src/fly/graphql-documents.js";
import type { RecordedRequest } from "../../src/fly/http.js";
import {
  fakeToken,
  json,
  recordingClock,
  startServer,
  type Handler,
  type TestServer,
} from "./http-server-fixture.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function client(handler: Handler, onRequest?: (r: RecordedRequest) => void): Promise<FlyGraphQL> {
  server = await startServer(handler);
  return new FlyGraphQL({
    url: `${server.url}/graphql`,
    token: fakeToken("fm2_"),
    clock: recordingClock(),
    onRequest,
  });
}

const bodyOf = (i: number): { query: string; operationName: string; variables: Record<string, unknown> } =>
  JSON.parse(server?.requests[i]?.body ?? "{}") as {
    query: string;
    operationName: string;
    variables: Record<string, unknown>;
  };

describe("FlyGraphQL.request", () => {
  it("posts the named document with its variables and returns data", async () => {
    const viewer = { __typename: "User", email: "ops@example.com", name: "Ops", id: "u1", username: "ops" };
    const recorded: RecordedRequest[] = [];
    const gql = await client(
      (_req, res) => json(res, 200, { data: { viewer } }),
      (r) => recorded.push(r),
    );
    await expect(gql.request(ViewerDocument)).resolves.toEqual({ viewer });
    expect(server?.requests[0]?.url).toBe("/graphql");
    expect(server?.requests[0]?.headers.authorization).toMatch(/^FlyV1 fm2_/);
    expect(bodyOf(0)).toEqual({ query: ViewerDocument.source, operationName: "Viewer", variables: {} });
    expect(recorded[0]?.path).toBe("/graphql");
  });

  it("sends every part of a mixed token bundle, as flyctl's GraphQLHeader does", async () => {
    server = await startServer((_req, res) => json(res, 200, { data: { viewer: null } }));
    const [oauth, macaroon] = [fakeToken("fo1_"), fakeToken("fm2_")];
    const gql = new FlyGraphQL({ url: `${server.url}/graphql`, token: `${oauth},${macaroon}` });
    await gql.request(ViewerDocument);
    expect(server.requests[0]?.headers.authorization).toBe(`FlyV1 ${macaroon},${oauth}`);
  });

  it("turns `errors` into a FlyGraphQLError naming the operation and the first message", async () => {
    const gql = await client((_req, res) =>
      json(res, 200, {
        data: { organization: null },
        errors: [{ message: "Could not find Organization" }, { message: "second" }],
      }),
    );
    const error = await gql.request(OrganizationMembersDocument, { slug: "nope" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyGraphQLError);
    const gqlError = error as FlyGraphQLError;
    expect(gqlError.message).toBe(
      "Fly GraphQL OrganizationMembers failed: Could not find Organization (and 1 more)",
    );
    expect(gqlError.errors).toHaveLength(2);
    expect(gqlError.exitCode).toBe(1);
  });

  it("points an authorization failure at the token", async () => {
    const gql = await client((_req, res) =>
      json(res, 200, { errors: [{ message: "You must be authenticated to view this." }] }),
    );
    await expect(gql.request(ViewerDocument)).rejects.toMatchObject({
      hint: expect.stringContaining("FLY_API_TOKEN") as unknown,
    });
  });

  it("maps HTTP errors like REST, with GraphQL's error text", async () => {
    const gql = await client((_req, res) => json(res, 401, { errors: [{ message: "token expired" }] }));
    const error = await gql.request(ViewerDocument).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyApiError);
    expect((error as FlyApiError).message).toMatch(/GraphQL API rejected the token \(401\).*token expired/);
  });

  it("retries a query on 503", async () => {
    const gql = await client((_req, res, i) =>
      i === 0 ? json(res, 503, {}) : json(res, 200, { data: { viewer: null } }),
    );
    await gql.request(ViewerDocument);
    expect(server?.requests).toHaveLength(2);
  });

  it("does not retry a mutation on 503", async () => {
    const gql = await client((_req, res) => json(res, 503, {}));
    const mutation = {
      operationName: "DeleteThing",
      kind: "mutation" as const,
      source: "mutation DeleteThing { x }",
    };
    await expect(gql.request(mutation)).rejects.toBeInstanceOf(FlyApiError);
    expect(server?.requests).toHaveLength(1);
  });
});

describe("FlyGraphQL.paginate", () => {
  const org = (n: number) => ({ id: `o${n}`, slug: `org-${n}`, name: `Org ${n}`, type: "SHARED" });

  it("follows endCursor until hasNextPage is false and skips null nodes", async () => {
    const gql = await client((_req, res, i) => {
      const pages = [
        { nodes: [org(1), null, org(2)], pageInfo: { hasNextPage: true, endCursor: "c1" } },
        { nodes: [org(3)], pageInfo: { hasNextPage: false, endCursor: "c2" } },
      ];
      json(res, 200, { data: { organizations: pages[i] } });
    });
    const nodes = await gql.paginate(OrganizationsDocument, {}, (d) => d.organizations, { pageSize: 2 });
    expect(nodes.map((n) => n.slug)).toEqual(["org-1", "org-2", "org-3"]);
    expect(bodyOf(0).variables).toEqual({ first: 2, after: null });
    expect(bodyOf(1).variables).toEqual({ first: 2, after: "c1" });
  });

  it("walks edges when the selector hands them over", async () => {
    const gql = await client((_req, res) =>
      json(res, 200, {
        data: {
          organization: {
            ...org(1),
            members: {
              edges: [{ role: "ADMIN", node: { id: "u1", name: "A", email: "a@example.com" } }],
              pageInfo: { hasNextPage: false, endCursor: null },
            },
          },
        },
      }),
    );
    const members = await gql.paginate(OrganizationMembersDocument, { slug: "org-1" }, (d) =>
      d.organization === null
        ? null
        : { nodes: d.organization.members.edges, pageInfo: d.organization.members.pageInfo },
    );
    expect(members).toEqual([{ role: "ADMIN", node: { id: "u1", name: "A", email: "a@example.com" } }]);
    expect(bodyOf(0).variables).toMatchObject({ slug: "org-1" });
  });

  it("fails instead of looping when the cursor does not advance", async () => {
    const gql = await client((_req, res) =>
      json(res, 200, {
        data: { organizations: { nodes: [org(1)], pageInfo: { hasNextPage: true, endCursor: "same" } } },
      }),
    );
    await expect(gql.paginate(OrganizationsDocument, {}, (d) => d.organizations)).rejects.toThrow(
      /pagination stalled/,
    );
    expect(server?.requests).toHaveLength(2);
  });
});
