import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpTransport, type HttpRequest, type RecordedRequest } from "../../src/fly/http.js";
import { paginate } from "../../src/fly/rest-support.js";
import { appsRest } from "../../src/fly/rest-apps.js";
import { machineMetaRest } from "../../src/fly/rest-machine-meta.js";
import { machinesRest } from "../../src/fly/rest-machines.js";
import { networkRest } from "../../src/fly/rest-network.js";
import { orgListingsRest } from "../../src/fly/rest-orgs.js";
import { secretsRest } from "../../src/fly/rest-secrets.js";
import { volumesRest } from "../../src/fly/rest-volumes.js";
import { FlyRest } from "../../src/fly/rest.js";
import { LEASE_NONCE_HEADER } from "../../src/fly/leases.js";

/**
 * Every request FlyRest can make is sent over real HTTP to a loopback server and checked
 * against Fly's OpenAPI document: method and path match a declared operation, every query
 * parameter is declared (and of its declared type), and every JSON body validates against the
 * operation's requestBody schema.
 */

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { type?: string; enum?: string[] };
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: {
    required?: boolean;
    description?: string;
    content?: Record<string, { schema?: unknown }>;
  };
}
interface Spec {
  paths: Record<string, Record<string, Operation | Parameter[]>>;
  components: { schemas: Record<string, unknown> };
}

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const specDir = resolve(repoRoot, process.env.FLY_SPEC_DIR ?? "spec/fly");
const spec = JSON.parse(readFileSync(resolve(specDir, "machines-openapi.json"), "utf8")) as Spec;

interface SpecOperation {
  method: string;
  template: string;
  pattern: RegExp;
  operation: Operation;
}

