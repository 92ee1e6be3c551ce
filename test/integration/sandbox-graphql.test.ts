import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSchema, parse, validate } from "graphql";
import { FlyGraphQL } from "../../src/fly/graphql.js";
import {
  graphqlDocuments,
  OrganizationMembersDocument,
  OrganizationsDocument,
  ViewerDocument,
} from "../../src/fly/graphql-documents.js";
import { addonDocuments } from "../../src/fly/graphql-documents-addons.js";
import { SANDBOX_GRAPHQL_ADDONS_SDL } from "../../src/sandbox/graphql-schema-addons.js";
import { releaseDocuments } from "../../src/fly/graphql-releases.js";
import { SANDBOX_GRAPHQL_SDL } from "../../src/sandbox/graphql-schema.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { arr, obj, sandboxClient, TEST_TOKEN } from "./sandbox-http.js";

let sandbox: Sandbox;
let client: FlyGraphQL;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: "demo" });
  client = new FlyGraphQL({ url: sandbox.graphqlUrl, token: TEST_TOKEN, maxRetries: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

describe("sandbox GraphQL", () => {
  it("accepts every document flyops sends", () => {
    const schema = buildSchema(SANDBOX_GRAPHQL_SDL + SANDBOX_GRAPHQL_ADDONS_SDL);
    for (const document of [...graphqlDocuments, ...addonDocuments, ...releaseDocuments]) {
      expect(
        validate(schema, parse(document.source)).map((e) => e.message),
        document.operationName,
      ).toEqual([]);
    }
  });

  it("answers the viewer as a User", async () => {
    const data = await client.request(ViewerDocument);
    expect(data.viewer).toMatchObject({
      __typename: "User",
      email: "dana@example.com",
      name: "Dana Demo",
      username: "dana",
    });
    expect(typeof data.viewer.id).toBe("string");
  });

  it("pages organizations with pageInfo", async () => {
    const first = await client.request(OrganizationsDocument, { first: 1 });
    expect(first.organizations.nodes?.map((o) => o?.slug)).toEqual(["personal"]);
    expect(first.organizations.pageInfo.hasNextPage).toBe(true);
    const second = await client.request(OrganizationsDocument, {
      first: 1,
      after: first.organizations.pageInfo.endCursor,
    });
    expect(second.organizations.nodes?.map((o) => [o?.slug, o?.type])).toEqual([["acme-corp", "SHARED"]]);
    expect(second.organizations.pageInfo.hasNextPage).toBe(false);
  });

  it("lists an organization's members with their roles", async () => {
    const data = await client.request(OrganizationMembersDocument, { slug: "acme-corp" });
    const members = data.organization?.members.edges?.map((e) => [e?.node?.email, e?.role]);
    expect(members).toEqual([
      ["dana@example.com", "ADMIN"],
      ["lee@example.com", "ADMIN"],
      ["sam@example.com", "MEMBER"],
    ]);
    expect((await client.request(OrganizationMembersDocument, { slug: "nope" })).organization).toBeNull();
  });

  it("lists an organization's apps and answers errors the GraphQL way", async () => {
    const call = sandboxClient(sandbox.url);
    const reply = await call("POST", "/graphql", {
      query: '{ organization(slug: "personal") { apps { nodes { name deployed } totalCount } } }',
    });
    const apps = obj(obj(obj(obj(reply.json).data).organization).apps);
    expect(apps.totalCount).toBe(2);
    expect(arr(apps.nodes).map((a) => a.name)).toEqual(["demo-web", "demo-worker"]);
    const invalid = await call("POST", "/graphql", { query: "{ viewer { secretField } }" });
    expect(invalid.status).toBe(200);
    expect(arr(obj(invalid.json).errors).length).toBeGreaterThan(0);
    expect((await call("POST", "/graphql", { nothing: true })).status).toBe(400);
    expect(
      (await sandboxClient(sandbox.url, null)("POST", "/graphql", { query: "{ viewer { email } }" })).status,
    ).toBe(401);
  });

  it("answers App.currentRelease and App.version from the app's newest release record", async () => {
    const ask = async (app: string) => {
      const reply = await fetch(sandbox.graphqlUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({
          query: `query ($name: String!) { app(name: $name) { version currentRelease {
            id version status description reason imageRef stable inProgress evaluationId createdAt user { email } } } }`,
          variables: { name: app },
        }),
      });
      const body = obj(await reply.json());
      expect(body.errors).toBeUndefined();
      return obj(obj(body.data).app);
    };
    const incident = await ask("acme-api");
    const newest = sandbox.store.releases("acme-api")[0];
    expect(newest?.version).toBe(8);
    expect(incident.version).toBe(8);
    expect(incident.currentRelease).toEqual({
      id: newest?.id,
      version: 8,
      status: "complete",
      description: "Deploy image",
      reason: newest?.reason,
      imageRef: "registry.fly.io/acme-api:deployment-01JB7Q4X9Z2K5M8N1P3R6T0V2W",
      stable: newest?.stable,
      inProgress: false,
      evaluationId: null,
      createdAt: newest?.createdAt,
      user: { email: "lee@example.com" },
    });
    // Every app: the newest of its releases, whatever order they were recorded in.
    for (const app of sandbox.store.apps()) {
      const versions = sandbox.store.releases(app.name).map((r) => r.version);
      if (versions.length === 0) continue;
      const answer = await ask(app.name);
      expect(obj(answer.currentRelease).version, app.name).toBe(Math.max(...versions));
      expect(answer.version, app.name).toBe(Math.max(...versions));
    }
    const unreleased = sandbox.store.apps().find((a) => sandbox.store.releases(a.name).length === 0);
    if (unreleased) expect(await ask(unreleased.name)).toEqual({ version: 0, currentRelease: null });
  });
});
