import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { defineTool } from "../../tools/define-tool.js";
import { findTool, toolsByAccess } from "../../tools/index.js";
import { toolJsonSchema } from "../../tools/json-schema.js";
import { Redactor } from "../../src/security/redact.js";
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse, ToolCall } from "../../src/llm/types.js";
import { MakerError, loadMakerPrompt, makePlan } from "../../src/plan/maker/maker.js";
import { PlanProposal } from "../../src/plan/schema/schema.js";
import { validatePlan } from "../../src/plan/check/validator.js";
import { STARTED, sandboxWorld, type SandboxWorld } from "./applier-fixture.js";

/**
 * The maker over the real ask loop and the demo sandbox, with a scripted model: each turn sees
 * the conversation so far (so a test can check what the model was told) and returns tool calls.
 */

let world: SandboxWorld;
beforeAll(async () => {
  world = await sandboxWorld();
});
afterAll(async () => {
  await world.close();
});

type Turn = (messages: ChatMessage[], request: ChatRequest) => ToolCall[] | string;

function scripted(turns: Turn[]): ChatModel & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    id: "test:scripted",
    requests,
    chat(request): Promise<ChatResponse> {
      requests.push({ ...request, messages: [...request.messages] });
      const turn = turns[requests.length - 1];
      const out = turn ? turn(request.messages, request) : "done";
      const usage = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0 };
      if (typeof out === "string")
        return Promise.resolve({ text: out, toolCalls: [], usage, stopReason: "end" });
      return Promise.resolve({ text: "", toolCalls: out, usage, stopReason: "tool_calls" });
    },
  };
}

let callId = 0;
const call = (name: string, input: unknown): ToolCall => ({
  id: `c${++callId}`,
  name,
  arguments: JSON.stringify(input),
});
const lastTool = (messages: ChatMessage[]) => messages.filter((m) => m.role === "tool").at(-1);

const stop = { id: "s1", tool: "machines_stop", reason: "asked", input: { ...STARTED } };
const proposal = (steps: unknown[], preconditions: unknown[] = []) => ({
  summary: "Stop web-iad-1.",
  steps,
  preconditions,
});

function make(model: ChatModel, allowDestructive = false, request = "stop web-iad-1 of demo-web") {
  return makePlan({
    request,
    model,
    ctx: world.runtime.ctx,
    redactor: new Redactor(),
    allowDestructive,
    now: new Date("2026-11-22T10:00:00.250Z"),
  });
}

