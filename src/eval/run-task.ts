import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ToolContext } from "../../tools/define-tool.js";
import { toolsByAccess } from "../../tools/index.js";
import { runAsk } from "../agent/ask-loop.js";
import type { Exchange } from "../agent/history.js";
import { FlyopsError } from "../errors.js";
import { createFlyClients } from "../fly/create-clients.js";
import { estimateCost } from "../llm/cost.js";
import { LocalModelCannotAnswer } from "../llm/local/index.js";
import { meter } from "../llm/metered.js";
import type { ChatModel, Usage } from "../llm/types.js";
import { silentLogger } from "../logger.js";
import { runApplyPlan } from "../plan/apply/applier.js";
import { MakerError, makePlan } from "../plan/maker/maker.js";
import { withApproval } from "../plan/schema/approval.js";
import { writePlanFile } from "../plan/schema/plan-file.js";
import { SANDBOX_PLACEHOLDER_TOKEN, startSandbox, type Sandbox } from "../sandbox/index.js";
import type { SandboxState } from "../sandbox/types.js";
import { Redactor } from "../security/redact.js";
import { compareChanges, diffStates } from "./sandbox-diff.js";
import { applySetup } from "./setup.js";
import { isAskPrompt, type AskPrompt, type PlanPrompt, type Task } from "./task.js";
import { brokenFacts, checkAnswer } from "./verify.js";

/** One run of one task against a fresh sandbox: what happened, what the verifiers found. */
export interface RunResult {
  passed: boolean;
  /** Why it failed, verifier by verifier; empty when it passed. */
  problems: string[];
  /** Model turns, over every prompt of the task. */
  steps: number;
  toolCalls: number;
  usage: Usage;
  /** Estimated from the price table; undefined for a model it does not list. */
  costUsd: number | undefined;
  ms: number;
}

export class BrokenTaskError extends FlyopsError {}

interface RunContext {
  task: Task;
  sandbox: Sandbox;
  ctx: ToolContext;
  model: ChatModel;
  redactor: Redactor;
  workDir: string;
  history: Exchange[];
  counters: { toolCalls: number };
}

/**
 * The sandbox a task starts from, set up and checked: a verifier naming a fact the sandbox does not
 * hold throws BrokenTaskError before any model is asked anything.
 */
