import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, parse, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { FLY_CLIENT_DOCUMENTS } from "../fixtures/fly-client-documents.js";
import { arr, obj, sandboxClient, TEST_TOKEN } from "../integration/sandbox-http.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const specDir = resolve(repoRoot, process.env.FLY_SPEC_DIR ?? "spec/fly");
const fly = buildSchema(readFileSync(resolve(specDir, "fly-schema.graphql"), "utf8"));

let sandbox: Sandbox;
let call: ReturnType<typeof sandboxClient>;
/** Node ids the fixtures' variables stand for, read from the sandbox like a client would. */
const ids: Record<string, string> = {};

async function query(text: string, variables: Record<string, unknown> = {}) {
  const reply = await call("POST", "/graphql", { query: text, variables });
  expect(reply.status).toBe(200);
  return obj(reply.json);
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: "demo", token: TEST_TOKEN });
  call = sandboxClient(sandbox.url);
  const org = obj(
    obj(
      (
        await query(
          `query($slug: String!) { organization(slug: $slug) { id members { edges { node { id email } } } limitedAccessTokens { nodes { id name } } } }`,
          { slug: "acme-corp" },
        )
      ).data,
    ).organization,
  );
  ids.ORG_ID = String(org.id);
  ids.SAM_ID = String(
    arr(obj(org.members).edges)
      .map((e) => obj(e.node))
      .find((n) => n.email === "sam@example.com")?.id,
  );
  ids.TOKEN_ID = String(arr(obj(org.limitedAccessTokens).nodes).find((t) => t.name === "old-ci")?.id);
});
afterAll(async () => {
  await sandbox.close();
});

/** The fixture's variables with placeholder ids replaced by the sandbox's. */
function bind(value: unknown): unknown {
  if (typeof value === "string") return ids[value] ?? value;
  if (Array.isArray(value)) return value.map(bind);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bind(v)]));
  return value;
}

describe("documents fly-go and flyctl send", () => {
  it("number at least the 18 queries and the mutations flyops's tools make", () => {
    expect(FLY_CLIENT_DOCUMENTS.filter((d) => d.kind === "query").length).toBeGreaterThanOrEqual(18);
    expect(FLY_CLIENT_DOCUMENTS.filter((d) => d.kind === "mutation").length).toBeGreaterThanOrEqual(6);
    for (const d of FLY_CLIENT_DOCUMENTS)
      expect(d.source).toMatch(/^superfly\/(fly-go|flyctl)@[0-9a-f]{40} \S+ \(\w+\)$/);
  });

  it.each(FLY_CLIENT_DOCUMENTS.map((d) => [d.name, d] as const))(
    "%s is valid against Fly's schema",
    (_, d) => {
      expect(validate(fly, parse(d.query)).map((e) => e.message)).toEqual([]);
    },
  );

  // Queries first, then mutations, each on the seed as the queries left it.
  it.each(FLY_CLIENT_DOCUMENTS.map((d) => [d.name, d] as const))(
    "%s is answered by the sandbox without errors",
    async (_, d) => {
      const reply = await query(d.query, bind(d.variables) as Record<string, unknown>);
      expect(reply.errors, JSON.stringify(reply.errors)).toBeUndefined();
      const data = obj(reply.data);
      for (const [field, value] of Object.entries(data)) expect(value, field).not.toBeNull();
    },
  );
});
