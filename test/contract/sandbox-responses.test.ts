import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { MPG_OPERATIONS } from "../fixtures/mpg-api.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxRoutes, startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { LeaseBook } from "../../src/sandbox/leases.js";
import { MachineLifecycle } from "../../src/sandbox/machine-lifecycle.js";
import { Router } from "../../src/sandbox/router.js";
import { seedState } from "../../src/sandbox/seeds.js";
import { SandboxStore } from "../../src/sandbox/store.js";
import { obj, sandboxClient, type Call, type Reply } from "../integration/sandbox-http.js";
import { ERRATA_SAMPLES, withErrata, type Spec } from "./response-errata.js";

/**
 * Every response the sandbox gives, on every route it serves, is checked against the response
 * schema Fly's OpenAPI document declares for that operation and status. Objects are checked
 * strictly (no field the schema lacks), so the sandbox's shapes are Fly's field for field.
 * A status the operation does not declare must be an error with Fly's ErrorResponse shape.
 */

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
// As in rest-requests.test.ts: a relative FLY_SPEC_DIR is taken from the repository root.
const specDir = resolve(repoRoot, process.env.FLY_SPEC_DIR ?? "spec/fly");

type Json = Record<string, unknown>;
interface SpecResponse {
  content?: { "application/json"?: { schema?: Json } };
}
interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Record<string, SpecResponse>;
}

const plainSpec = JSON.parse(readFileSync(resolve(specDir, "machines-openapi.json"), "utf8")) as Spec;
const spec = withErrata(plainSpec) as unknown as {
  paths: Record<string, Record<string, { responses: Record<string, SpecResponse> }>>;
  components: { schemas: Record<string, Json> };
};

/** Closes every object schema that lists its properties, and points $refs at the registered spec. */
function strict(value: unknown, id = "fly-spec"): unknown {
  if (Array.isArray(value)) return value.map((v) => strict(v, id));
  if (typeof value !== "object" || value === null) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value as Json)) {
    out[key] = key === "$ref" && typeof v === "string" ? v.replace(/^#\//, `${id}#/`) : strict(v, id);
  }
  if (out.properties !== undefined && out.additionalProperties === undefined && out.allOf === undefined)
    out.additionalProperties = false;
  return out;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
ajv.addSchema({ $id: "fly-spec", components: strict(spec.components) as Json });
ajv.addSchema({ $id: "fly-spec-plain", components: strict(plainSpec.components, "fly-spec-plain") as Json });

const operations: Operation[] = Object.entries(spec.paths)
  .flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^/v1${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      responses: op.responses,
    })),
  )
  // Literal segments win over parameters: /certificates/acme before /certificates/{hostname}.
  .sort((a, b) => (a.template.match(/\{/g) ?? []).length - (b.template.match(/\{/g) ?? []).length);

const validators = new Map<Json, ValidateFunction>();
function validatorFor(schema: Json): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(strict(schema) as Json);
    validators.set(schema, validate);
  }
  return validate;
}

function findOperation(method: string, path: string): Operation | undefined {
  const pathname = new URL(path, "http://x").pathname;
  return operations.find((op) => op.method === method && op.pattern.test(pathname));
}

/** What is wrong with one reply, judged by the spec; empty when it conforms. */
function problemsOf(method: string, path: string, reply: Reply): string[] {
  const where = `${method} ${path} -> ${reply.status}`;
  const op = findOperation(method, path);
  if (!op) return [`${where}: no such operation in Fly's OpenAPI document`];
  const declared = op.responses[String(reply.status)];
  if (!declared) {
    if (reply.status < 400) return [`${where}: status not declared by ${op.method} ${op.template}`];
    const error = spec.components.schemas.ErrorResponse as Json;
    const valid = validatorFor(error)(reply.json);
    const hasText = typeof obj(reply.json).error === "string";
    return valid && hasText ? [] : [`${where}: error body is not an ErrorResponse: ${reply.text}`];
  }
  const schema = declared.content?.["application/json"]?.schema;
  if (!schema) return [];
  const validate = validatorFor(schema);
  if (validate(reply.json)) return [];
  return [`${where}: ${ajv.errorsText(validate.errors)} in ${reply.text.slice(0, 300)}`];
}

let sandbox: Sandbox;
let limited: Sandbox;
let short: Sandbox;
const problems: string[] = [];
const hits = new Set<string>();
const routeStore = new SandboxStore(seedState("empty"));
const router = new Router(
  sandboxRoutes({
    store: routeStore,
    lifecycle: new MachineLifecycle(routeStore, 0),
    leases: new LeaseBook(),
  }),
);