const operations: SpecOperation[] = Object.entries(spec.paths).flatMap(([template, methods]) =>
  Object.entries(methods)
    .filter(([method]) => method !== "parameters")
    .map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      // Spec paths are relative to the server URL https://api.machines.dev/v1.
      pattern: new RegExp(`^/v1${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      operation: operation as Operation,
    })),
);

function matchOperation(method: string, path: string): SpecOperation | undefined {
  // A literal segment beats a template one (…/certificates/acme is not …/certificates/{hostname}).
  const candidates = operations.filter((o) => o.method === method && o.pattern.test(path));
  return candidates.sort((a, b) => b.template.split("{").length - a.template.split("{").length).pop();
}

/**
 * Where Fly's generated schema is narrower than Fly itself, held to the spec's own words. The
 * Secrets_update body is Go's map[string]*string, generated as string-only values; the
 * operation's description says "with values to set, or nil to unset", and flyctl (fly-go's
 * UpdateAppSecrets, appsecrets.Update) sends null to unset. The erratum widens exactly that and
 * is checked below: it fails if the spec stops saying so, or stops needing it.
 */
const ERRATA: Record<string, { evidence: RegExp; schema: object }> = {
  Secrets_update: {
    evidence: /or nil to unset/,
    schema: {
      type: "object",
      properties: {
        values: { type: "object", additionalProperties: { type: ["string", "null"] } },
      },
    },
  },
};

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under NodeNext its default export is the module, whose `default` is the plugin.
addFormatsModule.default(ajv);
ajv.addSchema({ $id: "fly-openapi.json", components: spec.components });
const bodyValidators = new Map<string, ValidateFunction>();

function bodyValidator(op: SpecOperation, withErrata = true): ValidateFunction | undefined {
  const erratum = withErrata ? ERRATA[op.operation.operationId]?.schema : undefined;
  const schema = erratum ?? op.operation.requestBody?.content?.["application/json"]?.schema;
  if (schema === undefined) return undefined;
  const key = `${op.operation.operationId}${erratum ? "+erratum" : ""}`;
  let validate = bodyValidators.get(key);
  if (!validate) {
    const rewritten = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/', '"fly-openapi.json#/components/'),
    ) as object;
    validate = ajv.compile(rewritten);
    bodyValidators.set(key, validate);
  }
  return validate;
}

function queryValueMatches(value: string, schema: Parameter["schema"]): boolean {
  if (schema?.enum) return value.split(",").every((v) => schema.enum?.includes(v));
  if (schema?.type === "boolean") return value === "true" || value === "false";
  if (schema?.type === "integer") return /^-?\d+$/.test(value);
  return true;
}

// Answers in the shapes of the spec, enough for FlyRest's response schemas; paged listings
// hand out a second page once so the cursor is exercised.
function respond(operationId: string, query: URLSearchParams): { status: number; body?: unknown } {
  const machine = {
    id: "e2865013c45e86",
    name: "m",
    state: "started",
    region: "iad",
    instance_id: "v1",
    config: {},
  };
  const volume = { id: "vol_1pg7r2m9x4kq8dzw", name: "data", region: "iad", size_gb: 1, state: "created" };
  const cert = { hostname: "www.example.com", status: "pending" };
  const cursor = query.get("cursor");
  const secondPage = cursor === "c1";
  const answers: Record<string, unknown> = {
    Apps_list: { apps: [{ name: "a", organization: { slug: "personal" } }], total_apps: 1 },
    Apps_show: { name: "a" },
    Machines_list: [machine],
    Machines_show: machine,
    Machines_create: machine,
    Machines_update: machine,
    Machines_list_events: [{ id: "e1", type: "start", status: "started", timestamp: 1 }],
    Machines_wait: { ok: true, state: "started" },
    // The docs' lease answers (superfly/docs reference/machines/_machines_lease_*_resp.erb).
    Machines_create_lease: {
      status: "success",
      data: { nonce: "5c35f65c9f95", expires_at: 1708569778, owner: "hello@fly.io", version: "01HQ73" },
    },
    Machines_show_lease: {
      status: "success",
      data: { nonce: "5c35f65c9f95", expires_at: 1708569778, owner: "hello@fly.io", version: "01HQ73" },
    },
    Machines_show_metadata: { fly_process_group: "app" },
    // Fly may answer an empty page while more remain: page c1 is empty but carries a cursor.
    Machines_org_list:
      cursor === "c2"
        ? { machines: [{ ...machine, id: "3287e15b6d9e48", app_name: "a" }] }
        : secondPage
          ? { machines: [], next_cursor: "c2" }
          : { machines: [{ ...machine, app_name: "a" }], next_cursor: "c1" },
    Volumes_org_list: secondPage
      ? { volumes: [{ ...volume, id: "vol_2rp4x8k1m6tq9hvz", app_name: "a" }] }
      : { volumes: [{ ...volume, app_name: "a" }], next_cursor: "c1" },
    Volumes_list: [volume],
    Volumes_get_by_id: volume,
    Volumes_create: volume,
    Volume_delete: volume,
    Volumes_extend: { needs_restart: false, volume: { ...volume, size_gb: 2 } },
    Volumes_list_snapshots: [{ id: "vs_a1b2c3d4e5f6g7h8", status: "created" }],
    // Fly may send values along; FlyRest must drop them.
    Secrets_list: { secrets: [{ name: "A", digest: "d", value: "plaintext-value" }] },
    Secrets_update: { version: 2, secrets: [{ name: "A", value: "plaintext-value" }] },
    Secret_delete: { version: 3 },
    App_IPAssignments_list: { ips: [{ ip: "2a09::1", shared: false }] },
    App_IPAssignments_create: { ip: "2a09::2" },
    App_Certificates_list: secondPage
      ? { certificates: [{ ...cert, hostname: "b.example.com" }] }
      : { certificates: [cert], next_cursor: "c1" },
    App_Certificates_acme_create: cert,
    App_Certificates_show: cert,
    App_Certificates_check: cert,
    Platform_regions_get: { nearest: "iad", regions: [{ code: "iad", name: "Ashburn" }] },
    CurrentToken_show: { tokens: [{ org_slug: "personal" }] },
  };
  return operationId in answers ? { status: 200, body: answers[operationId] } : { status: 200 };
}

class RecordingTransport extends HttpTransport {
  readonly sent: HttpRequest[] = [];
  override request<T>(req: HttpRequest): Promise<T> {
    this.sent.push(req);
    return super.request<T>(req);
  }
}

let server: Server;
let transport: RecordingTransport;
let rest: FlyRest;
const recorded: RecordedRequest[] = [];
const unmatched: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    req.resume();
    req.on("end", () => {
      const op = matchOperation(req.method ?? "", url.pathname);
      if (!op) {
        unmatched.push(`${req.method} ${url.pathname}`);
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no such operation"}');
        return;
      }
      const answer = respond(op.operation.operationId, url.searchParams);
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  transport = new RecordingTransport({
    baseUrl: `http://127.0.0.1:${port}`,
    token: "contract-test-token",
    maxRetries: 0,
    onRequest: (r) => recorded.push(r),
  });
  rest = new FlyRest(transport);
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
});

