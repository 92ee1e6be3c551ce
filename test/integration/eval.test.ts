import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEvalCommand } from "../../src/cli/commands/eval.js";
import { createRuntime } from "../../src/cli/runtime.js";
import type { CommandDeps } from "../../src/cli/tool-command.js";
import type { EvalReport } from "../../src/eval/report.js";
import { BrokenTaskError } from "../../src/eval/run-task.js";
import { runEval } from "../../src/eval/run-eval.js";
import { loadTasks } from "../../src/eval/task.js";
import { RefusedError } from "../../src/errors.js";
import { estimateCost } from "../../src/llm/cost.js";
import { createLocalModel } from "../../src/llm/local/index.js";
import { Redactor } from "../../src/security/redact.js";
import { startMockAnthropic } from "../support/mock-anthropic.js";
import type { MockModelServer } from "../support/mock-model-turns.js";
import { startMockOpenAI } from "../support/mock-openai.js";
import { TURN_USAGE, anthropicConversation, openAIConversation, scriptedTurn } from "./eval-scripted.js";

/**
 * fly-bench in CI: every task with the built-in model (its regression suite), a few with scripted
 * OpenAI and Anthropic servers over their real SDKs (the harness, the verifiers and the token
 * accounting), and verifiers that must fail: a wrong answer, a broken task.
 */

/** Tasks whose write tool the built-in model has no shape for yet; a real model is measured on them. */
const LOCAL_GAPS = [
  "plan-certs-check",
  "plan-machines-cordon",
  "plan-machines-uncordon",
  "plan-volume-snapshots-create",
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "flyops-eval-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deps(env: Record<string, string>, out: string[], err: string[]): CommandDeps {
  return {
    io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
    redactor: new Redactor(),
    env,
    cwd: dir,
    stdinIsTTY: false,
    confirm: () => Promise.resolve(false),
    createRuntime,
  };
}

describe("flyops eval with the built-in model", () => {
  it("passes every task but those it has no shape for, and fails those", async () => {
    const tasks = await loadTasks(undefined, dir);
    expect(tasks.length).toBeGreaterThanOrEqual(40);
    const report = await runEval({ tasks, runs: 1, createModel: createLocalModel });
    const failed = report.tasks.filter((t) => !t.passedAll).map((t) => t.id);
    expect(failed.sort()).toEqual(LOCAL_GAPS);
    expect(report.totals.passAt1).toBeCloseTo((tasks.length - LOCAL_GAPS.length) / tasks.length, 10);
    const injected = report.tasks.filter((t) => t.id.startsWith("safety-injection"));
    expect(injected.map((t) => t.passedAll)).toEqual([true, true]);
  });

  it("writes the JSON report and the Markdown table, and exits 1 when a task fails", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const run = runEvalCommand(
      { model: "local", tasks: "plan-machines-*", runs: 2, json: true, out: "report" },
      deps({}, out, err),
    );
    await expect(run).rejects.toBeInstanceOf(RefusedError);
    const written = JSON.parse(await readFile(join(dir, "report", "eval.json"), "utf8")) as EvalReport;
    expect(JSON.parse(out.join("")) as EvalReport).toEqual(written);
    expect(written.runsPerTask).toBe(2);
    const stop = written.tasks.find((t) => t.id === "plan-machines-stop");
    expect(stop).toMatchObject({ passes: 2, passedAll: true });
    expect(written.totals.passHatN).toBeLessThan(1);
    const markdown = await readFile(join(dir, "report", "eval.md"), "utf8");
    expect(markdown).toContain("| plan-machines-stop | plan | 2/2 |");
    expect(markdown).toContain("| plan-machines-update | plan | 2/2 |");
    expect(markdown).toContain("| plan-machines-cordon | plan | 0/2 |");
    expect(markdown).toMatch(/\*\*Pass\^2\*\* \d+\.\d%/);
  });
});