describe("makePlan", () => {
  it("reads facts, is told exactly what the validator blocked, and tries again", async () => {
    const destroy = {
      id: "s1",
      tool: "machines_destroy",
      reason: "asked",
      input: { ...STARTED, force: true },
    };
    let feedback = "";
    const model = scripted([
      () => [call("machines_get", STARTED)],
      () => [call("propose_plan", proposal([destroy]))],
      (messages) => {
        feedback = lastTool(messages)?.content ?? "";
        return [
          call(
            "propose_plan",
            proposal([stop], [{ tool: "machines_get", input: STARTED, expect: { state: "started" } }]),
          ),
        ];
      },
      () => "The plan stops web-iad-1.",
    ]);
    const made = await make(model);
    expect(feedback).toContain("machines_destroy is destructive; it runs only with --allow-destructive");
    expect(made.proposals).toBe(2);
    expect(made.answer).toBe("The plan stops web-iad-1.");
    expect(made.plan).toMatchObject({
      version: 1,
      request: "stop web-iad-1 of demo-web",
      createdAt: "2026-11-22T10:00:00Z",
      org: "personal",
      steps: [stop],
    });
    expect(made.plan.preconditions).toEqual([
      { tool: "machines_get", input: STARTED, expect: { state: "started" } },
      { tool: "apps_get", input: { app: "demo-web" }, expect: { exists: true } },
    ]);
    expect(validatePlan(made.plan, { allowDestructive: false }).ok).toBe(true);
    expect(world.sandbox.store.machine(STARTED.machine_id)?.state).toBe("started");
  });

  it("offers read tools and propose_plan only, with the maker prompt", async () => {
    const model = scripted([() => [call("propose_plan", proposal([stop]))], () => "ok"]);
    await make(model);
    const names = model.requests[0]?.tools.map((t) => t.name) ?? [];
    expect(names).toContain("propose_plan");
    expect(names).toContain("machines_get");
    expect(names).not.toContain("machines_stop");
    const system = model.requests[0]?.messages[0];
    expect(system?.role === "system" && system.content).toContain("You are the flyops plan maker");
  });

  it("reads the org of the plan's app through the catalog's apps_get, like every other front", async () => {
    const appsGet = findTool("apps_get")!;
    const original = appsGet.run.bind(appsGet);
    // The sandbox says "personal"; only a read through the catalog sees this tool's answer.
    const run = vi.spyOn(appsGet, "run").mockImplementation(async (ctx, input) => ({
      ...((await original(ctx, input)) as object),
      organization: { slug: "via-catalog" },
    }));
    try {
      const made = await make(scripted([() => [call("propose_plan", proposal([stop]))], () => "ok"]));
      expect(made.plan.org).toBe("via-catalog");
    } finally {
      run.mockRestore();
    }
  });

  it("rejects preconditions that do not hold now, showing what it found", async () => {
    let feedback = "";
    const model = scripted([
      () => [
        call(
          "propose_plan",
          proposal([stop], [{ tool: "machines_get", input: STARTED, expect: { state: "stopped" } }]),
        ),
      ],
      (messages) => {
        feedback = lastTool(messages)?.content ?? "";
        return [call("propose_plan", proposal([stop]))];
      },
      () => "ok",
    ]);
    const made = await make(model);
    expect(feedback).toContain('expected {\\"state\\":\\"stopped\\"}, found {\\"state\\":\\"started\\"}');
    expect(made.plan.preconditions).toContainEqual({
      tool: "machines_get",
      input: STARTED,
      expect: { state: "started" },
    });
  });

  it("names unnamed machine creates, the same way every time", async () => {
    const create = {
      id: "s1",
      tool: "machines_create",
      reason: "asked",
      input: { app: "demo-web", region: "iad", guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 } },
    };
    const run = () =>
      make(
        scripted([
          () => [call("propose_plan", { summary: "One more machine.", steps: [create], preconditions: [] })],
          () => "ok",
        ]),
      );
    const first = await run();
    const second = await run();
    const name = (first.plan.steps[0]?.input as { name?: string }).name;
    expect(name).toMatch(/^demo-web-iad-[0-9a-f]{6}$/);
    expect((second.plan.steps[0]?.input as { name?: string }).name).toBe(name);
  });

  it("sends schema problems back as the tool's error, without counting a run", async () => {
    let feedback = "";
    const model = scripted([
      () => [
        call("propose_plan", {
          summary: "x",
          steps: [{ id: "s1", tool: "machines_stp", reason: "r", input: STARTED }],
          preconditions: [],
        }),
      ],
      (messages) => {
        feedback = lastTool(messages)?.content ?? "";
        return [call("propose_plan", proposal([stop]))];
      },
      () => "ok",
    ]);
    const made = await make(model);
    expect(feedback).toContain("invalid input for propose_plan");
    expect(made.proposals).toBe(1);
  });

  it("gives up after a bounded number of rejected proposals", async () => {
    const bad = { id: "s1", tool: "machines_destroy", reason: "asked", input: STARTED };
    const propose: Turn = () => [call("propose_plan", proposal([bad]))];
    const model = scripted([...Array.from({ length: 5 }, () => propose), () => "I could not make a plan."]);
    const error = await make(model).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MakerError);
    expect((error as MakerError).message).toBe("the model proposed no valid plan in 3 attempt(s)");
    expect((error as MakerError).hint).toContain("destructive");
  });

  it("refuses a hostile model's flyctl steps that run or change a process, even with --allow-destructive", async () => {
    const flyctl = (id: string, args: string[]) => ({
      id,
      tool: "flyctl",
      reason: "routine check",
      input: { args },
    });
    const proposals = [
      [stop, flyctl("s2", ["machine", "run", "alpine", "printenv", "-a", "demo-web"])],
      [stop, flyctl("s2", ["secrets", "set", "DATABASE_URL=-", "-a", "demo-web", "--stage"])],
      [
        stop,
        flyctl("s3", ["machine", "update", STARTED.machine_id, "-C", "p''rintenv", "-a", "demo-web", "-y"]),
        flyctl("s2", [
          "machine",
          "update",
          STARTED.machine_id,
          "-e",
          "DB_PASSWORD=hunter22",
          "-a",
          "demo-web",
          "-y",
        ]),
      ],
    ];
    const feedback: string[] = [];
    const model = scripted([
      ...proposals.map((steps, index): Turn => (messages) => {
        if (index > 0) feedback.push(lastTool(messages)?.content ?? "");
        return [call("propose_plan", proposal(steps))];
      }),
      (messages) => {
        feedback.push(lastTool(messages)?.content ?? "");
        return "I could not make a plan.";
      },
    ]);
    const error = await make(model, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MakerError);
    expect((error as MakerError).message).toBe("the model proposed no valid plan in 3 attempt(s)");
    expect(feedback[0]).toContain("flyctl-env-dump");
    expect(feedback[1]).toContain("flyctl-reads-stdin");
    expect(feedback[2]).toContain("flyctl-remote-command");
    expect(feedback[2]).toContain("flyctl-secret-on-command-line");
    // The value typed by the model is not echoed back to it.
    expect(feedback.join("\n")).not.toContain("hunter22");
    expect(world.sandbox.store.machine(STARTED.machine_id)?.state).toBe("started");
  });

  it("refuses a step whose id would leave its path segment, however often a model proposes it", async () => {
    const feedback: string[] = [];
    const hostile = [
      { id: "s1", tool: "volumes_destroy", reason: "unused", input: { app: "demo-web", volume_id: ".." } },
      { id: "s1", tool: "machines_destroy", reason: "unused", input: { app: "demo-web", machine_id: ".." } },
      {
        id: "s1",
        tool: "volumes_destroy",
        reason: "unused",
        input: { app: "demo-web", volume_id: "%2e%2e" },
      },
    ];
    const before = JSON.stringify(world.sandbox.store.toState());
    const model = scripted([
      ...hostile.map((step, i): Turn => (messages) => {
        if (i > 0) feedback.push(lastTool(messages)?.content ?? "");
        return [call("propose_plan", proposal([step]))];
      }),
      (messages) => {
        feedback.push(lastTool(messages)?.content ?? "");
        return "I could not make a plan.";
      },
    ]);
    const error = await make(model, true, "destroy the unused volume of demo-web").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MakerError);
    expect(feedback[0]).toContain("volume_id: expected a Fly volume id");
    expect(feedback[1]).toContain("machine_id: expected a Fly machine id");
    expect(feedback[2]).toContain("volume_id: expected a Fly volume id");
    expect(world.sandbox.store.app("demo-web")).toBeDefined();
    expect(JSON.stringify(world.sandbox.store.toState())).toBe(before);
  });

  it("refuses a proposed precondition whose id would leave its path segment", async () => {
    let feedback = "";
    const dotted = {
      tool: "machines_get",
      input: { app: "demo-web", machine_id: ".." },
      expect: { exists: true },
    };
    const model = scripted([
      () => [call("propose_plan", proposal([stop], [dotted]))],
      (messages) => {
        feedback = lastTool(messages)?.content ?? "";
        return [call("propose_plan", proposal([stop]))];
      },
      () => "ok",
    ]);
    const made = await make(model);
    expect(feedback).toContain("the validator blocks it");
    expect(feedback).toContain("machine_id: expected a Fly machine id");
    expect(feedback).toContain("[precondition-input]");
    expect(made.proposals).toBe(2);
    expect(made.plan.preconditions.map((p) => p.input)).not.toContainEqual(dotted.input);
  });

  it("says so when the model proposes nothing", async () => {
    const error = await make(scripted([() => "I need the machine id."])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MakerError);
    expect((error as MakerError).hint).toContain("I need the machine id.");
  });
});

