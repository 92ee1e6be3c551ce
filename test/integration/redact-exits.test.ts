import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PLANTED_TOKEN, PLANTED_TOKEN_MACHINE } from "../../src/sandbox/seed-demo.js";
import type { CliResult } from "../support/cli.js";
import { startMockAnthropic } from "../support/mock-anthropic.js";
import type { MockModelServer, ScriptedTurn } from "../support/mock-model-turns.js";
import { startMockOpenAI } from "../support/mock-openai.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * Canaries planted where a model, a tool result or a plan can carry them, and looked for on every
 * way out of the built CLI: stdout (streamed or --json), stderr (logs, errors), the history file
 * and plan files. Fakes are assembled at run time.
 */

// Token-shaped: caught by its shape and because the process holds it (FLY_API_TOKEN).
const FLY_TOKEN = "fm2_" + "exitCanaryFly".repeat(8);
// No known shape: caught only because the process holds it (the model key variables).
const MODEL_KEY = "opaque-model-key-" + "k9Zq".repeat(6);
// Held by no one: caught only as the value of an Authorization header, sent in pieces.
const HEADER_VALUE = "Custom opaque" + "h3Wx".repeat(5);

const CANARIES = { FLY_TOKEN, MODEL_KEY, HEADER_VALUE, PLANTED_TOKEN };
// A machine of the demo fleet gets the model key in its env, so that a tool result carries it.
const KEYED_MACHINE = { app: "acme-api", id: "5683d920b1e48e" };

interface Provider {
  name: string;
  start(turns: readonly ScriptedTurn[]): Promise<MockModelServer<unknown>>;
  env(baseUrl: string): Record<string, string>;
}

const providers: Provider[] = [
  {
    name: "openai",
    start: (turns) => startMockOpenAI({ turns }),
    env: (baseUrl) => ({
      FLYOPS_MODEL: "openai:gpt-4.1",
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: MODEL_KEY,
    }),
  },
  {
    name: "anthropic",
    start: (turns) => startMockAnthropic({ turns }),
    env: (baseUrl) => ({
      FLYOPS_MODEL: "anthropic:claude-sonnet-5-5",
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: MODEL_KEY,
    }),
  },
];

const world = sandboxHome({
  prefix: "flyops-exits-",
  sandbox: { port: 0, seed: "demo", token: FLY_TOKEN },
  per: { sandbox: "file", home: "test" },
});

beforeAll(() => {
  const machine = world.sandbox.store.machine(KEYED_MACHINE.id);
  if (!machine) throw new Error(`the demo fleet has no machine ${KEYED_MACHINE.id}`);
  machine.config.env = { ...machine.config.env, VENDOR_KEY: MODEL_KEY };
});

/** Every file under the temp home: history, plans, journals. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8"));
}

/** No canary on stdout, stderr or in any file the run wrote. */
function expectNoCanary(run: CliResult): void {
  const places = { stdout: run.stdout, stderr: run.stderr, files: filesUnder(world.dir).join("\n") };
  for (const [where, text] of Object.entries(places))
    for (const [name, canary] of Object.entries(CANARIES))
      expect(text.includes(canary), `${name} on ${where}`).toBe(false);
}

/** A model that reads two machines (one result carries PLANTED_TOKEN, one the model key), passes a canary in a call, then repeats every canary. */
function leakyConversation(): ScriptedTurn[] {
  return [
    {
      text: "Looking. ",
      toolCalls: [
        {
          name: "machines_get",
          arguments: { app: PLANTED_TOKEN_MACHINE.app, machine_id: PLANTED_TOKEN_MACHINE.id },
        },
        { name: "machines_get", arguments: { app: KEYED_MACHINE.app, machine_id: KEYED_MACHINE.id } },
        { name: "apps_get", arguments: { app: MODEL_KEY } },
      ],
    },
    {
      text:
        `The deploy token is ${PLANTED_TOKEN}, the vendor key ${MODEL_KEY}, your token ${FLY_TOKEN}.\n` +
        `Send Authorization: ${HEADER_VALUE}\nThat is all.`,
    },
  ];
}