const APP = "my-app";
const ID = "148ed123a45678";
const VOL = "vol_9vw681egy1jj5xm4";

/** One call per FlyRest method; the coverage test below fails when a method is missing here. */
const calls: Record<string, (r: FlyRest) => Promise<unknown>> = {
  listApps: (r) => r.listApps("personal"),
  getApp: (r) => r.getApp(APP),
  createApp: (r) => r.createApp({ name: APP, org_slug: "personal" }),
  deleteApp: (r) => r.deleteApp(APP),
  getMachineMetadata: (r) => r.getMachineMetadata(APP, ID),
  setMachineMetadata: (r) => r.setMachineMetadata(APP, ID, "role", "primary"),
  deleteMachineMetadata: (r) => r.deleteMachineMetadata(APP, ID, "role"),
  signalMachine: (r) => r.signalMachine(APP, ID, "SIGUSR1"),
  listMachines: (r) => r.listMachines(APP, { state: ["started", "stopped"], region: "iad", summary: true }),
  getMachine: (r) => r.getMachine(APP, ID),
  createMachine: (r) =>
    r.createMachine(APP, {
      name: "web-2",
      region: "iad",
      config: { image: "registry.fly.io/my-app:v1", guest: { cpu_kind: "shared", cpus: 1, memory_mb: 512 } },
    }),
  updateMachine: (r) =>
    r.updateMachine(APP, ID, {
      config: { image: "registry.fly.io/my-app:v2", guest: { cpu_kind: "shared", cpus: 2, memory_mb: 1024 } },
      current_version: "01HXYZ",
      min_secrets_version: 3,
    }),
  startMachine: (r) => r.startMachine(APP, ID),
  stopMachine: (r) => r.stopMachine(APP, ID, { signal: "SIGTERM", timeout: "10s" }),
  restartMachine: (r) => r.restartMachine(APP, ID, { signal: "SIGINT", timeout: "5s" }),
  suspendMachine: (r) => r.suspendMachine(APP, ID),
  cordonMachine: (r) => r.cordonMachine(APP, ID),
  uncordonMachine: (r) => r.uncordonMachine(APP, ID),
  destroyMachine: (r) => r.destroyMachine(APP, ID, { force: true }),
  listMachineEvents: (r) => r.listMachineEvents(APP, ID, { limit: 10 }),
  getMachineLease: (r) => r.getMachineLease(APP, ID),
  acquireMachineLease: (r) => r.acquireMachineLease(APP, ID, { ttl: 30, description: "contract" }),
  releaseMachineLease: (r) => r.releaseMachineLease(APP, ID, "5c35f65c9f95"),
  waitMachine: (r) =>
    r.waitMachine(APP, ID, {
      state: "started",
      version: "01HXYZ",
      fromEventId: "01HXYZEVENT",
      timeoutSeconds: 30,
    }),
  listOrgMachines: (r) =>
    r.listOrgMachines("personal", { state: ["started"], region: "iad", summary: true }, { pageSize: 100 }),
  listOrgVolumes: (r) => r.listOrgVolumes("personal", { region: "iad" }, { pageSize: 100 }),
  listVolumes: (r) => r.listVolumes(APP, { summary: true }),
  getVolume: (r) => r.getVolume(APP, VOL),
  createVolume: (r) =>
    r.createVolume(APP, {
      name: "data",
      region: "iad",
      size_gb: 3,
      encrypted: true,
      require_unique_zone: true,
    }),
  extendVolume: (r) => r.extendVolume(APP, VOL, 5),
  destroyVolume: (r) => r.destroyVolume(APP, VOL),
  listVolumeSnapshots: (r) => r.listVolumeSnapshots(APP, VOL),
  createVolumeSnapshot: (r) => r.createVolumeSnapshot(APP, VOL),
  listSecrets: (r) => r.listSecrets(APP),
  setSecrets: (r) => r.setSecrets(APP, { DATABASE_URL: "postgres://example", API_MODE: "test" }),
  unsetSecrets: (r) => r.unsetSecrets(APP, ["OLD_KEY", "NEVER_SET"]),
  latestSecretsVersion: (r) => r.latestSecretsVersion(APP),
  listIpAssignments: (r) => r.listIpAssignments(APP),
  assignIp: (r) => r.assignIp(APP, { type: "v6", region: "iad" }),
  releaseIp: (r) => r.releaseIp(APP, "2a09:8280:1::1"),
  listCertificates: (r) => r.listCertificates(APP, { filter: "example" }),
  addAcmeCertificate: (r) => r.addAcmeCertificate(APP, "www.example.com"),
  getCertificate: (r) => r.getCertificate(APP, "www.example.com"),
  checkCertificate: (r) => r.checkCertificate(APP, "www.example.com"),
  deleteCertificate: (r) => r.deleteCertificate(APP, "www.example.com"),
  listRegions: (r) => r.listRegions(),
  currentToken: (r) => r.currentToken(),
};