function checked(base: Call): Call {
  return async (method, path, body, headers) => {
    const reply = await base(method, path, body, headers);
    problems.push(...problemsOf(method, path, reply));
    const match = router.match(method, new URL(path, "http://x").pathname);
    if (match && "route" in match && reply.status < 300) hits.add(`${method} ${match.route.path}`);
    return reply;
  };
}

beforeAll(async () => {
  // Shapes, not timing: changes land at once (transitions have their own tests).
  sandbox = await startSandbox({ seed: "demo", rateLimits: false, transitionMs: 0 });
  limited = await startSandbox({ seed: "demo", transitionMs: 0 });
  short = await startSandbox({ seed: "demo", rateLimits: false, shortPages: true, transitionMs: 0 });
});
afterAll(async () => {
  await sandbox.close();
  await limited.close();
  await short.close();
});

/** Follows next_cursor to the end; returns how many items each page held. */
async function walkPages(call: Call, path: string, listKey: string): Promise<number[]> {
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const reply = await call("GET", `${path}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
    const page = obj(reply.json);
    sizes.push(Array.isArray(page[listKey]) ? page[listKey].length : -1);
    cursor = typeof page.next_cursor === "string" ? page.next_cursor : undefined;
  } while (cursor && sizes.length < 50);
  return sizes;
}

async function exercise(call: Call): Promise<void> {
  const m = "/v1/apps/demo-web/machines/148e272b0e4d89";
  const steps: [string, string, unknown?][] = [
    ["GET", "/v1/apps?org_slug=personal"],
    ["GET", "/v1/apps?org_slug=acme-corp"],
    ["POST", "/v1/apps", { name: "contract-app", org_slug: "personal", network: "contract" }],
    // The Machines API doc's spelling.
    ["POST", "/v1/apps", { app_name: "contract-app-2", org_slug: "personal" }],
    ["DELETE", "/v1/apps/contract-app-2"],
    ["GET", "/v1/apps/demo-web"],
    ["GET", "/v1/apps/demo-web/machines"],
    ["GET", "/v1/apps/demo-web/machines?summary=true&include_deleted=true&region=iad&state=started,stopped"],
    [
      "POST",
      "/v1/apps/contract-app/machines",
      {
        name: "c1",
        region: "iad",
        config: {
          image: "nginx:1.27",
          guest: { cpu_kind: "performance", cpus: 1, memory_mb: 2048 },
          env: { A: "b" },
          metadata: { k: "v" },
        },
      },
    ],
    ["GET", m],
    [
      "POST",
      m,
      {
        config: {
          image: "registry.fly.io/demo-web:v9",
          guest: { cpu_kind: "shared", cpus: 1, memory_mb: 512 },
        },
      },
    ],
    ["POST", `${m}/stop`, { signal: "SIGINT" }],
    ["GET", `${m}/wait?state=stopped&timeout=5`],
    ["POST", `${m}/start`],
    ["POST", `${m}/restart?timeout=10s`],
    ["POST", `${m}/suspend`],
    ["POST", `${m}/start`],
    ["POST", `${m}/cordon`],
    ["POST", `${m}/uncordon`],
    ["GET", `${m}/metadata`],
    ["POST", `${m}/metadata/role`, { value: "web" }],
    ["GET", `${m}/metadata/role`],
    ["DELETE", `${m}/metadata/role`],
    ["GET", `${m}/metadata/role`],
    ["POST", `${m}/signal`, { signal: "SIGHUP" }],
    ["POST", `${m}/signal`, { signal: "SIGNOPE" }],
    ["GET", `${m}/events?limit=10`],
    ["POST", "/v1/apps/demo-web/machines/3287e15b6d9e48/stop"],
    ["POST", "/v1/apps/demo-worker/machines/e7843d0c2f1968/stop"],
    ["GET", "/v1/apps/demo-web/machines/3287e15b6d9e48/wait?state=started&timeout=0"],
    ["DELETE", "/v1/apps/demo-worker/machines/9080e476b53d87"],
    ["DELETE", "/v1/apps/demo-web/machines/3287e15b6d9e48"],
    ["DELETE", "/v1/apps/demo-worker/machines/9080e476b53d87?force=true"],
    ["GET", "/v1/apps/demo-worker/machines?include_deleted=true"],
    ["GET", "/v1/orgs/acme-corp/machines?limit=2"],
    ["GET", "/v1/orgs/acme-corp/machines?summary=true&updated_after=2026-01-01T00:00:00Z"],
    ["GET", "/v1/orgs/personal/volumes?limit=1"],
    ["GET", "/v1/orgs/acme-corp/volumes?summary=true&include_deleted=true"],
    ["GET", "/v1/apps/acme-db/volumes"],
    ["GET", "/v1/apps/acme-db/volumes?summary=true"],
    [
      "POST",
      "/v1/apps/acme-db/volumes",
      { name: "contract_vol", region: "ams", size_gb: 3, snapshot_retention: 7 },
    ],
    ["GET", "/v1/apps/acme-db/volumes/vol_1pg7r2m9x4kq8dzw"],
    ["PUT", "/v1/apps/acme-db/volumes/vol_1pg7r2m9x4kq8dzw", { auto_backup_enabled: false }],
    ["PUT", "/v1/apps/acme-db/volumes/vol_1pg7r2m9x4kq8dzw/extend", { size_gb: 50 }],
    ["POST", "/v1/apps/acme-db/volumes/vol_1pg7r2m9x4kq8dzw/snapshots"],
    ["GET", "/v1/apps/acme-db/volumes/vol_1pg7r2m9x4kq8dzw/snapshots"],
    ["DELETE", "/v1/apps/acme-db/volumes/vol_3orphq5n2w8c7yjd"],
    ["DELETE", "/v1/apps/acme-db/volumes/vol_1pg7r2m9x4kq8dzw"],
    ["GET", "/v1/apps/acme-api/secrets"],
    ["POST", "/v1/apps/acme-api/secrets", { values: { NEW_ONE: "v1", STRIPE_API_KEY: null } }],
    ["GET", "/v1/apps/acme-api/secrets/NEW_ONE"],
    ["POST", "/v1/apps/acme-api/secrets/SECOND", { value: "v2" }],
    ["DELETE", "/v1/apps/acme-api/secrets/SECOND"],
    ["POST", "/v1/apps/acme-api/secrets", { values: { NEVER_SET: null } }],
    ["DELETE", "/v1/apps/acme-api/secrets/NEVER_SET"],
    ["GET", "/v1/apps/acme-api/secrets?show_secrets=true"],
    ["GET", "/v1/apps/acme-api/ip_assignments"],
    ["POST", "/v1/apps/acme-api/ip_assignments", { type: "v6", region: "ams", service_name: "api" }],
    ["POST", "/v1/apps/acme-api/ip_assignments", { type: "private_v6" }],
    ["DELETE", "/v1/apps/acme-api/ip_assignments/137.66.10.20"],
    ["GET", "/v1/apps/acme-api/certificates"],
    ["GET", "/v1/apps/acme-api/certificates?limit=1&filter=acme"],
    ["POST", "/v1/apps/acme-api/certificates/acme", { hostname: "www.acme.example" }],
    ["GET", "/v1/apps/acme-api/certificates/www.acme.example"],
    ["POST", "/v1/apps/acme-api/certificates/www.acme.example/check"],
    ["POST", "/v1/apps/acme-api/certificates/staging.acme.example/check"],
    ["GET", "/v1/apps/acme-api/certificates/staging.acme.example"],
    ["DELETE", "/v1/apps/acme-api/certificates/www.acme.example"],
    ["POST", "/v1/apps/acme-api/certificates/acme", { hostname: "bad host" }],
    ["GET", "/v1/platform/regions"],
    ["GET", "/v1/tokens/current"],
    ["GET", "/v1/apps"],
    ["GET", "/v1/apps/no-such-app"],
    ["POST", "/v1/apps/demo-web/machines", { config: { image: "x", guest: { cpu_kind: "gpu" } } }],
    ["POST", "/v1/apps", { name: "contract-app", org_slug: "personal" }],
    ["POST", "/v1/apps/contract-app/machines", { name: "c1", config: { image: "nginx:1.27" } }],
    ["GET", `${m}/versions`],
    ["GET", `${m}/ps?sort_by=rss&order=desc`],
    ["GET", `${m}/memory`],
    ["PUT", `${m}/memory`, { limit_mb: 256 }],
    ["POST", `${m}/memory/reclaim`, { amount_mb: 64 }],
    ["GET", "/v1/apps/demo-web/machines/3287e15b6d9e48/ps"],
    ["DELETE", "/v1/apps/contract-app"],
  ];
  for (const [method, path, body] of steps) await call(method, path, body);
  // A lease, and the changes it guards: refused without the nonce, let through with it.
  const taken = await call("POST", `${m}/lease`, { ttl: 30, description: "contract" });
  const nonce = { "fly-machine-lease-nonce": String(obj(obj(taken.json).data).nonce) };
  await call("GET", `${m}/lease`);
  await call("POST", `${m}/lease?ttl=60`, {}, nonce);
  await call("POST", `${m}/lease`, {});
  await call("POST", `${m}/cordon`);
  await call("POST", `${m}/cordon`, undefined, nonce);
  await call("DELETE", `${m}/lease`, undefined, nonce);
  await call("GET", `${m}/lease`);
  await call("DELETE", `${m}/lease`, undefined, nonce);
}

describe("sandbox responses against Fly's OpenAPI document", () => {
  it("conform on every route, success and error alike", async () => {
    await exercise(checked(sandboxClient(sandbox.url)));
    await checked(sandboxClient(sandbox.url, null))("GET", "/v1/apps?org_slug=personal");
    const call = checked(sandboxClient(limited.url));
    const replies = await Promise.all(Array.from({ length: 6 }, () => call("GET", "/v1/apps/demo-web")));
    expect(replies.some((r) => r.status === 429)).toBe(true);
    const shortCall = checked(sandboxClient(short.url));
    const machinePages = await walkPages(shortCall, "/v1/orgs/acme-corp/machines", "machines");
    const volumePages = await walkPages(shortCall, "/v1/orgs/acme-corp/volumes", "volumes");
    expect(machinePages.slice(0, -1)).toContain(0);
    expect(volumePages.length).toBeGreaterThan(1);
    expect(problems).toEqual([]);
  });

  it("serve only operations of the spec, and the exercise reached each one", () => {
    // api.fly.io's Managed Postgres is not in the spec: its routes are flyctl's (fixtures/mpg-api.ts),
    // exercised by test/integration/addons.test.ts.
    const isMpg = (path: string) => path.startsWith("/api/");
    const mpg = router.list().filter((r) => isMpg(r.path));
    expect(
      mpg
        .filter(
          (r) =>
            !MPG_OPERATIONS.some(
              (op) =>
                op.method === r.method &&
                op.path
                  .replace(/\{org_slug\}/g, ":org")
                  .replace(/\{cluster_id\}/g, ":id")
                  .replace(/\{app_name\}/g, ":app") === r.path,
            ),
        )
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([]);
    const routes = router
      .list()
      .filter((r) => !isMpg(r.path))
      .map((r) => `${r.method} ${r.path}`);
    const unknown = router
      .list()
      .filter((r) => !isMpg(r.path))
      .filter(
        (r) =>
          !operations.some(
            (op) => op.method === r.method && `/v1${op.template}`.replace(/\{([^}]+)\}/g, ":$1") === r.path,
          ),
      );
    expect(unknown.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(routes.filter((r) => !hits.has(r))).toEqual([]);
  });

  it("widens the spec only where Fly answers wider, and each erratum is still needed", () => {
    const plain = (ref: string) => ajv.compile({ $ref: `fly-spec-plain#/components/schemas/${ref}` });
    const patched = (ref: string) => ajv.compile({ $ref: `fly-spec#/components/schemas/${ref}` });
    expect(plain("Lease")(ERRATA_SAMPLES.lease)).toBe(false);
    expect(plain("Volume")(ERRATA_SAMPLES.volume)).toBe(false);
    expect(patched("Volume")(ERRATA_SAMPLES.volume)).toBe(true);
    expect(plain("ErrorResponse")(ERRATA_SAMPLES.error)).toBe(false);
    expect(patched("ErrorResponse")(ERRATA_SAMPLES.error)).toBe(true);
    expect(patched("ErrorResponse")({ error: "x", status: "made_up" })).toBe(false);
    const lease: Reply = { status: 201, headers: new Headers(), text: "", json: ERRATA_SAMPLES.lease };
    expect(problemsOf("POST", "/v1/apps/a/machines/m/lease", lease)).toEqual([]);
    expect(
      problemsOf("POST", "/v1/apps/a/machines/m/lease", { ...lease, json: { nonce: "x" } }),
    ).toHaveLength(1);
  });

  it("flags a body the spec does not allow", () => {
    const bad: Reply = {
      status: 200,
      headers: new Headers(),
      text: "",
      json: { id: "m", state: "started", surprise: 1 },
    };
    expect(problemsOf("GET", "/v1/apps/a/machines/m", bad)).toHaveLength(1);
    expect(problemsOf("GET", "/v1/unknown", { ...bad, json: {} })).toHaveLength(1);
  });
});