describe("propose_plan's input schema", () => {
  const proposePlanLike = {
    name: "full_plan",
    description: "",
    access: "read" as const,
    view: (x: unknown) => x,
  };
  type Json = {
    anyOf?: Json[];
    properties?: Record<string, Json>;
    items?: Json;
    const?: string;
    enum?: string[];
  };
  const offered = async (): Promise<Json> => {
    const model = scripted([() => [call("propose_plan", proposal([stop]))], () => "ok"]);
    await make(model);
    const spec = model.requests[0]?.tools.find((t) => t.name === "propose_plan");
    return spec?.parameters as Json;
  };

  it("is far smaller than the whole plan schema: write steps only, compact preconditions", async () => {
    const schema = await offered();
    const full = toolJsonSchema(
      defineTool({ ...proposePlanLike, input: PlanProposal, run: () => Promise.resolve(null) }),
    );
    const size = JSON.stringify(schema).length;
    // Every catalog tool as a step and every read tool's input in a precondition: about 60 KB.
    expect(JSON.stringify(full).length).toBeGreaterThan(45_000);
    // Under half the full schema, whatever the number of write tools (22 KB with 18 write tools; about
    // 28 KB each after issues 10 and 11 added theirs). Keeping it small as the catalog grows is the
    // job of toolsets (issue 13), not of this budget.
    expect(size).toBeLessThan(JSON.stringify(full).length / 2);

    const stepTools = schema.properties?.steps?.items?.anyOf?.map((o) => o.properties?.tool?.const);
    expect(stepTools).toEqual(["flyctl", ...toolsByAccess("write", "destructive").map((t) => t.name)]);
    const pre = schema.properties?.preconditions?.items;
    expect(pre?.properties?.tool?.enum).toEqual(toolsByAccess("read").map((t) => t.name));
    expect(pre?.properties?.input).not.toHaveProperty("properties");
  });

  it("still has each precondition's input checked against its read tool, and read tools refused as steps", async () => {
    const feedback: string[] = [];
    const model = scripted([
      () => [
        call("propose_plan", proposal([{ ...stop, tool: "machines_get" }])),
        call(
          "propose_plan",
          proposal([stop], [{ tool: "machines_get", input: { app: "demo-web" }, expect: { exists: true } }]),
        ),
      ],
      (messages) => {
        feedback.push(...messages.filter((m) => m.role === "tool").map((m) => m.content));
        return [call("propose_plan", proposal([stop]))];
      },
      () => "ok",
    ]);
    const made = await make(model);
    expect(feedback[0]).toContain("invalid input for propose_plan");
    expect(feedback[1]).toContain("machines_get: preconditions[0].input.machine_id: Required");
    expect(made.proposals).toBe(2);
  });
});