/** Requests that can create a second thing or act twice must never be resent blindly. */
const NOT_IDEMPOTENT = new Set([
  "Apps_create",
  "Machines_create",
  "Machines_update",
  "Machines_restart",
  "Machines_create_lease",
  "Machines_signal",
  "Volumes_create",
  "createVolumeSnapshot",
  "App_IPAssignments_create",
  "App_Certificates_acme_create",
]);

describe("FlyRest requests match Fly's OpenAPI document", () => {
  it("has a call for every FlyRest method", () => {
    const methods = Object.keys(rest).filter(
      (name) => typeof (rest as unknown as Record<string, unknown>)[name] === "function",
    );
    expect(methods.sort()).toEqual(Object.keys(calls).sort());
  });

  it("assembles FlyRest from its resource files without one method hiding another", () => {
    const parts = [
      appsRest,
      machinesRest,
      machineMetaRest,
      orgListingsRest,
      volumesRest,
      secretsRest,
      networkRest,
    ].map((part) => Object.keys(part(transport)));
    const names = parts.flat();
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(Object.keys(rest).sort());
  });

  it.each(Object.entries(calls))("%s", async (_name, call) => {
    const before = recorded.length;
    const sentBefore = transport.sent.length;
    await call(rest);
    const mine = recorded.slice(before);
    expect(mine.length).toBeGreaterThan(0);
    expect(unmatched).toEqual([]);
    mine.forEach((request, i) => {
      const op = matchOperation(request.method, request.path);
      expect(op, `${request.method} ${request.path} is no operation of the spec`).toBeDefined();
      if (!op) return;
      const declared = new Map(
        (op.operation.parameters ?? []).filter((p) => p.in === "query").map((p) => [p.name, p.schema]),
      );
      for (const [key, value] of Object.entries(request.query)) {
        expect(declared.has(key), `query ${key} is not declared for ${op.operation.operationId}`).toBe(true);
        expect(queryValueMatches(value, declared.get(key)), `query ${key}=${value}`).toBe(true);
      }
      for (const p of op.operation.parameters ?? []) {
        if (p.in === "query" && p.required) expect(request.query).toHaveProperty(p.name);
        if (p.in === "header" && p.required) expect(request.headers ?? {}).toHaveProperty(p.name);
      }
      const headerNames = new Set(
        (op.operation.parameters ?? []).filter((p) => p.in === "header").map((p) => p.name),
      );
      // Authorization and content headers are the transport's; a call's own must be declared.
      for (const name of Object.keys(request.headers ?? {}).filter((n) => n !== LEASE_NONCE_HEADER)) {
        expect(headerNames.has(name), `header ${name} is not declared for ${op.operation.operationId}`).toBe(
          true,
        );
      }
      const validate = bodyValidator(op);
      if (request.body === undefined) {
        expect(op.operation.requestBody?.required ?? false).toBe(false);
      } else {
        expect(validate, `${op.operation.operationId} takes no body`).toBeDefined();
        expect(validate?.(request.body), JSON.stringify(validate?.errors)).toBe(true);
      }
      const sent = transport.sent[sentBefore + i];
      expect(sent?.limit?.action, "every call names its limiter bucket").toMatch(/^[a-z_]+$/);
      expect(sent?.limit?.key).toBeTruthy();
      const idempotent = sent?.idempotent ?? ["GET", "PUT", "DELETE"].includes(request.method);
      expect(idempotent, `${op.operation.operationId} idempotency`).toBe(
        !NOT_IDEMPOTENT.has(op.operation.operationId),
      );
    });
  });

  it("changes a machine only under a lease of its own, taken just before and released after", () => {
    const changes = recorded
      .map((request, index) => ({ request, index }))
      .filter(
        ({ request }) =>
          request.method !== "GET" &&
          !request.path.endsWith("/lease") &&
          /^\/v1\/apps\/[^/]+\/machines\/[^/]+(?:\/[^/]+)*$/.test(request.path),
      );
    // At least these; a machine change added later is held to the same rule below.
    expect(changes.map(({ request }) => `${request.method} ${request.path.replace(ID, "ID")}`)).toEqual(
      expect.arrayContaining([
        "DELETE /v1/apps/my-app/machines/ID",
        "POST /v1/apps/my-app/machines/ID",
        "POST /v1/apps/my-app/machines/ID/cordon",
        "POST /v1/apps/my-app/machines/ID/restart",
        "POST /v1/apps/my-app/machines/ID/start",
        "POST /v1/apps/my-app/machines/ID/stop",
        "POST /v1/apps/my-app/machines/ID/suspend",
        "POST /v1/apps/my-app/machines/ID/uncordon",
      ]),
    );
    for (const { request, index } of changes) {
      const lease = `/v1/apps/my-app/machines/${ID}/lease`;
      const before = recorded[index - 1];
      const after = recorded[index + 1];
      expect(`${before?.method} ${before?.path}`, request.path).toBe(`POST ${lease}`);
      expect(request.headers?.[LEASE_NONCE_HEADER], request.path).toBe("5c35f65c9f95");
      // A destroyed machine's lease goes with it (flyctl skips the release after a destroy).
      if (request.method === "DELETE") continue;
      expect(`${after?.method} ${after?.path}`, request.path).toBe(`DELETE ${lease}`);
      expect(after?.headers?.[LEASE_NONCE_HEADER]).toBe("5c35f65c9f95");
    }
  });

  it("would catch a wrong request: the checks themselves are live", () => {
    const extend = matchOperation("PUT", "/v1/apps/a/volumes/v/extend");
    expect(extend?.operation.operationId).toBe("Volumes_extend");
    expect(extend && bodyValidator(extend)?.({ size_gb: "5" })).toBe(false);
    const create = matchOperation("POST", "/v1/apps/a/machines");
    expect(create && bodyValidator(create)?.({ config: { guest: { cpus: "one" } } })).toBe(false);
    expect(matchOperation("POST", "/v1/apps/a/machines/m/explode")).toBeUndefined();
    expect(queryValueMatches("yes", { type: "boolean" })).toBe(false);
  });

  it("sends an unset as null values in one Secrets_update, as the spec's description allows", () => {
    const update = matchOperation("POST", "/v1/apps/a/secrets");
    if (!update) throw new Error("no Secrets_update");
    expect(update.operation.requestBody?.description).toMatch(ERRATA.Secrets_update?.evidence ?? /^$/);
    const unset = { values: { OLD_KEY: null } };
    // Still needed: the generated schema alone refuses null; widened, it takes it and still refuses numbers.
    expect(bodyValidator(update, false)?.(unset)).toBe(false);
    expect(bodyValidator(update)?.(unset)).toBe(true);
    expect(bodyValidator(update)?.({ values: { OLD_KEY: 1 } })).toBe(false);
    const sent = recorded.filter((r) => r.method === "POST" && r.path === "/v1/apps/my-app/secrets");
    expect(sent.map((r) => r.body)).toContainEqual({ values: { OLD_KEY: null, NEVER_SET: null } });
  });

  it("follows cursors through every page", async () => {
    const machines = await rest.listOrgMachines("personal");
    expect(machines.items.map((m) => m.id)).toEqual(["e2865013c45e86", "3287e15b6d9e48"]);
    expect(machines.truncated).toBe(false);
    const limited = await rest.listOrgVolumes("personal", {}, { maxPages: 1 });
    expect(limited).toMatchObject({ truncated: true, items: [{ id: "vol_1pg7r2m9x4kq8dzw" }] });
    const certs = await rest.listCertificates(APP);
    expect(certs.items.map((c) => c.hostname)).toEqual(["www.example.com", "b.example.com"]);
  });

  it("keeps paging past empty pages, and calls a repeated cursor a truncated walk", async () => {
    const pages: Record<string, { items: string[]; next: string | null }> = {
      start: { items: ["a"], next: "c1" },
      c1: { items: [], next: "c2" },
      c2: { items: [], next: "c3" },
      c3: { items: ["b"], next: "c1" },
    };
    const walk = await paginate({}, (cursor) =>
      Promise.resolve({ ...(pages[cursor ?? "start"] ?? { items: [], next: null }), errorRegions: [] }),
    );
    expect(walk).toEqual({ items: ["a", "b"], truncated: true, errorRegions: [] });
    const ends = await paginate({}, (cursor) =>
      Promise.resolve(
        cursor === undefined
          ? { items: [1], next: "x", errorRegions: ["sin"] }
          : { items: [], next: "", errorRegions: [] },
      ),
    );
    expect(ends).toEqual({ items: [1], truncated: false, errorRegions: ["sin"] });
  });

  it("never asks for secret values or secret keys", () => {
    for (const request of recorded) {
      expect(Object.keys(request.query)).not.toContain("show_secrets");
      expect(request.path).not.toMatch(/secretkeys/);
    }
  });

  it("drops any secret value Fly sends", async () => {
    const listed = await rest.listSecrets(APP);
    const set = await rest.setSecrets(APP, { A: "x" });
    expect(listed).toEqual([{ name: "A", digest: "d" }]);
    expect(JSON.stringify([listed, set])).not.toContain("plaintext-value");
  });

  it("sends path segments the way Fly's Go clients do", () => {
    const paths = recorded.map((r) => r.path);
    expect(paths).toContain("/v1/apps/my-app/ip_assignments/2a09:8280:1::1");
    expect(paths).toContain("/v1/apps/my-app/certificates/acme");
    expect(paths).toContain("/v1/apps/my-app/certificates/www.example.com/check");
  });
});
