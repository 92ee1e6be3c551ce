import { afterEach, describe, expect, it } from "vitest";
import { createFlyClients } from "../../src/fly/create-clients.js";
import { defineDocument, ViewerDocument } from "../../src/fly/graphql-documents.js";
import { WriteRefusedError } from "../../src/fly/read-only.js";
import { startServer, type TestServer } from "./http-server-fixture.js";

/**
 * A read-only client (what `apply --rehearse` and `sandbox --from-live` copy live state through)
 * sends GETs and GraphQL queries, and refuses everything else before it leaves: the loopback
 * server standing in for Fly never sees it.
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clients(readOnly: boolean) {
  server = await startServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url?.startsWith("/graphql")) {
      res.end(
        JSON.stringify({ data: { viewer: { __typename: "User", email: "a@example.com", name: null } } }),
      );
      return;
    }
    res.end(JSON.stringify(req.method === "GET" ? { id: "x", name: "demo-web" } : {}));
  });
  const fly = createFlyClients({
    restBaseUrl: server.url,
    graphqlUrl: `${server.url}/graphql`,
    mpgBaseUrl: server.url,
    token: "fo1_" + "x".repeat(40),
    maxRetries: 0,
    readOnly,
  });
  return { fly, seen: () => server?.requests.map((r) => `${r.method} ${r.url}`) ?? [] };
}

const guest = { cpu_kind: "shared", cpus: 1, memory_mb: 256 };

describe("read-only Fly clients", () => {
  it("send GETs and GraphQL queries", async () => {
    const { fly, seen } = await clients(true);
    await fly.rest.getApp("demo-web");
    await fly.graphql.request(ViewerDocument);
    expect(seen()).toEqual(["GET /v1/apps/demo-web", "POST /graphql"]);
  });

  it("refuse a POST, a DELETE and a lease before sending anything", async () => {
    const { fly, seen } = await clients(true);
    await expect(
      fly.rest.createMachine("demo-web", { region: "iad", config: { image: "nginx", guest } }),
    ).rejects.toThrow(WriteRefusedError);
    await expect(fly.rest.deleteApp("demo-web")).rejects.toThrow(
      /refused to send DELETE \/v1\/apps\/demo-web/,
    );
    await expect(fly.rest.stopMachine("demo-web", "148e272b0e4d89")).rejects.toThrow(WriteRefusedError);
    await expect(fly.rest.setSecrets("demo-web", { A: "b" })).rejects.toThrow(WriteRefusedError);
    expect(seen()).toEqual([]);
  });

  it("refuse GraphQL mutations however the document spells them", async () => {
    const { fly, seen } = await clients(true);
    const mutation = defineDocument<unknown, Record<string, never>>(
      `mutation Revoke { deleteOrganizationMembership(input: {}) { organization { id } } }`,
    );
    await expect(fly.graphql.request(mutation)).rejects.toThrow(WriteRefusedError);
    // Named a query by its first word, but carrying a mutation too: judged by what it holds.
    const both = defineDocument<unknown, Record<string, never>>(
      `query Viewer { viewer { email } }\n# comment\nmutation Other { deleteApp(appId: "x") { organization { id } } }`,
    );
    await expect(fly.graphql.request(both)).rejects.toThrow(WriteRefusedError);
    expect(seen()).toEqual([]);
  });

  it("without readOnly the same client sends a mutation (the refusal is the option's doing)", async () => {
    const { fly, seen } = await clients(false);
    await fly.rest.deleteApp("demo-web");
    expect(seen()).toEqual(["DELETE /v1/apps/demo-web"]);
  });
});
