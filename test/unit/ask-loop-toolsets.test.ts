import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type AnyTool, type ToolContext } from "../../tools/define-tool.js";
import { LOAD_TOOLS, type Toolset } from "../../tools/index.js";
import { runAsk } from "../../src/agent/ask-loop.js";
import type { FlyClients } from "../../src/fly/clients.js";
import type { ChatModel, ChatRequest, ChatResponse } from "../../src/llm/types.js";
import { Redactor } from "../../src/security/redact.js";
import { silentLogger } from "../../src/logger.js";

type Call = { name: string; args: unknown };

/** Replays turns of tool calls, then answers "done"; keeps every request's offered tool names. */
class ScriptedModel implements ChatModel {
  readonly id = "test:scripted";
  readonly offered: string[][] = [];
  readonly results: string[] = [];

  constructor(private readonly turns: Call[][]) {}

  chat(request: ChatRequest): Promise<ChatResponse> {
    this.offered.push(request.tools.map((t) => t.name));
    const last = request.messages.at(-1);
    if (last?.role === "tool") this.results.push(last.content);
    const calls = this.turns[this.offered.length - 1] ?? [];
    const toolCalls = calls.map((c, n) => ({
      id: `c${this.offered.length}_${n}`,
      name: c.name,
      arguments: JSON.stringify(c.args),
    }));
    const usage = { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1 };
    return Promise.resolve({
      text: calls.length ? "" : "done",
      toolCalls,
      usage,
      stopReason: calls.length ? "tool_calls" : "end",
    });
  }
}

const ran: string[] = [];
const read = (name: string): AnyTool =>
  defineTool({
    name,
    description: `Read ${name}.`,
    access: "read",
    input: z.object({}).strict(),
    run: () => {
      ran.push(name);
      return Promise.resolve({ name });
    },
    view: (output) => output,
  }) as AnyTool;

const [appsList, machinesList, machinesGet, logsList, other] = [
  "apps_list",
  "machines_list",
  "machines_get",
  "logs_list",
  "echo_get",
].map(read) as [AnyTool, AnyTool, AnyTool, AnyTool, AnyTool];
const sets: Toolset[] = [
  { name: "apps", tools: [appsList], default: true },
  { name: "machines", tools: [machinesList, machinesGet], default: false },
  { name: "logs", tools: [logsList], default: false },
];
const ctx: ToolContext = {
  fly: {} as FlyClients,
  org: undefined,
  app: undefined,
  signal: undefined,
  log: silentLogger,
};

async function ask(turns: Call[][]): Promise<ScriptedModel> {
  ran.length = 0;
  const model = new ScriptedModel(turns);
  await runAsk({
    question: "q",
    model,
    ctx,
    tools: [appsList, machinesList, machinesGet, logsList, other],
    toolsets: sets,
    redactor: new Redactor(),
    systemPrompt: "s",
  });
  return model;
}

describe("runAsk with toolsets", () => {
  it("offers the default sets, tools of no set and load_tools, whose description names each set's tools", async () => {
    const model = new ScriptedModel([]);
    let description = "";
    const spy: ChatModel = {
      id: model.id,
      chat: (r) => (
        (description = r.tools.find((t) => t.name === LOAD_TOOLS)?.description ?? ""),
        model.chat(r)
      ),
    };
    await runAsk({
      question: "q",
      model: spy,
      ctx,
      tools: [appsList, machinesList, machinesGet, logsList, other],
      toolsets: sets,
      redactor: new Redactor(),
      systemPrompt: "s",
    });
    expect(model.offered[0]).toEqual(["apps_list", "echo_get", LOAD_TOOLS]);
    expect(description).toContain("machines: machines_list, machines_get");
    expect(description).toContain("logs: logs_list");
  });

  it("offers a set loaded by load_tools from the next request on, and drops load_tools once every set is loaded", async () => {
    const model = await ask([
      [{ name: LOAD_TOOLS, args: { sets: ["machines"] } }],
      [{ name: LOAD_TOOLS, args: { sets: ["logs"] } }],
    ]);
    expect(model.offered[1]).toEqual(["apps_list", "machines_list", "machines_get", "echo_get", LOAD_TOOLS]);
    expect(model.offered[2]).toEqual(["apps_list", "machines_list", "machines_get", "logs_list", "echo_get"]);
    expect(model.results[0]).toContain("loaded: machines");
    expect(ran).toEqual([]);
  });

  it("runs a read tool called by name before its set is offered, and offers its set afterwards", async () => {
    const model = await ask([[{ name: "logs_list", args: {} }]]);
    expect(ran).toEqual(["logs_list"]);
    expect(model.offered[1]).toContain("logs_list");
    expect(model.offered[1]).not.toContain("machines_get");
  });

  it("answers an unknown set or a write tool's name with an error and runs nothing", async () => {
    const model = await ask([
      [{ name: LOAD_TOOLS, args: { sets: ["volumes"] } }],
      [{ name: "machines_destroy", args: {} }],
    ]);
    expect(model.results[0]).toMatch(
      /error: name one or more of these sets: machines, logs \(unknown: volumes\)/,
    );
    expect(model.results[1]).toContain("no tool named");
    expect(ran).toEqual([]);
    expect(model.offered[2]).toEqual(model.offered[0]);
  });
});
