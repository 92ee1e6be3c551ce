import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invokeTool } from "../../tools/invoke.js";
import { proposePlanTool } from "../../src/mcp/propose-plan.js";
import { Redactor } from "../../src/security/redact.js";
import { STARTED, sandboxWorld, type SandboxWorld } from "./applier-fixture.js";

/** The MCP front's propose_plan in-process, against the demo sandbox. */

let world: SandboxWorld;
beforeAll(async () => {
  world = await sandboxWorld();
});
afterAll(async () => {
  await world.close();
});

const plans = (): string[] =>
  readdirSync(join(world.dir, "plans"), { withFileTypes: true }).map((e) => e.name);

function stop(request: string) {
  return {
    request,
    summary: "Stop web-iad-1 of demo-web.",
    steps: [{ id: "s1", tool: "machines_stop", reason: "asked for", input: STARTED }],
  };
}

describe("propose_plan of flyops mcp", () => {
  it("takes proposals one at a time: the second starts once the first plan file is written", async () => {
    const started: number[] = [];
    const { tool } = proposePlanTool({
      allowDestructive: false,
      redactor: new Redactor(),
      dir: world.dir,
      // Each proposal reads the clock first: how many plan files exist then shows what ran before it.
      now: () => {
        started.push(safeCount());
        return new Date("2026-12-07T08:00:00Z");
      },
    });
    const results = (await Promise.all([
      invokeTool(world.runtime.ctx, tool, stop("stop web-iad-1 at once")),
      invokeTool(world.runtime.ctx, tool, stop("stop web-iad-1 at once")),
    ])) as Array<{ plan_file: string }>;
    expect(started).toEqual([0, 1]);
    expect(new Set(results.map((r) => r.plan_file)).size).toBe(2);
    expect(results.map((r) => r.plan_file.endsWith("2026-12-07-stop-web-iad-1-at-once.json"))).toContain(
      true,
    );
  });

  it("keeps a secret value typed into the request out of the plan", async () => {
    const { tool } = proposePlanTool({ allowDestructive: false, redactor: new Redactor(), dir: world.dir });
    const secret = "s3cr3t-" + "v".repeat(12);
    const result = (await invokeTool(
      world.runtime.ctx,
      tool,
      stop(`stop web-iad-1, DATABASE_PASSWORD=${secret}`),
    )) as { plan_file: string; withheld?: string };
    expect(result.withheld).toContain("DATABASE_PASSWORD");
    const written = readFileSync(result.plan_file, "utf8");
    expect(written).not.toContain(secret);
    expect(JSON.stringify(result)).not.toContain(secret);
  });
});

function safeCount(): number {
  try {
    return plans().length;
  } catch {
    return 0;
  }
}
