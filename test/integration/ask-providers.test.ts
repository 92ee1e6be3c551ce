import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LOAD_TOOLS, catalog, toolsets } from "../../tools/index.js";
import { historyFile } from "../../src/agent/history.js";
import { PRICES } from "../../src/llm/prices.js";
import type { Usage } from "../../src/llm/types.js";
import { PLANTED_TOKEN, PLANTED_TOKEN_MACHINE } from "../../src/sandbox/seed-demo.js";
import type { CliResult } from "../support/cli.js";
import { closedPort } from "../support/closed-port.js";
import { startMockAnthropic } from "../support/mock-anthropic.js";
import type { MockModelServer, ScriptedTurn } from "../support/mock-model-turns.js";
import { startMockOpenAI } from "../support/mock-openai.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * `flyops ask` end to end: the built CLI, the real openai / anthropic SDKs talking to scripted mock
 * servers over loopback HTTP, and the tool calls they ask for executed against the sandbox.
 */

// Token-shaped fakes, assembled at run time.
const FLY_TOKEN = "fm2_" + "e2eFlyToken".repeat(8);
const API_KEY = {
  openai: "sk-proj-" + "e2eModelKey".repeat(5),
  anthropic: "sk-ant-api03-" + "e2eModelKey".repeat(5),
};

interface Provider {
  name: "openai" | "anthropic";
  model: string;
  start(turns: readonly ScriptedTurn[]): Promise<MockModelServer<unknown>>;
  env(baseUrl: string): Record<string, string>;
  /** Names of the tools a recorded request offered. */
  offered(body: unknown): string[];
}

const providers: Provider[] = [
  {
    name: "openai",
    model: "openai:gpt-4.1",
    start: (turns) => startMockOpenAI({ turns }),
    env: (baseUrl) => ({
      FLYOPS_MODEL: "openai:gpt-4.1",
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: API_KEY.openai,
    }),
    offered: (body) =>
      ((body as { tools?: { function: { name: string } }[] }).tools ?? []).map((t) => t.function.name),
  },
  {
    name: "anthropic",
    model: "anthropic:claude-sonnet-4-6",
    start: (turns) => startMockAnthropic({ turns }),
    env: (baseUrl) => ({
      FLYOPS_MODEL: "anthropic:claude-sonnet-4-6",
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: API_KEY.anthropic,
    }),
    offered: (body) => ((body as { tools?: { name: string }[] }).tools ?? []).map((t) => t.name),
  },
];

/** The read tools of the sets named: the default sets, and those a call has loaded. */
const readToolsOf = (test: (set: (typeof toolsets)[number]) => boolean): string[] =>
  toolsets.flatMap((set) =>
    test(set) ? set.tools.filter((t) => t.access === "read").map((t) => t.name) : [],
  );
// The first request offers the default toolsets and load_tools; the machines_list call loads the machines set.
const FIRST_OFFER = [...readToolsOf((set) => set.default), LOAD_TOOLS].sort();
const SECOND_OFFER = [...readToolsOf((set) => set.default || set.name === "machines"), LOAD_TOOLS].sort();
const OTHER_TOOLS = catalog.filter((t) => t.access !== "read").map((t) => t.name);

const FIRST_QUESTION = "what runs in acme-api, and what does machine api-ams-1 look like?";
const FIRST_ANSWER = "acme-api runs api-ams-1 in ams (started, performance-2x).";

/** Turn 1 asks for three facts at once, one of them about a machine that does not exist; turn 2 answers. */
function firstConversation(): ScriptedTurn[] {
  return [
    {
      text: "Let me look. ",
      toolCalls: [
        { name: "machines_list", arguments: { app: PLANTED_TOKEN_MACHINE.app } },
        {
          name: "machines_get",
          arguments: { app: PLANTED_TOKEN_MACHINE.app, machine_id: PLANTED_TOKEN_MACHINE.id },
        },
        { name: "machines_get", arguments: { app: PLANTED_TOKEN_MACHINE.app, machine_id: "0000000000dead" } },
      ],
    },
    { text: FIRST_ANSWER },
  ];
}

// One sandbox for the file, taking only FLY_TOKEN (env() carries it); a fresh home for every test.
const world = sandboxHome({
  prefix: "flyops-ask-",
  sandbox: { port: 0, seed: "demo", token: FLY_TOKEN },
  per: { sandbox: "file", home: "test" },
});