export async function preparedSandbox(task: Task): Promise<Sandbox> {
  const sandbox = await startSandbox({ port: 0, seed: task.setup.seed, rateLimits: false, transitionMs: 0 });
  try {
    await applySetup(sandbox, task.setup.steps);
    const broken = brokenFacts(task, sandbox.store.toState());
    if (broken.length > 0) {
      throw new BrokenTaskError(`task ${task.id} has a broken verifier:\n- ${broken.join("\n- ")}`, {
        hint: "a verifier's ids, names and counts must exist in the sandbox the task starts from (src/sandbox/seed-demo.ts)",
      });
    }
    return sandbox;
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

export async function runTaskOnce(
  task: Task,
  createModel: () => ChatModel,
  signal?: AbortSignal,
): Promise<RunResult> {
  const started = performance.now();
  const sandbox = await preparedSandbox(task);
  const metered = meter(createModel());
  const workDir = await mkdtemp(join(tmpdir(), "flyops-eval-"));
  const fly = createFlyClients({
    restBaseUrl: sandbox.restBaseUrl,
    graphqlUrl: sandbox.graphqlUrl,
    apiBaseUrl: sandbox.apiBaseUrl,
    prometheusUrl: sandbox.prometheusUrl,
    mpgBaseUrl: sandbox.apiBaseUrl,
    token: sandbox.token ?? SANDBOX_PLACEHOLDER_TOKEN,
    log: silentLogger,
  });
  const run: RunContext = {
    task,
    sandbox,
    ctx: { fly, org: task.setup.org, app: task.setup.app, signal, log: silentLogger },
    model: metered.model,
    redactor: new Redactor(),
    workDir,
    history: [],
    counters: { toolCalls: 0 },
  };
  const problems: string[] = [];
  try {
    for (const [n, prompt] of task.prompts.entries()) {
      const found = isAskPrompt(prompt) ? await runAskPrompt(run, prompt) : await runPlanPrompt(run, prompt);
      problems.push(...found.map((p) => `prompt ${n + 1}: ${p}`));
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    problems.push(`error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await sandbox.close();
    await rm(workDir, { recursive: true, force: true });
  }
  const usage = metered.usage();
  return {
    passed: problems.length === 0,
    problems,
    steps: metered.turns(),
    toolCalls: run.counters.toolCalls,
    usage,
    costUsd: estimateCost(metered.model.id, usage)?.usd,
    ms: performance.now() - started,
  };
}

async function runAskPrompt(run: RunContext, prompt: AskPrompt): Promise<string[]> {
  const before = run.sandbox.store.toState();
  let answer: string;
  try {
    const result = await runAsk({
      question: prompt.ask,
      model: run.model,
      ctx: run.ctx,
      tools: toolsByAccess("read"),
      history: run.history,
      redactor: run.redactor,
      onToolCall: () => (run.counters.toolCalls += 1),
    });
    answer = result.answer;
  } catch (error) {
    // The built-in model says what it cannot answer; that is its answer, and the verifier judges it.
    if (!(error instanceof LocalModelCannotAnswer)) throw error;
    answer = `(not answered) ${error.message}`;
  }
  run.history.push({ question: prompt.ask, answer, model: run.model.id });
  const after = run.sandbox.store.toState();
  return [...checkAnswer(answer, prompt.expect, after), ...unchanged(before, after)];
}

/** A question changes nothing: the ask loop has read tools only. Checked anyway, as any change would be a bug. */
function unchanged(before: SandboxState, after: SandboxState): string[] {
  return diffStates(before, after).map(
    (c) => `a question changed the sandbox: ${c.kind} ${c.id} ${c.change}`,
  );
}

type Outcome = "applied" | "refused" | "failed";

async function runPlanPrompt(run: RunContext, prompt: PlanPrompt): Promise<string[]> {
  const before = run.sandbox.store.toState();
  const { outcome, note } = await planApproveApply(run, prompt);
  run.history.push({ question: prompt.plan, answer: `(${outcome}) ${note}`, model: run.model.id });
  const problems: string[] = [];
  if (outcome !== prompt.expect.outcome)
    problems.push(`expected the change to be ${prompt.expect.outcome}, it was ${outcome}: ${note}`);
  const changes = diffStates(before, run.sandbox.store.toState());
  problems.push(...compareChanges(changes, prompt.expect.changes));
  return problems;
}

/** plan → approve → apply, as a person would run them, with every question answered yes. */
async function planApproveApply(
  run: RunContext,
  prompt: PlanPrompt,
): Promise<{ outcome: Outcome; note: string }> {
  let plan;
  try {
    const made = await makePlan({
      request: prompt.plan,
      model: run.model,
      ctx: run.ctx,
      redactor: run.redactor,
      allowDestructive: prompt.allowDestructive,
      onToolCall: () => (run.counters.toolCalls += 1),
    });
    plan = made.plan;
  } catch (error) {
    if (error instanceof MakerError || error instanceof LocalModelCannotAnswer) {
      return { outcome: "refused", note: error.message };
    }
    throw error;
  }
  const planPath = join(run.workDir, `plan-${run.history.length + 1}.json`);
  await writePlanFile(planPath, withApproval(plan, "flyops eval"));
  const report = await runApplyPlan(
    {
      planPath,
      yes: true,
      dryRun: false,
      resume: false,
      allowDestructive: prompt.allowDestructive,
      ignoreDrift: false,
      secretsVia: "rest",
    },
    {
      ctx: run.ctx,
      flyctl: () => {
        throw new FlyopsError("flyops eval runs no flyctl: a plan step that needs it cannot be applied here");
      },
      env: prompt.env,
      cwd: run.workDir,
      redactor: run.redactor,
      progress: () => undefined,
    },
  );
  run.sandbox.settle();
  const note =
    report.message ?? `${report.steps.length} step(s): ${plan.steps.map((s) => s.tool).join(", ")}`;
  if (report.status === "applied") return { outcome: "applied", note };
  return { outcome: report.status === "refused" ? "refused" : "failed", note };
}