describe("a secret value in the request", () => {
  it("reaches neither the model nor the plan", async () => {
    const value = "postgres://app:hunter2hunter2@db.internal/app";
    const set = {
      id: "s1",
      tool: "secrets_set",
      reason: "asked",
      input: { app: "demo-web", secrets: { DATABASE_URL: { fromEnv: "DATABASE_URL" } } },
    };
    const model = scripted([() => [call("propose_plan", proposal([set]))], () => "Export DATABASE_URL."]);
    const made = await make(model, false, `set DATABASE_URL=${value} on demo-web`);
    expect(made.plan.request).toBe("set DATABASE_URL=[REDACTED] on demo-web");
    expect(JSON.stringify(made.plan)).not.toContain("hunter2");
    const sent = JSON.stringify(model.requests.map((r) => r.messages));
    expect(sent).toContain("set DATABASE_URL=[REDACTED] on demo-web");
    expect(sent).not.toContain("hunter2");
  });
});

describe("maker prompt", () => {
  it("lists every step tool with its input fields, and the destructive policy", async () => {
    const prompt = await loadMakerPrompt({
      org: "personal",
      app: "demo-web",
      allowDestructive: false,
      today: new Date("2026-11-22T00:00:00Z"),
    });
    expect(prompt).not.toMatch(/\{\{\s*\w+\s*\}\}/);
    expect(prompt).toContain("- machines_create [write]");
    expect(prompt).toContain("- machines_destroy [destructive]");
    expect(prompt).toContain("NOT allowed");
    expect(prompt).toContain("Default app: demo-web");
  });
});
