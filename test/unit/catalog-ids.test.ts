import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolContext } from "../../tools/define-tool.js";
import { providerTools, type AnyTool } from "../../tools/index.js";
import { ToolInputError, invokeTool } from "../../tools/invoke.js";
import { createFlyClients } from "../../src/fly/create-clients.js";
import type { RecordedRequest } from "../../src/fly/http.js";
import { RateLimiter } from "../../src/fly/limiter.js";
import { silentLogger } from "../../src/logger.js";
import { SAMPLES, sample, stringFields, withField, type StringField } from "./catalog-fields.js";
import { fakeToken, recordingClock } from "./http-server-fixture.js";
import {
  CREATED_CLUSTER_ID,
  CREATED_MACHINE_ID,
  CREATED_VOLUME_ID,
  LISTED_APP,
  startPathRecordingServer,
  type PathRecordingServer,
  type WireRequest,
} from "./path-recording-server.js";

/**
 * Every string field of every tool in the catalog (walked from the tools' own zod schemas, so a
 * tool added later is covered) gets hostile ids: dot segments, slashes and backslashes, percent
 * escapes of them, empty, whitespace, control, ANSI and invisible characters, and a very long
 * value. Each must be refused before any request leaves, and with valid ids each request that
 * reaches the loopback server (as it arrived on the wire) names exactly the resource the input
 * named. These are Fly's tools, checked against Fly's spec; FlyWP's (whose ids are whole numbers)
 * are walked the same way in flywp-tools.test.ts.
 */

const catalog = providerTools("fly");

const HOSTILE = [
  ".",
  "..",
  "../x",
  "/",
  "%2e%2e",
  "%2E",
  "a/b",
  "a%2fb",
  "\\",
  "",
  " ",
  "\u0000",
  "\u001b[1A",
  "\u2060",
  "\u202e",
  "x".repeat(100_000),
];

/** The hostile values, and the field's own valid value with something hostile around it. */
function hostileFor(valid: string): string[] {
  const around = [
    `${valid}/..`,
    `../${valid}`,
    `${valid}%2f..`,
    `${valid}/`,
    `${valid}\\..`,
    ` ${valid}`,
    `${valid}\n`,
    `${valid}\u2060`,
    `\u202e${valid}`,
    `${valid}\u001b[2K`,
    valid.repeat(5000),
  ];
  return [...HOSTILE, ...around];
}

/** Which input fields a path parameter may come from; anything else in a path is a failure. */
const PARAM_SOURCES: Readonly<Record<string, readonly string[]>> = {
  app_name: ["app"],
  machine_id: ["machine_id", "from_machine_id"],
  volume_id: ["volume_id"],
  hostname: ["hostname"],
  ip: ["ip"],
  org_slug: ["org"],
  cluster_id: ["cluster_id"],
  key: ["key"],
};
const RUNNING_ONLY = new Set(["machines_restart", "machines_signal", "machines_kill"]);
/** Ids the server made up or listed and answered with (a created machine is then waited for by its id). */
const SERVER_IDS = [CREATED_MACHINE_ID, CREATED_VOLUME_ID, CREATED_CLUSTER_ID, LISTED_APP];

let server: PathRecordingServer;
const intended: RecordedRequest[] = [];
let ctx: ToolContext;

beforeAll(async () => {
  server = await startPathRecordingServer(SAMPLES.ip ?? "");
  const fly = createFlyClients({
    restBaseUrl: server.url,
    graphqlUrl: `${server.url}/graphql`,
    apiBaseUrl: server.url,
    prometheusUrl: `${server.url}/prometheus`,
    mpgBaseUrl: server.url,
    token: fakeToken(),
    maxRetries: 0,
    limiter: new RateLimiter({ clock: recordingClock() }),
    onRequest: (r) => intended.push(r),
    onOtherRequest: (r) => intended.push(r),
    onMpgRequest: (r) => intended.push(r),
  });
  ctx = { fly, org: undefined, app: undefined, signal: undefined, log: silentLogger };
});

afterAll(async () => {
  await server.close();
});

interface Run {
  error: unknown;
  wire: WireRequest[];
  intended: RecordedRequest[];
}

async function run(tool: AnyTool, input: unknown): Promise<Run> {
  const wireBefore = server.requests.length;
  const intendedBefore = intended.length;
  let error: unknown;
  // Fly restarts and signals only a running machine; every other machine tool acts on a suspended one.
  server.machineState = RUNNING_ONLY.has(tool.name) ? "started" : "suspended";
  try {
    await invokeTool(ctx, tool, input);
  } catch (e) {
    error = e;
  }
  return { error, wire: server.requests.slice(wireBefore), intended: intended.slice(intendedBefore) };
}

const rest = (requests: WireRequest[]) => requests.filter((r) => r.path !== "/graphql");
const shape = (requests: WireRequest[]) => requests.map((r) => `${r.method} ${r.path}`);