describe.each(providers)("flyops ask with $name: no canary on any exit", (provider) => {
  const mocks: MockModelServer<unknown>[] = [];
  afterEach(async () => {
    await Promise.all(mocks.splice(0).map((mock) => mock.close()));
  });

  async function ask(turns: readonly ScriptedTurn[], args: string[]): Promise<CliResult> {
    const mock = await provider.start(turns);
    mocks.push(mock);
    return world.cli(["ask", ...args], { ...provider.env(mock.baseUrl), FLY_API_TOKEN: FLY_TOKEN });
  }

  it("redacts the streamed answer, the tool calls logged with --verbose, and the history file", async () => {
    const run = await ask(leakyConversation(), ["--verbose", "what is deployed on acme-api?"]);
    expect(run.code, run.stderr).toBe(0);
    expectNoCanary(run);
    // The answer is there, with the credentials replaced, each line whole.
    expect(run.stdout).toContain(
      `The deploy token is [REDACTED], the vendor key [REDACTED], your token [REDACTED].`,
    );
    expect(run.stdout).toContain("Send Authorization: [REDACTED]\nThat is all.");
    expect(run.stderr).toMatch(/tool apps_get \{"app":"\[REDACTED\]"\}/);
  });

  it("redacts --json: the answer and every tool call's arguments", async () => {
    const run = await ask(leakyConversation(), ["--json", "what is deployed on acme-api?"]);
    expect(run.code, run.stderr).toBe(0);
    expectNoCanary(run);
    const output = JSON.parse(run.stdout) as {
      answer: string;
      toolCalls: Array<{ tool: string; input: unknown }>;
    };
    expect(output.answer).toContain("Send Authorization: [REDACTED]");
    expect(output.toolCalls).toContainEqual({ tool: "apps_get", input: { app: "[REDACTED]" }, ok: false });
  });

  it("redacts an error message that echoes a credential", async () => {
    const error = {
      status: 400,
      message: `key ${MODEL_KEY} and token ${FLY_TOKEN} are not accepted`,
      retryable: false,
    };
    const run = await ask([{ error }], ["hello?"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: /m);
    expectNoCanary(run);
  });
});

describe("flyops plan, plan show, apply and fly: no canary on any exit", () => {
  const mocks: MockModelServer<unknown>[] = [];
  afterEach(async () => {
    await Promise.all(mocks.splice(0).map((mock) => mock.close()));
  });
  const env = { OPENAI_API_KEY: MODEL_KEY, FLY_API_TOKEN: FLY_TOKEN };
  const stop = {
    id: "s1",
    tool: "machines_stop",
    reason: "asked",
    input: { app: "demo-web", machine_id: "148e272b0e4d89" },
  };

  it("plan: refuses a proposal holding a held credential, and redacts the model's words", async () => {
    const mock = await startMockOpenAI({
      turns: [
        {
          toolCalls: [
            {
              name: "propose_plan",
              arguments: { summary: `use ${MODEL_KEY}`, steps: [stop], preconditions: [] },
            },
          ],
        },
        {
          toolCalls: [
            {
              name: "propose_plan",
              arguments: { summary: "Stop web-iad-1.", steps: [stop], preconditions: [] },
            },
          ],
        },
        { text: `Done; I kept ${MODEL_KEY} and ${FLY_TOKEN} out of it.` },
      ],
    });
    mocks.push(mock);
    for (const json of [[], ["--json"]]) {
      const run = await world.cli(
        ["plan", ...json, "-o", `stop${json.length}.json`, "stop web-iad-1 of demo-web"],
        {
          ...env,
          FLYOPS_MODEL: "openai:gpt-4.1",
          OPENAI_BASE_URL: mock.baseUrl,
        },
      );
      if (json.length === 0) {
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toContain("I kept [REDACTED] and [REDACTED] out of it.");
        const rejected = JSON.stringify(mock.requests[1]?.body);
        expect(rejected).toContain("a plan never carries credentials");
      }
      expectNoCanary(run);
    }
    expect(existsSync(join(world.dir, "stop0.json"))).toBe(true);
  });

  it("plan show, approve and apply: a plan's words are redacted, and a plan holding a credential is blocked", async () => {
    const plan = {
      version: 1,
      request: "stop it",
      createdAt: "2026-11-22T10:00:00Z",
      org: "personal",
      summary: `keyed by ${MODEL_KEY}`,
      steps: [{ ...stop, reason: `because ${MODEL_KEY}` }],
      preconditions: [{ tool: "machines_get", input: stop.input, expect: { state: MODEL_KEY } }],
    };
    writeFileSync(join(world.dir, "keyed.json"), JSON.stringify(plan));
    const show = await world.cli(["plan", "show", "keyed.json"], env);
    expect(show.stdout).toContain("why: because [REDACTED]");
    // A plan holding a credential flyops holds is blocked by approve and apply too (as by the maker).
    const approve = await world.cli(["plan", "approve", "keyed.json", "--by", "dana"], env);
    expect(approve.code, approve.stderr).not.toBe(0);
    expect(approve.stderr).toContain("[credential]");
    const apply = await world.cli(["apply", "keyed.json", "--yes"], env);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("credential");
    for (const run of [show, approve, apply]) {
      // The plan file itself holds the canary (a person wrote it); only the outputs are checked.
      for (const canary of Object.values(CANARIES)) expect(run.stdout + run.stderr).not.toContain(canary);
    }
    expect(world.sandbox.store.machine("148e272b0e4d89")?.state).toBe("started");
  });

  it("apply: the drift it reports is redacted when live state holds a credential", async () => {
    const plan = {
      version: 1,
      request: "stop it",
      createdAt: "2026-11-22T10:00:00Z",
      org: "personal",
      summary: "Stop web-iad-1 while acme-api's vendor key is rotated.",
      steps: [stop],
      // Live, VENDOR_KEY holds the model key (beforeAll): the drift's found value is a credential.
      preconditions: [
        {
          tool: "machines_get",
          input: { app: KEYED_MACHINE.app, machine_id: KEYED_MACHINE.id },
          expect: { config: { env: { VENDOR_KEY: "rotated" } } },
        },
      ],
    };
    writeFileSync(join(world.dir, "drift.json"), JSON.stringify(plan));
    const approve = await world.cli(["plan", "approve", "drift.json", "--by", "dana"], env);
    expect(approve.code, approve.stderr).toBe(0);
    const apply = await world.cli(["apply", "drift.json", "--yes"], env);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("[REDACTED]");
    expect(apply.stderr).toContain("rotated");
    expectNoCanary(apply);
    expect(world.sandbox.store.machine("148e272b0e4d89")?.state).toBe("started");
  });

  it("fly get --json: a credential in a machine's env is redacted", async () => {
    const run = await world.cli(
      ["fly", "get", "machine", KEYED_MACHINE.id, "--app", KEYED_MACHINE.app, "--json"],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('"VENDOR_KEY": "[REDACTED]"');
    expectNoCanary(run);
  });
});
