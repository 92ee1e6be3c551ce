import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAsk } from "../../src/agent/ask-loop.js";
import { Redactor } from "../../src/security/redact.js";
import { createFlyClients } from "../../src/fly/create-clients.js";
import { createLocalModel } from "../../src/llm/local/index.js";
import { silentLogger } from "../../src/logger.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { toolsByAccess } from "../../tools/index.js";
import { virtualLimiter } from "../support/virtual-time.js";

/**
 * The local model's counting answers on a fleet far larger than one view page, through the real
 * ask loop and catalog against the sandbox over HTTP; the expected figures come from its store.
 */

let sandbox: Sandbox;
let ctx: ToolContext;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 120, rateLimits: false });
  const fly = createFlyClients({
    restBaseUrl: sandbox.restBaseUrl,
    mpgBaseUrl: sandbox.restBaseUrl,
    graphqlUrl: sandbox.graphqlUrl,
    token: sandbox.env.FLY_API_TOKEN ?? "",
    limiter: virtualLimiter(),
  });
  ctx = { fly, org: undefined, app: undefined, signal: undefined, log: silentLogger };
});

afterAll(async () => {
  await sandbox.close();
});

function live() {
  return sandbox.store.machines().filter((m) => m.state !== "destroyed");
}

function tally<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

async function ask(question: string) {
  const calls: string[] = [];
  const result = await runAsk({
    question,
    model: createLocalModel(),
    ctx,
    tools: toolsByAccess("read"),
    redactor: new Redactor(),
    onToolCall: (record) => calls.push(record.tool),
  });
  return { answer: result.answer, calls };
}

/** "- iad: 12 (…)" lines of an answer as group → count. */
function answered(answer: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of answer.matchAll(/^- (\S+): (\d+)/gm)) out.set(m[1] ?? "", Number(m[2]));
  return out;
}

describe("local model counts against a large sandbox fleet", () => {
  it("has more machines than a view shows", () => {
    expect(live().length).toBeGreaterThan(200);
  });

  it("counts machines per region in one count call, matching the store", async () => {
    const { answer, calls } = await ask("how many machines per region?");
    expect(calls).toEqual(["apps_list", "org_machines_list"]);
    expect(answered(answer)).toEqual(tally(live(), (m) => m.region));
    expect(answer.split("\n")[0]).toBe(
      `${live().length} machines in ${tally(live(), (m) => m.region).size} regions:`,
    );
  });

  it("counts stopped machines per app, matching the store", async () => {
    const stopped = live().filter((m) => m.state === "stopped");
    const { answer, calls } = await ask("how many stopped machines does each app have?");
    expect(calls).toEqual(["apps_list", "org_machines_list"]);
    expect(answered(answer)).toEqual(tally(stopped, (m) => m.app));
    expect(answer.split("\n")[0]).toMatch(new RegExp(`^${stopped.length} stopped machines in \\d+ apps:`));
  });
});