interface Baseline {
  input: Record<string, unknown>;
  wire: WireRequest[];
  intended: RecordedRequest[];
  /** String fields whose valid value went into a request path. */
  pathFields: StringField[];
  fields: StringField[];
}

const baselines = new Map<string, Baseline>();

async function baseline(tool: AnyTool): Promise<Baseline> {
  const known = baselines.get(tool.name);
  if (known) return known;
  const input = sample(tool.input) as Record<string, unknown>;
  const result = await run(tool, input);
  if (result.error !== undefined)
    throw new Error(`${tool.name} failed with valid ids; the recorder must answer it`, {
      cause: result.error,
    });
  const fields = stringFields(tool.input);
  const params = rest(result.wire).flatMap((r) => Object.values(r.params));
  const pathFields = fields.filter((f) => params.includes(valueAt(input, f)));
  const made = { input, wire: result.wire, intended: result.intended, pathFields, fields };
  baselines.set(tool.name, made);
  return made;
}

function valueAt(input: unknown, field: StringField): string {
  let node = input;
  for (const step of field.path) {
    if ("key" in step) node = (node as Record<string, unknown>)[step.key];
    else if ("index" in step) node = (node as unknown[])[0];
    else node = Object.keys(node as Record<string, unknown>)[0];
  }
  return String(node);
}

const isRecordKey = (field: StringField): boolean => field.path.some((step) => "recordKey" in step);

const tools = catalog.map((tool) => [tool.name, tool] as const);

describe("every tool of the catalog, with valid ids", () => {
  it.each(tools)("%s sends requests that name exactly the resources its input names", async (_n, tool) => {
    const { input, wire, intended: built } = await baseline(tool);
    const sent = rest(wire);
    expect(wire.length, "a tool that sends nothing cannot be checked").toBeGreaterThan(0);
    // What went on the wire is what the client built: nothing was resolved or rewritten on the way.
    expect(sent.map((r) => r.target)).toEqual(
      built.map(
        (r) => `${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query).toString()}` : ""}`,
      ),
    );
    for (const request of sent) {
      expect(
        request.operationId,
        `${request.method} ${request.path} is no operation of Fly's spec`,
      ).toBeDefined();
      for (const [param, value] of Object.entries(request.params)) {
        const sources = PARAM_SOURCES[param];
        expect(sources, `path parameter ${param} has no known input field`).toBeDefined();
        const allowed = [...(sources ?? []).map((k) => input[k]), ...SERVER_IDS];
        expect(allowed, `${request.method} ${request.path}: ${param}`).toContain(value);
      }
    }
  });

  it("finds the id fields that go into paths, through the schemas alone", async () => {
    const pathLabels = new Set<string>();
    for (const tool of catalog) (await baseline(tool)).pathFields.forEach((f) => pathLabels.add(f.label));
    expect([...pathLabels].sort()).toEqual(
      expect.arrayContaining(["app", "from_machine_id", "hostname", "ip", "machine_id", "org", "volume_id"]),
    );
  });
});

describe("every id and name field of every tool, with hostile values", () => {
  const cases = catalog.flatMap((tool) =>
    stringFields(tool.input).map((field) => [`${tool.name}.${field.label}`, tool, field] as const),
  );

  it("walks a string field in most tools", () => {
    expect(cases.length).toBeGreaterThan(catalog.length);
  });

  it.each(cases)(
    "%s: refused before any request, or sent nowhere near a path",
    async (_name, tool, field) => {
      const base = await baseline(tool);
      const isPathField = base.pathFields.includes(field);
      const valid = valueAt(base.input, field);
      for (const value of hostileFor(valid)) {
        const shown = JSON.stringify(value.slice(0, 40));
        const result = await run(tool, withField(base.input, field.path, value));
        if (result.error instanceof ToolInputError) {
          expect(result.wire, `${shown} was refused, yet something was sent`).toEqual([]);
          expect(result.intended).toEqual([]);
          // It names the field and its shape, and does not echo a value (a record key is part of
          // the field's path in zod's message: making that safe to print is the renderer's job).
          expect(result.error.message).toContain(field.label.replace(/\[\]|\{\}/g, "").split(".")[0] ?? "");
          expect(result.error.message).toMatch(/expected /);
          if (!isRecordKey(field)) {
            expect(result.error.message).not.toMatch(/[\p{Cc}\p{Cf}]/u);
            expect(result.error.message.length).toBeLessThan(2000);
          }
          continue;
        }
        // Only a field that names nothing in a path may take such a value (an image "a/b"), and
        // then the requests are exactly the ones a valid value makes.
        expect(isPathField, `${field.label} goes into a path yet took ${shown}`).toBe(false);
        expect(result.error, `${shown}: ${String(result.error)}`).toBeUndefined();
        expect(shape(result.wire)).toEqual(shape(base.wire));
      }
    },
  );
});
