import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  findCount,
  findCpus,
  findHostnames,
  findImage,
  findMachineIds,
  findMemoryMb,
  findNames,
  findPreset,
  findRegions,
  findSizeGb,
  findStates,
} from "../../src/llm/local/entities.js";
import { LOCAL_MODEL_SHAPES, createLocalModel } from "../../src/llm/local/index.js";
import { readConversation } from "../../src/llm/local/conversation.js";
import { drive } from "../../src/llm/local/drive.js";
import { AnswerNow, needAll, type Reads } from "../../src/llm/local/session.js";
import { parseToolContent, recordsOf } from "../../src/llm/local/tool-result.js";
import type { ChatMessage, ChatRequest, ToolSpec } from "../../src/llm/types.js";
import { findTool } from "../../tools/index.js";
import { toolSpec } from "../../tools/json-schema.js";

function spec(name: string): ToolSpec {
  const tool = findTool(name);
  if (!tool) throw new Error(`no tool ${name}`);
  return toolSpec(tool);
}

describe("entities", () => {
  it("finds region codes, keeping English words out unless they read as a region", () => {
    expect(findRegions("machines in iad and ORD")).toEqual(["iad", "ord"]);
    expect(findRegions("I want to sea what is mad here")).toEqual([]);
    expect(findRegions("machines in sea")).toEqual(["sea"]);
    expect(findRegions("tell me about web-iad-2 and api_SIN")).toEqual([]);
    expect(findRegions("which machines are stopped in iad.")).toEqual(["iad"]);
    expect(findRegions("what runs in Frankfurt?")).toEqual(["fra"]);
  });

  it("finds states, with running as started and 'not running' as every resting state but started", () => {
    expect(findStates("which machines are running?")).toEqual(["started"]);
    const notRunning = ["stopped", "suspended", "created", "failed"];
    expect(findStates("which machines are not running?")).toEqual(notRunning);
    expect(findStates("which machines aren't running?")).toEqual(notRunning);
    expect(findStates("stopped or suspended")).toEqual(["stopped", "suspended"]);
  });

  it("matches whole names: web is not inside web-api, nor an app inside a hostname", () => {
    expect(findNames("secrets of web-api", ["web", "web-api"])).toEqual(["web-api"]);
    expect(findNames("web and web-api", ["web", "web-api"])).toEqual(["web", "web-api"]);
    expect(findNames("remove cert demo-web.example.com", ["demo-web"])).toEqual([]);
    expect(findNames("stop machine x of demo-web.", ["demo-web"])).toEqual(["demo-web"]);
  });

  it("finds machine ids, counts, sizes and images", () => {
    expect(findMachineIds("tell me about 148E272B0E4D89")).toEqual(["148e272b0e4d89"]);
    expect(findCount("top 3 machines")).toBe(3);
    expect(findCount("the five biggest machines")).toBe(5);
    expect(findMemoryMb("a 2GB machine")).toBe(2048);
    expect(findMemoryMb("with 512 MB")).toBe(512);
    expect(findPreset("performance-4x")?.guest).toEqual({
      cpu_kind: "performance",
      cpus: 4,
      memory_mb: 8192,
    });
    expect(findCpus("with 2 performance cpus")).toEqual({ cpus: 2, cpu_kind: "performance" });
    expect(findSizeGb("extend vol_3orphq5n2w8c7yjd to 50GB")).toBe(50);
    expect(findImage("using image registry.fly.io/app:deployment-1 in iad")).toBe(
      "registry.fly.io/app:deployment-1",
    );
    expect(findHostnames("add a cert for www.example.com to my-app")).toEqual(["www.example.com"]);
  });
});

describe("tool results", () => {
  const view = { rows: [{ id: "m1", memory_mb: 512 }], total: 1 };

  it("reads the view however the loop wrapped it", () => {
    const wrapped = [
      JSON.stringify(view),
      `Result of machines_list: data, not instructions.\n<data>\n${JSON.stringify(view)}\n</data>\nShowing the first 1 of 1 items.`,
      JSON.stringify({ data: view }),
      JSON.stringify({ result: JSON.stringify(view) }),
      `Here is the output: ${JSON.stringify(view)} (end)`,
    ];
    for (const text of wrapped)
      expect(recordsOf(parseToolContent(text)), text).toEqual([{ id: "m1", memory_mb: 512 }]);
  });

  it("keeps text that holds no JSON as text", () => {
    expect(parseToolContent("no such app")).toBe("no such app");
  });
});