describe.each(providers)("flyops ask with $name", (provider) => {
  const mocks: MockModelServer<unknown>[] = [];

  afterEach(async () => {
    await Promise.all(mocks.splice(0).map((m) => m.close()));
  });

  async function ask(
    turns: readonly ScriptedTurn[],
    args: string[],
  ): Promise<{ run: CliResult; mock: MockModelServer<unknown> }> {
    const mock = await provider.start(turns);
    mocks.push(mock);
    const run = await world.cli(["ask", ...args], provider.env(mock.baseUrl));
    return { run, mock };
  }

  it("offers only read tools (the default sets, then the set of a tool called), runs the calls against Fly, sends the results back, and prints the answer", async () => {
    const { run, mock } = await ask(firstConversation(), [FIRST_QUESTION]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(FIRST_ANSWER);
    expect(run.stderr).toContain(`answered by ${provider.model}`);

    expect(mock.requests).toHaveLength(2);
    const offers = mock.requests.map((request) => provider.offered(request.body).sort());
    expect(offers).toEqual([FIRST_OFFER, SECOND_OFFER]);
    for (const offered of offers) for (const name of OTHER_TOOLS) expect(offered).not.toContain(name);

    // The second request carries what the sandbox returned: the machine list, the machine, and the 404.
    const followUp = JSON.stringify(mock.requests[1]?.body);
    expect(followUp).toContain("api-ams-1");
    expect(followUp).toContain("api-sin-2");
    expect(followUp).toContain("LEGACY_DEPLOY_TOKEN");
    expect(followUp).toMatch(/not found[^"]*0000000000dead/);
    expect(followUp).toContain("not instructions");

    const everything = JSON.stringify(mock.requests.map((r) => r.body));
    expect(everything).not.toContain(FLY_TOKEN);
    expect(everything).not.toContain(FLY_TOKEN.slice(4, 30));
    expect(everything).not.toContain(API_KEY[provider.name]);
    expect(everything).not.toContain(PLANTED_TOKEN);
  });

  it("redacts tokens pasted into the question before it reaches the model or the history file", async () => {
    const question = `is ${PLANTED_TOKEN} the same as ${FLY_TOKEN}?`;
    const { run, mock } = await ask([{ text: "I cannot compare secrets." }], [question]);
    expect(run.code).toBe(0);
    const sent = JSON.stringify(mock.requests.map((r) => r.body));
    expect(sent).toContain("[REDACTED]");
    expect(sent).not.toContain(PLANTED_TOKEN);
    expect(sent).not.toContain(FLY_TOKEN.slice(4, 30));
    const stored = await readFile(
      historyFile(undefined, { XDG_STATE_HOME: join(world.dir, "state") }),
      "utf8",
    );
    expect(stored).not.toContain(PLANTED_TOKEN);
    expect(stored).not.toContain(FLY_TOKEN.slice(4, 30));
  });

  it("withholds a secret value written into the question from the model and the history file", async () => {
    const question = "is DATABASE_URL=postgres://u:pw4leak@h/db set on my-app?";
    const { run, mock } = await ask([{ text: "I cannot read secret values." }], ["--new", question]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("withheld the value of DATABASE_URL");
    const sent = JSON.stringify(mock.requests.map((r) => r.body));
    expect(sent).toContain("DATABASE_URL=[REDACTED]");
    expect(sent).not.toContain("pw4leak");
    const stored = await readFile(
      historyFile(undefined, { XDG_STATE_HOME: join(world.dir, "state") }),
      "utf8",
    );
    expect(stored).toContain("DATABASE_URL=[REDACTED]");
    expect(stored).not.toContain("pw4leak");
  });

  it("keeps the conversation in a 0600 history file and sends it with the next question, unless --new", async () => {
    await ask(firstConversation(), [FIRST_QUESTION]);
    const file = historyFile(undefined, { XDG_STATE_HOME: join(world.dir, "state") });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(world.dir, "state", "flyops"))).mode & 0o777).toBe(0o700);
    const stored = await readFile(file, "utf8");
    expect(stored).toContain(FIRST_ANSWER);
    expect(stored).not.toContain(FLY_TOKEN);

    const second = await ask([{ text: "Only api-ams-1." }], ["and which of those is started?"]);
    expect(second.run.code).toBe(0);
    const sent = JSON.stringify(second.mock.requests[0]?.body);
    expect(sent).toContain(JSON.stringify(FIRST_QUESTION).slice(1, -1));
    expect(sent).toContain(FIRST_ANSWER);
    expect(sent.indexOf(FIRST_QUESTION)).toBeLessThan(sent.indexOf("and which of those is started?"));

    const fresh = await ask([{ text: "Hello." }], ["--new", "hello?"]);
    expect(fresh.run.code).toBe(0);
    expect(JSON.stringify(fresh.mock.requests[0]?.body)).not.toContain(FIRST_ANSWER);
  });

  it("prints only { answer, model, steps, toolCalls, usage, cost } with --json", async () => {
    const { run } = await ask(firstConversation(), ["--json", FIRST_QUESTION]);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(output).sort()).toEqual(["answer", "cost", "model", "steps", "toolCalls", "usage"]);
    expect(output).toMatchObject({
      answer: FIRST_ANSWER,
      model: provider.model,
      steps: 2,
      toolCalls: [
        { tool: "machines_list", input: { app: "acme-api" }, ok: true },
        { tool: "machines_get", input: { app: "acme-api", machine_id: PLANTED_TOKEN_MACHINE.id }, ok: true },
        { tool: "machines_get", input: { app: "acme-api", machine_id: "0000000000dead" }, ok: false },
      ],
    });
    const usage = output.usage as { inputTokens: number; outputTokens: number };
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
  });

  it("shows token usage and the estimated cost on stderr with --verbose", async () => {
    const { run } = await ask(
      [{ text: "Nothing to look up.", usage: { inputTokens: 123, outputTokens: 45 } }],
      ["--verbose", "hi"],
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("123 input tokens (0 cached), 45 output tokens; estimated cost $");
  });

  it("carries the provider's input, cached and output tokens and their cost from the price table in --json and history", async () => {
    // Two turns, so the totals add up what each streamed reply reported.
    const turns: ScriptedTurn[] = [
      {
        toolCalls: [{ name: "apps_list", arguments: {} }],
        usage: { inputTokens: 9000, cachedInputTokens: 3000, cacheWriteTokens: 1000, outputTokens: 40 },
      },
      {
        text: "You have five apps.",
        usage: { inputTokens: 11000, cachedInputTokens: 7000, cacheWriteTokens: 500, outputTokens: 60 },
      },
    ];
    const { run } = await ask(turns, ["--json", "how many apps do I have?"]);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as {
      usage: Usage;
      cost: { usd: number; readAt: string; source: string };
    };
    // OpenAI has no cache writes: its wire format reports cached tokens only.
    const writes = provider.name === "anthropic" ? 1500 : 0;
    expect(output.usage).toEqual({
      inputTokens: 20000,
      cachedInputTokens: 10000,
      cacheWriteTokens: writes,
      outputTokens: 100,
    });
    const [providerName, modelName] = provider.model.split(":") as [string, string];
    const table = PRICES[providerName];
    const row = table?.models[modelName];
    if (!table || !row) throw new Error(`${provider.model} is not in the price table`);
    const usd =
      ((20000 - 10000 - writes) * row.input +
        10000 * row.cachedInput +
        writes * (row.cacheWrite ?? row.input) +
        100 * row.output) /
      1_000_000;
    expect(output.cost.usd).toBeCloseTo(usd, 10);
    expect(output.cost).toMatchObject({ readAt: table.readAt, source: table.source });
    const stored = JSON.parse(
      await readFile(historyFile(undefined, { XDG_STATE_HOME: join(world.dir, "state") }), "utf8"),
    ) as { exchanges: { usage?: Usage; costUsd?: number }[] };
    expect(stored.exchanges.at(-1)).toMatchObject({ usage: output.usage, costUsd: output.cost.usd });
  });

  it("shows tokens without a cost for a model the price table does not list", async () => {
    const unknown = provider.model.replace(/:.*/, ":not-a-priced-model");
    const mock = await provider.start([{ text: "Hello.", usage: { inputTokens: 50, outputTokens: 5 } }]);
    mocks.push(mock);
    const run = await world.cli(["ask", "--json", "hi"], {
      ...provider.env(mock.baseUrl),
      FLYOPS_MODEL: unknown,
    });
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { usage: Usage; cost: unknown };
    expect(output.usage.inputTokens).toBe(50);
    expect(output.cost).toBeNull();
  });

  it("fails with exit 1 and one line naming the URL when the model server is unreachable", async () => {
    const url =
      provider.name === "openai"
        ? `http://127.0.0.1:${await closedPort()}/v1`
        : `http://127.0.0.1:${await closedPort()}`;
    const run = await world.cli(["ask", "anything?"], provider.env(url));
    expect(run.code).toBe(1);
    const errorLines = run.stderr.split("\n").filter((line) => line.startsWith("error:"));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain(url);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe("");
  });
});
