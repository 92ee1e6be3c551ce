import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { toolsByAccess } from "../../tools/index.js";
import { startMockAnthropic } from "../support/mock-anthropic.js";
import type { MockModelServer, ScriptedTurn } from "../support/mock-model-turns.js";
import { startMockOpenAI } from "../support/mock-openai.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * `flyops plan` end to end with a real model SDK: the scripted model reads a fact, proposes a plan
 * the validator refuses, is told exactly why, proposes again, and the plan file is written. Nothing
 * in the sandbox changes.
 */

const FLY_TOKEN = "fm2_" + "planFlyToken".repeat(8);
const API_KEY = "sk-proj-" + "planModelKey".repeat(5);
const MACHINE = { app: "demo-web", machine_id: "148e272b0e4d89" };

interface Provider {
  name: string;
  start(turns: readonly ScriptedTurn[]): Promise<MockModelServer<unknown>>;
  env(baseUrl: string): Record<string, string>;
  offered(body: unknown): string[];
}

const providers: Provider[] = [
  {
    name: "openai",
    start: (turns) => startMockOpenAI({ turns }),
    env: (baseUrl) => ({ FLYOPS_MODEL: "openai:gpt-4.1", OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: API_KEY }),
    offered: (body) =>
      ((body as { tools?: { function: { name: string } }[] }).tools ?? []).map((t) => t.function.name),
  },
  {
    name: "anthropic",
    start: (turns) => startMockAnthropic({ turns }),
    env: (baseUrl) => ({
      FLYOPS_MODEL: "anthropic:claude-sonnet-5-5",
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: API_KEY,
    }),
    offered: (body) => ((body as { tools?: { name: string }[] }).tools ?? []).map((t) => t.name),
  },
];

const started = { tool: "machines_get", input: MACHINE, expect: { state: "started" } };

function conversation(): ScriptedTurn[] {
  return [
    { toolCalls: [{ name: "machines_get", arguments: MACHINE }] },
    {
      toolCalls: [
        {
          name: "propose_plan",
          arguments: {
            summary: "Destroy web-iad-1.",
            steps: [{ id: "s1", tool: "machines_destroy", reason: "asked", input: MACHINE }],
            preconditions: [started],
          },
        },
      ],
    },
    {
      toolCalls: [
        {
          name: "propose_plan",
          arguments: {
            summary: "Stop web-iad-1 of demo-web.",
            steps: [{ id: "s1", tool: "machines_stop", reason: "asked to stop it", input: MACHINE }],
            preconditions: [started],
          },
        },
      ],
    },
    { text: "The plan stops web-iad-1; approve it, then apply it." },
  ];
}

// One sandbox for the file, taking only FLY_TOKEN (env() carries it); a fresh home for every test.
const world = sandboxHome({
  prefix: "flyops-plan-",
  sandbox: { port: 0, seed: "demo", token: FLY_TOKEN },
  per: { sandbox: "file", home: "test" },
});

describe.each(providers)("flyops plan with $name", (provider) => {
  let mock: MockModelServer<unknown> | undefined;

  afterEach(async () => {
    await mock?.close();
  });

  it("offers read tools and propose_plan only, feeds the validator's findings back, and writes the plan", async () => {
    const before = JSON.stringify(world.sandbox.store.toState());
    mock = await provider.start(conversation());
    const run = await world.cli(
      ["plan", "stop web-iad-1 of demo-web", "-o", "stop.json", "--json"],
      provider.env(mock.baseUrl),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.stringify(world.sandbox.store.toState())).toBe(before);

    const plan = JSON.parse(await readFile(join(world.dir, "stop.json"), "utf8")) as {
      steps: unknown[];
      preconditions: Array<{ tool: string; expect: Record<string, unknown> }>;
    };
    expect(plan.steps).toEqual([
      { id: "s1", tool: "machines_stop", reason: "asked to stop it", input: MACHINE },
    ]);
    expect(plan.preconditions.find((p) => p.tool === "machines_get")?.expect).toMatchObject({
      state: "started",
    });
    const printed = JSON.parse(run.stdout) as { file: string; proposals: number };
    expect(printed.file).toBe("stop.json");
    expect(printed.proposals).toBe(2);

    expect(mock.requests).toHaveLength(4);
    const readTools = toolsByAccess("read").map((t) => t.name);
    for (const request of mock.requests) {
      expect(provider.offered(request.body).sort()).toEqual([...readTools, "propose_plan"].sort());
    }
    // The refused proposal came back to the model with the rule that refused it.
    const afterRefusal = JSON.stringify(mock.requests[2]?.body);
    expect(afterRefusal).toContain("machines_destroy is destructive");
    const everything = JSON.stringify(mock.requests.map((r) => r.body));
    expect(everything).not.toContain(FLY_TOKEN);
    expect(everything).not.toContain(API_KEY);
  });
});