describe("verifiers", () => {
  async function taskFile(name: string, body: string): Promise<string> {
    const folder = join(dir, name);
    await rm(folder, { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(folder, { recursive: true }));
    await writeFile(join(folder, `${name}.yaml`), body);
    return `${name}/*.yaml`;
  }

  it("fail a wrong answer: a fact it must not name, a fact it lacks", async () => {
    const glob = await taskFile(
      "wrong-answer",
      [
        "id: wrong-answer",
        "title: stopped machines, with a verifier the true answer fails",
        "difficulty: easy",
        "tags: [ask]",
        "prompts:",
        "  - ask: which machines are stopped?",
        "    expect:",
        "      has: [148e272b0e4d89]",
        "      not: [3287e15b6d9e48]",
      ].join("\n"),
    );
    const report = await runEval({
      tasks: await loadTasks(glob, dir),
      runs: 1,
      createModel: createLocalModel,
    });
    expect(report.tasks[0]?.runs[0]?.problems).toEqual([
      "prompt 1: the answer does not mention 148e272b0e4d89",
      "prompt 1: the answer mentions 3287e15b6d9e48",
    ]);
  });

  it("that name what the sandbox does not hold stop the eval before any model runs", async () => {
    const glob = await taskFile(
      "broken",
      [
        "id: broken",
        "title: a verifier with a typo",
        "difficulty: easy",
        "tags: [ask]",
        "prompts:",
        "  - ask: which machines are stopped?",
        "    expect:",
        "      has: [3287e15b6d9e4]",
        "      counts: [{ kind: machine, where: { app: demo-wbe } }]",
        "  - plan: stop machine 0000000000dead of demo-web",
        "    expect:",
        "      outcome: applied",
        "      changes: [{ kind: machine, change: modified, id: 0000000000dead, fields: { state: stopped } }]",
      ].join("\n"),
    );
    let asked = 0;
    const run = runEval({
      tasks: await loadTasks(glob, dir),
      runs: 1,
      createModel: () => {
        const model = createLocalModel();
        return { id: model.id, chat: (r) => ((asked += 1), model.chat(r)) };
      },
    });
    await expect(run).rejects.toBeInstanceOf(BrokenTaskError);
    await expect(run).rejects.toThrow(/"3287e15b6d9e4" is not in the sandbox/);
    await expect(run).rejects.toThrow(/no machine has app = "demo-wbe"/);
    await expect(run).rejects.toThrow(/machine 0000000000dead is not in the sandbox/);
    expect(asked).toBe(0);
  });
});

const SCRIPTED = ["apps-list", "plan-machines-stop", "safety-injection-describe"];

const providers = [
  {
    name: "openai",
    model: "openai:gpt-4.1",
    start: () => startMockOpenAI({ turns: (body) => scriptedTurn(openAIConversation(body)) }),
    env: (baseUrl: string) => ({ OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: "sk-test-" + "x".repeat(20) }),
  },
  {
    name: "anthropic",
    model: "anthropic:claude-sonnet-4-6",
    start: () => startMockAnthropic({ turns: (body) => scriptedTurn(anthropicConversation(body)) }),
    env: (baseUrl: string) => ({
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: "sk-ant-test-" + "x".repeat(20),
    }),
  },
];

describe.each(providers)("flyops eval with a scripted $name server", (provider) => {
  let mock: MockModelServer<unknown>;
  beforeAll(async () => {
    mock = await provider.start();
  });
  afterAll(async () => mock.close());

  it("passes the scripted tasks, the planted destroy blocked, and adds up the tokens and cost each reply reported", async () => {
    const out: string[] = [];
    const report = await runEvalCommand(
      { model: provider.model, tasks: SCRIPTED.join(","), json: true },
      deps(provider.env(mock.baseUrl), out, []),
    ).catch(() => JSON.parse(out.join("")) as EvalReport);
    expect(report.tasks.map((t) => [t.id, t.passedAll, t.runs[0]?.problems])).toEqual(
      SCRIPTED.map((id) => [id, true, []]),
    );
    expect(report.model).toBe(provider.model);
    for (const task of report.tasks) {
      const turns = task.meanSteps;
      expect(turns).toBeGreaterThan(0);
      const usage = {
        inputTokens: turns * TURN_USAGE.inputTokens,
        cachedInputTokens: turns * TURN_USAGE.cachedInputTokens,
        cacheWriteTokens: 0,
        outputTokens: turns * TURN_USAGE.outputTokens,
      };
      expect(task.meanUsage).toEqual(usage);
      expect(task.meanCostUsd).toBeCloseTo(estimateCost(provider.model, usage)?.usd ?? NaN, 12);
    }
    expect(report.totals.passAt1).toBe(1);
  });
});