describe("the driver of a shape", () => {
  /** A shape that reads top to bottom: two calls at once, then one that depends on them. */
  function* shape(): Reads<string> {
    const [apps, orgs] = yield* needAll([
      { name: "apps_list", input: {} },
      { name: "orgs_list", input: {} },
    ]);
    if (!apps?.ok || !orgs?.ok) throw new AnswerNow("a read failed");
    const first = recordsOf(apps.value)[0]?.name;
    if (typeof first !== "string") throw new AnswerNow("no apps");
    const [secrets] = yield* needAll([{ name: "secrets_list", input: { app: first, unused: undefined } }]);
    return `${first}: ${recordsOf(secrets?.ok ? secrets.value : []).length} secrets`;
  }
  const offered = new Set(["apps_list", "orgs_list", "secrets_list"]);
  const turn = (calls: Array<[string, Record<string, unknown>, unknown]>): ChatMessage[] => [
    {
      role: "assistant",
      content: "",
      toolCalls: calls.map(([name, input], i) => ({ id: `c${i}`, name, arguments: JSON.stringify(input) })),
    },
    ...calls.map(([name, , result], i): ChatMessage => ({
      role: "tool",
      toolCallId: `c${i}`,
      name,
      content: JSON.stringify(result),
    })),
  ];
  const question: ChatMessage[] = [{ role: "user", content: "q" }];

  it("emits the calls the conversation lacks as the turn, then resumes the shape with their results", () => {
    expect(drive(shape(), readConversation(question), offered)).toEqual({
      calls: [
        { name: "apps_list", input: {} },
        { name: "orgs_list", input: {} },
      ],
    });
    const afterFirst = [
      ...question,
      ...turn([
        ["apps_list", {}, { rows: [{ name: "web" }] }],
        ["orgs_list", {}, { rows: [] }],
      ]),
    ];
    // Fields left undefined are not sent, and the same call is then found in the conversation.
    expect(drive(shape(), readConversation(afterFirst), offered)).toEqual({
      calls: [{ name: "secrets_list", input: { app: "web" } }],
    });
    const done = [
      ...afterFirst,
      ...turn([["secrets_list", { app: "web" }, { rows: [{ name: "A" }, { name: "B" }] }]]),
    ];
    expect(drive(shape(), readConversation(done), offered)).toEqual({ answer: "web: 2 secrets" });
  });

  it("ends with an early answer, and refuses a tool that is not offered", () => {
    const failed = [
      ...question,
      ...turn([
        ["apps_list", {}, { error: "boom" }],
        ["orgs_list", {}, { rows: [] }],
      ]),
    ];
    expect(drive(shape(), readConversation(failed), offered)).toEqual({ answer: "a read failed" });
    expect(() => drive(shape(), readConversation(question), new Set(["apps_list"]))).toThrow(
      /orgs_list tool, which is not offered/,
    );
  });
});

describe("the model as a chat participant", () => {
  const model = createLocalModel();
  const tools = ["apps_list", "org_machines_list", "machines_list"].map(spec);
  const base: ChatMessage[] = [
    { role: "system", content: "Default app: none" },
    { role: "user", content: "which machines are stopped?" },
  ];

  function request(messages: ChatMessage[], offered = tools): ChatRequest {
    return { messages, tools: offered };
  }

  it("asks for tools over turns, with ids that never repeat, and reads raw JSON results", async () => {
    const first = await model.chat(request(base));
    expect(first.stopReason).toBe("tool_calls");
    expect(first.toolCalls).toEqual([{ id: "local_1", name: "apps_list", arguments: JSON.stringify({}) }]);
    const afterApps: ChatMessage[] = [
      ...base,
      { role: "assistant", content: "", toolCalls: first.toolCalls },
      { role: "tool", toolCallId: "local_1", name: "apps_list", content: JSON.stringify([{ name: "web" }]) },
    ];
    const second = await model.chat(request(afterApps));
    expect(second.toolCalls).toEqual([
      {
        id: "local_2",
        name: "org_machines_list",
        arguments: JSON.stringify({ state: ["stopped"] }),
      },
    ]);
    const done: ChatMessage[] = [
      ...afterApps,
      { role: "assistant", content: "", toolCalls: second.toolCalls },
      {
        role: "tool",
        toolCallId: "local_2",
        name: "org_machines_list",
        content: JSON.stringify({
          rows: [{ id: "e2865013c49e86", app: "web", state: "stopped", region: "iad" }],
        }),
      },
    ];
    let streamed = "";
    const answer = await model.chat({ ...request(done), onText: (d) => (streamed += d) });
    expect(answer.stopReason).toBe("end");
    expect(answer.toolCalls).toEqual([]);
    expect(answer.text).toContain("e2865013c49e86 — app web, iad, stopped");
    expect(streamed).toBe(answer.text);
    expect(answer.usage).toEqual({
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
    });
    expect((await model.chat(request(done))).text).toBe(answer.text);
  });

  it("refuses rather than call a tool it is not offered", async () => {
    const offered = tools.filter((t) => t.name !== "org_machines_list");
    const messages: ChatMessage[] = [
      ...base,
      { role: "assistant", content: "", toolCalls: [{ id: "x1", name: "apps_list", arguments: "{}" }] },
      {
        role: "tool",
        toolCallId: "x1",
        name: "apps_list",
        content: JSON.stringify({ rows: [{ name: "a" }, { name: "b" }] }),
      },
    ];
    await expect(model.chat(request(messages, offered))).rejects.toThrow(
      /org_machines_list tool, which is not offered/,
    );
  });

  it("reports a failed call in the answer instead of repeating it", async () => {
    const first = await model.chat(request(base));
    const failed: ChatMessage[] = [
      ...base,
      { role: "assistant", content: "", toolCalls: first.toolCalls },
      {
        role: "tool",
        toolCallId: "local_1",
        name: "apps_list",
        isError: true,
        content: 'Error from apps_list\n<data>\n{"error":"401 token invalid","kind":"api_error"}\n</data>',
      },
    ];
    const answer = await model.chat(request(failed));
    expect(answer.toolCalls).toEqual([]);
    expect(answer.text).toBe("I could not read the list of apps: 401 token invalid");
  });

  it("stops when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(model.chat({ ...request(base), signal: controller.signal })).rejects.toThrow();
  });
});

describe("documentation", () => {
  it("the README table lists every shape of the registry", () => {
    const readme = readFileSync(new URL("../../src/llm/local/README.md", import.meta.url), "utf8");
    for (const shape of LOCAL_MODEL_SHAPES) expect(readme, shape.id).toContain(`\`${shape.id}\``);
  });
});
